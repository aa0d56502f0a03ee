import { checkNumber, checkOptionKeys, type OptionKeys, UNIT } from '../options.js';
import type { Components } from './components.js';

export interface SeparateDigitsOptions {
  /** Ink level (contrast-stretched, in [0, 1]) above which a pixel belongs to the mask used for this count. Default 0.25. */
  inkLevel?: number;
  /** A blob counts as digit-sized when its area is at least this fraction of the largest blob's. Default 0.2. */
  minAreaFraction?: number;
  /** …and its height at least this fraction of the tallest digit-sized blob's. Default 0.5. */
  minHeightFraction?: number;
  /**
   * Two digit-sized blobs stand side by side when their horizontal extents overlap by at most
   * this fraction of the narrower one's width (slanted handwriting overlaps a little). Default 0.25.
   */
  maxOverlap?: number;
}

interface Extent {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
}

/**
 * How many digit-sized blobs of ink stand side by side: the 8-connected components of the
 * binarised ink mask (`connectedComponents`) that have a substantial share of the ink and a
 * comparable height are grouped into columns by their horizontal extents; the number of
 * columns is returned (0 for no ink, 1 for a normal single digit). Short blobs — the detached
 * top bar of a "5", an underline, specks — and blobs stacked above one another do not add a
 * column. Digits that touch form one blob and are counted as one. One pass over the labels
 * plus a sort of the few kept blobs; deterministic.
 */
const SEPARATE_KEYS: OptionKeys<SeparateDigitsOptions> = { inkLevel: true, minAreaFraction: true, minHeightFraction: true, maxOverlap: true };

/** Every threshold is a fraction: NaN failed every comparison and counted no digit at all. */
export function checkSeparateDigitsOptions(fn: string, options: SeparateDigitsOptions | undefined): void {
  checkOptionKeys(fn, options, SEPARATE_KEYS, 'separateDigits option');
  if (options === undefined) return;
  for (const k of Object.keys(SEPARATE_KEYS) as (keyof SeparateDigitsOptions)[]) {
    if (options[k] !== undefined) checkNumber(fn, `separateDigits.${k}`, options[k], UNIT);
  }
}

export function countSeparateDigits(components: Components, width: number, height: number, options: SeparateDigitsOptions = {}): number {
  checkSeparateDigitsOptions('countSeparateDigits', options);
  const { minAreaFraction = 0.2, minHeightFraction = 0.5, maxOverlap = 0.25 } = options;
  const { labels, areas } = components;
  if (areas.length === 0) return 0;
  const ext: Extent[] = areas.map(() => ({ x0: width, x1: -1, y0: height, y1: -1 }));
  for (let y = 0, i = 0; y < height; y++) {
    for (let x = 0; x < width; x++, i++) {
      const l = labels[i];
      if (l < 0) continue;
      const e = ext[l];
      if (x < e.x0) e.x0 = x;
      if (x > e.x1) e.x1 = x;
      if (y < e.y0) e.y0 = y;
      if (y > e.y1) e.y1 = y;
    }
  }
  const maxArea = areas.reduce((m, a) => Math.max(m, a), 0);
  const big = ext.filter((_, l) => areas[l] >= minAreaFraction * maxArea);
  const tallest = big.reduce((m, e) => Math.max(m, e.y1 - e.y0 + 1), 0);
  const blobs = big.filter((e) => e.y1 - e.y0 + 1 >= minHeightFraction * tallest).sort((a, b) => a.x0 - b.x0 || a.x1 - b.x1);
  // Sweep left to right: a blob joins the current column when it overlaps it by more than the tolerance.
  let columns = 0;
  let right = -Infinity;
  let rightWidth = 0;
  for (const e of blobs) {
    const w = e.x1 - e.x0 + 1;
    const overlap = right - e.x0 + 1;
    if (columns > 0 && overlap > maxOverlap * Math.min(w, rightWidth)) {
      if (e.x1 > right) {
        right = e.x1;
        rightWidth = w;
      }
      continue;
    }
    columns++;
    right = e.x1;
    rightWidth = w;
  }
  return columns;
}
