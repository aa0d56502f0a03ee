/** dtype conversion; differentiable between float types. */
import { record } from '../autograd.js';
import { allocate, castScalar, isFloatDType, type DType } from '../dtype.js';
import { Tensor } from '../tensor.js';

export function cast(x: Tensor, dtype: DType): Tensor {
  if (x.dtype === dtype) return x;
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
