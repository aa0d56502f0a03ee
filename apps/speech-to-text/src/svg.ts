/** Tiny SVG helpers for the charts and the explain figure (rendered to PNG by the data package). */

export function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export interface Series {
  name: string;
  color: string;
  points: [number, number][];
}

export const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b'];

function niceTicks(lo: number, hi: number, n = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / n;
  const mag = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + 1e-9; v += step) out.push(Number(v.toPrecision(6)));
  return out;
}

function fmtTick(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  return a >= 100 ? v.toFixed(0) : a >= 1 ? String(Number(v.toFixed(2))) : String(Number(v.toPrecision(2)));
}

/** A line chart panel at (x, y) of size w×h; returns SVG elements. */
export function lineChart(x: number, y: number, w: number, h: number, title: string, series: Series[], opts: { yLabel?: string; xLabel?: string; yMin?: number } = {}): string {
  const pts = series.flatMap((s) => s.points).filter(([, v]) => Number.isFinite(v));
  const padL = 56, padR = 12, padT = 26, padB = 36;
  const pw = w - padL - padR, ph = h - padT - padB;
  let x0 = Math.min(...pts.map((p) => p[0])), x1 = Math.max(...pts.map((p) => p[0]));
  let y0 = opts.yMin ?? Math.min(...pts.map((p) => p[1])), y1 = Math.max(...pts.map((p) => p[1]));
  if (!pts.length) { x0 = 0; x1 = 1; y0 = 0; y1 = 1; }
  if (x1 === x0) x1 = x0 + 1;
  if (y1 === y0) y1 = y0 + 1;
  y1 += (y1 - y0) * 0.05;
  const sx = (v: number) => x + padL + ((v - x0) / (x1 - x0)) * pw;
  const sy = (v: number) => y + padT + ph - ((v - y0) / (y1 - y0)) * ph;
  const parts: string[] = [];
  parts.push(`<rect x="${x}" y="${y}" width="${w}" height="${h}" fill="#ffffff"/>`);
  parts.push(`<text x="${x + padL}" y="${y + 17}" font-size="14" font-weight="bold">${esc(title)}</text>`);
  for (const t of niceTicks(y0, y1)) {
    parts.push(`<line x1="${x + padL}" x2="${x + padL + pw}" y1="${sy(t)}" y2="${sy(t)}" stroke="#e5e5e5"/>`);
    parts.push(`<text x="${x + padL - 6}" y="${sy(t) + 4}" font-size="11" text-anchor="end">${fmtTick(t)}</text>`);
  }
  for (const t of niceTicks(x0, x1, Math.min(8, Math.max(1, Math.round(x1 - x0))))) {
    parts.push(`<text x="${sx(t)}" y="${y + padT + ph + 15}" font-size="11" text-anchor="middle">${fmtTick(t)}</text>`);
  }
  parts.push(`<rect x="${x + padL}" y="${y + padT}" width="${pw}" height="${ph}" fill="none" stroke="#444"/>`);
  if (opts.xLabel) parts.push(`<text x="${x + padL + pw / 2}" y="${y + h - 4}" font-size="12" text-anchor="middle">${esc(opts.xLabel)}</text>`);
  if (opts.yLabel) parts.push(`<text transform="translate(${x + 13},${y + padT + ph / 2}) rotate(-90)" font-size="12" text-anchor="middle">${esc(opts.yLabel)}</text>`);
  series.forEach((s, i) => {
    const p = s.points.filter(([, v]) => Number.isFinite(v));
    if (p.length) {
      parts.push(`<polyline fill="none" stroke="${s.color}" stroke-width="2" points="${p.map(([a, b]) => `${sx(a).toFixed(1)},${sy(b).toFixed(1)}`).join(' ')}"/>`);
      for (const [a, b] of p) parts.push(`<circle cx="${sx(a).toFixed(1)}" cy="${sy(b).toFixed(1)}" r="2.5" fill="${s.color}"/>`);
    }
    parts.push(`<rect x="${x + padL + pw - 150}" y="${y + padT + 8 + i * 16}" width="10" height="10" fill="${s.color}"/>`);
    parts.push(`<text x="${x + padL + pw - 135}" y="${y + padT + 17 + i * 16}" font-size="11">${esc(s.name)}</text>`);
  });
  return parts.join('\n');
}

export function svgDocument(width: number, height: number, body: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="DejaVu Sans, sans-serif">\n<rect width="100%" height="100%" fill="#ffffff"/>\n${body}\n</svg>`;
}
