/** Index-based ops: gather, scatterAdd, indexSelect, oneHot, maskedFill. */
import { record } from '../autograd.js';
import { allocate, checkDType, checkedScalar, type DType } from '../dtype.js';
import { broadcastShapes, fmtShape, normAxis, numel } from '../shape.js';
import { Tensor } from '../tensor.js';
import { expectBoolMask, expectTensor } from './operand.js';
import { assignInto, expand, slice } from './view.js';

function checkIndex(op: string, index: Tensor): Int32Array | Uint8Array | Float32Array | Float64Array {
  expectTensor(op, 'index', index);
  if (index.dtype !== 'int32' && index.dtype !== 'uint8') throw new Error(`${op}: index must have an integer dtype (int32), got ${index.dtype}`);
  return index.toTypedArray();
}

/** Visits each position of `shape`; calls fn(linear, offsetIn(x, with dim replaced)). */
function forEachIndexed(op: string, x: Tensor, dim: number, index: Tensor, fn: (linear: number, xOffset: number) => void): void {
  const idx = checkIndex(op, index);
  const rank = index.rank;
  const pos = new Array<number>(rank).fill(0);
  const total = index.size;
  const limit = x.shape[dim];
  for (let i = 0; i < total; i++) {
    const j = idx[i];
    if (j < 0 || j >= limit || !Number.isInteger(j)) throw new Error(`${op}: index ${j} is out of range for dimension ${dim} of size ${limit}`);
    let off = x.offset + j * x.strides[dim];
    for (let d = 0; d < rank; d++) if (d !== dim) off += pos[d] * x.strides[d];
    fn(i, off);
    for (let d = rank - 1; d >= 0; d--) {
      if (++pos[d] < index.shape[d]) break;
      pos[d] = 0;
    }
  }
}

function checkGatherShapes(op: string, x: Tensor, dim: number, index: Tensor): void {
  expectTensor(op, 'index', index);
  if (index.rank !== x.rank) throw new Error(`${op}: index rank ${index.rank} must equal input rank ${x.rank} (shapes ${fmtShape(index.shape)} and ${fmtShape(x.shape)})`);
  for (let d = 0; d < x.rank; d++) {
    if (d !== dim && index.shape[d] > x.shape[d]) throw new Error(`${op}: index shape ${fmtShape(index.shape)} exceeds input shape ${fmtShape(x.shape)} at dimension ${d}`);
  }
}

/** out[p] = x[p with p[dim] replaced by index[p]]. */
export function gather(x: Tensor, dim: number, index: Tensor): Tensor {
  expectTensor('gather', 'input', x);
  const d = normAxis('gather', dim, x.rank);
  checkGatherShapes('gather', x, d, index);
  const out = allocate(x.dtype, index.size);
  forEachIndexed('gather', x, d, index, (i, off) => (out[i] = x.storage[off]));
  return record(new Tensor(out, index.shape, x.dtype), 'gather', [x], (g) => [scatterAdd(new Tensor(allocate(g.dtype, x.size), x.shape, g.dtype), d, index, g)], [index]);
}

/** A copy of x with src added at the positions index selects along dim. */
export function scatterAdd(x: Tensor, dim: number, index: Tensor, src: Tensor): Tensor {
  expectTensor('scatterAdd', 'input', x);
  const d = normAxis('scatterAdd', dim, x.rank);
  checkGatherShapes('scatterAdd', x, d, index);
  expectTensor('scatterAdd', 'src', src);
  // The adds happen in x's storage: an int32 x would truncate each float, a bool x would count past 1.
  if (src.dtype !== x.dtype) throw new Error(`scatterAdd: src dtype ${src.dtype} must equal the input's dtype ${x.dtype}, as in PyTorch; convert one with .to('${x.dtype}') or .to('${src.dtype}')`);
  if (src.rank !== index.rank || src.shape.some((s, i) => s < index.shape[i])) {
    throw new Error(`scatterAdd: src shape ${fmtShape(src.shape)} must cover index shape ${fmtShape(index.shape)}`);
  }
  const base = x.contiguous().toTypedArray();
  const out = allocate(x.dtype, base.length);
  out.set(base);
  const dense = new Tensor(out, x.shape, x.dtype);
  // When src is larger than index only its leading block is used, as in PyTorch.
  let block = src;
  for (let k = 0; k < index.rank; k++) if (block.shape[k] !== index.shape[k]) block = slice(block, k, 0, index.shape[k]);
  const sv = block.toTypedArray();
  forEachIndexed('scatterAdd', dense, d, index, (i, off) => (out[off] += sv[i]));
  return record(dense, 'scatterAdd', [x, src], (g) => {
    if (!src.requiresGrad) return [g, null];
    const gs = gather(g, d, index);
    if (block === src) return [g, gs];
    // src larger than index: its unused entries get zero gradient.
    const full = new Tensor(allocate(gs.dtype, src.size), src.shape, gs.dtype);
    let target = full;
    for (let k = 0; k < index.rank; k++) target = slice(target, k, 0, index.shape[k]);
    assignInto(target, gs);
    return [g, full];
  }, [index]);
}

/** Selects entries along `dim` by a 1-D list of indices (rows of an embedding, for example). */
export function indexSelect(x: Tensor, dim: number, index: Tensor | readonly number[]): Tensor {
  expectTensor('indexSelect', 'input', x);
  const d = normAxis('indexSelect', dim, x.rank);
  if (Array.isArray(index)) {
    // Checked before Int32Array.from, which would silently turn 1.5 into 1 and NaN into 0, and wrap 2**32 to 0.
    for (const j of index as number[]) {
      if (!Number.isInteger(j)) throw new Error(`indexSelect: index ${j} is not an integer`);
      if (j < 0 || j >= x.shape[d]) throw new Error(`indexSelect: index ${j} is out of range for dimension ${dim} of size ${x.shape[d]}`);
    }
  }
  const idx = Array.isArray(index) ? Int32Array.from(index as number[]) : checkIndex('indexSelect', index as Tensor);
  if (!Array.isArray(index) && (index as Tensor).rank > 1) throw new Error(`indexSelect: index must be 1-D, got shape ${fmtShape((index as Tensor).shape)}`);
  const xc = x.contiguous();
  const src = xc.toTypedArray();
  const outer = numel(x.shape.slice(0, d));
  const inner = numel(x.shape.slice(d + 1));
  const n = x.shape[d];
  const out = allocate(x.dtype, outer * idx.length * inner);
  for (let k = 0; k < idx.length; k++) {
    const j = idx[k];
    if (j < 0 || j >= n || !Number.isInteger(j)) throw new Error(`indexSelect: index ${j} is out of range for dimension ${dim} of size ${n}`);
  }
  for (let o = 0; o < outer; o++) {
    for (let k = 0; k < idx.length; k++) {
      const from = (o * n + idx[k]) * inner;
      out.set(src.subarray(from, from + inner), (o * idx.length + k) * inner);
    }
  }
  const shape = [...x.shape];
  shape[d] = idx.length;
  return record(new Tensor(out, shape, x.dtype), 'indexSelect', [x], (g) => {
    const gd = g.contiguous().toTypedArray();
    const acc = allocate(g.dtype, x.size);
    for (let o = 0; o < outer; o++) {
      for (let k = 0; k < idx.length; k++) {
        const to = (o * n + idx[k]) * inner;
        const from = (o * idx.length + k) * inner;
        for (let i = 0; i < inner; i++) acc[to + i] += gd[from + i];
      }
    }
    return [new Tensor(acc, x.shape, g.dtype)];
  }, index instanceof Tensor ? [index] : []);
}

/** One-hot encoding of integer class ids: shape [..., numClasses]. */
export function oneHot(indices: Tensor, numClasses = -1, dtype: DType = 'float32'): Tensor {
  checkDType('oneHot', dtype);
  const idx = checkIndex('oneHot', indices);
  if (numClasses === -1) {
    // As F.one_hot: the class count is one more than the largest id.
    if (idx.length === 0) throw new Error('oneHot: cannot infer numClasses (-1) from an empty tensor; pass the class count');
    let top = 0;
    for (let i = 0; i < idx.length; i++) top = Math.max(top, idx[i]);
    numClasses = top + 1;
  }
  if (!Number.isInteger(numClasses) || numClasses <= 0) throw new Error(`oneHot: numClasses must be a positive integer (or -1: one more than the largest id), got ${numClasses}`);
  const out = allocate(dtype, idx.length * numClasses);
  for (let i = 0; i < idx.length; i++) {
    const c = idx[i];
    if (c < 0 || c >= numClasses) throw new Error(`oneHot: class id ${c} at position ${i} is out of range [0, ${numClasses})`);
    out[i * numClasses + c] = 1;
  }
  return new Tensor(out, [...indices.shape, numClasses], dtype);
}

/** Replaces elements where mask is true by `value` (a number or a one-element tensor, as PyTorch); mask broadcasts to x. */
export function maskedFill(x: Tensor, mask: Tensor, value: number | Tensor): Tensor {
  expectTensor('maskedFill', 'input', x);
  expectBoolMask('maskedFill', 'mask', mask);
  if (value instanceof Tensor) {
    if (value.rank !== 0) throw new Error(`maskedFill: a tensor value must be 0-dimensional, got shape ${fmtShape(value.shape)}`);
    value = value.item();
  }
  const shape = broadcastShapes('maskedFill', x.shape, mask.shape);
  if (shape.length !== x.rank || shape.some((d, i) => d !== x.shape[i])) {
    throw new Error(`maskedFill: mask of shape ${fmtShape(mask.shape)} cannot broadcast to input shape ${fmtShape(x.shape)}`);
  }
  const m = expand(mask, shape).toTypedArray();
  const src = x.toTypedArray();
  const out = allocate(x.dtype, src.length);
  // The typed array would wrap an out-of-range value (300 into uint8 is 44); bool stores any value as 0/1.
  const v = checkedScalar('maskedFill', value, x.dtype);
  for (let i = 0; i < out.length; i++) out[i] = m[i] ? v : src[i];
  return record(new Tensor(out, x.shape, x.dtype), 'maskedFill', [x], (g) => [maskedFill(g.contiguous(), mask, 0)], [mask]);
}
