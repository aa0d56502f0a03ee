import { describe, expect, it } from 'vitest';
import { clamp, eq, ge, gt, le, lt, ne, tensor, where } from '@tensorkit/core';
import { expectClose, expectGrad, f64, rnd } from './helpers.js';

describe('comparisons', () => {
  it('against a scalar', () => {
    const x = tensor([1, 2, 3]);
    expect(eq(x, 2).toArray()).toEqual([false, true, false]);
    expect(ne(x, 2).toArray()).toEqual([true, false, true]);
    expect(lt(x, 2).toArray()).toEqual([true, false, false]);
    expect(le(x, 2).toArray()).toEqual([true, true, false]);
    expect(gt(x, 2).toArray()).toEqual([false, false, true]);
    expect(ge(x, 2).toArray()).toEqual([false, true, true]);
    expect(x.gt(2).dtype).toBe('bool');
  });

  it('broadcast tensors', () => {
    const col = tensor([[1], [3]]);
    const row = tensor([1, 2, 3]);
    expect(col.lt(row).toArray()).toEqual([[false, true, true], [false, false, false]]);
    expect(col.eq(row).toArray()).toEqual([[true, false, false], [false, false, true]]);
    // int vs float compares by value
    expect(tensor([1, 2], { dtype: 'int32' }).eq(tensor([1.5, 2])).toArray()).toEqual([false, true]);
    expect(tensor([1, 2], { dtype: 'int32' }).lt(1.5).toArray()).toEqual([true, false]);
  });

  it('integer tensors against numbers they cannot hold compare by value', () => {
    const u8 = tensor([0, 1, 255], { dtype: 'uint8' });
    // -1 and 256 used to wrap to 255 and 0 first.
    expect(u8.gt(-1).toArray()).toEqual([true, true, true]);
    expect(lt(-1, u8).toArray()).toEqual([true, true, true]);
    expect(u8.eq(256).toArray()).toEqual([false, false, false]);
    expect(u8.lt(256).toArray()).toEqual([true, true, true]);
    const i = tensor([16777217, -5, 2147483647], { dtype: 'int32' });
    expect(i.lt(3e9).toArray()).toEqual([true, true, true]); // 3e9 wrapped to a negative int32
    expect(i.eq(16777217.5).toArray()).toEqual([false, false, false]); // float32 rounds both to 2^24
    expect(i.eq(16777217).toArray()).toEqual([true, false, false]);
    expect(i.le(-5).dtype).toBe('bool');
  });

  it('non-contiguous inputs', () => {
    const a = tensor([[1, 5], [7, 2]]);
    expect(a.T.gt(a).toArray()).toEqual([[false, true], [false, false]]);
    expect(a.slice(1, 1).ge(tensor([5, 2]).unsqueeze(1)).toArray()).toEqual([[true], [true]]);
  });

  it('NaN is unequal to everything', () => {
    expect(eq(tensor([NaN]), tensor([NaN])).toArray()).toEqual([false]);
    expect(ne(tensor([NaN]), tensor([NaN])).toArray()).toEqual([true]);
    expect(lt(tensor([NaN]), 1).toArray()).toEqual([false]);
  });

  it('never records gradients', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const m = x.gt(1);
    expect(m.requiresGrad).toBe(false);
    expect(m.gradFn).toBeNull();
  });
});

describe('where', () => {
  it('broadcasts condition and both branches', () => {
    const cond = tensor([[true], [false]]);
    expect(where(cond, tensor([1, 2, 3]), 0).toArray()).toEqual([[1, 2, 3], [0, 0, 0]]);
    expect(where(tensor([true, false]), 1, -1).toArray()).toEqual([1, -1]);
    // A numeric (uint8) condition is refused (see bad-input-left.test.ts); converted to bool it works like one.
    expectClose(where(tensor([0, 1], { dtype: 'uint8' }).to('bool'), tensor([10, 20]), tensor([[1, 2], [3, 4]])), [[1, 20], [3, 20]]);
  });

  it('mask from a comparison on a transposed view', () => {
    const a = tensor([[1, -2], [-3, 4]]);
    expectClose(where(a.T.gt(0), a.T, a.T.neg()), [[1, 3], [2, 4]]);
  });

  it('gradient goes to the chosen branch', () => {
    const a = f64([1, 2, 3]);
    const b = f64([[10], [20]]);
    const cond = tensor([[true, false, true], [false, false, true]]);
    where(cond, a, b).sum().backward();
    expect(a.grad!.toArray()).toEqual([1, 0, 2]);
    expect(b.grad!.toArray()).toEqual([[1], [2]]);
    expectGrad((x, y) => where(cond, x, y).mul(x), [rnd([3], 1), rnd([2, 1], 2)]);
  });
});

describe('clamp', () => {
  it('forward with both, one or no bound', () => {
    const x = tensor([-2, -0.5, 0.5, 2]);
    expectClose(clamp(x, -1, 1), [-1, -0.5, 0.5, 1]);
    expectClose(x.clamp(0), [0, 0, 0.5, 2]);
    expectClose(x.clamp(null, 0), [-2, -0.5, 0, 0]);
    expectClose(x.clamp(), [-2, -0.5, 0.5, 2]);
    expectClose(tensor([[-2, 3], [0.25, -0.25]]).T.clamp(-1, 1), [[-1, 0.25], [1, -0.25]]);
    expect(tensor([-5, 5], { dtype: 'int32' }).clamp(-2, 2).toArray()).toEqual([-2, 2]);
  });

  it('gradient passes only inside the range', () => {
    const x = f64([-2, -0.5, 0.5, 2]);
    clamp(x, -1, 1).sum().backward();
    expect(x.grad!.toArray()).toEqual([0, 1, 1, 0]);
    expectGrad((v) => clamp(v, -0.8, 0.9).mul(v), [f64([[-1.5, -0.3], [0.2, 1.4]])]);
    expectGrad((v) => v.T.clamp(0), [f64([[-1.5, -0.3], [0.2, 1.4]])]);
  });

  it('a fractional bound makes an integer tensor float32 (as in PyTorch) instead of truncating the bound', () => {
    const c = tensor([1, 2, 3], { dtype: 'int32' }).clamp(1.5);
    expect(c.dtype).toBe('float32');
    expect(c.toArray()).toEqual([1.5, 2, 3]); // was int32 [1, 2, 3]: 1 is below min
    expect(tensor([0, 2, 3], { dtype: 'uint8' }).clamp(0.5, 2.5).toArray()).toEqual([0.5, 2, 2.5]);
    expect(tensor([-5, 5], { dtype: 'int32' }).clamp(-Infinity, 2).dtype).toBe('int32');
  });

  it('rejects min > max', () => {
    expect(() => clamp(tensor([1]), 2, 1)).toThrow('clamp: min 2 is greater than max 1');
  });
});

describe('where / clamp gradients: edges', () => {
  it('where with a scalar branch and a broadcast condition', () => {
    const cond = tensor([[true], [false]]);
    expectGrad((x) => where(cond, x, 0.5).mul(x), [rnd([2, 3], 3)]);
    expectGrad((y) => where(cond.T, -1, y.T), [rnd([2, 3], 4)]);
  });

  it('clamp with only an upper bound, on a transposed view', () => {
    expectGrad((v) => v.T.clamp(null, 0.3).square(), [f64([[-1.5, 0.1], [0.25, 1.4]])]);
  });
});
