/** The sparse-gradient fast paths: counting-sort coalescing and the float32 lazy Adam row loop. */
import { describe, expect, it } from 'vitest';
import { Tensor } from '@tensorkit/core';
import { coalesceRows } from '../src/optim/sparse-rows.js';
import { Adam, AdamW } from '../src/optim/index.js';

function naiveCoalesce(rows: Int32Array, values: Float32Array, D: number): Map<number, number[]> {
  const m = new Map<number, number[]>();
  rows.forEach((r, i) => {
    const acc = m.get(r) ?? new Array<number>(D).fill(0);
    for (let j = 0; j < D; j++) acc[j] += values[i * D + j];
    m.set(r, acc);
  });
  return m;
}

describe('coalesceRows', () => {
  for (const numRows of [12, 1e7]) {
    it(`sorts and sums duplicate rows (table of ${numRows} rows)`, () => {
      const rows = Int32Array.from([7, 3, 7, 0, 11, 3, 7]);
      const D = 3;
      const values = Float32Array.from({ length: rows.length * D }, (_, i) => (i * 0.37) % 1.3);
      const c = coalesceRows({ rows, values, rowSize: D }, numRows, 'test');
      expect(Array.from(c.rows)).toEqual([0, 3, 7, 11]);
      const want = naiveCoalesce(rows, values, D);
      c.rows.forEach((r, k) => {
        for (let j = 0; j < D; j++) expect(c.values[k * D + j]).toBe(want.get(r)![j]);
      });
    });
  }

  it('rejects out-of-range rows on both paths', () => {
    for (const numRows of [4, 1e7]) {
      expect(() => coalesceRows({ rows: Int32Array.from([1, numRows]), values: new Float32Array(2), rowSize: 1 }, numRows, 'opt')).toThrow(/out of range/);
    }
  });
});

describe('lazy Adam on row-sparse gradients', () => {
  for (const [name, make] of [['Adam', (p: Tensor) => new Adam([p], { lr: 0.01, weightDecay: 0.1 })], ['AdamW', (p: Tensor) => new AdamW([p], { lr: 0.01 })], ['Adam plain', (p: Tensor) => new Adam([p], { lr: 0.01 })]] as const) {
    it(`${name}: float32 rows match the float64 table within float32 rounding`, () => {
      const V = 6, D = 4;
      const init = Float32Array.from({ length: V * D }, (_, i) => Math.sin(i));
      const p32 = new Tensor(init.slice(), [V, D], 'float32').requiresGrad_();
      const p64 = new Tensor(Float64Array.from(init), [V, D], 'float64').requiresGrad_();
      const o32 = make(p32);
      const o64 = make(p64);
      for (let step = 0; step < 3; step++) {
        const rows = Int32Array.from([1, 4, 1, step]);
        const vals = Float32Array.from({ length: rows.length * D }, (_, i) => Math.cos(i + step));
        p32.sparseGrad = { rows, values: vals, rowSize: D };
        p64.sparseGrad = { rows, values: Float64Array.from(vals), rowSize: D };
        o32.step();
        o64.step();
      }
      const a = p32.toTypedArray();
      const b = p64.toTypedArray();
      for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i])).toBeLessThan(1e-5);
    });
  }
});
