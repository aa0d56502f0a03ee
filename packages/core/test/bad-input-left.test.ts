/**
 * Bad input that the last probe found still accepted: numeric masks read as "nonzero is true".
 */
import { describe, expect, it } from 'vitest';
import { maskedFill, tensor, where } from '@tensorkit/core';

describe('maskedFill and where take bool masks only, as PyTorch', () => {
  const x = tensor([1, 2, 3]);

  it('maskedFill refuses a float, int32 or uint8 mask (it filled wherever the mask was nonzero)', () => {
    expect(() => maskedFill(x, tensor([0.5, 0, 1]), 9)).toThrow("maskedFill: mask must be a bool tensor, got dtype float32; make one with a comparison such as mask.ne(0) or mask.gt(0), or mask.to('bool')");
    expect(() => x.maskedFill(tensor([1, 0, 1], { dtype: 'int32' }), 9)).toThrow('maskedFill: mask must be a bool tensor, got dtype int32');
    expect(() => x.maskedFill(tensor([1, 0, 1], { dtype: 'uint8' }), 9)).toThrow('maskedFill: mask must be a bool tensor, got dtype uint8');
    expect(x.maskedFill(tensor([0.5, 0, 1]).ne(0), 9).toArray()).toEqual([9, 2, 9]);
  });

  it('maskedFill names a non-tensor input or mask', () => {
    expect(() => maskedFill([1, 2] as never, tensor([true, false]), 0)).toThrow('maskedFill: input must be a Tensor, got an array');
    expect(() => x.maskedFill([true, false, true] as never, 0)).toThrow('maskedFill: mask must be a Tensor, got an array');
  });

  it('where refuses a non-bool condition (it chose x wherever the condition was nonzero)', () => {
    expect(() => where(tensor([0.5, 0, 1]), x, 0)).toThrow("where: condition must be a bool tensor, got dtype float32; make one with a comparison such as condition.ne(0) or condition.gt(0), or condition.to('bool')");
    expect(() => where(tensor([0, 1, 1], { dtype: 'uint8' }), x, 0)).toThrow('where: condition must be a bool tensor, got dtype uint8');
    expect(() => where(null as never, x, 0)).toThrow('where: condition must be a Tensor, got null');
    expect(where(tensor([0.5, 0, 1]).gt(0), x, 0).toArray()).toEqual([1, 0, 3]);
  });
});
