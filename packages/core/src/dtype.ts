/** Element types. float32 is the default; float64 exists for gradient checks. */
export type DType = 'float32' | 'float64' | 'int32' | 'bool' | 'uint8';

export type TypedArray = Float32Array | Float64Array | Int32Array | Uint8Array;
export type FloatDType = 'float32' | 'float64';

export const DTYPES: readonly DType[] = ['float32', 'float64', 'int32', 'bool', 'uint8'];

export function isDType(x: unknown): x is DType {
  return typeof x === 'string' && (DTYPES as readonly string[]).includes(x);
}

export function isFloatDType(d: DType): d is FloatDType {
  return d === 'float32' || d === 'float64';
}

const BYTES_PER_ELEMENT: Record<DType, number> = { float32: 4, float64: 8, int32: 4, bool: 1, uint8: 1 };

/**
 * Storage for `size` elements. A size past what the engine can hold fails with a message that
 * says how much was asked for — the engine's own ("Invalid typed array length: 1000000000000",
 * "Array buffer allocation failed") names neither the dtype nor the bytes.
 */
export function allocate(dtype: DType, size: number): TypedArray {
  try {
    switch (dtype) {
      case 'float32': return new Float32Array(size);
      case 'float64': return new Float64Array(size);
      case 'int32': return new Int32Array(size);
      case 'bool':
      case 'uint8': return new Uint8Array(size);
    }
  } catch (err) {
    if (!(err instanceof RangeError)) throw err;
    const bytes = size * BYTES_PER_ELEMENT[dtype];
    throw new RangeError(`cannot allocate ${withArticle(dtype)} tensor of ${size.toLocaleString('en-US')} elements (${formatBytes(bytes)}): ${err.message}`, { cause: err });
  }
}

/** "an int32", "a float32", "a uint8" (said "you-int"): for messages that name a dtype. */
export function withArticle(dtype: DType): string {
  return `${dtype === 'int32' ? 'an' : 'a'} ${dtype}`;
}

function formatBytes(n: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return i === 0 ? `${n} bytes` : `${n.toFixed(1)} ${units[i]}`;
}

/**
 * The dtype that holds a typed array's values exactly: its own for the four storage types,
 * uint8 for a Uint8ClampedArray (canvas pixels), int32 for Int8/Int16/Uint16, float64 for Uint32.
 */
export function dtypeOfArray(a: TypedArray): DType {
  const v: unknown = a;
  if (v instanceof Float32Array) return 'float32';
  if (v instanceof Float64Array) return 'float64';
  if (v instanceof Int32Array || v instanceof Int16Array || v instanceof Int8Array || v instanceof Uint16Array) return 'int32';
  if (v instanceof Uint8Array || v instanceof Uint8ClampedArray) return 'uint8';
  if (v instanceof Uint32Array) return 'float64';
  throw new Error(`tensor: cannot hold a ${(v as object)?.constructor?.name ?? typeof v} (no int64/bigint dtype); convert it to a Float64Array or Int32Array first`);
}

/** Each dtype's storage class and how errors name it (a Buffer, being a Uint8Array, also backs uint8/bool). */
export const STORAGE_OF: Record<DType, { name: string; ctor: abstract new (...args: never[]) => TypedArray }> = {
  float32: { name: 'a Float32Array', ctor: Float32Array },
  float64: { name: 'a Float64Array', ctor: Float64Array },
  int32: { name: 'an Int32Array', ctor: Int32Array },
  bool: { name: 'a Uint8Array', ctor: Uint8Array },
  uint8: { name: 'a Uint8Array', ctor: Uint8Array },
};

/** Whether `a` can be a `dtype` tensor's storage as it is (no copy). */
export function isStorageOf(a: TypedArray, dtype: DType): boolean {
  return a instanceof STORAGE_OF[dtype].ctor;
}

const RANK: Record<DType, number> = { bool: 0, uint8: 1, int32: 2, float32: 3, float64: 4 };

/** The result type of a binary op, as in NumPy/PyTorch type promotion (bool < uint8 < int32 < float32 < float64). */
export function promoteTypes(a: DType, b: DType): DType {
  const ra = RANK[a] ?? RANK[checkDType('promoteTypes', a)];
  const rb = RANK[b] ?? RANK[checkDType('promoteTypes', b)];
  return ra >= rb ? a : b;
}

/**
 * The dtype a caller named, or `dflt` when none was given; anything else (a dtype this library
 * lacks such as 'int64', a misspelling, a non-string) throws naming `op`, before an allocation or
 * a lookup table fails on it with a TypeError.
 */
export function checkDType(op: string, dtype: unknown, dflt: DType = 'float32'): DType {
  if (dtype === undefined) return dflt;
  if (!isDType(dtype)) throw new Error(`${op}: unknown dtype '${String(dtype)}' (expected float32, float64, int32, bool or uint8)`);
  return dtype;
}

/** The values an integer dtype holds; float dtypes and bool take any number (bool as nonzero). */
const INT_RANGE: Partial<Record<DType, readonly [number, number]>> = { int32: [-2147483648, 2147483647], uint8: [0, 255] };

/** Whether `v` converts to `dtype` without wrapping: integer dtypes refuse NaN, ±Infinity and values outside their range. */
export function fitsDType(v: number, dtype: DType): boolean {
  const range = INT_RANGE[dtype];
  return range === undefined || (Math.trunc(v) >= range[0] && Math.trunc(v) <= range[1]);
}

/** PyTorch's "value cannot be converted to type int32 without overflow", naming `op` and what the value was. */
export function overflowError(op: string, what: string, dtype: DType, fix = 'use a float dtype such as float64 instead'): RangeError {
  const [lo, hi] = INT_RANGE[dtype] ?? [-Infinity, Infinity];
  return new RangeError(`${op}: ${what} cannot be converted to ${dtype} without overflow (${dtype} holds ${lo}..${hi}; there is no int64); ${fix}`);
}

/**
 * castScalar for a value the caller supplied (a fill value, tensor data): where the typed array
 * would wrap (3e9 into int32 is -1294967296, 300 into uint8 is 44) or turn NaN into 0, this
 * throws, as PyTorch does. A fraction truncates toward zero, as PyTorch's float-to-int conversion.
 */
export function checkedScalar(op: string, v: number, dtype: DType, what = 'value'): number {
  if (typeof v !== 'number') throw new TypeError(`${op}: ${what} must be a number, got ${v === null ? 'null' : typeof v}`);
  if (!fitsDType(v, dtype)) throw overflowError(op, `${what} ${v}`, dtype);
  return castScalar(v, dtype);
}

/** Rounds/clamps a JS number to what a dtype can store (the typed array does it too; this is for scalars). */
export function castScalar(v: number, dtype: DType): number {
  switch (dtype) {
    case 'float32': return Math.fround(v);
    case 'float64': return v;
    case 'int32': return v | 0;
    case 'bool': return v ? 1 : 0;
    case 'uint8': return v & 255;
  }
}
