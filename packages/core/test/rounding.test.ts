import { describe, expect, it } from 'vitest';
import { ceil, floor, round, sign, tensor, trunc, type Tensor } from '@tensorkit/core';
import { expectClose, expectGrad, f64, rnd } from './helpers.js';

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
