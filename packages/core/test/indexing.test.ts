import { describe, expect, it } from 'vitest';
import { gather, indexSelect, maskedFill, oneHot, ones, scatterAdd, softmax, tensor, zeros } from '@tensorkit/core';
import { expectClose, expectGrad, f64, rnd } from './helpers.js';

const A = () => tensor([[1, 2, 3], [4, 5, 6]]);
const idx = (data: number[][] | number[]) => tensor(data, { dtype: 'int32' });

describe('gather', () => {
  it('along dim 1 and dim 0', () => {
    expectClose(gather(A(), 1, idx([[2, 0], [1, 1]])), [[3, 1], [5, 5]]);
    expectClose(A().gather(0, idx([[1, 0, 1]])), [[4, 2, 6]]);
    expectClose(gather(A(), 1, idx([[2, 2]])), [[3, 3]]); // index smaller than input in dim 0
  });

  it('non-contiguous input and index', () => {
    // A.T = [[1,4],[2,5],[3,6]]; out[i][0] = A.T[index[i][0]][0]
    expectClose(gather(A().T, 0, idx([[2], [0]])), [[3], [1]]);
    // index.T = [[0,2],[1,0]] → [[A00, A02], [A11, A10]]
    expectClose(gather(A(), 1, idx([[0, 1], [2, 0]]).T), [[1, 3], [5, 4]]);
  });

  it('gradient accumulates repeated indices', () => {
    const x = f64([[1, 2, 3], [4, 5, 6]]);
    gather(x, 1, idx([[2, 0], [1, 1]])).sum().backward();
    expect(x.grad!.toArray()).toEqual([[1, 0, 1], [0, 2, 0]]);
    expectGrad((v) => gather(v, 1, idx([[2, 0, 2], [1, 1, 0]])), [rnd([2, 3], 1)]);
    expectGrad((v) => gather(v.T, 0, idx([[1, 0], [1, 1]])), [rnd([2, 3], 2)]);
  });
});

describe('scatterAdd', () => {
  it('adds src at indexed positions, repeats accumulate', () => {
    // row 0: col 0 += 1 + 2; row 1: col 2 += 3, col 1 += 4
    const r = scatterAdd(zeros([2, 3]), 1, idx([[0, 0], [2, 1]]), tensor([[1, 2], [3, 4]]));
    expectClose(r, [[3, 0, 0], [0, 4, 3]]);
    expectClose(ones([2, 3]).scatterAdd(1, idx([[0, 0], [2, 1]]), tensor([[1, 2], [3, 4]])), [[4, 1, 1], [1, 5, 4]]);
    expectClose(scatterAdd(zeros([3]), 0, idx([1, 1, 2]), tensor([5, 6, 7])), [0, 11, 7]);
  });

  it('does not modify its input and reads views', () => {
    const x = ones([2, 2]);
    scatterAdd(x.T, 0, idx([[1, 0]]), tensor([[10, 20]]));
    expect(x.toArray()).toEqual([[1, 1], [1, 1]]);
    expectClose(scatterAdd(A().T, 0, idx([[1, 0]]), tensor([[10, 20]])), [[1, 24], [12, 5], [3, 6]]);
  });

  it('uses only the leading block of a larger src', () => {
    const r = scatterAdd(zeros([2, 3]), 1, idx([[0, 0], [2, 1]]), tensor([[1, 2, 9], [3, 4, 9]]));
    expectClose(r, [[3, 0, 0], [0, 4, 3]]);
  });

  it('gradients for input and src', () => {
    const i = idx([[0, 2], [1, 1]]);
    expectGrad((x, s) => scatterAdd(x, 1, i, s).square(), [rnd([2, 3], 3), rnd([2, 2], 4)]);
    // src larger than index: unused src entries get zero gradient
    const s = f64([[1, 2, 3], [4, 5, 6]]);
    scatterAdd(zeros([2, 3], { dtype: 'float64' }), 1, i, s).mul(tensor([[1, 2, 3], [4, 5, 6]], { dtype: 'float64' })).sum().backward();
    // src[0][0] → out[0][0] (weight 1), src[0][1] → out[0][2] (3), src[1][*] → out[1][1] (5)
    expect(s.grad!.toArray()).toEqual([[1, 3, 0], [5, 5, 0]]);
    expectGrad((x, v) => scatterAdd(x, 1, i, v), [rnd([2, 3], 5), rnd([3, 3], 6)]);
  });
});

describe('indexSelect', () => {
  it('selects (and repeats) entries along a dim', () => {
    expectClose(indexSelect(A(), 0, [1, 1, 0]), [[4, 5, 6], [4, 5, 6], [1, 2, 3]]);
    expectClose(A().indexSelect(1, idx([2, 0])), [[3, 1], [6, 4]]);
    expectClose(indexSelect(A().T, 0, [1]), [[2, 5]]);
    expect(indexSelect(A(), 1, []).shape).toEqual([2, 0]);
  });

  it('gradient accumulates repeats', () => {
    const x = f64([[1, 2, 3], [4, 5, 6]]);
    indexSelect(x, 0, [1, 1, 0]).sum().backward();
    expect(x.grad!.toArray()).toEqual([[1, 1, 1], [2, 2, 2]]);
    expectGrad((v) => indexSelect(v, 1, [2, 0, 2]), [rnd([2, 3], 7)]);
    expectGrad((v) => indexSelect(v.T, 0, idx([0, 2])), [rnd([2, 3], 8)]);
  });
});

describe('oneHot', () => {
  it('encodes class ids', () => {
    expect(oneHot(idx([0, 2, 1]), 3).toArray()).toEqual([[1, 0, 0], [0, 0, 1], [0, 1, 0]]);
    const o = oneHot(idx([[1], [0]]), 2, 'int32');
    expect(o.shape).toEqual([2, 1, 2]);
    expect(o.dtype).toBe('int32');
    expect(o.toArray()).toEqual([[[0, 1]], [[1, 0]]]);
    expect(oneHot(idx([0, 1, 2]).slice(0, 0, 3, 2), 3).toArray()).toEqual([[1, 0, 0], [0, 0, 1]]);
    expect(() => oneHot(idx([3]), 3)).toThrow('oneHot: class id 3 at position 0 is out of range [0, 3)');
  });

  it('infers the class count from the largest id with -1 or no count, as F.one_hot', () => {
    expect(oneHot(idx([0, 2])).toArray()).toEqual([[1, 0, 0], [0, 0, 1]]);
    expect(oneHot(idx([[1], [0]]), -1).shape).toEqual([2, 1, 2]);
    // Negative ids are still refused (not taken as the maximum's complement).
    expect(() => oneHot(idx([-1, 1]))).toThrow('oneHot: class id -1 at position 0 is out of range [0, 2)');
    expect(() => oneHot(idx([]))).toThrow('oneHot: cannot infer numClasses (-1) from an empty tensor');
    expect(() => oneHot(idx([0]), -2)).toThrow('oneHot: numClasses must be a positive integer (or -1: one more than the largest id), got -2');
  });
});

describe('maskedFill', () => {
  it('fills where the (broadcast) mask is true', () => {
    const m = tensor([[true, false, true], [false, false, false]]);
    expectClose(maskedFill(A(), m, -1), [[-1, 2, -1], [4, 5, 6]]);
    expectClose(A().maskedFill(tensor([false, true, false]), 0), [[1, 0, 3], [4, 0, 6]]);
    expectClose(A().T.maskedFill(tensor([[true], [false], [true]]), 9), [[9, 9], [2, 5], [9, 9]]);
    expectClose(A().maskedFill(A().gt(4), 0), [[1, 2, 3], [4, 0, 0]]);
    expect(tensor([1, 2], { dtype: 'int32' }).maskedFill(tensor([true, false]), 7).toArray()).toEqual([7, 2]);
    // A uint8 mask is refused (see bad-input-left.test.ts); converted to bool it selects its nonzero entries.
    expectClose(A().maskedFill(tensor([[1], [0]], { dtype: 'uint8' }).to('bool'), -2), [[-2, -2, -2], [4, 5, 6]]);
  });

  it('-inf fill then softmax gives an attention-style mask', () => {
    const scores = tensor([[1, 2, 3]]);
    const p = softmax(scores.maskedFill(tensor([false, false, true]), -Infinity));
    // softmax(1, 2) = [1/(1+e), e/(1+e)]
    expectClose(p, [[1 / (1 + Math.E), Math.E / (1 + Math.E), 0]]);
  });

  it('gradient is zero at filled positions', () => {
    const x = f64([[1, 2], [3, 4]]);
    const m = tensor([[true, false], [false, true]]);
    maskedFill(x, m, 0).sum().backward();
    expect(x.grad!.toArray()).toEqual([[0, 1], [1, 0]]);
    expectGrad((v) => maskedFill(v, tensor([true, false, false]), 2).square(), [rnd([2, 3], 9)]);
  });

  it('a value the integer dtype cannot hold is an error, not a wrapped number; bool stores 0/1', () => {
    const mask = tensor([true, false]);
    expect(() => maskedFill(tensor([1, 2], { dtype: 'uint8' }), mask, 300)).toThrow('maskedFill: value 300 cannot be converted to uint8 without overflow');
    expect(() => maskedFill(tensor([1, 2], { dtype: 'uint8' }), mask, -1)).toThrow('maskedFill: value -1 cannot be converted to uint8 without overflow');
    expect(() => maskedFill(tensor([1, 2], { dtype: 'int32' }), mask, 2 ** 31)).toThrow('maskedFill: value 2147483648 cannot be converted to int32 without overflow');
    expect(maskedFill(tensor([1, 2], { dtype: 'uint8' }), mask, 255).toArray()).toEqual([255, 2]);
    const b = maskedFill(tensor([false, false]), mask, 2);
    expect(b.eq(tensor([true, false])).toArray()).toEqual([true, true]); // 2 was stored raw: true != true
  });

  it('mask must broadcast to the input shape', () => {
    expect(() => maskedFill(A(), tensor([[true], [false], [true]]), 0)).toThrow(/maskedFill: shapes \[2,3\] and \[3,1\] cannot be broadcast/);
    expect(() => maskedFill(tensor([1, 2]), tensor([[true], [false]]), 0)).toThrow('maskedFill: mask of shape [2,1] cannot broadcast to input shape [2]');
  });
});

describe('index validation', () => {
  it('rejects out-of-range and non-integer indices', () => {
    expect(() => gather(A(), 1, idx([[3]]))).toThrow('gather: index 3 is out of range for dimension 1 of size 3');
    expect(() => gather(A(), 1, idx([[-1]]))).toThrow('gather: index -1 is out of range for dimension 1 of size 3');
    expect(() => gather(A(), 1, tensor([[0]]))).toThrow('gather: index must have an integer dtype (int32), got float32');
    expect(() => gather(A(), 1, idx([0]))).toThrow('gather: index rank 1 must equal input rank 2 (shapes [1] and [2,3])');
    expect(() => indexSelect(A(), 0, [2])).toThrow('indexSelect: index 2 is out of range for dimension 0 of size 2');
    // A plain list used to go through Int32Array.from: 1.5 picked row 1, NaN row 0.
    expect(() => indexSelect(A(), 0, [0.5])).toThrow('indexSelect: index 0.5 is not an integer');
    expect(() => indexSelect(A(), 0, [NaN])).toThrow('indexSelect: index NaN is not an integer');
    expect(() => scatterAdd(zeros([2]), 0, idx([5]), tensor([1]))).toThrow(/scatterAdd: index 5 is out of range/);
  });
});

describe('indexing gradients: edges', () => {
  it('gather with an index smaller than the input outside dim', () => {
    const x = f64([[1, 2, 3], [4, 5, 6]]);
    gather(x, 1, idx([[2, 0]])).sum().backward();
    expect(x.grad!.toArray()).toEqual([[1, 0, 1], [0, 0, 0]]);
    expectGrad((v) => gather(v, 1, idx([[2, 0]])), [rnd([2, 3], 10)]);
  });

  it('scatterAdd along dim 0 into a transposed input, with repeats', () => {
    expectGrad((x, s) => scatterAdd(x.T, 0, idx([[1, 0], [1, 1], [2, 0]]), s), [rnd([2, 3], 11), rnd([3, 2], 12)]);
  });

  it('maskedFill of an expanded input; indexSelect along a middle dim', () => {
    expectGrad((v) => v.expand(3, 2).maskedFill(tensor([[true], [false], [true]]), 0).mul(v), [rnd([2], 13)]);
    expectGrad((v) => indexSelect(v, 1, [2, 0, 2]).square(), [rnd([2, 3, 2], 14)]);
  });
});
