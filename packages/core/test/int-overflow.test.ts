/**
 * Integer reductions have no int64 to widen into (PyTorch's sum/prod/cumsum of int32, uint8 and
 * bool give int64). They accumulate exactly in a double and throw a RangeError naming the op,
 * the dtype and the value when the int32 result cannot hold it, instead of wrapping silently.
 */
import { describe, expect, it } from 'vitest';
import { add, cumsum, maximum, mul, prod, sub, sum, Tensor, tensor, where } from '@tensorkit/core';

const I32_MAX = 2 ** 31 - 1;
const i32 = (data: number[] | number[][]) => tensor(data, { dtype: 'int32' });

describe('sum of integer tensors', () => {
  it('throws instead of wrapping when the int32 result overflows', () => {
    // Before: 2^31 - 1 + 1 came back as -2147483648.
    expect(() => sum(i32([I32_MAX, 1]))).toThrow(RangeError);
    expect(() => sum(i32([I32_MAX, 1]))).toThrow(/^sum: the result 2147483648 does not fit the int32 output of an int32 reduction.*to\('float64'\)/);
    expect(() => i32([-(2 ** 31), -1]).sum()).toThrow(/-2147483649/);
    expect(() => i32([[2 ** 30, 2 ** 30], [1, 2]]).sum(1)).toThrow(/2147483648/);
  });

  it('exact results up to the int32 limits, also when a partial sum goes past them', () => {
    expect(sum(i32([I32_MAX, 0])).item()).toBe(I32_MAX);
    expect(sum(i32([-(2 ** 31) + 1, -1])).item()).toBe(-(2 ** 31));
    expect(sum(i32([I32_MAX, 1, -1])).item()).toBe(I32_MAX);
    expect(i32([[2 ** 30, 2 ** 30], [1, 2]]).sum(0).toArray()).toEqual([2 ** 30 + 1, 2 ** 30 + 2]);
    // The suggested way out: sum in floating point.
    expect(i32([I32_MAX, 1]).to('float64').sum().item()).toBe(2 ** 31);
  });

  it('uint8 and bool sum to int32 without wrapping at 255, and throw past int32', () => {
    const bytes = new Tensor(new Uint8Array(300).fill(255), [300], 'uint8');
    expect(bytes.sum().dtype).toBe('int32');
    expect(bytes.sum().item()).toBe(76500);
    expect(tensor([true, true, false]).sum().item()).toBe(2);
    // 8421505 · 255 = 2147483775 > 2^31 - 1 (before: -2147483521).
    const many = new Tensor(new Uint8Array(8421505).fill(255), [8421505], 'uint8');
    expect(() => many.sum()).toThrow(/^sum: the result 2147483775 does not fit the int32 output of a uint8 reduction/);
  });
});

describe('prod of integer tensors', () => {
  it('throws on int32 overflow (before: 65536 · 65536 gave 0)', () => {
    expect(() => prod(i32([65536, 65536]))).toThrow(RangeError);
    expect(() => prod(i32([65536, 65536]))).toThrow(/^prod: the result 4294967296 does not fit the int32 output/);
  });

  it('exact when the product fits, a zero wins over an overflowed partial product', () => {
    expect(prod(i32([-65536, 32768])).item()).toBe(-(2 ** 31));
    expect(prod(i32([65536, 65536, 0])).item()).toBe(0);
    // (2^31 - 1)^40 is Infinity in a double; Infinity · 0 must still give 0.
    expect(prod(i32([...new Array<number>(40).fill(I32_MAX), 0])).item()).toBe(0);
    expect(i32([[3, -4], [5, 6]]).prod(1).toArray()).toEqual([-12, 30]);
  });
});

describe('cumsum of integer tensors', () => {
  it('throws on int32 overflow (before: [2147483647, -2147483648, ...])', () => {
    expect(() => cumsum(i32([I32_MAX, 1, -5]), 0)).toThrow(RangeError);
    expect(() => cumsum(i32([I32_MAX, 1, -5]), 0)).toThrow(/^cumsum: the result 2147483648 does not fit the int32 output of an int32 reduction/);
  });

  it('exact up to the limit; uint8 and bool count past 255', () => {
    expect(cumsum(i32([I32_MAX - 1, 1, -3]), 0).toArray()).toEqual([I32_MAX - 1, I32_MAX, I32_MAX - 3]);
    expect(cumsum(tensor([250, 10], { dtype: 'uint8' }), 0).toArray()).toEqual([250, 260]);
    expect(cumsum(tensor([true, true]), 0).toArray()).toEqual([1, 2]);
  });
});

describe('mean of integers does not wrap (it sums in float32)', () => {
  it('mean of [2^31 - 1, 2^31 - 1]', () => {
    const m = i32([I32_MAX, I32_MAX]).mean();
    expect(m.dtype).toBe('float32');
    expect(m.item()).toBe(2 ** 31);
  });
});

describe('a whole-number scalar that the integer tensor cannot hold', () => {
  it('throws a RangeError naming the op, the value and the dtype (before: int32 + 1e10 wrapped to 1410065409)', () => {
    expect(() => i32([1, 5]).add(1e10)).toThrow(RangeError);
    expect(() => i32([1, 5]).add(1e10)).toThrow(
      "add: the scalar 10000000000 cannot be converted to int32, the result dtype with this integer tensor, without overflow (there is no int64); compute in floating point instead, e.g. x.to('float64').add(10000000000)",
    );
    // Before: maximum(int32 [1, 5], 1e12) gave [1, 5].
    expect(() => maximum(i32([1, 5]), 1e12)).toThrow(/^maximum: the scalar 1000000000000 cannot be converted to int32/);
    expect(() => sub(2 ** 31, i32([1]))).toThrow(/^sub: the scalar 2147483648 cannot be converted to int32/);
    expect(() => mul(i32([1]), -(2 ** 31) - 1)).toThrow(/^mul: the scalar -2147483649/);
    expect(() => tensor([1], { dtype: 'uint8' }).add(256)).toThrow(/^add: the scalar 256 cannot be converted to uint8/);
    expect(() => tensor([1], { dtype: 'uint8' }).sub(1, 300)).toThrow(/^sub: the scalar 300 cannot be converted to uint8/);
    expect(() => tensor([1], { dtype: 'uint8' }).add(-1)).toThrow(/^add: the scalar -1 cannot be converted to uint8/);
    expect(() => tensor([true]).add(2 ** 40)).toThrow(/^add: the scalar 1099511627776 cannot be converted to int32/);
    expect(() => where(tensor([true]), i32([1]), 3e9)).toThrow(/^where: .*e\.g\. where\(cond, x\.to\('float64'\), 3000000000\)/);
  });

  it('scalars that fit keep the integer dtype; fractional and infinite ones still promote to float32', () => {
    expect(i32([1]).add(I32_MAX - 1).toArray()).toEqual([I32_MAX]);
    expect(add(i32([0]), -(2 ** 31)).toArray()).toEqual([-(2 ** 31)]);
    expect(tensor([1], { dtype: 'uint8' }).add(254).toArray()).toEqual([255]);
    expect(tensor([true]).add(300).dtype).toBe('int32');
    const f = i32([1, 5]).add(0.5);
    expect(f.dtype).toBe('float32');
    expect(f.toArray()).toEqual([1.5, 5.5]);
    expect(maximum(i32([1, 5]), Infinity).toArray()).toEqual([Infinity, Infinity]);
    // The way out the message suggests.
    expect(i32([1, 5]).to('float64').add(1e10).toArray()).toEqual([1e10 + 1, 1e10 + 5]);
    // Comparisons never wrap the scalar (they compare exactly in float64).
    expect(i32([1]).lt(1e10).toArray()).toEqual([true]);
  });
});
