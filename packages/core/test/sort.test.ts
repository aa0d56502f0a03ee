import { describe, expect, it } from 'vitest';
import { argsort, sort, tensor, topk, zeros } from '@tensorkit/core';
import { expectClose, expectGrad, f64, rnd } from './helpers.js';

describe('sort forward', () => {
  it('ascending and descending, negative dims', () => {
    const x = tensor([[3, 1, 2], [0, 5, -1]]);
    const a = sort(x);
    expectClose(a.values, [[1, 2, 3], [-1, 0, 5]]);
    expect(a.indices.toArray()).toEqual([[1, 2, 0], [2, 0, 1]]);
    expect(a.indices.dtype).toBe('int32');
    const d = x.sort(-1, { descending: true });
    expectClose(d.values, [[3, 2, 1], [5, 0, -1]]);
    expect(d.indices.toArray()).toEqual([[0, 2, 1], [1, 0, 2]]);
    const c = sort(x, -2);
    expectClose(c.values, [[0, 1, -1], [3, 5, 2]]);
    expect(c.indices.toArray()).toEqual([[1, 0, 1], [0, 1, 0]]);
  });

  it('is stable with ties, in both directions', () => {
    const x = tensor([2, 1, 2, 1, 2]);
    expect(sort(x).indices.toArray()).toEqual([1, 3, 0, 2, 4]);
    expect(sort(x, 0, { descending: true }).indices.toArray()).toEqual([0, 2, 4, 1, 3]);
    expect(sort(x, 0, { stable: true }).indices.toArray()).toEqual([1, 3, 0, 2, 4]);
    // -0 and 0 compare equal, so they keep their order too.
    expect(sort(tensor([0, -0, -1])).indices.toArray()).toEqual([2, 0, 1]);
  });

  it('NaN is larger than every number (also than +inf), as in PyTorch', () => {
    const x = tensor([NaN, 1, Infinity, -Infinity, NaN]);
    const a = sort(x);
    expectClose(a.values, [-Infinity, 1, Infinity, NaN, NaN]);
    expect(a.indices.toArray()).toEqual([3, 1, 2, 0, 4]);
    const d = sort(x, 0, { descending: true });
    expectClose(d.values, [NaN, NaN, Infinity, 1, -Infinity]);
    expect(d.indices.toArray()).toEqual([0, 4, 2, 1, 3]);
  });

  it('strided and transposed inputs, 3-D, integer dtype', () => {
    const x = tensor([[3, 1], [2, 5], [1, 4]]); // x.T = [[3,2,1],[1,5,4]]
    const a = sort(x.T, 1);
    expectClose(a.values, [[1, 2, 3], [1, 4, 5]]);
    expect(a.indices.toArray()).toEqual([[2, 1, 0], [0, 2, 1]]);
    const s = sort(tensor([5, 9, 1, 9, 3, 9]).slice(0, 0, 6, 2)); // [5, 1, 3]
    expect(s.values.toArray()).toEqual([1, 3, 5]);
    expect(s.indices.toArray()).toEqual([1, 2, 0]);
    const y = tensor([[[2, 1], [0, 3]], [[1, 1], [-2, 0]]]);
    const b = sort(y, 1);
    expectClose(b.values, [[[0, 1], [2, 3]], [[-2, 0], [1, 1]]]);
    expect(b.indices.toArray()).toEqual([[[1, 0], [0, 1]], [[1, 1], [0, 0]]]);
    const i = sort(tensor([3, 1, 2], { dtype: 'int32' }));
    expect(i.values.dtype).toBe('int32');
    expect(i.values.toArray()).toEqual([1, 2, 3]);
  });

  it('edges: scalar and empty dims', () => {
    const s = sort(tensor(4));
    expect(s.values.toArray()).toBe(4);
    expect(s.indices.toArray()).toBe(0);
    const e = sort(zeros([2, 0]));
    expect(e.values.shape).toEqual([2, 0]);
    expect(e.indices.shape).toEqual([2, 0]);
    expect(sort(zeros([0, 3]), 1).values.shape).toEqual([0, 3]);
    expect(() => sort(tensor([1, 2]), 1)).toThrow('sort: axis 1 is out of range for a tensor of rank 1');
    // A scalar takes dim 0 or -1; otherwise the error gives its real rank, 0 (it used to say rank 1).
    expect(sort(tensor(4), -1).values.toArray()).toBe(4);
    expect(() => sort(tensor(4), 1)).toThrow('sort: axis 1 is out of range for a tensor of rank 0');
    expect(() => topk(tensor(4), 1, -2)).toThrow('topk: axis -2 is out of range for a tensor of rank 0');
    expect(() => argsort(tensor(4), 1)).toThrow('argsort: axis 1 is out of range for a tensor of rank 0');
  });

  it('argsort matches sort().indices', () => {
    const x = tensor([[3, NaN, 1, 3], [0, 0, -1, 2]]);
    expect(argsort(x).toArray()).toEqual([[2, 0, 3, 1], [2, 0, 1, 3]]);
    // columns [3,0], [NaN,0], [1,-1], [3,2]: NaN comes first when descending
    expect(x.argsort(0, { descending: true }).toArray()).toEqual([[0, 0, 0, 0], [1, 1, 1, 1]]);
    expect(x.argsort(0).toArray()).toEqual([[1, 1, 1, 1], [0, 0, 0, 0]]);
    expect(argsort(x, -1, { descending: true }).toArray()).toEqual(sort(x, -1, { descending: true }).indices.toArray());
    expect(argsort(tensor(2)).toArray()).toBe(0);
    expect(argsort(tensor(2)).dtype).toBe('int32');
  });
});

describe('topk forward', () => {
  it('largest and smallest, sorted, with negative dims', () => {
    const x = tensor([[1, 5, 3, 4], [8, 2, 7, 6]]);
    const t = topk(x, 2);
    expectClose(t.values, [[5, 4], [8, 7]]);
    expect(t.indices.toArray()).toEqual([[1, 3], [0, 2]]);
    const s = x.topk(3, -1, { largest: false });
    expectClose(s.values, [[1, 3, 4], [2, 6, 7]]);
    expect(s.indices.toArray()).toEqual([[0, 2, 3], [1, 3, 2]]);
    const c = topk(x, 1, 0);
    expectClose(c.values, [[8, 5, 7, 6]]);
    expect(c.indices.toArray()).toEqual([[1, 0, 1, 1]]);
    // sorted: false still returns them sorted (PyTorch leaves the order unspecified).
    expect(topk(x, 2, -1, { sorted: false }).values.toArray()).toEqual([[5, 4], [8, 7]]);
  });

  it('ties keep the lower index first; NaN counts as the largest', () => {
    const t = topk(tensor([1, 3, 3, 2, 3]), 2);
    expect(t.indices.toArray()).toEqual([1, 2]);
    const n = topk(tensor([1, NaN, 3]), 2);
    expectClose(n.values, [NaN, 3]);
    expect(n.indices.toArray()).toEqual([1, 2]);
    expect(topk(tensor([1, NaN, 3]), 2, 0, { largest: false }).indices.toArray()).toEqual([0, 2]);
  });

  it('transposed input, k = 0, k = size, and k out of range', () => {
    const x = tensor([[1, 9], [4, 2], [3, 5]]); // x.T = [[1,4,3],[9,2,5]]
    const t = topk(x.T, 2, 1);
    expectClose(t.values, [[4, 3], [9, 5]]);
    expect(t.indices.toArray()).toEqual([[1, 2], [0, 2]]);
    const z = topk(x, 0);
    expect(z.values.shape).toEqual([3, 0]);
    expect(z.indices.shape).toEqual([3, 0]);
    expect(topk(x, 2, -1).values.toArray()).toEqual([[9, 1], [4, 2], [5, 3]]);
    expect(() => topk(x, 3)).toThrow('topk: k = 3 is out of range for dimension -1 of size 2 (shape [3,2]); k must be an integer in [0, 2]');
    expect(() => topk(x, -1, 0)).toThrow('topk: k = -1 is out of range for dimension 0 of size 3');
    expect(() => topk(x, 1.5)).toThrow('topk: k = 1.5 is out of range');
    expect(topk(zeros([2, 0]), 0).values.shape).toEqual([2, 0]);
  });
});

describe('sort / topk gradients', () => {
  it('scatter back to the source positions (by hand)', () => {
    const x = f64([3, 1, 2]);
    sort(x).values.mul(tensor([1, 10, 100], { dtype: 'float64' })).sum().backward();
    // values = [x1, x2, x0] → weights land on 1 → 1, 2 → 10, 0 → 100
    expect(x.grad!.toArray()).toEqual([100, 1, 10]);
    const y = f64([[1, 4, 2, 3]]);
    topk(y, 2).values.sum().backward();
    expect(y.grad!.toArray()).toEqual([[0, 1, 0, 1]]);
  });

  it('float64 gradcheck (distinct values)', () => {
    expectGrad((x) => sort(x).values, [rnd([2, 5], 1)]);
    expectGrad((x) => sort(x, 0, { descending: true }).values.square(), [rnd([4, 3], 2)]);
    expectGrad((x) => x.T.sort(-1).values, [rnd([3, 2], 3)]);
    expectGrad((x) => topk(x, 2).values, [rnd([3, 4], 4)]);
    expectGrad((x) => topk(x.transpose(0, 2), 3, 1, { largest: false }).values.exp(), [rnd([2, 4, 3], 5)]);
    expectGrad((x) => topk(x, 0, 1).values, [rnd([2, 3], 6)]);
  });
});
