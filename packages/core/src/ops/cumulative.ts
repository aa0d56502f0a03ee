/** Cumulative ops along one dimension: cumsum. */
import { record } from '../autograd.js';
import { allocate, isFloatDType, type DType } from '../dtype.js';
import { normAxis, numel } from '../shape.js';
import { Tensor } from '../tensor.js';
import { flip } from './combine.js';
import { reshape } from './view.js';

/**
 * Running sum along `dim` (as torch.cumsum). Float tensors keep their dtype; integer and
 * bool tensors sum in int32. The gradient is the reversed cumulative sum of the output's.
 */
export function cumsum(x: Tensor, dim: number): Tensor {
  if (!(x instanceof Tensor)) throw new Error(`cumsum: expected a Tensor, got ${typeof x}`);
  // A scalar accepts dim 0 or -1, as in PyTorch.
  if (x.rank === 0) {
    normAxis('cumsum', dim, 1);
    return reshape(cumsum(reshape(x, [1]), 0), []);
  }
  const d = normAxis('cumsum', dim, x.rank);
  const dtype: DType = isFloatDType(x.dtype) ? x.dtype : 'int32';
  const src = x.toTypedArray();
  const n = x.shape[d];
  const inner = numel(x.shape.slice(d + 1));
  const outer = numel(x.shape.slice(0, d));
  const out = allocate(dtype, src.length);
  for (let o = 0; o < outer; o++) {
    const base = o * n * inner;
    for (let j = 0; j < inner; j++) {
      let acc = 0;
      for (let i = 0, p = base + j; i < n; i++, p += inner) {
        acc += src[p];
        out[p] = acc;
        // Round the running value to the dtype at every step, as a sequential sum in it would.
        acc = out[p];
      }
    }
  }
  return record(new Tensor(out, x.shape, dtype), 'cumsum', [x], (g) => [flip(cumsum(flip(g, d), d), d)]);
}
