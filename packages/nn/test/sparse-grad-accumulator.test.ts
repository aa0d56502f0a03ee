/** RowAccumulator: pooled scratch, sorted output, and the coalesce fast path it enables. */
import { describe, expect, it } from 'vitest';
import { RowAccumulator } from '../src/layers/functional/sparse-grad.js';
import { coalesceRows } from '../src/optim/sparse-rows.js';

function fill(acc: RowAccumulator, rows: number[], D: number, seed: number): Map<number, number[]> {
  const want = new Map<number, number[]>();
  rows.forEach((r, i) => {
    const src = Float32Array.from({ length: D }, (_, j) => Math.sin(seed + i * D + j));
    acc.add(r, src, 0, 0.5);
    const w = want.get(r) ?? new Array<number>(D).fill(0);
    for (let j = 0; j < D; j++) w[j] += 0.5 * src[j];
    want.set(r, w);
  });
  return want;
}

describe('RowAccumulator', () => {
  for (const numRows of [50, Infinity]) {
    it(`two live accumulators do not share state; sorted and first-use orders (table ${numRows})`, () => {
      const D = 3;
      const a = new RowAccumulator(D, 2, numRows);
      const b = new RowAccumulator(D, 2, numRows); // the pool is taken by a: b gets its own scratch
      const wantA = fill(a, [9, 4, 9, 17, 4, 30], D, 1);
      const wantB = fill(b, [4, 2], D, 2);
      const ra = a.result('float64', true);
      expect(Array.from(ra.rows)).toEqual([4, 9, 17, 30]);
      ra.rows.forEach((r, k) => wantA.get(r)!.forEach((v, j) => expect(ra.values[k * D + j]).toBeCloseTo(v, 12)));
      const rb = b.result('float64');
      expect(Array.from(rb.rows)).toEqual([4, 2]);
      rb.rows.forEach((r, k) => wantB.get(r)!.forEach((v, j) => expect(rb.values[k * D + j]).toBeCloseTo(v, 12)));
      // The pooled scratch comes back clean: a fresh accumulator sees no old rows.
      const c = new RowAccumulator(D, 2, numRows);
      const wantC = fill(c, [9], D, 3);
      const rc = c.result('float32', true);
      expect(Array.from(rc.rows)).toEqual([9]);
      wantC.get(9)!.forEach((v, j) => expect(rc.values[j]).toBeCloseTo(v, 6));
    });
  }
});

describe('coalesceRows fast path', () => {
  it('returns sorted unique rows as they are, and still rejects out-of-range rows', () => {
    const rows = Int32Array.from([1, 5, 8]);
    const values = Float32Array.from([1, 2, 3]);
    const c = coalesceRows({ rows, values, rowSize: 1 }, 9, 'test');
    expect(c.rows).toBe(rows);
    expect(c.values).toBe(values);
    expect(() => coalesceRows({ rows, values, rowSize: 1 }, 8, 'opt')).toThrow(/out of range/);
  });
});
