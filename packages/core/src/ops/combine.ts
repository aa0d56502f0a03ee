/** Joining and cutting: concat, stack, split, chunk, pad, flip, repeat, roll. */
import { record } from '../autograd.js';
import { allocate, checkedScalar, promoteTypes } from '../dtype.js';
import { fmtShape, normAxes, normAxis } from '../shape.js';
import { Tensor } from '../tensor.js';
import { expectTensor } from './operand.js';
import { describeValue } from '../args.js';
import { assignInto, clone, expand, reshape, slice, unsqueeze } from './view.js';

/** The list concat and stack take: an array of Tensors (a lone Tensor would be read as its fields). */
function checkTensorList(op: string, tensors: readonly Tensor[]): void {
  if (!Array.isArray(tensors)) throw new Error(`${op}: expected an array of tensors, got ${describeValue(tensors)}${tensors instanceof Tensor ? ` (write ${op}([x, …]))` : ''}`);
  if (tensors.length === 0) throw new Error(`${op}: need a non-empty array of tensors`);
  for (let i = 0; i < tensors.length; i++) expectTensor(op, `tensors[${i}]`, tensors[i]);
}

export function concat(tensors: readonly Tensor[], dim = 0): Tensor {
  checkTensorList('concat', tensors);
  const first = tensors[0];
  const d = normAxis('concat', dim, first.rank);
  let dtype = first.dtype;
  let total = 0;
  for (const [i, t] of tensors.entries()) {
    if (t.rank !== first.rank || t.shape.some((s, k) => k !== d && s !== first.shape[k])) {
      throw new Error(`concat: tensor ${i} has shape ${fmtShape(t.shape)}, incompatible with ${fmtShape(first.shape)} along dim ${dim}`);
    }
    dtype = promoteTypes(dtype, t.dtype);
    total += t.shape[d];
  }
  const shape = [...first.shape];
  shape[d] = total;
  let size = 1;
  for (const s of shape) size *= s;
  const out = new Tensor(allocate(dtype, size), shape, dtype);
  const starts: number[] = [];
  let at = 0;
  for (const t of tensors) {
    starts.push(at);
    assignInto(slice(out, d, at, at + t.shape[d]), t.detach()); // converted to dtype by assignInto; the gradient is recorded below
    at += t.shape[d];
  }
  const inputs = tensors.map((t) => (t.dtype === dtype ? t : t.to(dtype)));
  return record(out, 'concat', inputs, (g) => inputs.map((t, i) => (t.requiresGrad ? slice(g, d, starts[i], starts[i] + t.shape[d]) : null)), []);
}

export function stack(tensors: readonly Tensor[], dim = 0): Tensor {
  checkTensorList('stack', tensors);
  const d = normAxis('stack', dim, tensors[0].rank + 1);
  for (const [i, t] of tensors.entries()) {
    if (t.rank !== tensors[0].rank || t.shape.some((s, k) => s !== tensors[0].shape[k])) {
      throw new Error(`stack: tensor ${i} has shape ${fmtShape(t.shape)} but tensor 0 has ${fmtShape(tensors[0].shape)}`);
    }
  }
  return concat(tensors.map((t) => unsqueeze(t, d)), d);
}

/** Splits into views of `size` along dim (the last may be smaller), or into the given sizes. */
export function split(x: Tensor, sizeOrSizes: number | readonly number[], dim = 0): Tensor[] {
  const d = normAxis('split', dim, x.rank);
  const n = x.shape[d];
  let sizes: number[];
  if (typeof sizeOrSizes === 'number') {
    if (!Number.isInteger(sizeOrSizes) || sizeOrSizes <= 0) throw new Error(`split: size must be a positive integer, got ${sizeOrSizes}`);
    // An empty dimension still gives one (empty) piece, as in torch.split.
    sizes = n === 0 ? [0] : [];
    for (let at = 0; at < n; at += sizeOrSizes) sizes.push(Math.min(sizeOrSizes, n - at));
  } else {
    sizes = [...sizeOrSizes];
    const sum = sizes.reduce((a, b) => a + b, 0);
    if (sum !== n || sizes.some((s) => !Number.isInteger(s) || s < 0)) throw new Error(`split: sizes [${sizes}] must be non-negative integers summing to ${n} (dimension ${dim})`);
  }
  const out: Tensor[] = [];
  let at = 0;
  for (const s of sizes) {
    out.push(slice(x, d, at, at + s));
    at += s;
  }
  return out;
}

/** Splits into `chunks` nearly equal views (as torch.chunk). */
export function chunk(x: Tensor, chunks: number, dim = 0): Tensor[] {
  if (!Number.isInteger(chunks) || chunks <= 0) throw new Error(`chunk: chunks must be a positive integer, got ${chunks}`);
  const n = x.shape[normAxis('chunk', dim, x.rank)];
  // An empty dimension gives `chunks` empty pieces, as in torch.chunk (destructuring
  // `const [a, b] = chunk(x, 2)` keeps working on an empty batch).
  if (n === 0) return split(x, new Array<number>(chunks).fill(0), dim);
  return split(x, Math.max(1, Math.ceil(n / chunks)), dim);
}

/**
 * Constant padding. `pads` lists (before, after) pairs starting from the LAST
 * dimension, as torch.nn.functional.pad: [left, right, top, bottom, ...].
 */
export function pad(x: Tensor, pads: readonly number[], value = 0): Tensor {
  if (pads.length % 2 !== 0 || pads.length / 2 > x.rank) throw new Error(`pad: pads [${pads}] must hold (before, after) pairs for at most ${x.rank} dimensions`);
  if (pads.some((p) => !Number.isInteger(p) || p < 0)) throw new Error(`pad: pads [${pads}] must be non-negative integers`);
  const shape = [...x.shape];
  const before = new Array<number>(x.rank).fill(0);
  for (let i = 0; i < pads.length / 2; i++) {
    const d = x.rank - 1 - i;
    before[d] = pads[2 * i];
    shape[d] += pads[2 * i] + pads[2 * i + 1];
  }
  let size = 1;
  for (const s of shape) size *= s;
  const v = checkedScalar('pad', value, x.dtype);
  const data = allocate(x.dtype, size);
  if (v !== 0) data.fill(v);
  const out = new Tensor(data, shape, x.dtype);
  let inner: Tensor = out;
  for (let d = 0; d < x.rank; d++) inner = slice(inner, d, before[d], before[d] + x.shape[d]);
  assignInto(inner, x.detach());
  return record(out, 'pad', [x], (g) => {
    let v = g;
    for (let d = 0; d < x.rank; d++) v = slice(v, d, before[d], before[d] + x.shape[d]);
    return [v];
  }, []);
}

/** Reverses the order of elements along the given dims (a view with negative strides). */
export function flip(x: Tensor, dims: number | readonly number[]): Tensor {
  const axes = normAxes('flip', dims, x.rank);
  const strides = [...x.strides];
  let offset = x.offset;
  for (const a of axes) {
    if (x.shape[a] > 0) offset += (x.shape[a] - 1) * x.strides[a];
    strides[a] = -x.strides[a];
  }
  const out = new Tensor(x.storage, x.shape, x.dtype, strides, offset);
  return record(out, 'flip', [x], (g) => [flip(g, axes)], []);
}

/**
 * Tiles x `reps[i]` times along each dimension, as torch.Tensor.repeat; extra leading
 * reps add dimensions. Built from reshape and expand, so the gradient sums the copies.
 */
export function repeat(x: Tensor, reps: readonly number[]): Tensor {
  if (!Array.isArray(reps)) throw new Error(`repeat: reps must be an array of integers, got ${typeof reps}`);
  if (reps.length < x.rank) throw new Error(`repeat: got ${reps.length} repeats [${reps}] for a tensor of shape ${fmtShape(x.shape)}; need at least one per dimension (${x.rank})`);
  if (reps.some((r) => !Number.isInteger(r) || r < 0)) throw new Error(`repeat: repeats [${reps}] must be non-negative integers`);
  const shape = [...new Array<number>(reps.length - x.rank).fill(1), ...x.shape];
  // [s0, s1, …] → [1, s0, 1, s1, …] → expand to [r0, s0, r1, s1, …] → [r0·s0, r1·s1, …].
  const interleaved = shape.flatMap((s) => [1, s]);
  const expanded = shape.flatMap((s, i) => [reps[i], s]);
  const out = reshape(expand(reshape(x, interleaved), expanded), shape.map((s, i) => s * reps[i]));
  // Always a new tensor, as in PyTorch (all-ones reps would otherwise give a view of x).
  return out.storage === x.storage ? clone(out) : out;
}

/**
 * Rotates elements along `dims` by `shifts` (elements pushed off the end come back at
 * the start), as torch.roll; without dims the flattened tensor is rolled and reshaped back.
 */
export function roll(x: Tensor, shifts: number | readonly number[], dims?: number | readonly number[]): Tensor {
  const s = typeof shifts === 'number' ? [shifts] : [...shifts];
  if (s.some((v) => !Number.isInteger(v))) throw new Error(`roll: shifts [${s}] must be integers`);
  if (dims === undefined) {
    if (s.length !== 1) throw new Error(`roll: without dims, shifts must be a single number, got [${s}]`);
    return reshape(roll(reshape(x, [x.size]), s, 0), x.shape);
  }
  const d = typeof dims === 'number' ? [dims] : [...dims];
  if (d.length !== s.length) throw new Error(`roll: shifts [${s}] and dims [${d}] must have the same length`);
  let out = x;
  for (let i = 0; i < d.length; i++) {
    const a = normAxis('roll', d[i], x.rank);
    const n = x.shape[a];
    const k = n === 0 ? 0 : ((s[i] % n) + n) % n;
    if (k !== 0) out = concat([slice(out, a, n - k), slice(out, a, 0, n - k)], a);
  }
  return out === x ? clone(x) : out;
}
