/** dtype conversion; differentiable between float types. */
import { record } from '../autograd.js';
import { allocate, castScalar, checkDType, isFloatDType, type DType } from '../dtype.js';
import { Tensor } from '../tensor.js';

/** `op`: how the caller named the conversion (`x.to(dtype)` or `cast(x, dtype)`), for errors. */
export function cast(x: Tensor, dtype: DType, op = 'cast'): Tensor {
  if (x.dtype === dtype) return x;
  // No default: to(undefined) is a mistake, not a request for float32.
  if (dtype === undefined) throw new Error(`${op}: a dtype is required (float32, float64, int32, bool or uint8)`);
  checkDType(op, dtype);
  const src = x.toTypedArray();
  const out = allocate(dtype, src.length);
  if (dtype === 'bool') for (let i = 0; i < src.length; i++) out[i] = src[i] !== 0 ? 1 : 0;
  else if (dtype === 'int32' && isFloatDType(x.dtype)) for (let i = 0; i < src.length; i++) out[i] = castScalar(Math.trunc(src[i]), 'int32');
  else out.set(src);
  const y = new Tensor(out, x.shape, dtype);
  if (!isFloatDType(dtype) || !isFloatDType(x.dtype)) return y;
  const from = x.dtype;
  return record(y, 'cast', [x], (g) => [cast(g, from)], []);
}
