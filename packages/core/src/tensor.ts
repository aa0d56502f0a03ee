/**
 * The Tensor: a typed-array storage plus shape, strides and offset. Views
 * (reshape, permute, slice, expand, …) share storage; every op returns a new
 * tensor and records a gradient node when an input requires grad.
 */
import { backward as runBackward, storageVersion, type BackwardOptions, type GradNode } from './autograd.js';
import { allocate, checkDType, checkedScalar, isFloatDType, STORAGE_OF, type DType, type TypedArray } from './dtype.js';
import { contiguousStrides, numel, type Shape } from './shape.js';
import { copyStrided } from './kernels/strided.js';
import { formatTensor } from './format.js';
import { NO_OPTIONS } from './options.js';
import * as un from './ops/unary.js';
import * as bin from './ops/binary.js';
import * as cmp from './ops/compare.js';
import * as red from './ops/reduce.js';
import * as vw from './ops/view.js';
import * as mm from './ops/matmul.js';
import * as sm from './ops/softmax.js';
import * as ix from './ops/indexing.js';
import * as cast from './ops/cast.js';
import * as cmb from './ops/combine.js';
import * as cum from './ops/cumulative.js';
import * as srt from './ops/sort.js';
import * as tri from './ops/triangular.js';
import * as rnd from './ops/rounding.js';

export type Scalar = number;

/** Gradient rows of a 2-D leaf: values[k*rowSize ... (k+1)*rowSize) belongs to row rows[k]; rows may repeat. */
export interface SparseRowGrad {
  rows: Int32Array;
  values: Float32Array | Float64Array;
  rowSize: number;
}
export type TensorLike = Tensor | number;
export type NestedArray = number | boolean | NestedArray[];

export class Tensor {
  /** The backing buffer, possibly shared with other views. */
  readonly storage: TypedArray;
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  readonly offset: number;
  readonly dtype: DType;
  /** Whether gradients flow to (and accumulate in) this tensor. */
  requiresGrad = false;
  /** Accumulated gradient of a leaf after `backward()`. */
  grad: Tensor | null = null;
  /** The node that produced this tensor, or null for leaves. */
  gradFn: GradNode | null = null;
  /**
   * Row-sparse gradient of a leaf (for embedding tables): ops that touch a
   * few rows of a huge table accumulate here instead of into a dense `grad`,
   * and optimizers update only those rows.
   */
  sparseGrad: SparseRowGrad | null = null;

  constructor(storage: TypedArray, shape: Shape, dtype: DType, strides?: Shape, offset = 0) {
    checkLayout(storage, shape, dtype, strides, offset);
    this.storage = storage;
    this.shape = Object.freeze([...shape]);
    this.strides = Object.freeze(strides ? [...strides] : contiguousStrides(shape));
    this.offset = offset;
    this.dtype = dtype;
  }

  /** Number of elements. */
  get size(): number {
    return numel(this.shape);
  }

  get rank(): number {
    return this.shape.length;
  }

  /** Alias of `rank`, as in NumPy/PyTorch. */
  get ndim(): number {
    return this.shape.length;
  }

  /**
   * In-place writes so far to the storage (shared by all its views), as PyTorch's `_version`;
   * see markModifiedInPlace.
   */
  get version(): number {
    return storageVersion(this);
  }

  get isLeaf(): boolean {
    return this.gradFn === null;
  }

  /** True when elements are laid out densely in row-major order. */
  isContiguous(): boolean {
    let expected = 1;
    for (let i = this.shape.length - 1; i >= 0; i--) {
      if (this.shape[i] !== 1 && this.strides[i] !== expected) return false;
      expected *= this.shape[i];
    }
    return true;
  }

  /** Marks this (leaf) tensor as requiring grad; returns this. */
  requiresGrad_(flag = true): this {
    if (!this.isLeaf && !flag) throw new Error('requiresGrad_: cannot turn off grad on a non-leaf tensor; use detach()');
    // As in PyTorch: integer ops cut the graph (they cast to float first) and a leaf
    // gradient would be truncated to the leaf's dtype, so the flag could only mislead.
    if (flag && !isFloatDType(this.dtype)) throw new Error(`requiresGrad_: only float32/float64 tensors can require gradients, got ${this.dtype}`);
    this.requiresGrad = flag;
    return this;
  }

  /** A tensor sharing storage, cut from the graph. */
  detach(): Tensor {
    return new Tensor(this.storage, this.shape, this.dtype, this.strides, this.offset);
  }

  /** Dense row-major copy when needed (shares storage when already contiguous). */
  contiguous(): Tensor {
    return vw.contiguous(this);
  }

  /** A fresh dense copy, differentiable. */
  clone(): Tensor {
    return vw.clone(this);
  }

  /**
   * The elements as a dense typed array in row-major order. Copy-free when
   * the tensor is contiguous: then the result aliases storage — treat it as
   * read-only unless you own the tensor.
   */
  toTypedArray(): TypedArray {
    const n = this.size;
    if (this.isContiguous()) return this.storage.subarray(this.offset, this.offset + n);
    const out = allocate(this.dtype, n);
    copyStrided(this.storage, this.offset, this.strides, this.shape, out);
    return out;
  }

  /** Nested JavaScript arrays (booleans for bool tensors), or a number for a scalar. */
  toArray(): NestedArray {
    const flat = this.toTypedArray();
    const isBool = this.dtype === 'bool';
    const build = (dim: number, start: number): NestedArray => {
      if (dim === this.shape.length) return isBool ? flat[start] !== 0 : flat[start];
      const step = numel(this.shape.slice(dim + 1));
      const out: NestedArray[] = [];
      for (let i = 0; i < this.shape[dim]; i++) out.push(build(dim + 1, start + i * step));
      return out;
    };
    return build(0, 0);
  }

  /** The value of a one-element tensor. */
  item(): number {
    if (this.size !== 1) throw new Error(`item: tensor has ${this.size} elements (shape [${this.shape}]); item() needs exactly one`);
    return this.storage[this.offset];
  }

  toString(): string {
    return formatTensor(this);
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }

  /**
   * Backpropagates from this tensor; see autograd.backward. The options may come first when
   * there is no upstream gradient: `loss.backward({ retainGraph: true })`.
   */
  backward(grad?: Tensor | BackwardOptions, opts?: BackwardOptions): void {
    // Anything with a shape is meant as the gradient (and checked as one), even from another copy of this module.
    if (grad !== undefined && grad !== null && typeof grad === 'object' && !Array.isArray(grad) && !('shape' in grad) && opts === undefined) {
      runBackward(this, undefined, grad);
      return;
    }
    runBackward(this, grad as Tensor | undefined, opts);
  }

  zerosLike(dtype: DType = this.dtype): Tensor {
    const d = checkDType('zerosLike', dtype, this.dtype);
    return new Tensor(allocate(d, this.size), this.shape, d);
  }

  onesLike(dtype: DType = this.dtype): Tensor {
    return filledLike('onesLike', this, 1, dtype);
  }

  fullLike(value: number, dtype: DType = this.dtype): Tensor {
    return filledLike('fullLike', this, value, dtype);
  }

  // ---- dtype ----
  to(dtype: DType): Tensor { return cast.cast(this, dtype, 'to'); }
  float(): Tensor { return cast.cast(this, 'float32'); }
  double(): Tensor { return cast.cast(this, 'float64'); }
  int(): Tensor { return cast.cast(this, 'int32'); }

  // ---- views ----
  reshape(...shape: number[] | [readonly number[]]): Tensor { return vw.reshape(this, flatArgs(shape)); }
  view(...shape: number[] | [readonly number[]]): Tensor { return vw.view(this, flatArgs(shape)); }
  flatten(startDim = 0, endDim = -1): Tensor { return vw.flatten(this, startDim, endDim); }
  permute(...dims: number[] | [readonly number[]]): Tensor { return vw.permute(this, flatArgs(dims)); }
  transpose(dim0 = -2, dim1 = -1): Tensor { return vw.transpose(this, dim0, dim1); }
  /** Matrix transpose of the last two dimensions. */
  get T(): Tensor { return vw.transpose(this, -2, -1); }
  slice(dim: number, start?: number, end?: number, step = 1): Tensor { return vw.slice(this, dim, start, end, step); }
  narrow(dim: number, start: number, length: number): Tensor { return vw.slice(this, ...vw.narrowRange(this, dim, start, length)); }
  select(dim: number, index: number): Tensor { return vw.select(this, dim, index); }
  expand(...shape: number[] | [readonly number[]]): Tensor { return vw.expand(this, flatArgs(shape)); }
  broadcastTo(shape: readonly number[]): Tensor { return vw.expand(this, shape); }
  squeeze(dim?: number | readonly number[]): Tensor { return vw.squeeze(this, dim); }
  unsqueeze(dim: number): Tensor { return vw.unsqueeze(this, dim); }

  // ---- elementwise ----
  neg(): Tensor { return un.neg(this); }
  abs(): Tensor { return un.abs(this); }
  exp(): Tensor { return un.exp(this); }
  log(): Tensor { return un.log(this); }
  log1p(): Tensor { return un.log1p(this); }
  sqrt(): Tensor { return un.sqrt(this); }
  rsqrt(): Tensor { return un.rsqrt(this); }
  square(): Tensor { return un.square(this); }
  sin(): Tensor { return un.sin(this); }
  cos(): Tensor { return un.cos(this); }
  tanh(): Tensor { return un.tanh(this); }
  sigmoid(): Tensor { return un.sigmoid(this); }
  relu(): Tensor { return un.relu(this); }
  leakyRelu(negativeSlope = 0.01): Tensor { return un.leakyRelu(this, negativeSlope); }
  gelu(approximate: 'none' | 'tanh' = 'none'): Tensor { return un.gelu(this, approximate); }
  silu(): Tensor { return un.silu(this); }
  softplus(beta = 1, threshold = 20): Tensor { return un.softplus(this, beta, threshold); }
  floor(): Tensor { return rnd.floor(this); }
  ceil(): Tensor { return rnd.ceil(this); }
  /** Half to even, as torch.round; `decimals` rounds to that many decimal places. */
  round(opts: rnd.RoundOptions = NO_OPTIONS): Tensor { return rnd.round(this, opts); }
  trunc(): Tensor { return rnd.trunc(this); }
  sign(): Tensor { return rnd.sign(this); }

  add(other: TensorLike, alpha?: number): Tensor { return bin.add(this, other, alpha); }
  sub(other: TensorLike, alpha?: number): Tensor { return bin.sub(this, other, alpha); }
  mul(other: TensorLike): Tensor { return bin.mul(this, other); }
  div(other: TensorLike): Tensor { return bin.div(this, other); }
  pow(exponent: TensorLike): Tensor { return bin.pow(this, exponent); }
  maximum(other: TensorLike): Tensor { return bin.maximum(this, other); }
  minimum(other: TensorLike): Tensor { return bin.minimum(this, other); }
  clamp(min?: number | null, max?: number | null): Tensor { return cmp.clamp(this, min, max); }

  eq(other: TensorLike): Tensor { return cmp.eq(this, other); }
  ne(other: TensorLike): Tensor { return cmp.ne(this, other); }
  lt(other: TensorLike): Tensor { return cmp.lt(this, other); }
  le(other: TensorLike): Tensor { return cmp.le(this, other); }
  gt(other: TensorLike): Tensor { return cmp.gt(this, other); }
  ge(other: TensorLike): Tensor { return cmp.ge(this, other); }
  maskedFill(mask: Tensor, value: number | Tensor): Tensor { return ix.maskedFill(this, mask, value); }

  // ---- reductions ----
  sum(dim?: number | readonly number[], keepdim = false): Tensor { return red.sum(this, dim, keepdim); }
  mean(dim?: number | readonly number[], keepdim = false): Tensor { return red.mean(this, dim, keepdim); }
  var(dim?: number | readonly number[], keepdim = false, correction = 1): Tensor { return red.variance(this, dim, keepdim, correction); }
  std(dim?: number | readonly number[], keepdim = false, correction = 1): Tensor { return red.std(this, dim, keepdim, correction); }
  max(dim?: number | readonly number[], keepdim = false): Tensor { return red.max(this, dim, keepdim); }
  min(dim?: number | readonly number[], keepdim = false): Tensor { return red.min(this, dim, keepdim); }
  argmax(dim?: number, keepdim = false): Tensor { return red.argmax(this, dim, keepdim); }
  argmin(dim?: number, keepdim = false): Tensor { return red.argmin(this, dim, keepdim); }
  logsumexp(dim?: number | readonly number[], keepdim = false): Tensor { return red.logsumexp(this, dim, keepdim); }
  prod(dim?: number | readonly number[], keepdim = false): Tensor { return red.prod(this, dim, keepdim); }
  norm(p = 2, dim?: number | readonly number[], keepdim = false): Tensor { return red.norm(this, p, dim, keepdim); }
  any(dim?: number | readonly number[], keepdim = false): Tensor { return red.any(this, dim, keepdim); }
  all(dim?: number | readonly number[], keepdim = false): Tensor { return red.all(this, dim, keepdim); }
  cumsum(dim: number): Tensor { return cum.cumsum(this, dim); }

  // ---- sorting ----
  sort(dim = -1, opts: srt.SortOptions = NO_OPTIONS): srt.SortResult { return srt.sort(this, dim, opts); }
  argsort(dim = -1, opts: srt.SortOptions = NO_OPTIONS): Tensor { return srt.argsort(this, dim, opts); }
  topk(k: number, dim = -1, opts: srt.TopkOptions = NO_OPTIONS): srt.SortResult { return srt.topk(this, k, dim, opts); }

  // ---- tiling and matrix parts ----
  repeat(...reps: number[] | [readonly number[]]): Tensor { return cmb.repeat(this, flatArgs(reps)); }
  roll(shifts: number | readonly number[], dims?: number | readonly number[]): Tensor { return cmb.roll(this, shifts, dims); }
  tril(diagonal = 0): Tensor { return tri.tril(this, diagonal); }
  triu(diagonal = 0): Tensor { return tri.triu(this, diagonal); }

  // ---- linear algebra, normalisation, indexing ----
  matmul(other: Tensor): Tensor { return mm.matmul(this, other); }
  softmax(dim = -1): Tensor { return sm.softmax(this, dim); }
  logSoftmax(dim = -1): Tensor { return sm.logSoftmax(this, dim); }
  gather(dim: number, index: Tensor): Tensor { return ix.gather(this, dim, index); }
  indexSelect(dim: number, index: Tensor | readonly number[]): Tensor { return ix.indexSelect(this, dim, index); }
  scatterAdd(dim: number, index: Tensor, src: Tensor): Tensor { return ix.scatterAdd(this, dim, index, src); }
}

/**
 * Every op trusts a tensor's layout, so a storage of the wrong type (1.5 read as an int32) or
 * too short for shape/strides/offset (NaN sums, undefined elements) is refused here. Every op's
 * output passes through it, so it is written as plain loops: it must cost next to nothing.
 */
function checkLayout(storage: TypedArray, shape: Shape, dtype: DType, strides: Shape | undefined, offset: number): void {
  const want = STORAGE_OF[dtype];
  if (want === undefined) throw new Error(`Tensor: unknown dtype ${String(dtype)}; expected one of float32, float64, int32, bool, uint8`);
  if (!(storage instanceof want.ctor)) throw new Error(`Tensor: dtype ${dtype} needs ${want.name} storage, got ${describeStorage(storage)}`);
  if (!Array.isArray(shape)) throw new Error(`Tensor: shape must be an array of non-negative integers, got ${fmtValue(shape)}`);
  const rank = shape.length;
  if (strides !== undefined && (!Array.isArray(strides) || strides.length !== rank)) {
    throw new Error(`Tensor: strides must be ${rank} integer(s), one per dimension of shape [${[...shape]}], got ${fmtValue(strides)}`);
  }
  if (!Number.isInteger(offset) || offset < 0) throw new Error(`Tensor: offset must be a non-negative integer, got ${offset}`);
  // The lowest and highest storage indices the elements use (strides may be negative or 0).
  let size = 1;
  let lo = offset;
  let hi = offset;
  for (let i = 0; i < rank; i++) {
    const d = shape[i];
    if (!Number.isInteger(d) || d < 0) throw new Error(`Tensor: shape must be an array of non-negative integers, got ${fmtValue(shape)}`);
    size *= d;
    if (strides !== undefined) {
      const st = strides[i];
      if (!Number.isInteger(st)) throw new Error(`Tensor: strides must be ${rank} integer(s), one per dimension of shape [${[...shape]}], got ${fmtValue(strides)}`);
      const span = (d - 1) * st;
      if (span < 0) lo += span;
      else hi += span;
    }
  }
  if (size === 0) return;
  if (strides === undefined) hi += size - 1;
  if (lo < 0 || hi >= storage.length) {
    const layout = strides === undefined ? `shape [${[...shape]}]` : `shape [${[...shape]}] with strides [${[...strides]}]`;
    throw new Error(`Tensor: ${layout} and offset ${offset} read storage indices ${lo}..${hi}, but the storage has ${storage.length} element(s)`);
  }
}

function describeStorage(a: unknown): string {
  return a === null ? 'null' : typeof a === 'object' ? (a as object).constructor?.name ?? 'an object' : typeof a;
}

function fmtValue(v: unknown): string {
  if (Array.isArray(v)) return `[${v.join(',')}]`;
  if (ArrayBuffer.isView(v)) return `${describeStorage(v)} [${Array.from(v as unknown as ArrayLike<number>).join(',')}]`;
  return String(v);
}

function filledLike(op: string, x: Tensor, value: number, dtype: DType): Tensor {
  const d = checkDType(op, dtype, x.dtype);
  const data = allocate(d, x.size);
  data.fill(checkedScalar(op, value, d, 'fill value'));
  return new Tensor(data, x.shape, d);
}

function flatArgs(args: number[] | [readonly number[]]): number[] {
  return args.length === 1 && Array.isArray(args[0]) ? [...(args[0] as readonly number[])] : (args as number[]);
}

export function isTensor(x: unknown): x is Tensor {
  return x instanceof Tensor;
}
