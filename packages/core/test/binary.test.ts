import { describe, expect, it } from 'vitest';
import { add, div, flip, maximum, minimum, mul, pow, sub, tensor } from '@tensorkit/core';
import { expectClose, expectGrad, f64, rnd } from './helpers.js';

const A = () => tensor([[1, 2, 3], [4, 5, 6]]);
const ROW = () => tensor([10, 20, 30]);
const COL = () => tensor([[2], [3]]);

describe('binary forward', () => {
  it('broadcasts a row over [2,3]', () => {
    expectClose(add(A(), ROW()), [[11, 22, 33], [14, 25, 36]]);
    expectClose(sub(A(), ROW()), [[-9, -18, -27], [-6, -15, -24]]);
    expectClose(mul(A(), ROW()), [[10, 40, 90], [40, 100, 180]]);
    expectClose(div(A(), ROW()), [[0.1, 0.1, 0.1], [0.4, 0.25, 0.2]]);
  });

  it('broadcasts a column, and both operands at once', () => {
    expectClose(A().mul(COL()), [[2, 4, 6], [12, 15, 18]]);
    expectClose(pow(A(), COL()), [[1, 4, 9], [64, 125, 216]]);
    expectClose(maximum(A(), tensor([[3], [5]])), [[3, 3, 3], [5, 5, 6]]);
    expectClose(minimum(A(), tensor([[3], [5]])), [[1, 2, 3], [4, 5, 5]]);
    // [3,1] + [1,2] → [3,2]
    expectClose(tensor([[1], [2], [3]]).add(tensor([[10, 20]])), [[11, 21], [12, 22], [13, 23]]);
    // rank-0 and rank-3 operands
    expectClose(tensor(2).mul(tensor([[[1, 2]]])), [[[2, 4]]]);
  });

  it('accepts numbers on either side and alpha', () => {
    expectClose(add(A(), ROW(), 2), [[21, 42, 63], [24, 45, 66]]); // a + 2b
    expectClose(A().sub(1, 0.5), [[0.5, 1.5, 2.5], [3.5, 4.5, 5.5]]);
    expectClose(A().add(2, 3), [[7, 8, 9], [10, 11, 12]]); // a + 3·2
    const i = tensor([5], { dtype: 'int32' }).sub(1, 2);
    expect([i.dtype, i.toArray()]).toEqual(['int32', [3]]);
    expect(add(1, 2).item()).toBe(3);
    expectClose(sub(10, A()), [[9, 8, 7], [6, 5, 4]]);
    expectClose(div(1, tensor([2, 4])), [0.5, 0.25]);
    expectClose(pow(2, tensor([1, 3])), [2, 8]);
    expectClose(tensor([4, 9]).pow(0.5), [2, 3]);
    expectClose(tensor([1, 5]).maximum(3), [3, 5]);
    expectClose(tensor([1, 5]).minimum(3), [1, 3]);
  });

  it('reads non-contiguous operands (transpose, expand, flip, offset slices)', () => {
    const a = A();
    expectClose(a.T.add(tensor([[1], [2], [3]])), [[2, 5], [4, 7], [6, 9]]);
    expectClose(a.T.add(tensor([1, 2]).expand(3, 2)), [[2, 6], [3, 7], [4, 8]]);
    expectClose(flip(a, 1).mul(a), [[3, 4, 3], [24, 25, 24]]);
    expectClose(a.slice(0, 1).add(tensor([[1, 1, 1]])), [[5, 6, 7]]); // contiguous, offset 3
    expectClose(a.slice(1, 0, 3, 2).sub(a.slice(1, 1, 2)), [[-1, 1], [-1, 1]]);
    expectClose(a.T.mul(a.T), [[1, 16], [4, 25], [9, 36]]);
  });

  it('propagates NaN through maximum/minimum', () => {
    expectClose(maximum(tensor([NaN, 1]), tensor([0, NaN])), [NaN, NaN]);
    expectClose(minimum(tensor([NaN, 1]), tensor([0, NaN])), [NaN, NaN]);
  });

  it('follows dtype promotion', () => {
    const i = tensor([7, -7], { dtype: 'int32' });
    expect(i.add(1).dtype).toBe('int32');
    expect(i.div(2).dtype).toBe('float32');
    expect(i.div(2).toArray()).toEqual([3.5, -3.5]);
    expect(i.mul(tensor([0.5], { dtype: 'float64' })).dtype).toBe('float64');
    expect(tensor([1], { dtype: 'uint8' }).add(tensor([2], { dtype: 'int32' })).dtype).toBe('int32');
  });

  it('two bool tensors stay bool as in PyTorch (add/maximum: or, mul/minimum: and, sub refused); a bool with a number counts in uint8', () => {
    const a = tensor([true, true, false, false]);
    const b = tensor([true, false, true, false]);
    for (const [op, want] of [['add', [true, true, true, false]], ['maximum', [true, true, true, false]], ['mul', [true, false, false, false]], ['minimum', [true, false, false, false]]] as const) {
      const r = a[op](b);
      expect([op, r.dtype, r.toArray()]).toEqual([op, 'bool', want]);
    }
    expect(() => a.sub(b)).toThrow('sub: two bool tensors cannot be subtracted (as in PyTorch)');
    expect(tensor([true, false]).add(tensor([[true], [false]])).toArray()).toEqual([[true, true], [true, false]]);
    const counted = a.add(1);
    expect([counted.dtype, counted.toArray()]).toEqual(['uint8', [2, 2, 1, 1]]);
    expect(a.add(tensor([1, 2], { dtype: 'int32' }).reshape([2, 1])).dtype).toBe('int32');
  });

  it('int32 products wrap exactly (two\'s complement), also past 2^53', () => {
    const big = tensor([2147483647, 65537, -2147483648], { dtype: 'int32' });
    // (2^31 - 1)^2 = 2^62 - 2^32 + 1 ≡ 1 (mod 2^32); a double product rounded that away to 0.
    expect(big.mul(big).toArray()).toEqual([1, 131073, 0]);
    expect(big.mul(2147483647).toArray()).toEqual([1, 2147418111, -2147483648]);
    expect(tensor([3, -4], { dtype: 'int32' }).T.mul(tensor([[5], [6]], { dtype: 'int32' })).toArray()).toEqual([[15, -20], [18, -24]]);
  });

  it('throws naming the op and the shapes', () => {
    expect(() => add(A(), tensor([1, 2]))).toThrow('add: shapes [2,3] and [2] cannot be broadcast (dimension 1: 3 vs 2)');
    expect(() => mul(tensor([[1, 2]]), tensor([[1], [2], [3]]).T)).toThrow(/mul: shapes \[1,2\] and \[1,3\]/);
  });
});

describe('binary gradients (float64 gradcheck)', () => {
  it('add / sub / mul / div with row and column broadcasting', () => {
    expectGrad((a, b) => add(a, b), [rnd([2, 3], 1), rnd([3], 2)]);
    expectGrad((a, b) => sub(a, b), [rnd([2, 3], 3), rnd([2, 1], 4)]);
    expectGrad((a, b) => mul(a, b), [rnd([2, 1], 5), rnd([1, 3], 6)]);
    expectGrad((a, b) => div(a, b), [rnd([2, 3], 7), rnd([3], 8, { mean: 3 })]);
    expectGrad((a, b) => add(a, b, -1.5), [rnd([3], 9), rnd([2, 3], 10)]);
  });

  it('pow in both arguments (positive base)', () => {
    expectGrad((a, b) => pow(a, b), [rnd([2, 3], 11, { mean: 2, std: 0.3 }), rnd([3], 12)]);
    expectGrad((a) => pow(a, 3), [rnd([2, 2], 13)]);
    expectGrad((b) => pow(2, b), [rnd([3], 14)]);
  });

  it('pow gradients at a zero or negative base follow PyTorch', () => {
    // d/da a^0 = 0 everywhere, also at a = 0 (the formula 0 · 0^-1 gives NaN).
    for (const dtype of ['float32', 'float64'] as const) {
      const a = tensor([0, 2], { dtype, requiresGrad: true });
      pow(a, 0).sum().backward();
      expect(a.grad!.toArray()).toEqual([0, 0]);
      const t = tensor([0, 2], { dtype, requiresGrad: true });
      pow(t, tensor([0, 0], { dtype })).sum().backward();
      expect(t.grad!.toArray()).toEqual([0, 0]);
      // d/db a^b = a^b ln a: 0 at a = 0 with b >= 0, NaN for a negative base, -inf for 0^negative.
      const b = tensor([3, 0, 2, -1, 1], { dtype, requiresGrad: true });
      pow(tensor([0, 0, -2, 0, Math.E], { dtype }), b).sum().backward();
      expectClose(b.grad!, [0, 0, NaN, -Infinity, Math.E], 1e-6);
    }
  });

  it('maximum / minimum away from ties', () => {
    const a = f64([[0.1, 2.0, -1.0], [3.0, -2.0, 0.5]]);
    const b = f64([0.6, 1.0, -0.3]);
    expectGrad((x, y) => maximum(x, y), [a, b]);
    expectGrad((x, y) => minimum(x, y), [a, b]);
  });

  it('scalar operands and non-contiguous inputs', () => {
    expectGrad((a) => sub(1, a).mul(3).div(2), [rnd([2, 2], 15)]);
    expectGrad((a) => div(2, a), [rnd([3], 16, { mean: 2 })]);
    expectGrad((a, b) => a.T.mul(b.T), [rnd([2, 3], 17), rnd([2, 3], 18)]);
    expectGrad((a, b) => flip(a, 0).add(b.expand(2, 3)), [rnd([2, 3], 19), rnd([1, 3], 20)]);
  });

  it('hand-checked gradients, including the tie split of maximum', () => {
    const a = f64([1, 2]);
    const b = f64([1, 0]);
    maximum(a, b).sum().backward();
    expect(a.grad!.toArray()).toEqual([0.5, 1]);
    expect(b.grad!.toArray()).toEqual([0.5, 0]);
    const x = f64([[1, 2], [3, 4]]);
    const w = f64([10, 20]);
    x.mul(w).sum().backward();
    expect(w.grad!.toArray()).toEqual([4, 6]); // column sums
    expect(x.grad!.toArray()).toEqual([[10, 20], [10, 20]]);
  });

  it('gradients flow back through a dtype promotion', () => {
    const a = tensor([1, 2], { requiresGrad: true }); // float32
    const b = tensor([3, 4], { dtype: 'float64', requiresGrad: true });
    a.mul(b).sum().backward();
    expect(a.grad!.dtype).toBe('float32');
    expect(a.grad!.toArray()).toEqual([3, 4]);
    expect(b.grad!.toArray()).toEqual([1, 2]);
  });
});

describe('binary gradients: alpha and broadcasting edges', () => {
  it('add / sub with alpha on tensors (gradient alpha·g to the second operand)', () => {
    expectGrad((a, b) => sub(a, b, 2.5), [rnd([2, 3], 21), rnd([3], 22)]);
    expectGrad((a, b) => add(a.T, b, 0.5), [rnd([3, 2], 23), rnd([2, 1], 24)]);
    const a = f64([1, 2]);
    const b = f64([3, 4]);
    sub(a, b, 2.5).sum().backward();
    expect([a.grad!.toArray(), b.grad!.toArray()]).toEqual([[1, 1], [-2.5, -2.5]]);
  });

  it('rank-0 against rank-3 and both operands broadcast at once', () => {
    expectGrad((a, b) => mul(a, b), [rnd([], 25), rnd([2, 1, 3], 26)]);
    expectGrad((a, b) => div(a, b), [rnd([2, 1, 3], 27), rnd([2, 1], 28, { mean: 3 })]);
    expectGrad((a, b) => pow(a, b), [rnd([1, 3], 29, { mean: 2, std: 0.2 }), rnd([2, 1], 30)]);
    expectGrad((a, b) => maximum(a.T, b), [rnd([3, 2], 31), rnd([2, 1], 32)]);
  });
});
