import { describe, expect, it } from 'vitest';
import { cumsum, tensor, zeros } from '@tensorkit/core';
import { expectClose, expectGrad, f64, rnd } from './helpers.js';

describe('cumsum forward', () => {
  it('along each dim, with negative dims', () => {
    const x = tensor([[1, 2, 3], [4, 5, 6]]);
    expectClose(cumsum(x, 1), [[1, 3, 6], [4, 9, 15]]);
    expectClose(cumsum(x, -1), [[1, 3, 6], [4, 9, 15]]);
    expectClose(cumsum(x, 0), [[1, 2, 3], [5, 7, 9]]);
    expectClose(x.cumsum(-2), [[1, 2, 3], [5, 7, 9]]);
  });

  it('strided, transposed and 3-D inputs', () => {
    const x = tensor([[1, 2, 3], [4, 5, 6]]);
    // x.T = [[1,4],[2,5],[3,6]]
    expectClose(cumsum(x.T, 0), [[1, 4], [3, 9], [6, 15]]);
    expectClose(cumsum(x.slice(1, 0, 3, 2), 1), [[1, 4], [4, 10]]);
    const y = tensor([[[1, 2], [3, 4]], [[5, 6], [7, 8]]]);
    expectClose(cumsum(y, 1), [[[1, 2], [4, 6]], [[5, 6], [12, 14]]]);
  });

  it('dtypes: floats kept, integers and bool sum in int32', () => {
    expect(cumsum(tensor([1, 2], { dtype: 'float64' }), 0).dtype).toBe('float64');
    const b = cumsum(tensor([true, false, true]), 0);
    expect(b.dtype).toBe('int32');
    expect(b.toArray()).toEqual([1, 1, 2]);
    expect(cumsum(tensor([250, 10], { dtype: 'uint8' }), 0).toArray()).toEqual([250, 260]);
  });

  it('float32 keeps the running sum in float64 and rounds only the outputs (PyTorch CPU; the last equals sum)', () => {
    // Rounding the running value at every step lost each +1 at 2^24 (the output stayed 16777216).
    const x = tensor([2 ** 24, 1, 1, 1, 1]);
    const c = cumsum(x, 0);
    expect(c.dtype).toBe('float32');
    expect(c.toArray()).toEqual([16777216, 16777216, 16777218, 16777220, 16777220]);
    expect(c.toArray()).toEqual([16777216, 16777217, 16777218, 16777219, 16777220].map(Math.fround));
    expect((c.toArray() as number[])[4]).toBe(x.sum().item());
    // int32 no longer wraps: leaving int32 throws (see int-overflow.test.ts).
    expect(() => cumsum(tensor([2 ** 31 - 1, 1, 1], { dtype: 'int32' }), 0)).toThrow(RangeError);
  });

  it('edges: scalar, empty dim, NaN and inf propagate forward only', () => {
    expect(cumsum(tensor(5), 0).toArray()).toBe(5);
    expect(cumsum(tensor(5), -1).shape).toEqual([]);
    expect(cumsum(zeros([2, 0]), 1).shape).toEqual([2, 0]);
    expect(cumsum(zeros([0, 3]), 1).shape).toEqual([0, 3]);
    expectClose(cumsum(tensor([1, NaN, 2]), 0), [1, NaN, NaN]);
    expectClose(cumsum(tensor([1, Infinity, -Infinity]), 0), [1, Infinity, NaN]);
  });

  it('errors name the op', () => {
    expect(() => cumsum(tensor([[1, 2]]), 2)).toThrow('cumsum: axis 2 is out of range for a tensor of rank 2');
    // A scalar accepts dim 0 or -1; the error gives its real rank (it used to say rank 1).
    expect(() => cumsum(tensor(1), 1)).toThrow('cumsum: axis 1 is out of range for a tensor of rank 0');
    expect(() => cumsum(tensor(1), 0.5)).toThrow('cumsum: axis must be an integer, got 0.5');
  });
});

describe('cumsum gradient', () => {
  it('is the reversed cumulative sum (by hand)', () => {
    const x = f64([1, 2, 3]);
    cumsum(x, 0).mul(tensor([1, 10, 100], { dtype: 'float64' })).sum().backward();
    expect(x.grad!.toArray()).toEqual([111, 110, 100]);
  });

  it('float64 gradcheck', () => {
    expectGrad((x) => cumsum(x, 1), [rnd([2, 4], 1)]);
    expectGrad((x) => cumsum(x, 0), [rnd([3, 2], 2)]);
    expectGrad((x) => x.T.cumsum(-1).square(), [rnd([3, 2], 3)]);
    expectGrad((x) => cumsum(x.slice(2, 0, 4, 2), 1), [rnd([2, 3, 4], 4)]);
  });
});
