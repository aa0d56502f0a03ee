/**
 * safetensors encoding and decoding in memory. The writer follows the
 * reference implementation's byte layout (huggingface/safetensors, `prepare`
 * in safetensors/src/tensor.rs): compact JSON header with `__metadata__`
 * first, then the tensors ordered by stored dtype, widest alignment first
 * (the reference's Dtype order, descending), and by name within a dtype;
 * the header is padded with spaces to a multiple of 8 bytes and followed by
 * the tensors' little-endian data back to back in the same order. As the
 * header is 8-aligned and element sizes only shrink along the data, every
 * tensor's data is aligned to its element size. The reference keeps `__metadata__` in a hash map (no fixed key order);
 * ours is sorted by key.
 */
import { describeValue, Tensor, type TypedArray, zeros } from '@tensorkit/core';
import { checkStorable, DEFAULT_STORAGE, DTYPE_INFO, isSafetensorsDType, readElements, writeElements, type SafetensorsDType } from './safetensors-dtypes.js';
import { parseHeader } from './safetensors-header.js';
import { checkOptionKeys, type OptionKeys } from '../options.js';

export interface EncodeOptions {
  /** String key/value pairs stored under `__metadata__` (an object or a Map). */
  metadata?: Record<string, string> | ReadonlyMap<string, string>;
  /** Stored element type for every tensor, or per tensor name (e.g. 'F16' to halve the file). */
  storeAs?: SafetensorsDType | Record<string, SafetensorsDType>;
}

export interface SafetensorsContents {
  /**
   * Tensors by name. This record and the two below have no prototype, so any name a file holds
   * ('__proto__', 'constructor', 'toString', …) is an ordinary own key: read them with
   * Object.entries / Object.hasOwn, not `in` on a plain object.
   */
  tensors: Record<string, Tensor>;
  metadata: Record<string, string>;
  /** The stored element type of each tensor (F16/BF16 load as float32, integer types as int32). */
  storedDTypes: Record<string, SafetensorsDType>;
}

/** An empty record without a prototype ('__proto__' is then an ordinary key). */
export function emptyRecord<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

function storedType(name: string, t: Tensor, storeAs: EncodeOptions['storeAs']): SafetensorsDType {
  // Object.hasOwn: a tensor named 'constructor' must not pick up Object.prototype.constructor.
  const requested = typeof storeAs === 'string' ? storeAs : storeAs && Object.hasOwn(storeAs, name) ? storeAs[name] : undefined;
  if (requested === undefined) return DEFAULT_STORAGE[t.dtype];
  if (!isSafetensorsDType(requested)) throw new Error(`safetensors: unknown storeAs dtype '${String(requested)}' for tensor '${name}'`);
  // A global storeAs applies only where it makes sense (e.g. F16 leaves int tensors alone).
  if (typeof storeAs === 'string' && (DTYPE_INFO[requested].loadsAs === 'float32' || DTYPE_INFO[requested].loadsAs === 'float64') !== (t.dtype === 'float32' || t.dtype === 'float64')) {
    return DEFAULT_STORAGE[t.dtype];
  }
  checkStorable(name, t.dtype, requested);
  return requested;
}

/**
 * The reference's Dtype enum order (increasing alignment) for the types we write; it sorts
 * tensors by this rank, descending. Its other members (I8, I16, U16, U32, U64, 8-bit floats)
 * cannot be written here.
 */
const REFERENCE_DTYPE_RANK: Partial<Record<SafetensorsDType, number>> = { BOOL: 0, U8: 1, F16: 7, BF16: 8, I32: 9, F32: 11, F64: 12, I64: 13 };

function referenceOrder(a: { name: string; dtype: SafetensorsDType }, b: { name: string; dtype: SafetensorsDType }): number {
  const byDtype = (REFERENCE_DTYPE_RANK[b.dtype] ?? -1) - (REFERENCE_DTYPE_RANK[a.dtype] ?? -1);
  // The reference compares names as UTF-8 bytes, i.e. by code point; JS's default string order (UTF-16 units) differs beyond U+FFFF.
  return byDtype !== 0 ? byDtype : compareCodePoints(a.name, b.name);
}

function compareCodePoints(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i].codePointAt(0)! - y[i].codePointAt(0)!;
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

const ENCODE_KEYS: OptionKeys<EncodeOptions> = { metadata: true, storeAs: true };

/**
 * `v` (a record or a Map, as loadStateDict takes) as a prototype-free record. A Map read with
 * Object.keys has no keys: it used to be written as an empty file without a word.
 */
function asRecord<T>(fn: string, what: string, v: unknown): Record<string, T> {
  if (v instanceof Map) {
    const out = emptyRecord<T>();
    for (const [k, x] of v) {
      if (typeof k !== 'string') throw new Error(`${fn}: ${what} keys must be strings, got ${describeValue(k)}`);
      out[k] = x as T;
    }
    return out;
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v) || v instanceof Tensor) throw new Error(`${fn}: ${what} must be an object or a Map of name → value, got ${describeValue(v)}`);
  return v as Record<string, T>;
}

export function encodeSafetensors(tensorsIn: Record<string, Tensor> | ReadonlyMap<string, Tensor>, opts: EncodeOptions = {}): Uint8Array {
  checkOptionKeys('encodeSafetensors', opts, ENCODE_KEYS);
  const tensors = asRecord<Tensor>('encodeSafetensors', 'tensors', tensorsIn);
  const storeAs = opts.storeAs === undefined || typeof opts.storeAs === 'string' ? opts.storeAs : asRecord<SafetensorsDType>('encodeSafetensors', 'storeAs', opts.storeAs);
  const entries = Object.keys(tensors).map((name) => {
    const t = tensors[name];
    if (!(t instanceof Tensor)) throw new Error(`safetensors: '${name}' is not a Tensor`);
    if (name === '' || name === '__metadata__') throw new Error(`safetensors: invalid tensor name '${name}'`);
    return { name, t, dtype: storedType(name, t, storeAs) };
  });
  entries.sort(referenceOrder);
  const plan: { name: string; data: TypedArray; dtype: SafetensorsDType; begin: number }[] = [];
  let offset = 0;
  const parts: string[] = [];
  if (opts.metadata !== undefined) {
    const given = asRecord<unknown>('encodeSafetensors', 'metadata', opts.metadata);
    const meta = emptyRecord<string>();
    for (const k of Object.keys(given).sort()) {
      const v = given[k];
      if (typeof v !== 'string') throw new Error(`safetensors: metadata value for '${k}' must be a string, got ${typeof v}`);
      meta[k] = v;
    }
    parts.push(`"__metadata__":${JSON.stringify(meta)}`);
  }
  for (const { name, t, dtype } of entries) {
    const bytes = t.size * DTYPE_INFO[dtype].size;
    plan.push({ name, data: t.toTypedArray(), dtype, begin: offset });
    parts.push(`${JSON.stringify(name)}:{"dtype":"${dtype}","shape":[${t.shape.join(',')}],"data_offsets":[${offset},${offset + bytes}]}`);
    offset += bytes;
  }
  const header = new TextEncoder().encode(`{${parts.join(',')}}`);
  const padded = Math.ceil(header.length / 8) * 8;
  const out = new Uint8Array(8 + padded + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(padded), true);
  out.set(header, 8);
  out.fill(0x20, 8 + header.length, 8 + padded);
  for (const p of plan) writeElements(view, 8 + padded + p.begin, p.data, p.dtype, `safetensors: tensor '${p.name}'`);
  return out;
}

/** Decodes and validates a whole safetensors buffer; `source` (e.g. the file path) is named in errors. */
export function decodeSafetensors(input: Uint8Array | ArrayBuffer, source = '<buffer>'): SafetensorsContents {
  // A Buffer is a Uint8Array; an ArrayBuffer (fetch's arrayBuffer()) is wrapped without copying.
  const bytes = input instanceof ArrayBuffer ? new Uint8Array(input) : input;
  if (!(bytes instanceof Uint8Array)) throw new Error(`decodeSafetensors: expected the file's bytes as a Uint8Array, Buffer or ArrayBuffer, got ${describeValue(input)}`);
  const { entries, metadata, dataStart } = parseHeader(bytes, source);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tensors = emptyRecord<Tensor>();
  const storedDTypes = emptyRecord<SafetensorsDType>();
  for (const e of entries) {
    const info = DTYPE_INFO[e.dtype];
    const n = (e.end - e.begin) / info.size;
    const t = zeros(e.shape, { dtype: info.loadsAs });
    readElements(view, dataStart + e.begin, n, e.dtype, t.storage, `safetensors: ${source}: tensor '${e.name}'`);
    tensors[e.name] = t;
    storedDTypes[e.name] = e.dtype;
  }
  return { tensors, metadata, storedDTypes };
}
