/**
 * Views share storage with their input: only shape, strides and offset
 * change. Their gradients map the output gradient back to the input's shape.
 */
import { isGradEnabled, markModifiedInPlace, record } from '../autograd.js';
import { allocate, type TypedArray } from '../dtype.js';
import { copyStrided } from '../kernels/strided.js';
import { assertValidShape, broadcastStrides, fmtShape, normAxes, normAxis, numel, shapesEqual } from '../shape.js';
import { Tensor } from '../tensor.js';
import { sumToShape } from './reduce.js';

function makeView(x: Tensor, shape: readonly number[], strides: readonly number[], offset: number): Tensor {
  return new Tensor(x.storage, shape, x.dtype, strides, offset);
}

/** A dense row-major copy (not differentiable by itself; see contiguous/clone). */
export function denseCopy(x: Tensor): Tensor {
  // A contiguous source is one block: slice() copies it at memcpy speed.
  if (x.isContiguous()) return new Tensor(x.storage.slice(x.offset, x.offset + x.size), x.shape, x.dtype);
  const out = allocate(x.dtype, x.size);
  copyStrided(x.storage, x.offset, x.strides, x.shape, out);
  return new Tensor(out, x.shape, x.dtype);
}

export function contiguous(x: Tensor): Tensor {
  if (x.isContiguous()) return x;
  return record(denseCopy(x), 'contiguous', [x], (g) => [g], []);
}

export function clone(x: Tensor): Tensor {
  return record(denseCopy(x), 'clone', [x], (g) => [g], []);
}

/** Resolves a single -1 in a requested shape. */
function inferReshape(op: string, x: Tensor, shape: readonly number[]): number[] {
  const out = [...shape];
  const neg = out.indexOf(-1);
  if (neg !== out.lastIndexOf(-1)) throw new Error(`${op}: only one dimension can be -1, got ${fmtShape(shape)}`);
  if (neg >= 0) {
    const known = numel(out.filter((_, i) => i !== neg));
    if (known === 0 || x.size % known !== 0) throw new Error(`${op}: cannot reshape tensor of shape ${fmtShape(x.shape)} (${x.size} elements) into ${fmtShape(shape)}`);
    out[neg] = x.size / known;
  }
  assertValidShape(op, out);
  if (numel(out) !== x.size) throw new Error(`${op}: cannot reshape tensor of shape ${fmtShape(x.shape)} (${x.size} elements) into ${fmtShape(shape)} (${numel(out)} elements)`);
  return out;
}

/** Strides for viewing x as `shape` without copying, or null when impossible. */
function viewStrides(x: Tensor, shape: readonly number[]): number[] | null {
  if (x.isContiguous()) {
    const s = new Array<number>(shape.length);
    let acc = 1;
    for (let i = shape.length - 1; i >= 0; i--) {
      s[i] = acc;
      acc *= shape[i];
    }
    return s;
  }
  // General case (as in PyTorch's computeStride): match chunks of old dims that are contiguous among themselves.
  const oldShape = x.shape.filter((d) => d !== 1);
  const oldStrides = x.strides.filter((_, i) => x.shape[i] !== 1);
  const newStrides = new Array<number>(shape.length).fill(0);
  let oi = 0;
  let ni = 0;
  while (ni < shape.length) {
    if (shape[ni] === 1) {
      newStrides[ni] = 1;
      ni++;
      continue;
    }
    if (oi >= oldShape.length) return null;
    // Collect a chunk of old dims whose product equals a chunk of new dims.
    let oldProd = oldShape[oi];
    const chunkStart = oi;
    let newProd = shape[ni];
    const newStart = ni;
    while (oldProd !== newProd) {
      if (oldProd < newProd) {
        oi++;
        if (oi >= oldShape.length) return null;
        oldProd *= oldShape[oi];
      } else {
        ni++;
        if (ni >= shape.length) return null;
        newProd *= shape[ni];
      }
    }
    for (let k = chunkStart; k < oi; k++) if (oldStrides[k] !== oldStrides[k + 1] * oldShape[k + 1]) return null;
    let stride = oldStrides[oi];
    for (let k = ni; k >= newStart; k--) {
      newStrides[k] = stride;
      stride *= shape[k];
    }
    oi++;
    ni++;
  }
  return newStrides;
}

/** Reshape sharing storage when strides allow, copying otherwise (like torch.reshape). */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  const target = inferReshape('reshape', x, shape);
  if (shapesEqual(target, x.shape)) return x;
  const strides = viewStrides(x, target);
  const out = strides ? makeView(x, target, strides, x.offset) : (() => {
    const c = denseCopy(x);
    return new Tensor(c.storage, target, x.dtype);
  })();
  const inShape = x.shape;
  return record(out, 'reshape', [x], (g) => [reshape(g, inShape)], []);
}

/** Reshape that must not copy; throws when the strides do not allow a view. */
export function view(x: Tensor, shape: readonly number[]): Tensor {
  const target = inferReshape('view', x, shape);
  const strides = viewStrides(x, target);
  if (!strides) throw new Error(`view: tensor of shape ${fmtShape(x.shape)} with strides ${fmtShape(x.strides)} cannot be viewed as ${fmtShape(target)} without a copy; use reshape() or contiguous() first`);
  const inShape = x.shape;
  return record(makeView(x, target, strides, x.offset), 'view', [x], (g) => [reshape(g, inShape)], []);
}

export function flatten(x: Tensor, startDim = 0, endDim = -1): Tensor {
  if (x.rank === 0) return reshape(x, [1]);
  const s = normAxis('flatten', startDim, x.rank);
  const e = normAxis('flatten', endDim, x.rank);
  if (s > e) throw new Error(`flatten: startDim ${startDim} comes after endDim ${endDim}`);
  const shape = [...x.shape.slice(0, s), numel(x.shape.slice(s, e + 1)), ...x.shape.slice(e + 1)];
  return reshape(x, shape);
}

export function permute(x: Tensor, dims: readonly number[]): Tensor {
  if (dims.length !== x.rank) throw new Error(`permute: got ${dims.length} dims [${dims}] for a tensor of rank ${x.rank}`);
  const d = dims.map((a) => normAxis('permute', a, x.rank));
  if (new Set(d).size !== d.length) throw new Error(`permute: dims [${dims}] repeat an axis`);
  const out = makeView(x, d.map((i) => x.shape[i]), d.map((i) => x.strides[i]), x.offset);
  const inverse = new Array<number>(d.length);
  d.forEach((src, i) => (inverse[src] = i));
  return record(out, 'permute', [x], (g) => [permute(g, inverse)], []);
}

export function transpose(x: Tensor, dim0: number, dim1: number): Tensor {
  if (x.rank < 2 && (dim0 === -2 || dim0 === -1)) {
    // Nothing to swap, but a dim past the rank is still an error (transpose(-1, 5) returned x).
    if (dim1 !== -2) normAxis('transpose', dim1, Math.max(1, x.rank));
    return x;
  }
  const a = normAxis('transpose', dim0, x.rank);
  const b = normAxis('transpose', dim1, x.rank);
  const dims = Array.from({ length: x.rank }, (_, i) => i);
  dims[a] = b;
  dims[b] = a;
  return permute(x, dims);
}

/** Python-style slice [start:end:step] along one dimension (negative indices count from the end). */
export function slice(x: Tensor, dim: number, start?: number, end?: number, step = 1): Tensor {
  const d = normAxis('slice', dim, x.rank);
  const n = x.shape[d];
  if (!Number.isInteger(step) || step <= 0) throw new Error(`slice: step must be a positive integer, got ${step}`);
  // A fractional bound would become a fractional offset or length (1.5 took two columns).
  for (const [name, v] of [['start', start], ['end', end]] as const) {
    if (v !== undefined && v !== null && !Number.isInteger(v)) throw new Error(`slice: ${name} must be an integer (or undefined), got ${v}`);
  }
  const clampIdx = (i: number) => Math.min(Math.max(i < 0 ? i + n : i, 0), n);
  const s = clampIdx(start ?? 0);
  const e = clampIdx(end ?? n);
  const len = Math.max(0, Math.ceil((e - s) / step));
  const shape = [...x.shape];
  shape[d] = len;
  const strides = [...x.strides];
  strides[d] = x.strides[d] * step;
  const out = makeView(x, shape, strides, x.offset + s * x.strides[d]);
  const inShape = x.shape;
  return record(out, 'slice', [x], (g) => {
    const full = new Tensor(allocate(g.dtype, numel(inShape)), inShape, g.dtype);
    const target = slice(full, d, s, e, step);
    assignInto(target, g);
    return [full];
  }, []);
}

/**
 * torch.narrow's range as slice arguments [dim, start, end]: a negative start counts from the end
 * (slice would read it as an end bound), and a range past the end is an error, not clamped.
 */
export function narrowRange(x: Tensor, dim: number, start: number, length: number): [number, number, number] {
  const d = normAxis('narrow', dim, x.rank);
  const n = x.shape[d];
  if (!Number.isInteger(start) || start < -n || start > n) throw new Error(`narrow: start ${start} is out of range for dimension ${dim} of size ${n}`);
  const s = start < 0 ? start + n : start;
  if (!Number.isInteger(length) || length < 0 || s + length > n) {
    throw new Error(`narrow: length ${length} from start ${start} must be a non-negative integer within dimension ${dim} of size ${n}`);
  }
  return [d, s, s + length];
}

/** True when two arrays are (or view) overlapping parts of one buffer. */
function sharesMemory(a: TypedArray, b: TypedArray): boolean {
  if (a === b) return true;
  return a.buffer === b.buffer && a.byteOffset < b.byteOffset + b.byteLength && b.byteOffset < a.byteOffset + a.byteLength;
}

/** src read as `shape` (PyTorch's broadcasting of a smaller source), without recording a node. */
function broadcastSource(dst: Tensor, src: Tensor): Tensor {
  const fits = src.rank <= dst.rank && src.shape.every((d, i) => d === 1 || d === dst.shape[dst.rank - src.rank + i]);
  if (!fits) throw new Error(`assignInto: source of shape ${fmtShape(src.shape)} cannot be broadcast to the destination shape ${fmtShape(dst.shape)}`);
  return new Tensor(src.storage, dst.shape, src.dtype, broadcastStrides(src.shape, src.strides, dst.shape), src.offset);
}

/**
 * Writes src into the strided destination view, in place (PyTorch's `dst.copy_(src)`):
 * src broadcasts to dst's shape and is converted to dst's dtype. A source that overlaps
 * dst is read as it was before the write, as in NumPy (x[1:] = x[:-1] shifts). Bumps the
 * storage's version, so autograd refuses gradients computed from the old values.
 */
export function assignInto(dst: Tensor, src: Tensor): void {
  if (!(dst instanceof Tensor) || !(src instanceof Tensor)) throw new Error('assignInto: expected two Tensors (destination, source)');
  // The write is not recorded: outside noGrad its effect on the loss would be missing from every gradient.
  if (dst.requiresGrad && isGradEnabled()) {
    throw new Error(`assignInto: the destination (shape ${fmtShape(dst.shape)}) requires grad, and an in-place write is not differentiable here; update parameters inside noGrad(() => …), or build the new values out of place (where, concat, pad)`);
  }
  // Likewise a source that requires grad: its values would reach the loss through dst while its gradient silently stayed 0.
  if (src.requiresGrad && isGradEnabled()) {
    throw new Error(`assignInto: the source (shape ${fmtShape(src.shape)}) requires grad, and an in-place write is not differentiable here, so its gradient would be lost; build the result out of place (concat, stack, pad, where), or pass src.detach() to copy only the values`);
  }
  // With a stride-0 dimension several elements are one memory location and the result would depend on write order.
  if (dst.shape.some((d, i) => d > 1 && dst.strides[i] === 0)) throw new Error(`assignInto: the destination (shape ${fmtShape(dst.shape)}, strides ${fmtShape(dst.strides)}) has elements sharing memory (an expanded view); write into a contiguous() copy instead`);
  const shaped = shapesEqual(dst.shape, src.shape) ? src : broadcastSource(dst, src);
  // Converted as to() would (1.5 into int32 is 1, 0.5 into bool is true), not copied as raw values.
  const source = shaped.dtype === dst.dtype ? shaped : shaped.detach().to(dst.dtype);
  // toTypedArray aliases a contiguous source, which the writes below would clobber while reading it.
  const dense = sharesMemory(source.storage, dst.storage) ? denseCopy(source).storage : source.toTypedArray();
  markModifiedInPlace(dst);
  const rank = dst.rank;
  if (rank === 0) {
    dst.storage[dst.offset] = dense[0];
    return;
  }
  const idx = new Array<number>(rank).fill(0);
  let p = dst.offset;
  const inner = dst.shape[rank - 1];
  const is = dst.strides[rank - 1];
  const total = dst.size;
  for (let k = 0; k < total; k += inner) {
    for (let j = 0; j < inner; j++) dst.storage[p + j * is] = dense[k + j];
    for (let d = rank - 2; d >= 0; d--) {
      idx[d]++;
      p += dst.strides[d];
      if (idx[d] < dst.shape[d]) break;
      p -= dst.strides[d] * dst.shape[d];
      idx[d] = 0;
    }
  }
}

/** Removes dimension `dim`, taking index `index` along it. */
export function select(x: Tensor, dim: number, index: number): Tensor {
  const d = normAxis('select', dim, x.rank);
  const n = x.shape[d];
  const i = index < 0 ? index + n : index;
  if (!Number.isInteger(i) || i < 0 || i >= n) throw new Error(`select: index ${index} is out of range for dimension ${dim} of size ${n}`);
  return squeeze(slice(x, d, i, i + 1), d);
}

export function expand(x: Tensor, shape: readonly number[]): Tensor {
  if (shape.length < x.rank) throw new Error(`expand: cannot expand shape ${fmtShape(x.shape)} to fewer dimensions ${fmtShape(shape)}`);
  for (const s of shape) {
    if (!(Number.isInteger(s) && s >= -1)) throw new Error(`expand: sizes must be non-negative integers (or -1 to keep a dimension), got ${fmtShape(shape)}`);
  }
  const k = shape.length - x.rank;
  const outShape = new Array<number>(shape.length);
  const strides = new Array<number>(shape.length);
  for (let i = 0; i < shape.length; i++) {
    const src = i - k;
    const have = src >= 0 ? x.shape[src] : 1;
    const want = shape[i] === -1 ? have : shape[i];
    if (src < 0 && shape[i] === -1) throw new Error(`expand: -1 is not allowed for new leading dimension ${i}`);
    if (have !== want && have !== 1) throw new Error(`expand: cannot expand shape ${fmtShape(x.shape)} to ${fmtShape(shape)} (dimension ${i}: ${have} vs ${want})`);
    outShape[i] = want;
    strides[i] = src >= 0 && have === want ? x.strides[src] : 0;
  }
  if (shapesEqual(outShape, x.shape)) return x;
  const inShape = x.shape;
  return record(makeView(x, outShape, strides, x.offset), 'expand', [x], (g) => [sumToShape(g, inShape)], []);
}

export function squeeze(x: Tensor, dim?: number | readonly number[]): Tensor {
  const axes = dim === undefined ? x.shape.map((d, i) => (d === 1 ? i : -1)).filter((i) => i >= 0) : normAxes('squeeze', dim, x.rank).filter((a) => x.shape[a] === 1);
  if (axes.length === 0) return x;
  const keep = x.shape.map((_, i) => !axes.includes(i));
  const inShape = x.shape;
  const out = makeView(x, x.shape.filter((_, i) => keep[i]), x.strides.filter((_, i) => keep[i]), x.offset);
  return record(out, 'squeeze', [x], (g) => [reshape(g, inShape)], []);
}

export function unsqueeze(x: Tensor, dim: number): Tensor {
  const d = normAxis('unsqueeze', dim, x.rank + 1);
  const shape = [...x.shape];
  const strides = [...x.strides];
  shape.splice(d, 0, 1);
  strides.splice(d, 0, d < x.rank ? x.strides[d] * x.shape[d] : 1);
  const inShape = x.shape;
  return record(makeView(x, shape, strides, x.offset), 'unsqueeze', [x], (g) => [reshape(g, inShape)], []);
}
