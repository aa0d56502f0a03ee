import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { arange, tensor } from '@tensorkit/core';

describe('printing', () => {
  it('2-D float32 aligns rows under the first bracket', () => {
    expect(tensor([[1, 2], [3, 4]]).toString()).toBe('tensor([[1.0000, 2.0000],\n        [3.0000, 4.0000]], shape=[2,2], dtype=float32)');
  });

  it('3-D int32, bool, scalar and float64', () => {
    expect(tensor([[[1, 2], [3, 4]], [[5, 6], [7, -8]]], { dtype: 'int32' }).toString()).toBe(
      'tensor([[[1, 2],\n         [3, 4]],\n        [[5, 6],\n         [7, -8]]], shape=[2,2,2], dtype=int32)',
    );
    expect(tensor([true, false]).toString()).toBe('tensor([true, false], shape=[2], dtype=bool)');
    expect(tensor(3.5).toString()).toBe('tensor(3.5000, shape=[], dtype=float32)');
    expect(tensor([-1.5, 0.25], { dtype: 'float64' }).toString()).toBe('tensor([-1.5000, 0.2500], shape=[2], dtype=float64)');
    expect(tensor([200], { dtype: 'uint8' }).toString()).toBe('tensor([200], shape=[1], dtype=uint8)');
  });

  it('special and extreme values', () => {
    expect(tensor([NaN, Infinity, -Infinity, 0], { dtype: 'float64' }).toString()).toBe('tensor([nan, inf, -inf, 0.0000], shape=[4], dtype=float64)');
    expect(tensor([1e-5, 1234567, -2.5e-7], { dtype: 'float64' }).toString()).toBe('tensor([1.0000e-5, 1.2346e+6, -2.5000e-7], shape=[3], dtype=float64)');
  });

  it('summarises long dimensions', () => {
    expect(arange(10).toString()).toBe('tensor([0, 1, 2, ..., 7, 8, 9], shape=[10], dtype=int32)');
    const big = arange(64).reshape(8, 8).toString();
    const lines = big.split('\n');
    expect(lines).toHaveLength(7); // rows 0, 1, 2, ..., 5, 6, 7
    expect(lines[0]).toBe('tensor([[0, 1, 2, ..., 5, 6, 7],');
    expect(lines[3]).toBe('        ...,');
    expect(lines[6]).toBe('        [56, 57, 58, ..., 61, 62, 63]], shape=[8,8], dtype=int32)');
  });

  it('prints views in logical order and flags requiresGrad', () => {
    expect(tensor([[1, 2], [3, 4]]).T.toString()).toBe('tensor([[1.0000, 3.0000],\n        [2.0000, 4.0000]], shape=[2,2], dtype=float32)');
    expect(tensor([1], { requiresGrad: true }).toString()).toBe('tensor([1.0000], shape=[1], dtype=float32, requiresGrad=true)');
  });

  it('is used by util.inspect and string conversion', () => {
    const t = tensor([1, 2], { dtype: 'int32' });
    expect(inspect(t)).toBe('tensor([1, 2], shape=[2], dtype=int32)');
    expect(`${t}`).toBe('tensor([1, 2], shape=[2], dtype=int32)');
  });
});
