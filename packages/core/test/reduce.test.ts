import { describe, expect, it } from 'vitest';
import {
  all, any, arange, argmax, argmin, flip, logsumexp, max, mean, min, norm, prod, std, sum, sumToShape, tensor, variance, zeros,
} from '@tensorkit/core';
import { expectClose, expectGrad, f64, rnd } from './helpers.js';

const A = () => tensor([[1, 2, 3], [4, 5, 6]]);
const B = () => tensor([[3, -1, 7], [2, 9, 0]]);

describe('sum / mean', () => {
  it('over all, one, negative and several axes, with keepdim', () => {
    expect(sum(A()).shape).toEqual([]);
    expect(A().sum().item()).toBe(21);
    expectClose(A().sum(0), [5, 7, 9]);
    expectClose(A().sum(1), [6, 15]);
    expectClose(A().sum(-1, true), [[6], [15]]);
    expect(A().sum([0, 1]).item()).toBe(21);
    expectClose(A().mean(1), [2, 5]);
    expect(mean(A()).item()).toBe(3.5);
    expectClose(A().mean(0, true), [[2.5, 3.5, 4.5]]);
  });

  it('3-D multi-axis', () => {
    const x = arange(0, 24, 1, { dtype: 'float32' }).reshape(2, 3, 4); // x[i][j][k] = 12i + 4j + k
    // Σ_i Σ_k (12i + 4j + k) = (16j + 6) + (48 + 16j + 6) = 32j + 60
    expectClose(x.sum([0, 2]), [60, 92, 124]);
    expect(x.sum([2, 0], true).shape).toEqual([1, 3, 1]);
    expectClose(x.mean([0, 2]), [7.5, 11.5, 15.5]);
  });

  it('non-contiguous inputs', () => {
    expectClose(A().T.sum(0), [6, 15]);
    expectClose(A().T.sum(1), [5, 7, 9]);
    expectClose(flip(A(), [0, 1]).sum(1), [15, 6]);
    expectClose(tensor([1, 2]).expand(3, 2).sum(0), [3, 6]);
    expectClose(A().slice(1, 0, 3, 2).mean(1), [2, 5]);
  });

  it('dtypes: ints and bools sum to int32, mean gives float32', () => {
    const i = tensor([1, 2, 4], { dtype: 'int32' });
    expect(i.sum().dtype).toBe('int32');
    expect(i.sum().item()).toBe(7);
    expect(tensor([true, false, true]).sum().toArray()).toBe(2);
    expect(i.mean().dtype).toBe('float32');
    expect(i.mean().item()).toBeCloseTo(7 / 3, 6);
    expect(tensor([1, 2], { dtype: 'float64' }).sum().dtype).toBe('float64');
  });

  it('sumToShape undoes broadcasting', () => {
    const g = tensor([[1, 2, 3], [4, 5, 6]]);
    expectClose(sumToShape(g, [3]), [5, 7, 9]);
    expectClose(sumToShape(g, [2, 1]), [[6], [15]]);
    expectClose(sumToShape(g, [1, 1]), [[21]]);
    expect(sumToShape(g, [2, 3])).toBe(g);
  });
});

describe('variance / std', () => {
  it('Bessel-corrected by default, correction 0 on request', () => {
    // rows [1,2,3] and [4,5,6]: squared deviations 1+0+1 = 2, / (3-1) = 1
    expectClose(A().var(1), [1, 1]);
    // columns [1,4]: 2·1.5² = 4.5, / 1
    expectClose(variance(A(), 0), [4.5, 4.5, 4.5]);
    // all six: deviations from 3.5 squared sum to 17.5; / 5 = 3.5, / 6 = 2.916667
    expect(A().var().item()).toBeCloseTo(3.5, 6);
    expect(A().var(undefined, false, 0).item()).toBeCloseTo(17.5 / 6, 6);
    expectClose(std(A(), 1, true), [[1], [1]]);
    expect(A().std().item()).toBeCloseTo(Math.sqrt(3.5), 6);
    expectClose(A().T.var(0), [1, 1]);
  });
});

describe('max / min / argmax / argmin', () => {
  it('values', () => {
    expect(B().max().item()).toBe(9);
    expectClose(max(B(), 0), [3, 9, 7]);
    expectClose(B().max(1), [7, 9]);
    expectClose(B().max(1, true), [[7], [9]]);
    expectClose(min(B(), 1), [-1, 0]);
    expectClose(B().min(0), [2, -1, 0]);
    expect(B().min().item()).toBe(-1);
    expectClose(B().T.max(1), [3, 9, 7]);
    expectClose(tensor([1, NaN, 3]).max(), NaN);
  });

  it('indices (int32, first of ties, flattened when no dim)', () => {
    const am = argmax(B());
    expect(am.dtype).toBe('int32');
    expect(am.shape).toEqual([]);
    expect(am.item()).toBe(4);
    expect(B().argmax(1).toArray()).toEqual([2, 1]);
    expect(argmin(B(), 0).toArray()).toEqual([1, 0, 1]);
    expect(B().argmax(0, true).toArray()).toEqual([[0, 1, 0]]);
    expect(B().argmin().item()).toBe(1);
    expect(tensor([1, 3, 3]).argmax().item()).toBe(1);
    // over the whole tensor, keepdim keeps every axis at size 1, holding the flat index (as PyTorch)
    expect(B().argmax(undefined, true).shape).toEqual([1, 1]);
    expect(B().argmax(undefined, true).toArray()).toEqual([[4]]);
    expect(argmin(B(), undefined, true).shape).toEqual([1, 1]);
    expect(B().T.argmax(0).toArray()).toEqual([2, 1]);
  });

  it('whole-tensor max()/min(): tied extremes share the gradient equally (torch.max(x))', () => {
    // Before: [0, 1, 0], all of it to the first 3.
    const x = f64([1, 3, 3]);
    x.max().backward();
    expect(x.grad!.toArray()).toEqual([0, 0.5, 0.5]);
    const y = f64([[-2, 5, -2], [0, -2, 4]]);
    y.min(undefined, true).mul(6).sum().backward();
    expect(y.grad!.toArray()).toEqual([[2, 0, 2], [0, 2, 0]]);
    // A NaN result: the NaNs share it.
    const z = f64([1, NaN, NaN]);
    z.max().backward();
    expect(z.grad!.toArray()).toEqual([0, 0.5, 0.5]);
    // Without ties the whole gradient goes to the extreme; gradcheck at such a point.
    expectGrad((t) => t.max(), [f64([[0.3, -1.2], [2.5, 0.7]])]);
    expectGrad((t) => t.min(undefined, true), [f64([[0.3, -1.2], [2.5, 0.7]])]);
  });

  it('max(dim)/min(dim): the gradient goes to the first extreme of each slice (torch.max(x, dim))', () => {
    const x = f64([[1, 3, 3]]);
    x.max(1).sum().backward();
    expect(x.grad!.toArray()).toEqual([[0, 1, 0]]);
    const y = f64([[3, -1, 7], [2, 9, 0]]);
    y.min(0).sum().backward();
    expect(y.grad!.toArray()).toEqual([[0, 1, 0], [1, 0, 1]]); // column minima 2 (row 1), -1 (row 0), 0 (row 1)
  });

  it('max/min over a list of axes: tied extremes of a slice share its gradient (torch.amax / amin)', () => {
    // slice 0 = [[1, 3], [3, 2]] ties at 3; slice 1 = [[0, 4], [1, 4]] ties at 4 — each tie gets half
    const x = f64([[[1, 3], [3, 2]], [[0, 4], [1, 4]]]);
    x.max([1, 2]).mul(tensor([2, 4], { dtype: 'float64' })).sum().backward();
    expect(x.grad!.toArray()).toEqual([[[0, 1], [1, 0]], [[0, 2], [0, 2]]]);
    // one axis in a list is amax too; a NaN maximum goes to the slice's NaNs
    const y = f64([[5, 5, 1], [NaN, 2, NaN]]);
    y.max([1]).sum().backward();
    expect(y.grad!.toArray()).toEqual([[0.5, 0.5, 0], [0.5, 0, 0.5]]);
    const z = f64([[-2, 0], [-2, 7]]);
    z.min([0, 1], true).sum().backward();
    expect(z.grad!.toArray()).toEqual([[0.5, 0], [0.5, 0]]);
    expectGrad((t) => t.max([0, 2]), [f64([[[0.3, -1.2], [2.5, 0.7]], [[1.1, 0.2], [-0.4, 0.9]]])]);
  });

  it('rejects an empty reduction', () => {
    expect(() => zeros([2, 0]).max(1)).toThrow(/max: cannot reduce over an empty dimension/);
    // argmax/argmin name themselves (they used to report 'max' and the flattened shape).
    expect(() => zeros([0, 3]).argmax()).toThrow('argmax: cannot reduce over an empty dimension (shape [0,3])');
    expect(() => zeros([2, 0]).argmin(1)).toThrow('argmin: cannot reduce over an empty dimension (shape [2,0])');
  });

  it('a scalar reduces over dim 0 or -1 (as in PyTorch)', () => {
    const s = tensor(3, { dtype: 'float64', requiresGrad: true });
    expect(s.sum(0).item()).toBe(3);
    expect(s.sum(-1, true).shape).toEqual([]);
    expect(s.mean(-1).item()).toBe(3);
    expect(s.max(0).item()).toBe(3);
    expect(s.argmax(0).item()).toBe(0);
    expect(s.logsumexp(-1).item()).toBe(3);
    expect(s.squeeze(0).shape).toEqual([]);
    expect(flip(s, 0).item()).toBe(3);
    s.mul(2).sum(0).backward();
    expect(s.grad!.item()).toBe(2);
    expect(() => s.sum(1)).toThrow('sum: axis 1 is out of range for a tensor of rank 0');
  });
});

describe('logsumexp / prod', () => {
  it('logsumexp is stable', () => {
    // 3 + ln(e^-2 + e^-1 + 1) = 3 + ln(1.503214724) = 3.407605964
    expect(logsumexp(tensor([1, 2, 3], { dtype: 'float64' })).item()).toBeCloseTo(3.407605964, 8);
    expectClose(tensor([[1000, 1000], [-1000, -1000]], { dtype: 'float64' }).logsumexp(1), [1000 + Math.LN2, -1000 + Math.LN2], 1e-12);
    expectClose(tensor([[-Infinity, -Infinity], [0, -Infinity]]).logsumexp(1, true), [[-Infinity], [0]]);
    expectClose(tensor([[1, 2], [3, 4]]).T.logsumexp(1), [Math.log(Math.exp(1) + Math.exp(3)), Math.log(Math.exp(2) + Math.exp(4))], 1e-6);
  });

  it('logsumexp over an empty dimension is -inf (as in PyTorch), not a max error', () => {
    expectClose(zeros([0, 3]).logsumexp(0), [-Infinity, -Infinity, -Infinity]);
    expectClose(zeros([2, 0, 3]).logsumexp([1, 2], true), [[[-Infinity]], [[-Infinity]]]);
    expect(logsumexp(zeros([0])).item()).toBe(-Infinity);
    expect(zeros([0, 3]).logsumexp(1).shape).toEqual([0]);
    const x = zeros([0, 3], { requiresGrad: true });
    x.logsumexp(0).sum().backward();
    expect(x.grad!.shape).toEqual([0, 3]);
  });

  it('prod', () => {
    expect(A().prod().item()).toBe(720);
    expectClose(prod(A(), 1), [6, 120]);
    expectClose(A().prod(0, true), [[4, 10, 18]]);
    expectClose(A().T.prod(1), [4, 10, 18]);
    expect(tensor([2, 3], { dtype: 'int32' }).prod().dtype).toBe('int32');
  });

  it('prod gradient is exact with zeros', () => {
    const x = f64([2, 0, 3]);
    x.prod().backward();
    expect(x.grad!.toArray()).toEqual([0, 6, 0]);
    const y = f64([0, 0, 3]);
    y.prod().backward();
    expect(y.grad!.toArray()).toEqual([0, 0, 0]);
  });
});

describe('reduction gradients (float64 gradcheck)', () => {
  it('sum / mean over various axes', () => {
    expectGrad((x) => x.sum(), [rnd([2, 3], 1)]);
    expectGrad((x) => x.sum(0), [rnd([2, 3], 2)]);
    expectGrad((x) => x.sum([0, 2], true), [rnd([2, 2, 3], 3)]);
    expectGrad((x) => x.T.mean(1), [rnd([2, 3], 4)]);
    expectGrad((x) => x.mean([1, -1]), [rnd([2, 2, 2], 5)]);
  });

  it('var / std', () => {
    expectGrad((x) => x.var(1), [rnd([2, 4], 6)]);
    expectGrad((x) => x.var(undefined, false, 0), [rnd([2, 3], 7)]);
    expectGrad((x) => x.std(0, true), [rnd([3, 2], 8)]);
  });

  it('max / min (distinct values)', () => {
    expectGrad((x) => x.max(1), [rnd([3, 4], 9)]);
    expectGrad((x) => x.min([0, 1]), [rnd([2, 2, 3], 10)]);
    expectGrad((x) => x.T.max(0, true), [rnd([3, 2], 11)]);
  });

  it('logsumexp / prod', () => {
    expectGrad((x) => x.logsumexp(1), [rnd([2, 3], 12)]);
    expectGrad((x) => x.logsumexp([0, 1]), [rnd([2, 3], 13)]);
    expectGrad((x) => x.prod(1), [rnd([2, 3], 14)]);
    expectGrad((x) => x.T.prod(), [rnd([2, 3], 15)]);
  });
});

describe('reduction gradients: sumToShape, functional forms and edge cases', () => {
  it('sumToShape (the adjoint of broadcasting) by hand and by gradcheck', () => {
    const g = f64([[[1, 2, 3], [4, 5, 6]], [[7, 8, 9], [10, 11, 12]]]);
    sumToShape(g, [2, 1]).mul(tensor([[1], [10]], { dtype: 'float64' })).sum().backward();
    // out[i][0] = Σ_{b,k} g[b][i][k]: every element of row i gets weight 1 (i = 0) or 10 (i = 1)
    expect(g.grad!.toArray()).toEqual([[[1, 1, 1], [10, 10, 10]], [[1, 1, 1], [10, 10, 10]]]);
    expectGrad((x) => sumToShape(x, [2, 1]), [rnd([3, 2, 3], 16)]);
    expectGrad((x) => sumToShape(x.T, [1, 2]), [rnd([2, 3], 17)]);
  });

  it('variance / std / max / prod as functions, over several axes with keepdim', () => {
    expectGrad((x) => variance(x, [0, 2], true, 2), [rnd([2, 3, 2], 18)]);
    expectGrad((x) => std(x, [0, 2], true, 0), [rnd([2, 3, 2], 19)]);
    expectGrad((x) => max(x, [0, 2], true), [rnd([2, 3, 2], 20)]);
    expectGrad((x) => min(x.T, 0), [rnd([2, 3], 21)]);
    expectGrad((x) => mean(x.T, 0, true), [rnd([2, 3], 22)]);
    expectGrad((x) => sum(x.slice(1, 0, 4, 2), 1), [rnd([2, 4], 23)]);
  });

  it('prod with zeros: gradcheck agrees with the exact prefix·suffix products', () => {
    expectGrad((x) => prod(x, 1, true), [f64([[2, 0, 3], [0, 0, 1.5], [0.5, 2, -1]])]);
  });

  it('logsumexp with -inf entries gives them zero gradient', () => {
    const mask = tensor([[true, false, false], [false, false, true]]);
    expectGrad((x) => logsumexp(x.maskedFill(mask, -Infinity), 1, true), [rnd([2, 3], 24)]);
    const x = f64([-Infinity, 0, 0]);
    logsumexp(x, 0).backward();
    expect(x.grad!.toArray()).toEqual([0, 0.5, 0.5]);
  });
});

describe('norm', () => {
  it('p = 2, 1, Infinity and other p over all elements', () => {
    const v = tensor([3, -4]);
    expect(norm(v).item()).toBe(5);
    expect(v.norm(1).item()).toBe(7);
    expect(norm(v, Infinity).item()).toBe(4);
    // (27 + 64)^(1/3) = 91^(1/3) = 4.497941445…; (√3 + 2)^2 = 13.928203230…
    expectClose(norm(tensor([3, -4], { dtype: 'float64' }), 3), 4.497941445275415, 1e-12);
    expectClose(norm(tensor([3, -4], { dtype: 'float64' }), 0.5), 13.928203230275509, 1e-12);
    expectClose(norm(tensor([[1, 2], [2, 4]])), 5);
  });

  it('over dims (negative, several, keepdim), strided and transposed inputs', () => {
    const x = tensor([[3, 4, 0], [-6, 8, 0]]);
    expectClose(norm(x, 2, 1), [5, 10]);
    expectClose(norm(x, 2, -1, true), [[5], [10]]);
    expectClose(norm(x, 1, 0), [9, 12, 0]);
    expectClose(x.norm(Infinity, -2), [6, 8, 0]);
    expectClose(norm(x, 2, [0, 1]), Math.sqrt(125), 1e-6);
    expectClose(norm(x.T, 2, 0), [5, 10]);
    expectClose(norm(x.slice(1, 0, 2), 1, 1), [7, 14]);
  });

  it('edges: empty dims, NaN, zero vector, integer input', () => {
    expect(norm(zeros([2, 0]), 2, 1).toArray()).toEqual([0, 0]);
    expect(norm(zeros([0])).item()).toBe(0);
    expect(() => norm(zeros([2, 0]), Infinity, 1)).toThrow('norm: the infinity norm needs a non-empty dimension to reduce (shape [2,0])');
    expect(norm(tensor([1, NaN]), Infinity).item()).toBeNaN();
    expect(norm(tensor([NaN, 1]), 1).item()).toBeNaN();
    expect(norm(zeros([3])).item()).toBe(0);
    const i = norm(tensor([3, 4], { dtype: 'int32' }));
    expect(i.dtype).toBe('float32');
    expect(i.item()).toBe(5);
    expect(norm(tensor([1, 2], { dtype: 'float64' })).dtype).toBe('float64');
  });

  it('errors name the op and the argument', () => {
    expect(() => norm(tensor([1]), 0)).toThrow('norm: p must be a positive number or Infinity, got 0');
    expect(() => norm(tensor([1]), -2)).toThrow('norm: p must be a positive number or Infinity, got -2');
    expect(() => norm(tensor([1]), NaN)).toThrow('norm: p must be a positive number or Infinity, got NaN');
    expect(() => norm(tensor([1]), 2, 1)).toThrow('norm: axis 1 is out of range for a tensor of rank 1');
  });

  it('gradient at zero is the subgradient 0, as in PyTorch (not NaN)', () => {
    for (const p of [2, 1, Infinity, 3, 1.5, 0.5]) {
      const x = f64([0, 0, 0]);
      norm(x, p).backward();
      expect(x.grad!.toArray(), `p = ${p}`).toEqual([0, 0, 0]);
    }
    // A zero element of a non-zero vector: 0 for every p (p < 1 included, where |x|^(p-1) is infinite).
    for (const p of [2, 3, 1.5, 0.5, 1]) {
      const x = f64([0, 3, -4]);
      norm(x, p).backward();
      expect(x.grad!.toTypedArray()[0], `p = ${p}`).toBe(0);
    }
  });

  it('gradients by hand: x/‖x‖ for p = 2, sign for p = 1, shared among ties for p = Infinity', () => {
    const a = f64([3, -4]);
    norm(a).backward();
    expectClose(a.grad!, [0.6, -0.8], 1e-12);
    const b = f64([3, -4, 0]);
    norm(b, 1).backward();
    expect(b.grad!.toArray()).toEqual([1, -1, 0]);
    const c = f64([4, -4, 1]);
    norm(c, Infinity).backward();
    expect(c.grad!.toArray()).toEqual([0.5, -0.5, 0]);
  });

  it('float64 gradcheck', () => {
    expectGrad((x) => norm(x), [rnd([2, 3], 30)]);
    expectGrad((x) => norm(x, 2, 1, true), [rnd([2, 3], 31)]);
    expectGrad((x) => norm(x, 1, 0), [rnd([3, 2], 32)]);
    expectGrad((x) => norm(x, Infinity, -1), [rnd([2, 4], 33)]);
    expectGrad((x) => norm(x, 3, [0, 2]), [rnd([2, 3, 2], 34)]);
    expectGrad((x) => x.T.norm(1.5, 1), [rnd([3, 2], 35)]);
    expectGrad((x) => norm(x, 0.5), [rnd([4], 36)]);
    expectGrad((x) => norm(x.slice(1, 0, 4, 2), 4, 1), [rnd([2, 4], 37)]);
  });
});

describe('any / all', () => {
  it('over all elements and along dims (negative, keepdim), strided input', () => {
    const x = tensor([[0, 1, 0], [0, 2, 3]]);
    expect(any(x).toArray()).toBe(true);
    expect(all(x).toArray()).toBe(false);
    expect(any(x, 1).toArray()).toEqual([true, true]);
    expect(all(x, -1).toArray()).toEqual([false, false]);
    expect(x.any(0).toArray()).toEqual([false, true, true]);
    expect(x.all(0, true).toArray()).toEqual([[false, true, false]]);
    expect(all(x.T, 1).toArray()).toEqual([false, true, false]);
    expect(all(x.slice(1, 1, 2), [0, 1]).toArray()).toBe(true);
    expect(all(x.slice(1, 1, 3), [0, 1]).toArray()).toBe(false);
    expect(any(x).dtype).toBe('bool');
  });

  it('edges: empty (any false, all true), NaN counts as true, bool input, no gradient', () => {
    expect(any(zeros([0])).toArray()).toBe(false);
    expect(all(zeros([0])).toArray()).toBe(true);
    expect(any(zeros([2, 0]), 1).toArray()).toEqual([false, false]);
    expect(all(zeros([2, 0]), 1).toArray()).toEqual([true, true]);
    expect(all(tensor([NaN, 1])).toArray()).toBe(true);
    expect(any(tensor([false, true])).toArray()).toBe(true);
    const g = f64([1, 2]);
    expect(any(g).requiresGrad).toBe(false);
    expect(() => any(tensor([1]), 1)).toThrow('any: axis 1 is out of range for a tensor of rank 1');
    expect(() => all(tensor([1]), [0, 0])).toThrow('all: repeated axis in [0,0]');
  });
});
