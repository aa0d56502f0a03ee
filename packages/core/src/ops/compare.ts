/** Comparisons (bool results, no gradient), where() and clamp(). */
import { record } from '../autograd.js';
import { allocate, castScalar, isFloatDType } from '../dtype.js';
import { broadcastShapes } from '../shape.js';
import { Tensor, type TensorLike } from '../tensor.js';
import { broadcastKernel } from './binary.js';
import { asTensor, checkScalarFits, expectBoolMask, resultDType } from './operand.js';
import { sumToShape } from './reduce.js';
import { expand } from './view.js';
import type { BinaryRowKernel } from '../kernels/strided.js';

function cmpKernel(f: (x: number, y: number) => boolean): BinaryRowKernel {
  return (a, ai, as, b, bi, bs, o, oi, n) => {
    for (let j = 0; j < n; j++) o[oi + j] = f(a[ai + j * as], b[bi + j * bs]) ? 1 : 0;
  };
}

function compare(op: string, x: TensorLike, y: TensorLike, f: (x: number, y: number) => boolean): Tensor {
  let dtype = resultDType(x, y);
  // A number that the integer dtype cannot hold (uint8 vs -1, int32 vs 3e9, int32 vs
  // 16777217.5 that float32 rounds) would wrap or round before comparing; compare
  // exactly in float64 instead (every int32/uint8 value is exact there).
  const t = x instanceof Tensor ? x : y instanceof Tensor ? y : null;
  const s = t === x ? y : x;
  if (t && typeof s === 'number' && !isFloatDType(t.dtype) && castScalar(s, dtype) !== s) dtype = 'float64';
  return broadcastKernel(op, asTensor(op, x, dtype), asTensor(op, y, dtype), 'bool', cmpKernel(f));
}

export const eq = (x: TensorLike, y: TensorLike) => compare('eq', x, y, (a, b) => a === b);
export const ne = (x: TensorLike, y: TensorLike) => compare('ne', x, y, (a, b) => a !== b);
export const lt = (x: TensorLike, y: TensorLike) => compare('lt', x, y, (a, b) => a < b);
export const le = (x: TensorLike, y: TensorLike) => compare('le', x, y, (a, b) => a <= b);
export const gt = (x: TensorLike, y: TensorLike) => compare('gt', x, y, (a, b) => a > b);
export const ge = (x: TensorLike, y: TensorLike) => compare('ge', x, y, (a, b) => a >= b);

/** Elementwise choice: cond ? a : b, broadcasting all three. */
export function where(cond: Tensor, x: TensorLike, y: TensorLike): Tensor {
  expectBoolMask('where', 'condition', cond);
  const dtype = resultDType(x, y);
  const a = asTensor('where', x, dtype);
  const b = asTensor('where', y, dtype);
  const shape = broadcastShapes('where', broadcastShapes('where', cond.shape, a.shape), b.shape);
  const c = expand(cond, shape).toTypedArray();
  const av = expand(a.detach(), shape).toTypedArray();
  const bv = expand(b.detach(), shape).toTypedArray();
  const o = allocate(dtype, c.length);
  for (let i = 0; i < o.length; i++) o[i] = c[i] ? av[i] : bv[i];
  const result = new Tensor(o, shape, dtype);
  return record(result, 'where', [a, b], (g) => {
    const mask = expand(cond, shape).ne(0).to(g.dtype);
    return [sumToShape(g.mul(mask), a.shape), sumToShape(g.mul(mask.neg().add(1)), b.shape)];
  }, [cond]);
}

/** Limits values to [min, max]; the gradient passes where the input was inside the range. */
export function clamp(x: Tensor, min?: number | null, max?: number | null): Tensor {
  const lo = min ?? -Infinity;
  const hi = max ?? Infinity;
  if (lo > hi) throw new Error(`clamp: min ${lo} is greater than max ${hi}`);
  // A fractional (or NaN) bound makes an integer tensor float32 (PyTorch's type promotion);
  // clamping in int32 would truncate the bound and return values below min.
  const fractional = (b: number) => !Number.isInteger(b) && Math.abs(b) !== Infinity;
  if (!isFloatDType(x.dtype) && (fractional(lo) || fractional(hi))) x = x.to('float32');
  // A whole-number bound stays in the integer dtype (as add's scalar): it must fit it. ±Infinity means no bound.
  else if (!isFloatDType(x.dtype)) for (const b of [lo, hi]) if (Math.abs(b) !== Infinity) checkScalarFits('clamp', b, x.dtype);
  const src = x.toTypedArray();
  const out = x.zerosLike();
  const o = out.storage;
  // A NaN in x fails both tests and is kept; a NaN bound makes every output NaN, as torch.
  if (lo !== lo || hi !== hi) o.fill(NaN);
  else {
    for (let i = 0; i < src.length; i++) {
      const v = src[i];
      o[i] = v < lo ? lo : v > hi ? hi : v;
    }
  }
  return record(out, 'clamp', [x], (g) => {
    const inside = x.ge(lo).to(g.dtype).mul(x.le(hi).to(g.dtype));
    return [g.mul(inside)];
  });
}
