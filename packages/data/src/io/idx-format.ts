import { DataFormatError } from './errors.js';

export type IdxDtype = 'uint8' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';
export type IdxData = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

export interface IdxArray {
  dtype: IdxDtype;
  shape: number[];
  data: IdxData;
}

export interface IdxHeader {
  magic: number;
  dtype: IdxDtype;
  shape: number[];
  /** Bytes taken by the magic number and the dimension sizes. */
  headerBytes: number;
  /** Bytes of element data the shape calls for. */
  dataBytes: number;
}

/** What a caller expects, e.g. MNIST images are uint8 with 3 dims. */
export interface IdxExpectation {
  dtype?: IdxDtype;
  ndim?: number;
  /** Human name used in errors, e.g. "images". */
  what?: string;
}

const TYPE_CODES: Record<number, { dtype: IdxDtype; size: number }> = {
  0x08: { dtype: 'uint8', size: 1 },
  0x09: { dtype: 'int8', size: 1 },
  0x0b: { dtype: 'int16', size: 2 },
  0x0c: { dtype: 'int32', size: 4 },
  0x0d: { dtype: 'float32', size: 4 },
  0x0e: { dtype: 'float64', size: 8 },
};

const CODE_OF: Record<IdxDtype, number> = { uint8: 0x08, int8: 0x09, int16: 0x0b, int32: 0x0c, float32: 0x0d, float64: 0x0e };

// Typed arrays (and Buffers) cannot exceed this on 64-bit Node 20; a larger declared
// size means a corrupt header, not a real file.
const MAX_DATA_BYTES = 2 ** 32;

export function hex32(n: number): string {
  return '0x' + (n >>> 0).toString(16).padStart(8, '0');
}

export function idxMagic(dtype: IdxDtype, ndim: number): number {
  return (CODE_OF[dtype] << 8) | ndim;
}

export function elementSize(dtype: IdxDtype): number {
  return TYPE_CODES[CODE_OF[dtype]].size;
}

/** Bytes needed before the header can be parsed: 4, then 4 + 4·ndim once the magic is known. */
export function idxHeaderLength(first4: Uint8Array): number {
  return 4 + 4 * first4[3];
}

export function parseIdxHeader(bytes: Uint8Array, file: string, expect: IdxExpectation = {}): IdxHeader {
  if (bytes.length < 4) {
    throw new DataFormatError(file, `file too short for an IDX header: ${bytes.length} bytes, expected at least 4`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0, false);
  const type = TYPE_CODES[bytes[2]];
  const ndim = bytes[3];
  const expectedText = describeExpectedMagic(expect);
  if (bytes[0] !== 0 || bytes[1] !== 0 || type === undefined || ndim === 0) {
    throw new DataFormatError(file, `bad magic number ${hex32(magic)}, expected ${expectedText}`);
  }
  if ((expect.dtype !== undefined && expect.dtype !== type.dtype) || (expect.ndim !== undefined && expect.ndim !== ndim)) {
    throw new DataFormatError(file, `bad magic number ${hex32(magic)} (${type.dtype}, ${ndim} dims), expected ${expectedText}`);
  }
  const headerBytes = 4 + 4 * ndim;
  if (bytes.length < headerBytes) {
    throw new DataFormatError(file, `header truncated: magic ${hex32(magic)} declares ${ndim} dimensions (${headerBytes} header bytes), file has ${bytes.length} bytes`);
  }
  const shape: number[] = [];
  let count = 1;
  for (let d = 0; d < ndim; d++) {
    const size = view.getInt32(4 + 4 * d, false);
    if (size < 0) throw new DataFormatError(file, `dimension ${d} size is ${size}, expected a non-negative integer`);
    shape.push(size);
    count *= size;
  }
  // Dimensions that multiply past Infinity before a 0 make the size Infinity × 0 = NaN, which passes every check below.
  if (Number.isNaN(count)) {
    throw new DataFormatError(file, `header declares shape [${shape.join(', ')}], whose dimensions before the 0 multiply past any representable size, larger than any plausible IDX file`);
  }
  const dataBytes = count * type.size;
  if (dataBytes > MAX_DATA_BYTES) {
    throw new DataFormatError(file, `header declares shape [${shape.join(', ')}] (${dataBytes} bytes), larger than any plausible IDX file`);
  }
  return { magic, dtype: type.dtype, shape, headerBytes, dataBytes };
}

function describeExpectedMagic(expect: IdxExpectation): string {
  if (expect.dtype !== undefined && expect.ndim !== undefined) {
    const what = expect.what ? ` (${expect.what})` : '';
    return `${hex32(idxMagic(expect.dtype, expect.ndim))}${what}`;
  }
  return '0x0000TTNN (two zero bytes, type code TT in 08/09/0B/0C/0D/0E, NN ≥ 1 dimensions)';
}

/** Converts big-endian element bytes (exactly header.dataBytes long) to a native typed array. */
export function idxElements(dtype: IdxDtype, body: Uint8Array): IdxData {
  switch (dtype) {
    case 'uint8':
      return body;
    case 'int8':
      return new Int8Array(body.buffer, body.byteOffset, body.byteLength);
    default: {
      const size = elementSize(dtype);
      const n = body.byteLength / size;
      const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
      if (dtype === 'int16') {
        const out = new Int16Array(n);
        for (let i = 0; i < n; i++) out[i] = view.getInt16(2 * i, false);
        return out;
      }
      if (dtype === 'int32') {
        const out = new Int32Array(n);
        for (let i = 0; i < n; i++) out[i] = view.getInt32(4 * i, false);
        return out;
      }
      if (dtype === 'float32') {
        const out = new Float32Array(n);
        for (let i = 0; i < n; i++) out[i] = view.getFloat32(4 * i, false);
        return out;
      }
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) out[i] = view.getFloat64(8 * i, false);
      return out;
    }
  }
}

/**
 * Refuses NaN and ±Infinity in float IDX data, naming the first one's index — such a value
 * (a corrupt file, or an upstream bug) would otherwise surface as a NaN loss epochs later.
 */
export function checkIdxFinite(file: string, header: Pick<IdxHeader, 'dtype' | 'shape'>, data: IdxData): void {
  if (header.dtype !== 'float32' && header.dtype !== 'float64') return;
  for (let i = 0; i < data.length; i++) {
    if (Number.isFinite(data[i])) continue;
    const at: number[] = [];
    let rest = i;
    for (let d = header.shape.length - 1; d >= 0; d--) {
      at.unshift(rest % header.shape[d]);
      rest = Math.floor(rest / header.shape[d]);
    }
    let bad = 0;
    for (let j = i; j < data.length; j++) if (!Number.isFinite(data[j])) bad++;
    throw new DataFormatError(file, `element ${i} (index [${at.join(', ')}] of shape [${header.shape.join(', ')}]) is ${data[i]}; expected finite ${header.dtype} values (${bad} non-finite in all)`);
  }
}

/** The values each integer IDX type can hold; float types take any number. */
const INTEGER_RANGE: Partial<Record<IdxDtype, [number, number]>> = { uint8: [0, 255], int8: [-128, 127], int16: [-32768, 32767], int32: [-0x80000000, 0x7fffffff] };

/** Serialises an array as IDX bytes (big-endian), for fixtures and round trips. */
export function encodeIdx(dtype: IdxDtype, shape: number[], data: ArrayLike<number>): Buffer {
  if (shape.some((s) => !Number.isInteger(s) || s < 0 || s > 0x7fffffff)) throw new Error(`encodeIdx: shape [${shape.join(', ')}] must hold integers from 0 to 2^31 − 1 (the header stores int32 sizes)`);
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== data.length) throw new Error(`encodeIdx: shape [${shape.join(', ')}] holds ${count} elements, data has ${data.length}`);
  // Checked up front, naming the value: Node's Buffer writers would throw their own RangeError (or, for a fraction, truncate it).
  const range = INTEGER_RANGE[dtype];
  if (range) {
    for (let i = 0; i < count; i++) {
      const v = data[i];
      if (!Number.isInteger(v) || v < range[0] || v > range[1]) {
        throw new Error(`encodeIdx: data[${i}] is ${v}, not an integer from ${range[0]} to ${range[1]} as ${dtype} needs; pick a wider dtype or convert the data`);
      }
    }
  }
  const size = elementSize(dtype);
  const header = 4 + 4 * shape.length;
  const out = Buffer.alloc(header + count * size);
  out.writeUInt32BE(idxMagic(dtype, shape.length), 0);
  shape.forEach((s, d) => out.writeInt32BE(s, 4 + 4 * d));
  for (let i = 0; i < count; i++) {
    const o = header + i * size;
    const v = data[i];
    if (dtype === 'uint8') out.writeUInt8(v, o);
    else if (dtype === 'int8') out.writeInt8(v, o);
    else if (dtype === 'int16') out.writeInt16BE(v, o);
    else if (dtype === 'int32') out.writeInt32BE(v, o);
    else if (dtype === 'float32') out.writeFloatBE(v, o);
    else out.writeDoubleBE(v, o);
  }
  return out;
}
