/**
 * N-dimensional strided loops. The innermost dimension runs as a tight loop;
 * outer dimensions advance an index counter, so views (permuted, sliced,
 * broadcast with stride 0) are read without first being copied.
 */
import type { TypedArray } from '../dtype.js';

/** dst[dstOff + contiguous index] = src[strided element], over `shape`. */
export function copyStrided(src: TypedArray, srcOff: number, srcStrides: readonly number[], shape: readonly number[], dst: TypedArray, dstOff = 0): void {
  const rank = shape.length;
  if (rank === 0) {
    dst[dstOff] = src[srcOff];
    return;
  }
  const inner = shape[rank - 1];
  const is = srcStrides[rank - 1];
  let total = 1;
  for (const d of shape) total *= d;
  if (total === 0) return;
  const idx = new Array<number>(rank).fill(0);
  let s = srcOff;
  let o = dstOff;
  const rows = total / inner;
  for (let r = 0; r < rows; r++) {
    if (is === 1) {
      if (inner >= 64 && src.constructor === dst.constructor) dst.set(src.subarray(s, s + inner), o);
      else for (let j = 0; j < inner; j++) dst[o + j] = src[s + j];
    } else {
      for (let j = 0, p = s; j < inner; j++, p += is) dst[o + j] = src[p];
    }
    o += inner;
    // Advance the outer counter (dimension rank-2 down to 0).
    for (let d = rank - 2; d >= 0; d--) {
      idx[d]++;
      s += srcStrides[d];
      if (idx[d] < shape[d]) break;
      s -= srcStrides[d] * shape[d];
      idx[d] = 0;
    }
  }
}

/**
 * Row kernel: processes `n` elements of one innermost row.
 * a[ai + j*as] ∘ b[bi + j*bs] → o[oi + j].
 */
export type BinaryRowKernel = (a: TypedArray, ai: number, as: number, b: TypedArray, bi: number, bs: number, o: TypedArray, oi: number, n: number) => void;

/** Applies a binary row kernel over a broadcast shape; `out` is dense. */
export function binaryStrided(
  shape: readonly number[],
  a: TypedArray, aOff: number, aStrides: readonly number[],
  b: TypedArray, bOff: number, bStrides: readonly number[],
  out: TypedArray, kernel: BinaryRowKernel,
): void {
  const rank = shape.length;
  if (rank === 0) {
    kernel(a, aOff, 0, b, bOff, 0, out, 0, 1);
    return;
  }
  let total = 1;
  for (const d of shape) total *= d;
  if (total === 0) return;
  const inner = shape[rank - 1];
  const as = aStrides[rank - 1];
  const bs = bStrides[rank - 1];
  const idx = new Array<number>(rank).fill(0);
  let pa = aOff;
  let pb = bOff;
  let o = 0;
  const rows = total / inner;
  for (let r = 0; r < rows; r++) {
    kernel(a, pa, as, b, pb, bs, out, o, inner);
    o += inner;
    for (let d = rank - 2; d >= 0; d--) {
      idx[d]++;
      pa += aStrides[d];
      pb += bStrides[d];
      if (idx[d] < shape[d]) break;
      pa -= aStrides[d] * shape[d];
      pb -= bStrides[d] * shape[d];
      idx[d] = 0;
    }
  }
}

/** Visits every element offset of a strided view in row-major order. */
export function forEachOffset(shape: readonly number[], strides: readonly number[], offset: number, fn: (off: number, linear: number) => void): void {
  const rank = shape.length;
  let total = 1;
  for (const d of shape) total *= d;
  if (total === 0) return;
  if (rank === 0) {
    fn(offset, 0);
    return;
  }
  const idx = new Array<number>(rank).fill(0);
  let p = offset;
  for (let i = 0; i < total; i++) {
    fn(p, i);
    for (let d = rank - 1; d >= 0; d--) {
      idx[d]++;
      p += strides[d];
      if (idx[d] < shape[d]) break;
      p -= strides[d] * shape[d];
      idx[d] = 0;
    }
  }
}
