/** Cumulative ops along one dimension: cumsum. */
import { record } from '../autograd.js';
import { allocate, isFloatDType, type DType } from '../dtype.js';
import { normAxes, normAxis, numel } from '../shape.js';
import { Tensor } from '../tensor.js';
import { flip } from './combine.js';
import { checkInt32 } from './reduce.js';
import { reshape } from './view.js';

/**
 * Running sum along `dim` (as torch.cumsum). Float tensors keep their dtype; integer and
 * bool tensors sum in int32, and a running sum outside int32 throws a RangeError. The gradient
 * is the reversed cumulative sum of the output's.
 */
export function cumsum(x: Tensor, dim: number): Tensor {
  if (!(x instanceof Tensor)) throw new Error(`cumsum: expected a Tensor, got ${typeof x}`);
  if (x.rank === 0) {
    normAxes('cumsum', dim, 0); // a scalar accepts dim 0 or -1; other dims are reported against rank 0
    return reshape(cumsum(reshape(x, [1]), 0), []);
  }
  const d = normAxis('cumsum', dim, x.rank);
  const dtype: DType = isFloatDType(x.dtype) ? x.dtype : 'int32';
  const src = x.toTypedArray();
  const n = x.shape[d];
  const inner = numel(x.shape.slice(d + 1));
  const outer = numel(x.shape.slice(0, d));
  const out = allocate(dtype, src.length);
  const isInt = dtype === 'int32';
  for (let o = 0; o < outer; o++) {
    const base = o * n * inner;
    for (let j = 0; j < inner; j++) {
      // The running sum is kept in float64 and only each output is rounded to the dtype, as
      // PyTorch's CPU kernel (and this library's sum) do: rounding the running value at every
      // step loses small terms (2^24 + 1 + 1 stayed 2^24 in float32). Integer sums are exact
      // there, and one that leaves int32 throws (as sum does) instead of wrapping.
      let acc = 0;
      for (let i = 0, p = base + j; i < n; i++, p += inner) {
        acc += src[p];
        out[p] = isInt ? checkInt32('cumsum', acc, x.dtype) : acc;
      }
    }
  }
  return record(new Tensor(out, x.shape, dtype), 'cumsum', [x], (g) => [flip(cumsum(flip(g, d), d), d)], []);
}
