/**
 * Confusion-matrix heatmap: rows are the truth, columns the prediction, each cell shaded by its
 * share of the row and labelled with its count. Errors use a stretched red scale so a single
 * mistake among thousands still shows; labels may be long ("comp.os.ms-windows.misc"), so the
 * margins grow with them and long column labels are slanted.
 */
import { escapeXml, svgDocument } from './svg.js';

export interface HeatmapOptions {
  /** Column labels when they differ from the rows (e.g. a hypothesis vocabulary with a deletion column). */
  colLabels?: readonly string[];
  rowTitle?: string;
  colTitle?: string;
  /** How much the error colour scale is stretched (a share of 1/stretch is full red). */
  errorStretch?: number;
}

export interface Heatmap {
  svg: string;
  width: number;
  height: number;
}

function cellColor(share: number, diagonal: boolean): string {
  const t = Math.sqrt(Math.min(1, Math.max(0, share)));
  const [r, g, b] = diagonal ? [33, 102, 172] : [203, 24, 29];
  const mix = (c: number) => Math.round(255 + (c - 255) * t);
  return `rgb(${mix(r)},${mix(g)},${mix(b)})`;
}

const CHAR_WIDTH = 7.2;

export function confusionHeatmapSvg(counts: readonly (readonly number[])[], rowLabels: readonly string[], opts: HeatmapOptions = {}): Heatmap {
  const colLabels = opts.colLabels ?? rowLabels;
  const stretch = opts.errorStretch ?? 20;
  const rows = rowLabels.length;
  const cols = colLabels.length;
  const cell = Math.max(rows, cols) > 10 ? 32 : 44;
  const longestRow = Math.max(1, ...rowLabels.map((l) => l.length));
  const longestCol = Math.max(1, ...colLabels.map((l) => l.length));
  const slanted = longestCol * CHAR_WIDTH > cell - 4;
  const left = 40 + Math.min(220, 12 + longestRow * CHAR_WIDTH);
  const top = 36 + (slanted ? Math.min(200, 12 + longestCol * CHAR_WIDTH * 0.87) : 22);
  const width = Math.round(left + cols * cell + (slanted ? 60 : 20));
  const height = Math.round(top + rows * cell + 20);
  const out: string[] = [];
  const colTitle = opts.colTitle ?? 'predicted';
  const rowTitle = opts.rowTitle ?? 'true';
  out.push(`<text x="${left + (cols * cell) / 2}" y="18" font-size="14" font-weight="bold" text-anchor="middle">${escapeXml(colTitle)}</text>`);
  out.push(`<text x="16" y="${top + (rows * cell) / 2}" font-size="14" font-weight="bold" text-anchor="middle" transform="rotate(-90 16 ${top + (rows * cell) / 2})">${escapeXml(rowTitle)}</text>`);
  colLabels.forEach((label, j) => {
    const x = left + j * cell + cell / 2;
    out.push(slanted
      ? `<text x="${x}" y="${top - 8}" font-size="12" text-anchor="start" transform="rotate(-60 ${x} ${top - 8})">${escapeXml(label)}</text>`
      : `<text x="${x}" y="${top - 10}" font-size="13" text-anchor="middle">${escapeXml(label)}</text>`);
  });
  for (let i = 0; i < rows; i++) {
    const row = counts[i] ?? [];
    const rowSum = row.reduce((a, b) => a + b, 0) || 1;
    out.push(`<text x="${left - 8}" y="${top + i * cell + cell / 2}" font-size="12" text-anchor="end" dominant-baseline="middle">${escapeXml(rowLabels[i])}</text>`);
    for (let j = 0; j < cols; j++) {
      const v = row[j] ?? 0;
      const diagonal = i === j && rowLabels[i] === colLabels[j];
      const shade = diagonal ? v / rowSum : Math.min(1, (v / rowSum) * stretch);
      const x = left + j * cell;
      const y = top + i * cell;
      out.push(`<rect x="${x}" y="${y}" width="${cell}" height="${cell}" fill="${v === 0 ? '#ffffff' : cellColor(shade, diagonal)}" stroke="#bbb"/>`);
      if (v > 0) {
        out.push(`<text x="${x + cell / 2}" y="${y + cell / 2}" font-size="${v >= 1000 || cell < 40 ? 10 : 12}" text-anchor="middle" dominant-baseline="middle" fill="${shade > 0.5 ? 'white' : 'black'}">${v}</text>`);
      }
    }
  }
  return { svg: svgDocument(width, height, out.join('')), width, height };
}
