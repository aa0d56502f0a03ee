/** Numerically stable softmax and log-softmax along one dimension. */
import { record } from '../autograd.js';
import { allocate, isFloatDType } from '../dtype.js';
import { normAxes, normAxis } from '../shape.js';
import { Tensor } from '../tensor.js';
import { transpose } from './view.js';

function rowwise(op: string, x: Tensor, dim: number, log: boolean): Tensor {
  if (x.rank === 0) normAxes(op, dim, 0); // a scalar accepts dim 0 or -1; other dims are reported against rank 0, not 1
  const d = normAxis(op, dim, Math.max(1, x.rank));
  const xf = isFloatDType(x.dtype) ? x : x.to('float32');
  const last = x.rank === 0 ? xf : transpose(xf.detach(), d, -1);
  const src = last.toTypedArray();
  const n = x.rank === 0 ? 1 : x.shape[d];
  const out = allocate(xf.dtype, src.length);
  for (let base = 0; base < src.length; base += n) {
    let m = -Infinity;
    for (let i = 0; i < n; i++) if (src[base + i] > m) m = src[base + i];
    if (m === -Infinity) m = 0;
    let s = 0;
    for (let i = 0; i < n; i++) s += Math.exp(src[base + i] - m);
    if (log) {
      const lse = m + Math.log(s);
      for (let i = 0; i < n; i++) out[base + i] = src[base + i] - lse;
    } else {
      for (let i = 0; i < n; i++) out[base + i] = Math.exp(src[base + i] - m) / s;
    }
  }
  const permuted = new Tensor(out, last.shape, xf.dtype);
  return x.rank === 0 ? permuted : transpose(permuted, d, -1);
}

export function softmax(x: Tensor, dim = -1): Tensor {
  const y = rowwise('softmax', x, dim, false);
  const rd = x.rank === 0 ? undefined : dim; // a rank-0 input has no axis to reduce over
  return record(y, 'softmax', [x], (g) => [y.mul(g.sub(g.mul(y).sum(rd, true)))], [y]);
}

export function logSoftmax(x: Tensor, dim = -1): Tensor {
  const y = rowwise('logSoftmax', x, dim, true);
  const rd = x.rank === 0 ? undefined : dim;
  return record(y, 'logSoftmax', [x], (g) => [g.sub(y.exp().mul(g.sum(rd, true)))], [y]);
}
