/**
 * Bad input that used to give a silently wrong or corrupt result (wrapped integers, NaN windows,
 * a broadcast gradient) and now throws naming the op and the argument.
 */
import { describe, expect, it } from 'vitest';
import {
  arange, avgPool2d, conv2d, conv2dMaxPool, convTranspose2d, full, gather, maskedFill, maxPool1d, maxPool2d, ones, pad,
  randint, record, scalar, scatterAdd, tensor, zeros, type Tensor,
} from '@tensorkit/core';

const int32 = (v: number[]) => tensor(v, { dtype: 'int32' });
const uint8 = (v: number[]) => tensor(v, { dtype: 'uint8' });
const overflow = (what: string, dtype: string) => `${what} cannot be converted to ${dtype} without overflow`;

describe('indexSelect with a number list', () => {
  it('refuses an index past the dimension before converting the list to int32 (2**32 read row 0)', () => {
    const x = tensor([[1, 2, 3], [4, 5, 6]]);
    expect(() => x.indexSelect(0, [2 ** 32])).toThrow('indexSelect: index 4294967296 is out of range for dimension 0 of size 2');
    expect(() => x.indexSelect(1, [0, -1])).toThrow('indexSelect: index -1 is out of range for dimension 1 of size 3');
    expect(x.indexSelect(0, [1, 0]).toArray()).toEqual([[4, 5, 6], [1, 2, 3]]);
  });
});

describe('clamp on integer tensors', () => {
  it('refuses a whole-number bound the dtype cannot hold, as add does (it wrapped)', () => {
    expect(() => int32([1, 2]).clamp(3e9)).toThrow("clamp: the scalar 3000000000 cannot be converted to int32, the result dtype with this integer tensor, without overflow");
    expect(() => uint8([1, 2]).clamp(300)).toThrow('clamp: the scalar 300 cannot be converted to uint8');
    expect(() => uint8([1, 2]).clamp(null, -5)).toThrow('clamp: the scalar -5 cannot be converted to uint8');
  });

  it('keeps bounds that fit, infinite bounds and fractional bounds (float32) working', () => {
    expect(uint8([1, 200]).clamp(2, 255).toArray()).toEqual([2, 200]);
    expect(int32([-5, 5]).clamp(-Infinity, 0).toArray()).toEqual([-5, 0]);
    const f = int32([1, 3]).clamp(1.5);
    expect(f.dtype).toBe('float32');
    expect(f.toArray()).toEqual([1.5, 3]);
  });
});

describe('fill values and data for integer dtypes', () => {
  it('full, zeros-like creators, scalar and tensor refuse values they would wrap', () => {
    expect(() => full([2], 3e9, { dtype: 'int32' })).toThrow(`full: ${overflow('fill value 3000000000', 'int32')} (int32 holds -2147483648..2147483647; there is no int64)`);
    expect(() => full([2], 300, { dtype: 'uint8' })).toThrow(`full: ${overflow('fill value 300', 'uint8')}`);
    expect(() => full([2], NaN, { dtype: 'int32' })).toThrow(`full: ${overflow('fill value NaN', 'int32')}`);
    expect(() => full([2], -Infinity, { dtype: 'uint8' })).toThrow(`full: ${overflow('fill value -Infinity', 'uint8')}`);
    expect(() => ones([2]).fullLike(3e9, 'int32')).toThrow(`fullLike: ${overflow('fill value 3000000000', 'int32')}`);
    expect(() => scalar(3e9, 'int32')).toThrow(`scalar: ${overflow('value 3000000000', 'int32')}`);
    expect(() => tensor([1, 3e9], { dtype: 'int32' })).toThrow(`tensor: ${overflow('the value 3000000000 at flat index 1', 'int32')}`);
    expect(() => tensor(new Float64Array([NaN]), { dtype: 'int32' })).toThrow(`tensor: ${overflow('the value NaN at flat index 0', 'int32')}`);
  });

  it('pad refuses a padding value its integer input cannot hold', () => {
    expect(() => pad(int32([1, 2]), [1, 1], 3e9)).toThrow(`pad: ${overflow('value 3000000000', 'int32')}`);
    expect(() => pad(uint8([1, 2]), [1, 1], 300)).toThrow(`pad: ${overflow('value 300', 'uint8')}`);
    expect(pad(uint8([1, 2]), [1, 1], 255).toArray()).toEqual([255, 1, 2, 255]);
  });

  it('truncates fractions toward zero, as PyTorch, and leaves float and bool dtypes alone', () => {
    expect(full([2], 2.7, { dtype: 'int32' }).toArray()).toEqual([2, 2]);
    expect(full([1], -2.7, { dtype: 'int32' }).toArray()).toEqual([-2]);
    expect(scalar(255.9, 'uint8').item()).toBe(255);
    expect(full([1], NaN).item()).toBeNaN();
    expect(full([1], 5, { dtype: 'bool' }).toArray()).toEqual([true]);
    expect(full([1], 2 ** 31 - 1, { dtype: 'int32' }).item()).toBe(2 ** 31 - 1);
  });
});

describe('arange', () => {
  it('refuses an int32 range past 2**31 (it wrapped to negatives), suggesting float64', () => {
    expect(() => arange(2 ** 31 - 2, 2 ** 31 + 2)).toThrow(
      "arange: the values 2147483646..2147483649 (int32, inferred from integer arguments) cannot be converted to int32 without overflow (int32 holds -2147483648..2147483647; there is no int64); pass { dtype: 'float64' }",
    );
    expect(() => arange(0, 300, 1, { dtype: 'uint8' })).toThrow('arange: the values 0..299 cannot be converted to uint8 without overflow');
    expect(arange(2 ** 31 - 2, 2 ** 31 + 2, 1, { dtype: 'float64' }).toArray()).toEqual([2147483646, 2147483647, 2147483648, 2147483649]);
    expect(arange(2 ** 31 - 2, 2 ** 31).toArray()).toEqual([2147483646, 2147483647]);
  });
});

describe('randint with dtype bool', () => {
  it('refuses a range outside [0, 2) (it stored bytes 2, 3, …)', () => {
    expect(() => randint(0, 5, [6], { dtype: 'bool' })).toThrow('randint: range [0, 5) does not fit dtype bool (bool draws need a range within [0, 2))');
    expect(() => randint(-1, 1, [6], { dtype: 'bool' })).toThrow('randint: range [-1, 1) does not fit dtype bool');
    const b = randint(0, 2, [50], { dtype: 'bool' });
    expect(Array.from(b.storage).every((v) => v === 0 || v === 1)).toBe(true);
  });
});

describe('scatterAdd', () => {
  it("refuses a src whose dtype differs from the input's, as PyTorch (the adds truncated or wrapped)", () => {
    const index = tensor([[0, 1]], { dtype: 'int32' });
    expect(() => scatterAdd(zeros([1, 2], { dtype: 'int32' }), 1, index, tensor([[0.5, 0.5]]))).toThrow(
      "scatterAdd: src dtype float32 must equal the input's dtype int32, as in PyTorch; convert one with .to('int32') or .to('float32')",
    );
    expect(() => scatterAdd(zeros([1, 2], { dtype: 'bool' }), 1, index, tensor([[2, 2]], { dtype: 'uint8' }))).toThrow('scatterAdd: src dtype uint8 must equal the input');
    expect(scatterAdd(zeros([1, 2]), 1, index, tensor([[0.5, 1.5]])).toArray()).toEqual([[0.5, 1.5]]);
    // gather's backward scatters its gradient, of the input's dtype.
    const x = tensor([[1, 2, 3]], { dtype: 'float64', requiresGrad: true });
    gather(x, 1, index).sum().backward();
    expect(x.grad!.toArray()).toEqual([[1, 1, 0]]);
  });
});

describe('pooling padding', () => {
  const x4 = () => arange(16, undefined, 1, { dtype: 'float32' }).reshape(1, 1, 4, 4);
  it('refuses fractional, negative and NaN padding (all-NaN output, a cropped result)', () => {
    expect(() => maxPool2d(x4(), 2, { padding: 0.5 })).toThrow('maxPool2d: padding must be non-negative integers, got 0.5');
    expect(() => avgPool2d(x4(), 2, { padding: [0, 0.5] })).toThrow('avgPool2d: padding must be non-negative integers, got [0, 0.5]');
    expect(() => maxPool2d(x4(), 2, { padding: -1 })).toThrow('maxPool2d: padding must be non-negative integers, got -1');
    expect(() => maxPool2d(x4(), 2, { padding: NaN })).toThrow('maxPool2d: padding must be non-negative integers, got NaN');
    expect(() => maxPool1d(x4().reshape(1, 4, 4), 2, { padding: 0.5 })).toThrow(/^maxPool1d: padding must be non-negative integers, got \[0, 0.5\]/);
    const w = ones([1, 1, 1, 1]);
    expect(() => conv2dMaxPool(x4(), w, null, {}, 2, { padding: 0.5 })).toThrow('maxPool2d: padding must be non-negative integers, got 0.5');
    expect(maxPool2d(x4(), 2, { padding: 1 }).shape).toEqual([1, 1, 3, 3]);
  });
});

describe('convolution with an empty kernel', () => {
  it('refuses a 0×0 kernel (it gave a larger output)', () => {
    const x = ones([1, 2, 5, 5]);
    expect(() => conv2d(x, zeros([3, 2, 0, 0]))).toThrow('conv2d: kernel size must be positive, got 0x0 (weight shape [3,2,0,0])');
    expect(() => convTranspose2d(ones([1, 2, 3, 3]), zeros([2, 3, 0, 0]))).toThrow('convTranspose2d: kernel size must be positive, got 0x0');
  });
});

describe('gelu and maskedFill arguments', () => {
  it("gelu refuses an approximation other than 'none' and 'tanh' (it used tanh)", () => {
    const x = tensor([1, 2]);
    expect(() => x.gelu('exact' as 'none')).toThrow("gelu: approximate must be 'none' or 'tanh', got 'exact'");
    expect(x.gelu('tanh').shape).toEqual([2]);
  });

  it('maskedFill takes a 0-d tensor value, as PyTorch (it filled NaN)', () => {
    const mask = tensor([true, false]);
    expect(tensor([1, 2]).maskedFill(mask, scalar(9)).toArray()).toEqual([9, 2]);
    expect(maskedFill(int32([1, 2]), mask, scalar(7, 'int32')).toArray()).toEqual([7, 2]);
    expect(() => tensor([1, 2]).maskedFill(mask, tensor([9, 9]))).toThrow('maskedFill: a tensor value must be 0-dimensional, got shape [2]');
  });
});

describe('autograd with malformed gradients', () => {
  it('refuses to accumulate into a .grad of another shape (it broadcast to [3,3]) or dtype', () => {
    const w = ones([1, 3], { requiresGrad: true });
    w.grad = zeros([3, 1]);
    expect(() => w.sum().backward()).toThrow('backward: a leaf of shape [1,3] (float32) has a .grad of shape [3,1] (float32); a grad must match its tensor\'s shape and dtype');
    const v = ones([1, 3], { requiresGrad: true });
    v.grad = zeros([1, 3], { dtype: 'float64' });
    expect(() => v.sum().backward()).toThrow('has a .grad of shape [1,3] (float64)');
    v.grad = zeros([1, 3]);
    v.sum().backward();
    expect(v.grad.toArray()).toEqual([[1, 1, 1]]);
  });

  it("refuses a custom op's backward that returns the wrong number of gradients or a non-tensor", () => {
    const custom = (a: Tensor, back: (g: Tensor) => readonly (Tensor | null)[]) => record(a.mul(1).detach(), 'custom', [a], back);
    const a = ones([2], { requiresGrad: true });
    expect(() => custom(a, () => []).sum().backward()).toThrow("backward: the backward function of 'custom' returned 0 gradient(s) for 1 input(s); it must return an array with one Tensor (or null) per input");
    expect(() => custom(a, () => [5 as unknown as Tensor]).sum().backward()).toThrow("backward: the backward function of 'custom' returned a number (5) as the gradient of input 0; expected a Tensor or null");
    expect(() => custom(a, () => undefined as unknown as Tensor[]).sum().backward()).toThrow("returned undefined for 1 input(s)");
    custom(a, () => [null]).sum().backward();
    expect(a.grad).toBeNull();
  });
});

describe('minor wrong results', () => {
  it('booleans mixed with numbers are numbers, as PyTorch (tensor([true, 2]) was [true, true])', () => {
    const t = tensor([true, 2] as unknown as number[]);
    expect(t.dtype).toBe('float32');
    expect(t.toArray()).toEqual([1, 2]);
    expect(tensor([[true], [false]]).dtype).toBe('bool');
  });

  it('arange refuses a step pointing away from end (it returned an empty tensor)', () => {
    expect(() => arange(0, 10, -1)).toThrow('arange: step -1 points away from end: start 0, end 10 (the range would be empty)');
    expect(arange(3, 3).shape).toEqual([0]);
    expect(arange(10, 0, -4).toArray()).toEqual([10, 6, 2]);
  });

  it('randint refuses an empty range even for an empty shape (no draw used to check it)', () => {
    expect(() => randint(5, 2, [0])).toThrow('randint: need integers low < high, got [5, 2)');
    expect(() => randint(0, 1.5, [2])).toThrow('randint: need integers low < high, got [0, 1.5)');
  });

  it('transpose of a 1-D tensor still checks the second dim', () => {
    expect(() => arange(1, 3).transpose(-1, 5)).toThrow('transpose: axis 5 is out of range for a tensor of rank 1');
    expect(arange(1, 3).transpose(-1, 0).toArray()).toEqual([1, 2]);
  });
});
