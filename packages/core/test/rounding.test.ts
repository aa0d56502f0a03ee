import { describe, expect, it } from 'vitest';
import { ceil, floor, round, sign, tensor, trunc, type Tensor } from '@tensorkit/core';
import { expectClose, expectGrad, f64, rnd } from './helpers.js';

const d64 = (v: number[]) => tensor(v, { dtype: 'float64' });

const IN = [-2.5, -1.5, -0.5, -0.2, 0, 0.5, 1.5, 2.5, 2.7];
const FORWARD: [string, (x: Tensor) => Tensor, number[]][] = [
  ['floor', floor, [-3, -2, -1, -1, 0, 0, 1, 2, 2]],
  ['ceil', ceil, [-2, -1, -0, -0, 0, 1, 2, 3, 3]],
  // Half to even, as torch.round.
  ['round', round, [-2, -2, -0, -0, 0, 0, 2, 2, 3]],
  ['trunc', trunc, [-2, -1, -0, -0, 0, 0, 1, 2, 2]],
  ['sign', sign, [-1, -1, -1, -1, 0, 1, 1, 1, 1]],
];

describe('rounding forward', () => {
  for (const [name, fn, expected] of FORWARD) {
    it(`${name} matches hand values; float dtype preserved`, () => {
      expectClose(fn(tensor(IN)), expected, 0);
      const y = fn(tensor(IN, { dtype: 'float64' }));
      expect(y.dtype).toBe('float64');
      expectClose(y, expected, 0);
    });
  }

  it('round: more ties to even, negative zero, large values', () => {
    expect(round(tensor([3.5, 4.5, -3.5, 0.49999999999999994], { dtype: 'float64' })).toArray()).toEqual([4, 4, -4, 0]);
    expect(Object.is(round(tensor([-0.4])).item(), -0)).toBe(true);
    expect(round(tensor([2 ** 40 + 0.5], { dtype: 'float64' })).item()).toBe(2 ** 40);
  });

  it('NaN and inf: NaN stays NaN (sign gives 0, as torch.sign), ±inf kept', () => {
    const x = tensor([NaN, Infinity, -Infinity]);
    for (const f of [floor, ceil, round, trunc]) expectClose(f(x), [NaN, Infinity, -Infinity]);
    expect(sign(x).toArray()).toEqual([0, 1, -1]);
  });

  it('integer and bool dtypes are kept (rounding copies them)', () => {
    const i = tensor([-3, 0, 4], { dtype: 'int32' });
    for (const f of [floor, ceil, round, trunc]) {
      const y = f(i);
      expect(y.dtype).toBe('int32');
      expect(y.toArray()).toEqual([-3, 0, 4]);
    }
    expect(sign(i).toArray()).toEqual([-1, 0, 1]);
    expect(sign(i).dtype).toBe('int32');
    expect(sign(tensor([true, false])).toArray()).toEqual([true, false]);
  });

  it('strided and transposed inputs; methods match functions', () => {
    const x = tensor([[1.2, -1.7], [2.5, 3.5]]);
    expectClose(x.T.floor(), [[1, 2], [-2, 3]]);
    expectClose(x.slice(1, 1, 2).ceil(), [[-1], [4]]);
    expect(x.round().toArray()).toEqual(round(x).toArray());
    expect(x.trunc().toArray()).toEqual(trunc(x).toArray());
    expect(x.sign().toArray()).toEqual(sign(x).toArray());
    expect(tensor([]).floor().shape).toEqual([0]);
  });
});

describe('rounding gradients: zero everywhere (PyTorch semantics)', () => {
  it('zero gradient, also at the jumps and for inf/NaN upstream gradients', () => {
    for (const f of [floor, ceil, round, trunc, sign]) {
      const x = f64([-1, -0.5, 0, 0.5, 2.5]);
      const y = f(x);
      expect(y.requiresGrad).toBe(true);
      y.backward(tensor([1, Infinity, NaN, 2, 3], { dtype: 'float64' }));
      expect(x.grad!.toArray()).toEqual([0, 0, 0, 0, 0]);
      expect(x.grad!.dtype).toBe('float64');
    }
  });

  it('float64 gradcheck away from the jumps agrees with zero', () => {
    // Random normals are never within eps of an integer or half-integer.
    expectGrad((x) => floor(x), [rnd([2, 3], 1)]);
    expectGrad((x) => ceil(x).add(x), [rnd([2, 3], 2)]);
    expectGrad((x) => round(x.T).mul(x.T), [rnd([2, 3], 3)]);
    expectGrad((x) => trunc(x), [rnd([4], 4)]);
    expectGrad((x) => sign(x).mul(x), [rnd([5], 5)]);
  });
});

describe('round with decimals (torch.round(x, decimals=n))', () => {
  it('positive decimals, ties to even at the decimal place (hand values)', () => {
    // 0.25·10 = 2.5 → 2, 0.75·10 = 7.5 → 8, 1.04·10 = 10.4 → 10, 0.35·10 = 3.5 → 4;
    // 112.5 → 112, 123.45 → 123, and the double 1.005 is 1.00499999999999989…: 100.49999999999999 → 100.
    expectClose(round(d64([0.25, 0.75, -0.25, 1.04, 0.35]), { decimals: 1 }), [0.2, 0.8, -0.2, 1, 0.4], 0);
    expectClose(round(d64([1.125, 1.2345, -1.005]), { decimals: 2 }), [1.12, 1.23, -1], 0);
    // decimals 0 is plain round: 0.5, 1.5, 2.5 → 0, 2, 2 (torch gives the same).
    expect(round(d64([0.5, 1.5, 2.5]), { decimals: 0 }).toArray()).toEqual([0, 2, 2]);
  });

  it('negative decimals round to tens, hundreds (ties to even)', () => {
    expect(round(d64([15, 25, 35, -15, 1234.5, 4]), { decimals: -1 }).toArray()).toEqual([20, 20, 40, -20, 1230, 0]);
    expect(round(tensor([1250, 1350, 1351]), { decimals: -2 }).toArray()).toEqual([1200, 1400, 1400]);
  });

  it('float32 computes in float32, as torch: 2.675f · 100 rounds to 267.5 and then to even, 268', () => {
    const y = round(tensor([2.675]), { decimals: 2 });
    expect(y.dtype).toBe('float32');
    expect(y.item()).toBe(Math.fround(2.68));
    // The same value (2.67499995…) in float64: 267.499995… → 267.
    expect(round(d64([Math.fround(2.675)]), { decimals: 2 }).item()).toBe(2.67);
  });

  it('NaN, ±inf and signed zeros kept; no inf or NaN where 10^decimals or x·10^decimals overflows', () => {
    expectClose(round(d64([NaN, Infinity, -Infinity]), { decimals: 3 }), [NaN, Infinity, -Infinity]);
    expect(Object.is(round(d64([-0.04]), { decimals: 1 }).item(), -0)).toBe(true);
    // torch's nearbyint(x·10^d)/10^d gives inf here and NaN below; the rounded value is x itself / 0.
    expect(round(d64([1e300, -1.5]), { decimals: 10 }).toArray()).toEqual([1e300, -1.5]);
    expect(round(d64([1.5]), { decimals: 400 }).item()).toBe(1.5);
    expect(round(tensor([1.5]), { decimals: 39 }).item()).toBe(1.5); // 10^39 is inf in float32
    expect(round(d64([1234, -5]), { decimals: -400 }).toArray()).toEqual([0, -0]);
  });

  it('integer tensors: decimals >= 0 copies; decimals < 0 and non-integer decimals are errors', () => {
    const i = tensor([15, -3], { dtype: 'int32' });
    expect(round(i, { decimals: 2 }).toArray()).toEqual([15, -3]);
    expect(round(i, { decimals: 2 }).dtype).toBe('int32');
    expect(() => round(i, { decimals: -1 })).toThrow(/^round: decimals < 0 needs a float tensor, got int32.*to\('float64'\)/);
    expect(() => round(tensor([1.25]), { decimals: 1.5 })).toThrow(/^round: decimals must be an integer, got 1.5/);
  });

  it('the method takes the same options; strided input', () => {
    const x = tensor([[0.25, 1.26], [3.14159, -0.75]], { dtype: 'float64' });
    expect(x.round({ decimals: 1 }).toArray()).toEqual([[0.2, 1.3], [3.1, -0.8]]);
    expect(x.T.round({ decimals: 1 }).toArray()).toEqual([[0.2, 3.1], [1.3, -0.8]]);
  });

  it('zero gradient, by hand and by float64 gradcheck', () => {
    const x = f64([0.25, 1.37, -12]);
    const y = round(x, { decimals: 1 });
    expect(y.requiresGrad).toBe(true);
    y.backward(d64([1, 2, 3]));
    expect(x.grad!.toArray()).toEqual([0, 0, 0]);
    // Seeded normals are nowhere near a multiple of 0.005 within gradcheck's step.
    expectGrad((x) => round(x, { decimals: 2 }).add(x), [rnd([2, 3], 6)]);
    expectGrad((x) => round(x.mul(100), { decimals: -1 }).mul(x), [rnd([4], 7)]);
  });
});
