/** Batched, broadcasting matrix multiplication on the active backend's GEMM. */
import { record } from '../autograd.js';
import { allocate, isFloatDType, promoteTypes } from '../dtype.js';
import { getBackend } from '../backend/registry.js';
import { jsBackend } from '../backend/js-backend.js';
import type { FloatArray } from '../backend/backend.js';
import { broadcastShapes, broadcastStrides, fmtShape, numel } from '../shape.js';
import { Tensor } from '../tensor.js';
import { fitsInt32, sumToShape } from './reduce.js';
import { squeeze, transpose, unsqueeze } from './view.js';

function batchOffsets(t: Tensor, batch: readonly number[]): Int32Array | number[] {
  const bs = broadcastStrides(t.shape.slice(0, -2), t.strides.slice(0, -2), batch);
  const n = numel(batch);
  const offs = new Array<number>(n);
  const idx = new Array<number>(batch.length).fill(0);
  for (let i = 0; i < n; i++) {
    let o = t.offset;
    for (let d = 0; d < batch.length; d++) o += idx[d] * bs[d];
    offs[i] = o;
    for (let d = batch.length - 1; d >= 0; d--) {
      if (++idx[d] < batch[d]) break;
      idx[d] = 0;
    }
  }
  return offs;
}

function matmulND(a: Tensor, b: Tensor): Tensor {
  const m = a.shape[a.rank - 2];
  const k = a.shape[a.rank - 1];
  const k2 = b.shape[b.rank - 2];
  const n = b.shape[b.rank - 1];
  if (k !== k2) throw new Error(`matmul: shapes ${fmtShape(a.shape)} and ${fmtShape(b.shape)} are not compatible: ${k} != ${k2}`);
  const batch = broadcastShapes('matmul', a.shape.slice(0, -2), b.shape.slice(0, -2));
  const nb = numel(batch);
  const out = allocate(a.dtype, nb * m * n) as FloatArray;
  const aOffs = batchOffsets(a, batch);
  const bOffs = batchOffsets(b, batch);
  // float64 (gradient checks) always runs on the reference backend.
  const backend = a.dtype === 'float64' ? jsBackend : getBackend();
  const ar = a.strides[a.rank - 2], ac = a.strides[a.rank - 1];
  const br = b.strides[b.rank - 2], bc = b.strides[b.rank - 1];
  for (let i = 0; i < nb; i++) {
    backend.gemm(m, n, k, 1,
      { data: a.storage as FloatArray, offset: aOffs[i], rowStride: ar, colStride: ac },
      { data: b.storage as FloatArray, offset: bOffs[i], rowStride: br, colStride: bc },
      0, out, i * m * n, n);
  }
  const y = new Tensor(out, [...batch, m, n], a.dtype);
  return record(y, 'matmul', [a, b], (g) => [
    a.requiresGrad ? (isTransposed(a) && g.rank === 2 ? transpose(matmulND(b.detach(), transpose(g, 0, 1)), 0, 1) : sumToShape(matmulND(g, transpose(b.detach(), -2, -1)), a.shape)) : null,
    b.requiresGrad ? (isTransposed(b) && g.rank === 2 ? transpose(matmulND(transpose(g, 0, 1), a.detach()), 0, 1) : sumToShape(matmulND(transpose(a.detach(), -2, -1), g), b.shape)) : null,
  ]);
}

/**
 * A 2-D operand that is the transpose of a dense matrix (as `weight.T` in a linear
 * layer): its gradient is computed transposed, so that it too is a transposed view of
 * a dense matrix and the weight's own gradient comes out dense (no strided copy).
 */
function isTransposed(t: Tensor): boolean {
  return t.rank === 2 && t.shape[0] > 1 && t.shape[1] > 1 && t.strides[0] === 1 && t.strides[1] === t.shape[0];
}

/**
 * Matrix product with NumPy semantics: 1-D operands are promoted to a row
 * (left) or column (right) and the added dimension is removed afterwards;
 * leading batch dimensions broadcast.
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  if (!(a instanceof Tensor) || !(b instanceof Tensor)) throw new Error('matmul: both operands must be Tensors');
  if (a.rank === 0 || b.rank === 0) throw new Error(`matmul: operands must have at least 1 dimension, got shapes ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`);
  const promoted = promoteTypes(a.dtype, b.dtype);
  // Integer products are summed exactly in float64 (exact to 2^53), then returned as int32.
  if (!isFloatDType(promoted)) return toInt32Product(matmul(a.to('float64'), b.to('float64')));
  const dtype = promoted;
  let x = a.dtype === dtype ? a : a.to(dtype);
  let y = b.dtype === dtype ? b : b.to(dtype);
  const vecA = x.rank === 1;
  const vecB = y.rank === 1;
  if (vecA) x = unsqueeze(x, 0);
  if (vecB) y = unsqueeze(y, 1);
  if (x.shape[x.rank - 1] !== y.shape[y.rank - 2]) {
    throw new Error(`matmul: shapes ${fmtShape(a.shape)} and ${fmtShape(b.shape)} are not compatible: ${a.shape[a.rank - 1]} != ${vecB ? b.shape[0] : b.shape[b.rank - 2]}`);
  }
  let out = matmulND(x, y);
  if (vecA) out = squeeze(out, out.rank - 2);
  if (vecB) out = squeeze(out, out.rank - 1);
  return out;
}

/** An integer matmul's exact float64 result as int32 (PyTorch gives int64, which we lack: out of range is an error, not a wrap). */
function toInt32Product(exact: Tensor): Tensor {
  const src = exact.toTypedArray();
  const out = new Int32Array(src.length);
  for (let i = 0; i < src.length; i++) {
    const v = src[i];
    if (!fitsInt32(v)) {
      throw new RangeError(`matmul: the integer product's element ${i} is ${v}, outside int32 (there is no int64); multiply in floating point instead, e.g. a.to('float64').matmul(b)`);
    }
    out[i] = v;
  }
  return new Tensor(out, exact.shape, 'int32');
}
