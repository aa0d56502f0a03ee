/**
 * Element types of the safetensors format and how each maps to a tensorkit
 * dtype. Reads and writes go through a little-endian DataView, so files are
 * identical on any host.
 */
import type { DType, TypedArray } from '@tensorkit/core';
import { fromBFloat16Bits, fromHalfBits, toBFloat16Bits, toHalfBits } from './minifloat.js';

export type SafetensorsDType = 'F64' | 'F32' | 'F16' | 'BF16' | 'I64' | 'I32' | 'I16' | 'I8' | 'U64' | 'U32' | 'U16' | 'U8' | 'BOOL';

/** Names the format defines that we cannot represent (8-bit and smaller floats, complex). */
const KNOWN_UNSUPPORTED = new Set(['F8_E5M2', 'F8_E4M3', 'F8_E8M0', 'F6_E2M3', 'F6_E3M2', 'F4', 'C64']);

interface DTypeInfo {
  size: number;
  /** The tensorkit dtype a stored tensor becomes when loaded. */
  loadsAs: DType;
  get(view: DataView, byteOffset: number): number;
  /** Writes one value (absent for types we only read). */
  set?(view: DataView, byteOffset: number, v: number): void;
}

const LE = true;

export const DTYPE_INFO: Record<SafetensorsDType, DTypeInfo> = {
  F64: { size: 8, loadsAs: 'float64', get: (v, o) => v.getFloat64(o, LE), set: (v, o, x) => v.setFloat64(o, x, LE) },
  F32: { size: 4, loadsAs: 'float32', get: (v, o) => v.getFloat32(o, LE), set: (v, o, x) => v.setFloat32(o, x, LE) },
  F16: { size: 2, loadsAs: 'float32', get: (v, o) => fromHalfBits(v.getUint16(o, LE)), set: (v, o, x) => v.setUint16(o, toHalfBits(x), LE) },
  BF16: { size: 2, loadsAs: 'float32', get: (v, o) => fromBFloat16Bits(v.getUint16(o, LE)), set: (v, o, x) => v.setUint16(o, toBFloat16Bits(x), LE) },
  I64: {
    size: 8, loadsAs: 'int32',
    get: (v, o) => Number(v.getBigInt64(o, LE)),
    set: (v, o, x) => v.setBigInt64(o, BigInt(x), LE),
  },
  I32: { size: 4, loadsAs: 'int32', get: (v, o) => v.getInt32(o, LE), set: (v, o, x) => v.setInt32(o, x, LE) },
  I16: { size: 2, loadsAs: 'int32', get: (v, o) => v.getInt16(o, LE) },
  I8: { size: 1, loadsAs: 'int32', get: (v, o) => v.getInt8(o) },
  U64: { size: 8, loadsAs: 'int32', get: (v, o) => Number(v.getBigUint64(o, LE)) },
  U32: { size: 4, loadsAs: 'int32', get: (v, o) => v.getUint32(o, LE) },
  U16: { size: 2, loadsAs: 'int32', get: (v, o) => v.getUint16(o, LE) },
  U8: { size: 1, loadsAs: 'uint8', get: (v, o) => v.getUint8(o), set: (v, o, x) => v.setUint8(o, x) },
  BOOL: { size: 1, loadsAs: 'bool', get: (v, o) => (v.getUint8(o) ? 1 : 0), set: (v, o, x) => v.setUint8(o, x ? 1 : 0) },
};

export function isSafetensorsDType(x: unknown): x is SafetensorsDType {
  return typeof x === 'string' && Object.prototype.hasOwnProperty.call(DTYPE_INFO, x);
}

export function describeUnknownDType(name: unknown): string {
  const supported = Object.keys(DTYPE_INFO).join(', ');
  if (typeof name === 'string' && KNOWN_UNSUPPORTED.has(name)) return `dtype '${name}' is not supported (supported: ${supported})`;
  return `unknown dtype '${String(name)}' (supported: ${supported})`;
}

/** How each tensorkit dtype is stored by default, and which stored types it may be converted to. */
export const DEFAULT_STORAGE: Record<DType, SafetensorsDType> = { float32: 'F32', float64: 'F64', int32: 'I32', uint8: 'U8', bool: 'BOOL' };

const ALLOWED: Record<DType, readonly SafetensorsDType[]> = {
  float32: ['F32', 'F64', 'F16', 'BF16'],
  float64: ['F64', 'F32', 'F16', 'BF16'],
  int32: ['I32', 'I64', 'F32', 'F64'],
  uint8: ['U8', 'I32', 'I64'],
  bool: ['BOOL', 'U8'],
};

export function checkStorable(name: string, dtype: DType, stored: SafetensorsDType): void {
  if (!ALLOWED[dtype].includes(stored)) {
    throw new Error(`safetensors: tensor '${name}' of dtype ${dtype} cannot be stored as ${stored} (allowed: ${ALLOWED[dtype].join(', ')})`);
  }
}

/** Reads n elements of `dtype` into a fresh array of the matching tensorkit dtype; 64/32-bit unsigned ints are range-checked. */
export function readElements(view: DataView, byteOffset: number, n: number, dtype: SafetensorsDType, out: TypedArray, what: string): void {
  const info = DTYPE_INFO[dtype];
  const { size, get } = info;
  const checkRange = info.loadsAs === 'int32' && (dtype === 'I64' || dtype === 'U64' || dtype === 'U32');
  for (let i = 0; i < n; i++) {
    const v = get(view, byteOffset + i * size);
    if (checkRange && (v > 2147483647 || v < -2147483648)) {
      throw new Error(`${what}: element ${i} = ${v} does not fit in int32 (${dtype} tensors load as int32)`);
    }
    out[i] = v;
  }
}

/**
 * The smallest magnitude each narrower float type rounds to Infinity: (2 − 2^−(p+1)) · 2^emax, its
 * largest value plus half an ulp. F16 holds ±65504, so a weight of 70000 stored as F16 would load
 * as Infinity; the float32 source of an F16/BF16 store, or a float64 one stored as F32, is checked.
 */
const OVERFLOWS_AT: Partial<Record<SafetensorsDType, number>> = {
  F16: (2 - 2 ** -11) * 2 ** 15,
  BF16: (2 - 2 ** -8) * 2 ** 127,
  F32: (2 - 2 ** -24) * 2 ** 127,
};

/** Writes `src` as `dtype`; a finite value the narrower type would turn into ±Infinity, or an int32 F32 would round, is refused, naming `what`. */
export function writeElements(view: DataView, byteOffset: number, src: TypedArray, dtype: SafetensorsDType, what = 'safetensors'): void {
  const { size, set } = DTYPE_INFO[dtype];
  if (!set) throw new Error(`safetensors: writing ${dtype} is not supported`);
  const limit = OVERFLOWS_AT[dtype];
  if (dtype === 'F32' && src instanceof Int32Array) {
    // int32 → F32 (an explicit per-tensor storeAs) cannot overflow but rounds integers beyond 2^24:
    // 2147483647 loaded as 2147483648. F64 holds every int32.
    for (let i = 0; i < src.length; i++) {
      const x = src[i];
      if (Math.fround(x) !== x) {
        throw new Error(`${what}: element ${i} is ${x}, which F32 cannot hold exactly (it would load as ${Math.fround(x)}; integers are exact up to 2^24 = 16777216); store this tensor as I32 or F64`);
      }
    }
  } else if (limit !== undefined) {
    for (let i = 0; i < src.length; i++) {
      const x = src[i];
      if (Math.abs(x) >= limit && Number.isFinite(x)) {
        throw new Error(`${what}: element ${i} is ${x}, beyond what ${dtype} holds (it would load as ${x > 0 ? '' : '-'}Infinity); store this tensor as ${dtype === 'F32' ? 'F64' : 'F32'}`);
      }
    }
  }
  for (let i = 0; i < src.length; i++) set(view, byteOffset + i * size, src[i]);
}
