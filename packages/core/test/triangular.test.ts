import { describe, expect, it } from 'vitest';
import { arange, tensor, tril, triu, zeros } from '@tensorkit/core';
import { expectClose, expectGrad, f64, rnd } from './helpers.js';

const M = () => tensor([[1, 2, 3], [4, 5, 6], [7, 8, 9]]);

describe('tril / triu forward', () => {
  it('main diagonal and offsets', () => {
    expectClose(tril(M()), [[1, 0, 0], [4, 5, 0], [7, 8, 9]]);
    expectClose(triu(M()), [[1, 2, 3], [0, 5, 6], [0, 0, 9]]);
    expectClose(tril(M(), 1), [[1, 2, 0], [4, 5, 6], [7, 8, 9]]);
    expectClose(tril(M(), -1), [[0, 0, 0], [4, 0, 0], [7, 8, 0]]);
    expectClose(M().triu(1), [[0, 2, 3], [0, 0, 6], [0, 0, 0]]);
    expectClose(M().triu(-1), [[1, 2, 3], [4, 5, 6], [0, 8, 9]]);
    expectClose(tril(M(), 5), [[1, 2, 3], [4, 5, 6], [7, 8, 9]]);
    expectClose(tril(M(), -5), [[0, 0, 0], [0, 0, 0], [0, 0, 0]]);
    expectClose(triu(M(), 5), [[0, 0, 0], [0, 0, 0], [0, 0, 0]]);
    expectClose(triu(M(), -5), [[1, 2, 3], [4, 5, 6], [7, 8, 9]]);
  });

  it('non-square, batched, transposed inputs; input left untouched', () => {
    const r = tensor([[1, 2, 3, 4], [5, 6, 7, 8]]);
    expectClose(tril(r), [[1, 0, 0, 0], [5, 6, 0, 0]]);
    expectClose(triu(r, 2), [[0, 0, 3, 4], [0, 0, 0, 8]]);
    expectClose(tril(r.T), [[1, 0], [2, 6], [3, 7], [4, 8]]);
    const b = arange(0, 8).reshape(2, 2, 2);
    expectClose(triu(b), [[[0, 1], [0, 3]], [[4, 5], [0, 7]]]);
    // b.transpose(0, 2) = [[[0,4],[2,6]], [[1,5],[3,7]]]
    expectClose(tril(b.transpose(0, 2)), [[[0, 0], [2, 6]], [[1, 0], [3, 7]]]);
    const m = M();
    tril(m);
    expect(m.toArray()).toEqual([[1, 2, 3], [4, 5, 6], [7, 8, 9]]);
  });

  it('zeroes NaN and inf outside the triangle; keeps dtype; empty dims', () => {
    expectClose(tril(tensor([[NaN, Infinity], [1, NaN]])), [[NaN, 0], [1, NaN]]);
    const i = triu(tensor([[1, 2], [3, 4]], { dtype: 'int32' }));
    expect(i.dtype).toBe('int32');
    expect(i.toArray()).toEqual([[1, 2], [0, 4]]);
    expect(tril(zeros([0, 3])).shape).toEqual([0, 3]);
    expect(triu(zeros([2, 0, 3])).shape).toEqual([2, 0, 3]);
  });

  it('errors name the op and the shape', () => {
    expect(() => tril(tensor([1, 2]))).toThrow('tril: input must have at least 2 dimensions, got shape [2]');
    expect(() => triu(tensor(1))).toThrow('triu: input must have at least 2 dimensions, got shape []');
    expect(() => triu(M(), 0.5)).toThrow('triu: diagonal must be an integer, got 0.5');
  });
});

describe('tril / triu gradients', () => {
  it('mask the gradient the same way (by hand)', () => {
    const x = f64([[1, 2], [3, 4]]);
    tril(x).sum().backward();
    expect(x.grad!.toArray()).toEqual([[1, 0], [1, 1]]);
  });

  it('float64 gradcheck', () => {
    expectGrad((x) => tril(x), [rnd([3, 4], 1)]);
    expectGrad((x) => triu(x, 1).square(), [rnd([2, 3, 3], 2)]);
    expectGrad((x) => x.T.tril(-1), [rnd([3, 4], 3)]);
    expectGrad((x) => triu(x.transpose(0, 2), -1).exp(), [rnd([3, 2, 4], 4)]);
  });
});
