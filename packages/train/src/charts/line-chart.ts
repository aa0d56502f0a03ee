/** A line-chart panel (training curves and similar x–y series) as an SVG group. */
import { escapeXml } from './svg.js';

export interface Series {
  name: string;
  color: string;
  /** [x, y] pairs; non-finite y values (e.g. no validation yet) are skipped. */
  points: [number, number][];
}

export interface LinePanelOptions {
  /** Top-left corner of the panel inside the document. */
  x: number;
  y: number;
  width: number;
  height: number;
  title: string;
  xLabel?: string;
  yLabel?: string;
  series: readonly Series[];
  /** Formats y tick labels (default: 3 significant digits). */
  yFormat?: (v: number) => string;
  /** Fixes the y range instead of the padded data range. */
  yRange?: [number, number];
  /** Fixes only the bottom of the y range (e.g. 0 for error rates). */
  yMin?: number;
}

/** "Nice" tick step (1, 2 or 5 × 10^k) for a span split into about n parts. */
export function niceStep(span: number, n: number): number {
  const raw = (span > 0 ? span : 1) / Math.max(1, n);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const f = raw / mag;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
}

const MARGIN = { left: 62, right: 12, top: 30, bottom: 42 };

/** True when hi − lo is within rounding error of the values (70 vs 70.00000000000001). */
function isFlat(lo: number, hi: number): boolean {
  return !(hi - lo > Math.max(Math.abs(lo), Math.abs(hi)) * 1e-9);
}

function yBounds(o: LinePanelOptions, ys: number[]): [number, number] {
  if (o.yRange) {
    const [lo, hi] = o.yRange;
    if (!(Number.isFinite(lo) && Number.isFinite(hi) && lo < hi)) throw new Error(`linePanel: yRange must be [low, high], two finite numbers with low < high, got [${o.yRange.join(', ')}]`);
    // A range finer than its values' precision is drawn as flat data would be.
    if (!isFlat(lo, hi)) return [lo, hi];
    ys = [lo, hi];
  }
  let lo = ys.length ? Math.min(...ys) : 0;
  let hi = ys.length ? Math.max(...ys) : 1;
  const spread = isFlat(lo, hi) ? 0 : hi - lo;
  const pad = spread * 0.08 || Math.abs(hi) * 0.05 || 0.5;
  lo = o.yMin ?? lo - pad;
  hi += pad;
  return [lo, hi > lo ? hi : lo + 1];
}

/**
 * Multiples of `step` from min to max (plus `slack` for rounding). Counted, not accumulated: a step
 * below the values' precision (epoch 1e17 + 1) would never advance `v += step`; at most 100 ticks.
 */
function ticks(min: number, max: number, step: number, slack: number): number[] {
  const first = Math.ceil(min / step);
  const out: number[] = [];
  for (let i = 0; i < 100; i++) {
    const v = (first + i) * step;
    if (v > max + slack) break;
    if (out[out.length - 1] !== v) out.push(v);
  }
  return out;
}

export function linePanel(o: LinePanelOptions): string {
  const { left, right, top, bottom } = MARGIN;
  const pw = o.width - left - right;
  const ph = o.height - top - bottom;
  const all = o.series.flatMap((s) => s.points).filter((p) => Number.isFinite(p[1]));
  const xs = all.map((p) => p[0]);
  const xMin = xs.length ? Math.min(...xs) : 0;
  const xMax = xs.length ? Math.max(...xs) : 1;
  const [yMin, yMax] = yBounds(o, all.map((p) => p[1]));
  const xSpan = xMax - xMin || 1;
  const sx = (v: number) => left + ((v - xMin) / xSpan) * pw;
  const sy = (v: number) => top + ph - ((v - yMin) / (yMax - yMin)) * ph;
  const fmt = o.yFormat ?? ((v: number) => String(Number(v.toPrecision(3))));
  const parts: string[] = [`<g transform="translate(${o.x},${o.y})">`];
  parts.push(`<rect x="${left}" y="${top}" width="${pw}" height="${ph}" fill="#fafafa" stroke="#888"/>`);
  parts.push(`<text x="${left}" y="18" font-size="14" font-weight="bold">${escapeXml(o.title)}</text>`);
  const yStep = niceStep(yMax - yMin, 5);
  // The rounding allowance scales with the step: a fixed 1e-12 would add ticks far past the top
  // for values like 1e-20.
  for (const v of ticks(yMin, yMax, yStep, yStep * 1e-6)) {
    const y = sy(v).toFixed(1);
    parts.push(`<line x1="${left}" x2="${left + pw}" y1="${y}" y2="${y}" stroke="#ddd"/>`);
    parts.push(`<text x="${left - 6}" y="${y}" font-size="11" text-anchor="end" dominant-baseline="middle">${escapeXml(fmt(v))}</text>`);
  }
  // Epochs are integers: never put ticks between them.
  const xStep = Math.max(1, niceStep(xSpan, 8));
  for (const v of ticks(xMin, xMax, xStep, 1e-12)) {
    const x = sx(v).toFixed(1);
    parts.push(`<line x1="${x}" x2="${x}" y1="${top + ph}" y2="${top + ph + 4}" stroke="#888"/>`);
    parts.push(`<text x="${x}" y="${top + ph + 16}" font-size="11" text-anchor="middle">${Number(v.toPrecision(4))}</text>`);
  }
  if (o.xLabel) parts.push(`<text x="${left + pw / 2}" y="${o.height - 6}" font-size="12" text-anchor="middle">${escapeXml(o.xLabel)}</text>`);
  if (o.yLabel) parts.push(`<text transform="translate(13,${top + ph / 2}) rotate(-90)" font-size="12" text-anchor="middle">${escapeXml(o.yLabel)}</text>`);
  o.series.forEach((s, i) => {
    const pts = s.points.filter((p) => Number.isFinite(p[1]));
    if (pts.length > 1) {
      parts.push(`<polyline fill="none" stroke="${s.color}" stroke-width="2" points="${pts.map((p) => `${sx(p[0]).toFixed(1)},${sy(p[1]).toFixed(1)}`).join(' ')}"/>`);
    }
    for (const p of pts) parts.push(`<circle cx="${sx(p[0]).toFixed(1)}" cy="${sy(p[1]).toFixed(1)}" r="3" fill="${s.color}"/>`);
    // Legend stacked in the top-right corner of the plot area.
    const ly = top + 14 + i * 16;
    const lx = left + pw - 8 - Math.max(60, 7 * Math.max(...o.series.map((q) => q.name.length))) - 26;
    parts.push(`<line x1="${lx}" x2="${lx + 20}" y1="${ly}" y2="${ly}" stroke="${s.color}" stroke-width="3"/>`);
    parts.push(`<text x="${lx + 26}" y="${ly}" font-size="11" dominant-baseline="middle">${escapeXml(s.name)}</text>`);
  });
  parts.push('</g>');
  return parts.join('');
}
