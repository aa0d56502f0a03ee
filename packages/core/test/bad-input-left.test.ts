/**
 * Bad input that the last probe found still accepted: numeric masks read as "nonzero is true",
 * generator draws from a reversed range or a negative std, numel of a negative shape.
 */
import { describe, expect, it } from 'vitest';
import { broadcastShapes, contiguousStrides, Generator, maskedFill, numel, rand, randn, tensor, where } from '@tensorkit/core';

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

describe('Generator.uniformRange and Generator.normal check their parameters', () => {
  it('uniformRange refuses a reversed range and non-finite bounds (it drew outside the range, or NaN)', () => {
    const g = new Generator(1);
    expect(() => g.uniformRange(2, 1)).toThrow('Generator.uniformRange: need finite low ≤ high, got low 2 and high 1');
    expect(() => g.uniformRange(NaN, 1)).toThrow('Generator.uniformRange: need finite low ≤ high, got low NaN and high 1');
    expect(() => g.uniformRange(0, Infinity)).toThrow('Generator.uniformRange: need finite low ≤ high, got low 0 and high Infinity');
    expect(() => g.uniformRange(-1e308, 1e308)).toThrow('got low -1e+308 and high 1e+308 (their difference overflows to Infinity)');
    expect(() => g.uniformRange('0' as never, 1)).toThrow('Generator.uniformRange: need finite low ≤ high, got low "0" and high 1');
    // A refused call draws nothing: the sequence continues as if it had not been made.
    expect(g.uniformRange(3, 3)).toBe(3);
    const ref = new Generator(1);
    ref.uniform();
    expect(g.uniform()).toBe(ref.uniform());
  });

  it('normal refuses a negative, NaN or infinite std and a non-finite mean (draws were mirrored or NaN)', () => {
    const g = new Generator(2);
    expect(() => g.normal(0, -1)).toThrow('Generator.normal: need a finite mean and a finite std ≥ 0, got mean 0 and std -1');
    expect(() => g.normal(0, NaN)).toThrow('Generator.normal: need a finite mean and a finite std ≥ 0, got mean 0 and std NaN');
    expect(() => g.normal(0, Infinity)).toThrow('got mean 0 and std Infinity');
    expect(() => g.normal(-Infinity, 1)).toThrow('got mean -Infinity and std 1');
    // Also when a cached second deviate would have been returned without drawing.
    g.normal();
    expect(() => g.normal(0, -2)).toThrow('Generator.normal: need a finite mean and a finite std ≥ 0, got mean 0 and std -2');
    expect(g.normal(5, 0)).toBe(5);
  });

  it('rand refuses a range whose width overflows (it filled Infinity and NaN)', () => {
    expect(() => rand([2], { low: -1e308, high: 1e308 })).toThrow('rand: need finite low ≤ high, got low -1e+308 and high 1e+308 (their difference overflows to Infinity)');
    expect(() => randn([2], { std: NaN })).toThrow('randn: need a finite mean and a finite std ≥ 0, got mean 0 and std NaN');
  });
});

describe('numel', () => {
  it('refuses negative and fractional dimensions (numel([-1, 2]) was -2)', () => {
    expect(() => numel([-1, 2])).toThrow('numel: invalid shape [-1,2] (dimensions must be non-negative integers)');
    expect(() => numel([1.5])).toThrow('numel: invalid shape [1.5]');
    expect(() => numel([NaN])).toThrow('numel: invalid shape [NaN]');
    expect(() => numel(3 as never)).toThrow('numel: shape must be an array of non-negative integers, got 3 (write [3] for a 1-D shape)');
    expect(numel([2, 3])).toBe(6);
    expect(numel([])).toBe(1);
    expect(numel([0, 4])).toBe(0);
  });
});

describe('broadcastShapes and contiguousStrides (exported)', () => {
  it('refuse negative and fractional dimensions ([2.5] broadcast with [1] was [2.5]; strides of [2, 1.5] were fractional)', () => {
    expect(() => broadcastShapes('myOp', [2.5], [1])).toThrow('myOp: invalid shape [2.5]');
    expect(() => broadcastShapes('myOp', [3], [-1])).toThrow('myOp: invalid shape [-1]');
    expect(() => contiguousStrides([2, 1.5])).toThrow('contiguousStrides: invalid shape [2,1.5]');
    expect(broadcastShapes('myOp', [2, 1], [3])).toEqual([2, 3]);
    expect(contiguousStrides([2, 3, 4])).toEqual([12, 4, 1]);
  });
});
