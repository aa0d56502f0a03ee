/**
 * Parsing and validating a safetensors header: 8-byte little-endian length
 * N, N bytes of UTF-8 JSON, then the data buffer. Every check runs before any
 * tensor memory is allocated, and each failure names the file.
 */
import { findDuplicateKey } from './json-duplicates.js';
import { DTYPE_INFO, describeUnknownDType, isSafetensorsDType, type SafetensorsDType } from './safetensors-dtypes.js';

/** The reference implementation's cap on the header size. */
export const MAX_HEADER_BYTES = 100_000_000;

export interface HeaderEntry {
  name: string;
  dtype: SafetensorsDType;
  shape: number[];
  /** Byte range within the data buffer. */
  begin: number;
  end: number;
}

export interface ParsedHeader {
  entries: HeaderEntry[];
  metadata: Record<string, string>;
  /** Offset of the data buffer within the file. */
  dataStart: number;
}

export function parseHeader(bytes: Uint8Array, source: string): ParsedHeader {
  const fail = (msg: string): never => {
    throw new Error(`safetensors: ${source}: ${msg}`);
  };
  if (bytes.length < 8) fail(`file is ${bytes.length} bytes, too short for the 8-byte header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = Number(view.getBigUint64(0, true));
  if (n > bytes.length - 8) fail(`header length ${n} is larger than the ${bytes.length - 8} bytes after the length field (truncated or not a safetensors file)`);
  if (n > MAX_HEADER_BYTES) fail(`header length ${n} exceeds the ${MAX_HEADER_BYTES}-byte limit`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + n));
  } catch {
    return fail('header is not valid UTF-8');
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return fail(`header is not valid JSON (${(e as Error).message})`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) fail('header must be a JSON object');
  const dup = findDuplicateKey(text);
  if (dup) fail(dup.path ? `duplicate key '${dup.key}' in ${dup.path}` : `duplicate tensor name '${dup.key}'`);

  const dataStart = 8 + n;
  const dataLength = bytes.length - dataStart;
  let metadata: Record<string, string> = Object.create(null) as Record<string, string>;
  const entries: HeaderEntry[] = [];
  for (const [name, raw] of Object.entries(json as Record<string, unknown>)) {
    if (name === '__metadata__') {
      metadata = parseMetadata(raw, fail);
      continue;
    }
    entries.push(parseEntry(name, raw, dataLength, fail));
  }
  checkLayout(entries, dataLength, fail);
  return { entries, metadata, dataStart };
}

function parseMetadata(raw: unknown, fail: (m: string) => never): Record<string, string> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail('__metadata__ must be an object of strings');
  // No prototype: keys such as '__proto__' or 'toString' are ordinary entries (a plain object drops '__proto__').
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
    if (typeof v !== 'string') fail(`__metadata__ value for '${k}' must be a string, got ${typeof v}`);
    out[k] = v as string;
  }
  return out;
}

function isIndex(x: unknown): x is number {
  return typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
}

function parseEntry(name: string, raw: unknown, dataLength: number, fail: (m: string) => never): HeaderEntry {
  const where = `tensor '${name}'`;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail(`${where}: entry must be an object with dtype, shape and data_offsets`);
  const { dtype, shape, data_offsets: offsets } = raw as Record<string, unknown>;
  if (!isSafetensorsDType(dtype)) fail(`${where}: ${describeUnknownDType(dtype)}`);
  if (!Array.isArray(shape) || !shape.every(isIndex)) fail(`${where}: shape must be an array of non-negative integers, got ${JSON.stringify(shape)}`);
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isIndex) || offsets[0] > offsets[1]) {
    fail(`${where}: data_offsets must be [begin, end] with 0 ≤ begin ≤ end, got ${JSON.stringify(offsets)}`);
  }
  const [begin, end] = offsets as [number, number];
  if (end > dataLength) fail(`${where}: data_offsets [${begin}, ${end}] run past the end of the data buffer (${dataLength} bytes): the file is truncated or corrupt`);
  const dims = shape as number[];
  const d = dtype as SafetensorsDType;
  // Nothing is allocated from the shape: an absurd one simply fails this comparison.
  const size = DTYPE_INFO[d].size;
  let elements = 1;
  for (const dim of dims) elements *= dim;
  // Dimensions that multiply past Infinity before a 0 make the element count (and the tensor's size) Infinity × 0 = NaN.
  if (Number.isNaN(elements)) fail(`${where}: shape [${dims.join(', ')}] has more elements than a tensor can count (its dimensions before the 0 multiply past any representable size)`);
  if (elements * size !== end - begin) {
    fail(`${where}: shape [${dims.join(', ')}] of ${d} needs ${elements * size} bytes but data_offsets [${begin}, ${end}] hold ${end - begin}`);
  }
  return { name, dtype: d, shape: dims, begin, end };
}

/** Tensors must tile the data buffer exactly: no overlap, no gap, nothing left over. */
function checkLayout(entries: HeaderEntry[], dataLength: number, fail: (m: string) => never): void {
  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let expected = 0;
  let prev: HeaderEntry | null = null;
  for (const e of sorted) {
    if (e.begin < expected) fail(`tensors '${prev!.name}' and '${e.name}' overlap (bytes ${e.begin}–${Math.min(expected, e.end)})`);
    if (e.begin > expected) fail(`gap of ${e.begin - expected} bytes before tensor '${e.name}' (data_offsets must be contiguous)`);
    expected = e.end;
    prev = e;
  }
  if (expected !== dataLength) fail(`the data buffer has ${dataLength - expected} bytes after the last tensor (expected ${expected} bytes of data, found ${dataLength})`);
}
