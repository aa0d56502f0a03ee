/** Tensor construction: from data, constants, ranges and seeded random draws. */
import { allocate, castScalar, checkDType, checkedScalar, dtypeOfArray, fitsDType, overflowError, isFloatDType, isStorageOf, type DType, type TypedArray } from './dtype.js';
import { checkOptions, NO_OPTIONS, optionKeys } from './options.js';
import { Generator, checkNormalParams, checkUniformRange, getDefaultGenerator } from './rng.js';
import { assertValidShape, fmtShape, numel } from './shape.js';
import { Tensor, type NestedArray } from './tensor.js';

export interface CreateOptions {
  dtype?: DType;
  requiresGrad?: boolean;
}

export interface TensorOptions extends CreateOptions {
  /** Shape for flat data; inferred from nesting otherwise. */
  shape?: readonly number[];
}

export interface RandomOptions extends CreateOptions {
  generator?: Generator;
}

const CREATE_KEYS = optionKeys<CreateOptions>({ dtype: true, requiresGrad: true });
const TENSOR_KEYS = optionKeys<TensorOptions>({ dtype: true, requiresGrad: true, shape: true });
const RANDINT_KEYS = optionKeys<RandomOptions>({ dtype: true, requiresGrad: true, generator: true });
const RAND_KEYS = optionKeys<RandomOptions & { low?: number; high?: number }>({ dtype: true, requiresGrad: true, generator: true, low: true, high: true });
const RANDN_KEYS = optionKeys<RandomOptions & { mean?: number; std?: number }>({ dtype: true, requiresGrad: true, generator: true, mean: true, std: true });

function finish(t: Tensor, opts: CreateOptions | undefined): Tensor {
  if (opts?.requiresGrad) t.requiresGrad_();
  return t;
}

function inferShape(data: NestedArray): number[] {
  const shape: number[] = [];
  let cur: NestedArray = data;
  while (Array.isArray(cur)) {
    shape.push(cur.length);
    if (cur.length === 0) break;
    cur = cur[0];
  }
  return shape;
}

function flattenNested(data: NestedArray, shape: readonly number[], out: TypedArray): void {
  let k = 0;
  const walk = (x: NestedArray, dim: number, path: number[]) => {
    if (dim === shape.length) {
      if (Array.isArray(x)) throw new Error(`tensor: ragged nested array at index [${path}] (expected a number)`);
      const v = typeof x === 'boolean' ? (x ? 1 : 0) : x;
      if (typeof v !== 'number') throw new Error(`tensor: element at index [${path}] is ${typeof x}, expected a number or boolean`);
      out[k++] = v;
      return;
    }
    if (!Array.isArray(x) || x.length !== shape[dim]) {
      throw new Error(`tensor: ragged nested array at index [${path}] (expected length ${shape[dim]} at dimension ${dim})`);
    }
    for (let i = 0; i < x.length; i++) walk(x[i], dim + 1, [...path, i]);
  };
  walk(data, 0, []);
}

/** Typed arrays tensor() copies into a storage type (see dtypeOfArray): canvas pixels, 8/16-bit integers, uint32. */
export type ConvertibleArray = Uint8ClampedArray | Int8Array | Int16Array | Uint16Array | Uint32Array;

/**
 * Builds a tensor from nested arrays, a scalar or a typed array (used as storage directly
 * when it is the requested dtype's array, else copied: Uint8ClampedArray → uint8,
 * Int8/Int16/Uint16Array → int32, Uint32Array → float64 unless `dtype` says otherwise).
 */
export function tensor(data: NestedArray | TypedArray | ConvertibleArray | readonly number[], opts: TensorOptions = NO_OPTIONS): Tensor {
  checkOptions('tensor', opts, TENSOR_KEYS);
  if (ArrayBuffer.isView(data)) {
    const arr = data as TypedArray; // or a ConvertibleArray: never used as storage, only read
    const dtype = opts.dtype ? checkDType('tensor', opts.dtype) : dtypeOfArray(arr);
    const shape = opts.shape ?? [arr.length];
    assertValidShape('tensor', shape);
    if (numel(shape) !== arr.length) throw new Error(`tensor: shape ${fmtShape(shape)} needs ${numel(shape)} elements but the data has ${arr.length}`);
    let storage: TypedArray;
    // A Uint8Array can back a bool tensor only if it holds 0/1: ops compare and sum the raw bytes.
    if ((dtype !== 'bool' && isStorageOf(arr, dtype)) || (dtype === 'bool' && arr instanceof Uint8Array && arr.every((v) => v <= 1))) storage = arr;
    else {
      storage = allocate(dtype, arr.length);
      convertInto(arr, storage, dtype);
    }
    return finish(new Tensor(storage, shape, dtype), opts);
  }
  const nested = data as NestedArray;
  // Booleans mixed with numbers are numbers (tensor([true, 2]) is [1, 2], as PyTorch), not all true.
  const isBoolData = typeof (Array.isArray(nested) ? deepFirst(nested) : nested) === 'boolean' && allBoolean(nested);
  const dtype = opts.dtype ? checkDType('tensor', opts.dtype) : isBoolData ? 'bool' : 'float32';
  const inferred = inferShape(nested);
  const storage = allocate(dtype, numel(inferred));
  const tmp = dtype === 'float32' || dtype === 'float64' ? storage : new Float64Array(storage.length);
  flattenNested(nested, inferred, tmp);
  if (tmp !== storage) convertInto(tmp, storage, dtype);
  let t = new Tensor(storage, inferred, dtype);
  if (opts.shape) t = t.reshape(opts.shape);
  return finish(t, opts);
}

/** Copies tensor data into another dtype's storage, refusing elements an integer dtype would wrap. */
function convertInto(src: ArrayLike<number>, out: TypedArray, dtype: DType): void {
  // Only integer dtypes can wrap; a float or bool target skips the per-element range test.
  const checked = dtype === 'int32' || dtype === 'uint8';
  for (let i = 0; i < src.length; i++) {
    const v = src[i];
    if (checked && !fitsDType(v, dtype)) throw overflowError('tensor', `the value ${v} at flat index ${i}`, dtype);
    out[i] = castScalar(v, dtype);
  }
}

function allBoolean(x: NestedArray): boolean {
  return Array.isArray(x) ? x.every(allBoolean) : typeof x === 'boolean';
}

function deepFirst(x: NestedArray): NestedArray {
  let cur = x;
  while (Array.isArray(cur) && cur.length) cur = cur[0];
  return cur;
}

/** A 0-dimensional tensor. */
export function scalar(value: number, dtype: DType = 'float32'): Tensor {
  const s = allocate(checkDType('scalar', dtype), 1);
  s[0] = checkedScalar('scalar', value, dtype);
  return new Tensor(s, [], dtype);
}

export function full(shape: readonly number[], value: number, opts: CreateOptions = NO_OPTIONS): Tensor {
  assertValidShape('full', shape);
  checkOptions('full', opts, CREATE_KEYS);
  return filled('full', shape, value, opts);
}

/** full() after its checks, so zeros and ones name themselves in errors and check only once. */
function filled(op: string, shape: readonly number[], value: number, opts: CreateOptions): Tensor {
  const dtype = checkDType(op, opts.dtype);
  const v = checkedScalar(op, value, dtype, 'fill value');
  const data = allocate(dtype, numel(shape));
  if (v !== 0) data.fill(v);
  return finish(new Tensor(data, shape, dtype), opts);
}

export function zeros(shape: readonly number[], opts: CreateOptions = NO_OPTIONS): Tensor {
  assertValidShape('zeros', shape);
  checkOptions('zeros', opts, CREATE_KEYS);
  return filled('zeros', shape, 0, opts);
}

export function ones(shape: readonly number[], opts: CreateOptions = NO_OPTIONS): Tensor {
  assertValidShape('ones', shape);
  checkOptions('ones', opts, CREATE_KEYS);
  return filled('ones', shape, 1, opts);
}

/** Values from start (inclusive) to end (exclusive) by step; `arange(n)` gives 0..n-1. */
export function arange(start: number, end?: number, step = 1, opts: CreateOptions = NO_OPTIONS): Tensor {
  checkOptions('arange', opts, CREATE_KEYS);
  if (end === undefined) {
    end = start;
    start = 0;
  }
  if (step === 0 || !Number.isFinite(step)) throw new Error(`arange: step must be a non-zero finite number, got ${step}`);
  // NaN would give a tensor of shape [NaN], an infinite end a RangeError from the typed array.
  if (!Number.isFinite(start) || !Number.isFinite(end)) throw new Error(`arange: start and end must be finite numbers, got ${start} and ${end}`);
  // As torch.arange: a step pointing away from end is a mistake, not an empty range.
  if ((end - start) * step < 0) throw new Error(`arange: step ${step} points away from end: start ${start}, end ${end} (the range would be empty)`);
  const n = Math.max(0, Math.ceil((end - start) / step));
  const inferred = Number.isInteger(start) && Number.isInteger(end) && Number.isInteger(step) ? 'int32' : 'float32';
  const dtype = checkDType('arange', opts.dtype, inferred);
  // The typed array would wrap values past the dtype's range (arange(2**31 - 2, 2**31 + 2) ended in negatives).
  const last = start + (n - 1) * step;
  if (n > 0 && !(fitsDType(start, dtype) && fitsDType(last, dtype))) {
    throw overflowError('arange', `the values ${start}..${last}${opts.dtype === undefined ? ` (${dtype}, inferred from integer arguments)` : ''}`, dtype, "pass { dtype: 'float64' }");
  }
  const data = allocate(dtype, n);
  for (let i = 0; i < n; i++) data[i] = start + i * step;
  return finish(new Tensor(data, [n], dtype), opts);
}

/** `steps` evenly spaced values from start to end inclusive. */
export function linspace(start: number, end: number, steps: number, opts: CreateOptions = NO_OPTIONS): Tensor {
  if (!Number.isInteger(steps) || steps < 0) throw new Error(`linspace: steps must be a non-negative integer, got ${steps}`);
  checkOptions('linspace', opts, CREATE_KEYS);
  const dtype = checkDType('linspace', opts.dtype);
  const data = allocate(dtype, steps);
  const delta = steps > 1 ? (end - start) / (steps - 1) : 0;
  for (let i = 0; i < steps; i++) data[i] = i === steps - 1 && steps > 1 ? end : start + i * delta;
  return finish(new Tensor(data, [steps], dtype), opts);
}

/** Identity matrix n×m (m defaults to n). */
export function eye(n: number, m = n, opts: CreateOptions = NO_OPTIONS): Tensor {
  assertValidShape('eye', [n, m]);
  checkOptions('eye', opts, CREATE_KEYS);
  const t = filled('eye', [n, m], 0, opts);
  for (let i = 0; i < Math.min(n, m); i++) t.storage[i * m + i] = 1;
  return t;
}

/** Uniform and normal draws are real numbers: an integer dtype would silently truncate them (PyTorch refuses too). */
function floatDType(op: string, dtype: unknown): DType {
  const d = checkDType(op, dtype);
  if (d !== 'float32' && d !== 'float64') throw new Error(`${op}: dtype must be float32 or float64, got ${d} (use randint for integers)`);
  return d;
}

/** Uniform [low, high) from the given (or default) seeded generator. */
export function rand(shape: readonly number[], opts: RandomOptions & { low?: number; high?: number } = NO_OPTIONS): Tensor {
  assertValidShape('rand', shape);
  checkOptions('rand', opts, RAND_KEYS);
  floatDType('rand', opts.dtype);
  const g = opts.generator ?? getDefaultGenerator();
  const t = zeros(shape, { dtype: opts.dtype ?? 'float32' });
  const lo = opts.low ?? 0;
  const hi = opts.high ?? 1;
  checkUniformRange('rand', lo, hi);
  // A draw within rounding of `high` (u ≥ 1 − 2⁻²⁵ in float32: one in 33 million) would store
  // `high` itself; it becomes the dtype's last value below it, keeping the range half-open.
  // (low = high is the one-value range, as in PyTorch.)
  const s = t.storage;
  const top = lo < hi ? largestBelow(hi, s) : hi;
  for (let i = 0; i < s.length; i++) {
    s[i] = lo + (hi - lo) * g.uniform();
    if (s[i] >= hi) s[i] = top;
  }
  return finish(t, opts);
}

/** The largest value `storage` (Float32Array or Float64Array) can hold that is below x. */
function largestBelow(x: number, storage: TypedArray): number {
  const f = storage instanceof Float32Array ? new Float32Array(1) : new Float64Array(1);
  f[0] = x;
  if (f[0] < x) return f[0];
  if (f[0] === 0) return f instanceof Float32Array ? -1.401298464324817e-45 : -Number.MIN_VALUE;
  // One unit in the last place down: the magnitude's bits shrink for x > 0 and grow for x < 0.
  if (f instanceof Float32Array) new Int32Array(f.buffer)[0] += f[0] > 0 ? -1 : 1;
  else new BigInt64Array(f.buffer)[0] += f[0] > 0 ? -1n : 1n;
  return f[0];
}

/** Normal(mean, std) from the given (or default) seeded generator. */
export function randn(shape: readonly number[], opts: RandomOptions & { mean?: number; std?: number } = NO_OPTIONS): Tensor {
  assertValidShape('randn', shape);
  checkOptions('randn', opts, RANDN_KEYS);
  floatDType('randn', opts.dtype);
  const g = opts.generator ?? getDefaultGenerator();
  const t = zeros(shape, { dtype: opts.dtype ?? 'float32' });
  const mean = opts.mean ?? 0;
  const std = opts.std ?? 1;
  checkNormalParams('randn', mean, std);
  for (let i = 0; i < t.storage.length; i++) t.storage[i] = g.normal(mean, std);
  return finish(t, opts);
}

/** Integers uniform in [low, high) (int32 by default). */
export function randint(low: number, high: number, shape: readonly number[], opts: RandomOptions = NO_OPTIONS): Tensor {
  assertValidShape('randint', shape);
  checkOptions('randint', opts, RANDINT_KEYS);
  // Checked here, not only by the generator's first draw: an empty shape draws nothing, and the error names randint.
  if (!(Number.isInteger(low) && Number.isInteger(high) && low < high)) throw new Error(`randint: need integers low < high, got [${low}, ${high})`);
  const g = opts.generator ?? getDefaultGenerator();
  const t = zeros(shape, { dtype: opts.dtype ?? 'int32' });
  // Refused before drawing, so a failed call leaves the generator where it was.
  if (opts.requiresGrad && !isFloatDType(t.dtype)) throw new Error(`randint: only float32/float64 tensors can require gradients, got ${t.dtype}`);
  // The typed array would wrap draws it cannot hold (randint(0, 2**32) gave negative int32s).
  // bool storage would keep draws past 1 as bytes 2, 3, … that ops read as such.
  const holds = (v: number) => (t.dtype === 'bool' ? v === 0 || v === 1 : fitsDType(v, t.dtype));
  if (!(holds(low) && holds(high - 1))) {
    throw new Error(`randint: range [${low}, ${high}) does not fit dtype ${t.dtype}${t.dtype === 'bool' ? ' (bool draws need a range within [0, 2))' : ''}`);
  }
  for (let i = 0; i < t.storage.length; i++) t.storage[i] = g.randint(low, high);
  return finish(t, opts);
}
