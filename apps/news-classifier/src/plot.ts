/**
 * SVG charts for the run folder and the evaluation report (rendered to PNG by
 * @tensorkit/data's svgToPng): the training curve and a confusion heatmap
 * whose labels may be long (20 Newsgroups' "comp.os.ms-windows.misc").
 */

const FONT = 'DejaVu Sans, Arial, sans-serif';

export function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

export function svgDocument(width: number, height: number, body: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${FONT}">` +
    `<rect width="100%" height="100%" fill="white"/>${body}</svg>`;
}

interface Series {
  name: string;
  color: string;
  points: [number, number][];
}

function niceStep(span: number, n: number): number {
  const raw = span / Math.max(1, n);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const f = raw / mag;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
}

function linePanel(x0: number, y0: number, width: number, height: number, title: string, series: Series[], yFmt: (v: number) => string): string {
  const left = 62;
  const right = 12;
  const top = 30;
  const bottom = 42;
  const pw = width - left - right;
  const ph = height - top - bottom;
  const pts = series.flatMap((s) => s.points).filter((p) => Number.isFinite(p[1]));
  const xMin = pts.length ? Math.min(...pts.map((p) => p[0])) : 0;
  const xMax = pts.length ? Math.max(...pts.map((p) => p[0])) : 1;
  let yMin = pts.length ? Math.min(...pts.map((p) => p[1])) : 0;
  let yMax = pts.length ? Math.max(...pts.map((p) => p[1])) : 1;
  const pad = (yMax - yMin) * 0.08 || Math.abs(yMax) * 0.05 || 0.5;
  yMin -= pad;
  yMax += pad;
  const xSpan = xMax - xMin || 1;
  const sx = (v: number) => left + ((v - xMin) / xSpan) * pw;
  const sy = (v: number) => top + ph - ((v - yMin) / (yMax - yMin)) * ph;
  const out: string[] = [`<g transform="translate(${x0},${y0})">`];
  out.push(`<rect x="${left}" y="${top}" width="${pw}" height="${ph}" fill="#fafafa" stroke="#888"/>`);
  out.push(`<text x="${left + pw / 2}" y="18" font-size="14" font-weight="bold" text-anchor="middle">${escapeXml(title)}</text>`);
  const yStep = niceStep(yMax - yMin, 5);
  for (let v = Math.ceil(yMin / yStep) * yStep; v <= yMax + 1e-12; v += yStep) {
    const y = sy(v).toFixed(1);
    out.push(`<line x1="${left}" x2="${left + pw}" y1="${y}" y2="${y}" stroke="#ddd"/>`);
    out.push(`<text x="${left - 6}" y="${y}" font-size="11" text-anchor="end" dominant-baseline="middle">${escapeXml(yFmt(v))}</text>`);
  }
  const xStep = Math.max(1, niceStep(xSpan, 8));
  for (let v = Math.ceil(xMin / xStep) * xStep; v <= xMax + 1e-12; v += xStep) {
    const x = sx(v).toFixed(1);
    out.push(`<line x1="${x}" x2="${x}" y1="${top + ph}" y2="${top + ph + 4}" stroke="#888"/>`);
    out.push(`<text x="${x}" y="${top + ph + 16}" font-size="11" text-anchor="middle">${Number(v.toPrecision(4))}</text>`);
  }
  out.push(`<text x="${left + pw / 2}" y="${height - 6}" font-size="12" text-anchor="middle">epoch</text>`);
  series.forEach((s, i) => {
    const p = s.points.filter((q) => Number.isFinite(q[1]));
    if (p.length > 1) out.push(`<polyline fill="none" stroke="${s.color}" stroke-width="2" points="${p.map((q) => `${sx(q[0]).toFixed(1)},${sy(q[1]).toFixed(1)}`).join(' ')}"/>`);
    for (const q of p) out.push(`<circle cx="${sx(q[0]).toFixed(1)}" cy="${sy(q[1]).toFixed(1)}" r="3" fill="${s.color}"/>`);
    const ly = top + 14 + i * 16;
    out.push(`<line x1="${left + pw - 120}" x2="${left + pw - 100}" y1="${ly}" y2="${ly}" stroke="${s.color}" stroke-width="3"/>`);
    out.push(`<text x="${left + pw - 94}" y="${ly}" font-size="11" dominant-baseline="middle">${escapeXml(s.name)}</text>`);
  });
  out.push('</g>');
  return out.join('');
}

export interface CurvePoint {
  epoch: number;
  loss: number;
  val_loss: number;
  accuracy: number;
  val_accuracy: number;
}

export const CURVE_SIZE = { width: 960, height: 380 };

/** Loss and accuracy (train and validation) vs epoch, side by side. */
export function trainingCurveSvg(history: readonly CurvePoint[]): string {
  const { width, height } = CURVE_SIZE;
  const half = width / 2;
  const loss = linePanel(0, 0, half, height, 'cross-entropy loss', [
    { name: 'train', color: '#1f77b4', points: history.map((h) => [h.epoch, h.loss]) },
    { name: 'validation', color: '#d62728', points: history.map((h) => [h.epoch, h.val_loss]) },
  ], (v) => String(Number(v.toPrecision(3))));
  const acc = linePanel(half, 0, half, height, 'accuracy (%)', [
    { name: 'train', color: '#1f77b4', points: history.map((h) => [h.epoch, 100 * h.accuracy]) },
    { name: 'validation', color: '#d62728', points: history.map((h) => [h.epoch, 100 * h.val_accuracy]) },
  ], (v) => v.toFixed(1));
  return svgDocument(width, height, loss + acc);
}

function cellColor(share: number, diagonal: boolean): string {
  const t = Math.sqrt(Math.min(1, Math.max(0, share)));
  const [r, g, b] = diagonal ? [33, 102, 172] : [203, 24, 29];
  const mix = (c: number) => Math.round(255 + (c - 255) * t);
  return `rgb(${mix(r)},${mix(g)},${mix(b)})`;
}

/** Confusion heatmap: rows true, columns predicted; errors on a stretched red scale so single mistakes show. */
export function confusionHeatmapSvg(confusion: number[][], labels: readonly string[]): { svg: string; width: number; height: number } {
  const k = labels.length;
  const cell = k > 10 ? 32 : 48;
  const longest = Math.max(...labels.map((l) => l.length));
  const margin = Math.min(220, 30 + longest * 7.2);
  const left = margin + 24;
  const top = margin + 24;
  const width = left + k * cell + 20;
  const height = top + k * cell + 20;
  const out: string[] = [];
  out.push(`<text x="${left + (k * cell) / 2}" y="16" font-size="14" font-weight="bold" text-anchor="middle">predicted</text>`);
  out.push(`<text x="16" y="${top + (k * cell) / 2}" font-size="14" font-weight="bold" text-anchor="middle" transform="rotate(-90 16 ${top + (k * cell) / 2})">true</text>`);
  for (let j = 0; j < k; j++) {
    const x = left + j * cell + cell / 2;
    out.push(`<text x="${x}" y="${top - 8}" font-size="12" text-anchor="start" transform="rotate(-60 ${x} ${top - 8})">${escapeXml(labels[j])}</text>`);
  }
  for (let i = 0; i < k; i++) {
    const rowSum = confusion[i].reduce((a, b) => a + b, 0) || 1;
    out.push(`<text x="${left - 8}" y="${top + i * cell + cell / 2}" font-size="12" text-anchor="end" dominant-baseline="middle">${escapeXml(labels[i])}</text>`);
    for (let j = 0; j < k; j++) {
      const v = confusion[i][j];
      const share = v / rowSum;
      const s = i === j ? share : Math.min(1, share * 10);
      const fill = v === 0 ? '#ffffff' : cellColor(s, i === j);
      const x = left + j * cell;
      const y = top + i * cell;
      out.push(`<rect x="${x}" y="${y}" width="${cell}" height="${cell}" fill="${fill}" stroke="#bbb"/>`);
      if (v > 0) {
        out.push(`<text x="${x + cell / 2}" y="${y + cell / 2}" font-size="${v >= 1000 || cell < 40 ? 10 : 12}" text-anchor="middle" dominant-baseline="middle" fill="${s > 0.5 ? 'white' : 'black'}">${v}</text>`);
      }
    }
  }
  return { svg: svgDocument(width, height, out.join('')), width, height };
}
