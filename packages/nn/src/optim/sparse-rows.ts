/**
 * Row-sparse gradients (embedding tables) may list the same row several
 * times; optimizers and norms need each row once with its contributions
 * summed, in a deterministic (sorted) order.
 */
import type { SparseRowGrad } from '@tensorkit/core';

export interface CoalescedRows {
  /** Sorted, unique row ids. */
  rows: Int32Array;
  /**
   * rows.length × rowSize summed gradient values: float64 accumulators when
   * rows had to be summed, else the gradient's own values (no copy).
   */
  values: Float32Array | Float64Array;
  rowSize: number;
}

export function coalesceRows(g: SparseRowGrad, numRows: number, what: string): CoalescedRows {
  const { rows, values, rowSize } = g;
  if (!Number.isInteger(rowSize) || rowSize < 1) throw new Error(`${what}: sparse gradient rowSize must be a positive integer, got ${rowSize}`);
  if (values.length !== rows.length * rowSize) {
    throw new Error(`${what}: sparse gradient has ${rows.length} rows of ${rowSize} but ${values.length} values`);
  }
  if (strictlyIncreasingInRange(rows, numRows)) return { rows, values, rowSize };
  const order = sortedOrder(rows, numRows, what);
  let unique = 0;
  for (let i = 0; i < order.length; i++) {
    const r = rows[order[i]];
    if (r < 0 || r >= numRows) throw new Error(`${what}: sparse gradient row ${r} is out of range [0, ${numRows})`);
    if (i === 0 || r !== rows[order[i - 1]]) unique++;
  }
  const outRows = new Int32Array(unique);
  const out = new Float64Array(unique * rowSize);
  let k = -1;
  for (let i = 0; i < order.length; i++) {
    const src = order[i];
    if (i === 0 || rows[src] !== rows[order[i - 1]]) outRows[++k] = rows[src];
    const from = src * rowSize;
    const to = k * rowSize;
    for (let j = 0; j < rowSize; j++) out[to + j] += values[from + j];
  }
  return { rows: outRows, values: out, rowSize };
}

/** True when rows are already sorted, unique and in [0, numRows): nothing to coalesce. */
function strictlyIncreasingInRange(rows: Int32Array, numRows: number): boolean {
  const n = rows.length;
  if (n === 0) return true;
  if (!(rows[0] >= 0) || !(rows[n - 1] < numRows)) return false;
  for (let i = 1; i < n; i++) if (rows[i] <= rows[i - 1]) return false;
  return true;
}

/**
 * Positions of `rows` in (row, position) order. A stable counting sort when
 * the table is not much larger than the list (one pass over a count per
 * table row); otherwise a native numeric sort of (row, position) float64 keys
 * instead of a comparator callback per comparison.
 */
function sortedOrder(rows: Int32Array, numRows: number, what: string): Int32Array {
  const n = rows.length;
  const order = new Int32Array(n);
  if (numRows <= 8 * n + 1024) {
    const start = new Int32Array(numRows + 1);
    for (let i = 0; i < n; i++) {
      const r = rows[i];
      if (!(r >= 0 && r < numRows)) throw new Error(`${what}: sparse gradient row ${r} is out of range [0, ${numRows})`);
      start[r + 1]++;
    }
    for (let r = 0; r < numRows; r++) start[r + 1] += start[r];
    for (let i = 0; i < n; i++) order[start[rows[i]]++] = i;
    return order;
  }
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) keys[i] = rows[i] * n + i;
  keys.sort();
  for (let i = 0; i < n; i++) order[i] = keys[i] - Math.floor(keys[i] / n) * n;
  return order;
}
