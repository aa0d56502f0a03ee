/**
 * Small SVG charts for the run folder and the evaluation report: line charts
 * (training curves) and a confusion-matrix heatmap. Rendered to PNG with
 * @tensorkit/data's svgToPng; text uses DejaVu Sans, the font the machine has.
 */

const FONT = 'DejaVu Sans, Arial, sans-serif';

export function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export interface Series {
  name: string;
  color: string;
  points: [number, number][];
}

export interface PanelOptions {
  x: number;
  y: number;
  width: number;
  height: number;
  title: string;
  xLabel: string;
  series: Series[];
  /** Formats y tick labels. */
  yFormat?: (v: number) => string;
  /** Force the y range (otherwise padded data range). */
  yRange?: [number, number];
}

/** "Nice" tick step for a range split into about n parts. */
function niceStep(span: number, n: number): number {
  const raw = span / Math.max(1, n);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const f = raw / mag;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
}

/** One line-chart panel as an SVG group. */
export function linePanel(o: PanelOptions): string {
  const left = 62;
  const right = 12;
  const top = 30;
  const bottom = 42;
  const pw = o.width - left - right;
  const ph = o.height - top - bottom;
  const all = o.series.flatMap((s) => s.points);
  const xs = all.map((p) => p[0]);
  const ys = all.map((p) => p[1]).filter(Number.isFinite);
  const xMin = xs.length ? Math.min(...xs) : 0;
  const xMax = xs.length ? Math.max(...xs) : 1;
  let [yMin, yMax] = o.yRange ?? [ys.length ? Math.min(...ys) : 0, ys.length ? Math.max(...ys) : 1];
  if (!o.yRange) {
    const pad = (yMax - yMin) * 0.08 || Math.abs(yMax) * 0.05 || 0.5;
    yMin -= pad;
    yMax += pad;
  }
  const xSpan = xMax - xMin || 1;
  const sx = (v: number) => left + ((v - xMin) / xSpan) * pw;
  const sy = (v: number) => top + ph - ((v - yMin) / (yMax - yMin)) * ph;
  const fmt = o.yFormat ?? ((v: number) => String(Number(v.toPrecision(3))));
  const parts: string[] = [`<g transform="translate(${o.x},${o.y})">`];
  parts.push(`<rect x="${left}" y="${top}" width="${pw}" height="${ph}" fill="#fafafa" stroke="#888"/>`);
  parts.push(`<text x="${left}" y="18" font-size="14" font-weight="bold">${escapeXml(o.title)}</text>`);
  const yStep = niceStep(yMax - yMin, 5);
  for (let v = Math.ceil(yMin / yStep) * yStep; v <= yMax + 1e-12; v += yStep) {
    const y = sy(v).toFixed(1);
    parts.push(`<line x1="${left}" x2="${left + pw}" y1="${y}" y2="${y}" stroke="#ddd"/>`);
    parts.push(`<text x="${left - 6}" y="${y}" font-size="11" text-anchor="end" dominant-baseline="middle">${escapeXml(fmt(v))}</text>`);
  }
  const xStep = Math.max(1, niceStep(xSpan, 8));
  for (let v = Math.ceil(xMin / xStep) * xStep; v <= xMax + 1e-12; v += xStep) {
    const x = sx(v).toFixed(1);
    parts.push(`<line x1="${x}" x2="${x}" y1="${top + ph}" y2="${top + ph + 4}" stroke="#888"/>`);
    parts.push(`<text x="${x}" y="${top + ph + 16}" font-size="11" text-anchor="middle">${Number(v.toPrecision(4))}</text>`);
  }
  parts.push(`<text x="${left + pw / 2}" y="${o.height - 6}" font-size="12" text-anchor="middle">${escapeXml(o.xLabel)}</text>`);
  o.series.forEach((s, i) => {
    const pts = s.points.filter((p) => Number.isFinite(p[1]));
    if (pts.length > 1) {
      parts.push(`<polyline fill="none" stroke="${s.color}" stroke-width="2" points="${pts.map((p) => `${sx(p[0]).toFixed(1)},${sy(p[1]).toFixed(1)}`).join(' ')}"/>`);
    }
    for (const p of pts) parts.push(`<circle cx="${sx(p[0]).toFixed(1)}" cy="${sy(p[1]).toFixed(1)}" r="3" fill="${s.color}"/>`);
    // Legend in the header row, right-aligned, so it never covers the curves.
    const lx = left + pw - (o.series.length - i) * 95;
    parts.push(`<line x1="${lx}" x2="${lx + 20}" y1="14" y2="14" stroke="${s.color}" stroke-width="3"/>`);
    parts.push(`<text x="${lx + 26}" y="14" font-size="11" dominant-baseline="middle">${escapeXml(s.name)}</text>`);
  });
  parts.push('</g>');
  return parts.join('');
}

export function svgDocument(width: number, height: number, body: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${FONT}">`
    + `<rect width="100%" height="100%" fill="white"/>${body}</svg>`;
}

export interface CurvePoint {
  epoch: number;
  loss: number;
  val_loss: number;
  accuracy: number;
  val_accuracy: number;
}

export const CURVE_SIZE = { width: 960, height: 380 };

/** Loss (train and validation) and accuracy vs epoch, side by side. */
export function trainingCurveSvg(history: readonly CurvePoint[]): string {
  const { width, height } = CURVE_SIZE;
  const half = width / 2;
  const loss = linePanel({
    x: 0, y: 0, width: half, height, title: 'loss', xLabel: 'epoch',
    series: [
      { name: 'train', color: '#1f77b4', points: history.map((h) => [h.epoch, h.loss]) },
      { name: 'validation', color: '#d62728', points: history.map((h) => [h.epoch, h.val_loss]) },
    ],
  });
  const acc = linePanel({
    x: half, y: 0, width: half, height, title: 'accuracy (%)', xLabel: 'epoch', yFormat: (v) => v.toFixed(2),
    series: [
      { name: 'train', color: '#1f77b4', points: history.map((h) => [h.epoch, 100 * h.accuracy]) },
      { name: 'validation', color: '#d62728', points: history.map((h) => [h.epoch, 100 * h.val_accuracy]) },
    ],
  });
  return svgDocument(width, height, loss + acc);
}

/** Colour for a share in [0, 1]: white → blue for the diagonal, white → red for errors. */
function cellColor(share: number, diagonal: boolean): string {
  const t = Math.sqrt(Math.min(1, Math.max(0, share)));
  const [r, g, b] = diagonal ? [33, 102, 172] : [203, 24, 29];
  const mix = (c: number) => Math.round(255 + (c - 255) * t);
  return `rgb(${mix(r)},${mix(g)},${mix(b)})`;
}

export const HEATMAP_CELL = 44;

/** Confusion matrix heatmap: rows true, columns predicted, shaded by the row share. */
export function confusionHeatmapSvg(confusion: number[][], labels: readonly string[]): string {
  const k = labels.length;
  const cell = HEATMAP_CELL;
  const left = 70;
  const top = 60;
  const width = left + k * cell + 20;
  const height = top + k * cell + 20;
  const parts: string[] = [];
  parts.push(`<text x="${left + (k * cell) / 2}" y="20" font-size="14" font-weight="bold" text-anchor="middle">predicted</text>`);
  parts.push(`<text x="16" y="${top + (k * cell) / 2}" font-size="14" font-weight="bold" text-anchor="middle" transform="rotate(-90 16 ${top + (k * cell) / 2})">true</text>`);
  for (let j = 0; j < k; j++) {
    parts.push(`<text x="${left + j * cell + cell / 2}" y="${top - 10}" font-size="13" text-anchor="middle">${escapeXml(labels[j])}</text>`);
  }
  for (let i = 0; i < k; i++) {
    const rowSum = confusion[i].reduce((a, b) => a + b, 0) || 1;
    parts.push(`<text x="${left - 10}" y="${top + i * cell + cell / 2}" font-size="13" text-anchor="end" dominant-baseline="middle">${escapeXml(labels[i])}</text>`);
    for (let j = 0; j < k; j++) {
      const v = confusion[i][j];
      const share = v / rowSum;
      // Errors are rare: stretch their colour scale so single mistakes show.
      const fill = v === 0 ? '#ffffff' : cellColor(i === j ? share : Math.min(1, share * 20), i === j);
      const x = left + j * cell;
      const y = top + i * cell;
      parts.push(`<rect x="${x}" y="${y}" width="${cell}" height="${cell}" fill="${fill}" stroke="#bbb"/>`);
      if (v > 0) {
        const dark = i === j ? share > 0.5 : share * 20 > 0.6;
        parts.push(`<text x="${x + cell / 2}" y="${y + cell / 2}" font-size="${v >= 1000 ? 10 : 12}" text-anchor="middle" dominant-baseline="middle" fill="${dark ? 'white' : 'black'}">${v}</text>`);
      }
    }
  }
  return svgDocument(width, height, parts.join(''));
}
