/**
 * A small NumPy .npy reader (format versions 1.0, 2.0 and 3.0) for precomputed feature
 * matrices. Only what a spectrogram needs is accepted — a 2-D little-endian float32/float64
 * C-order array — and every other file gets an error that says what was found.
 */
import { readFile } from 'node:fs/promises';
import { UserError } from '@tensorkit/train';

export interface NpyMatrix {
  data: Float32Array;
  rows: number;
  cols: number;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

export function parseNpy(bytes: Uint8Array, name: string): NpyMatrix {
  const fail = (msg: string): never => {
    throw new UserError(`${name}: ${msg}`);
  };
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) fail('not a NumPy .npy file (missing the \\x93NUMPY magic string)');
  const major = bytes[6];
  const minor = bytes[7];
  if (![1, 2, 3].includes(major)) fail(`unsupported .npy format version ${major}.${minor} (expected 1.0, 2.0 or 3.0)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLenSize = major === 1 ? 2 : 4;
  const headerStart = 8 + headerLenSize;
  if (bytes.length < headerStart) fail('truncated header');
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const dataStart = headerStart + headerLen;
  if (bytes.length < dataStart) fail(`truncated header: declares ${headerLen} bytes but the file has ${bytes.length - headerStart}`);
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(headerStart, dataStart));
  const descr = /['"]descr['"]\s*:\s*['"]([^'"]+)['"]/.exec(header)?.[1];
  const fortran = /['"]fortran_order['"]\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /['"]shape['"]\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    fail(`malformed header ${JSON.stringify(header.trim())} (expected a dict with 'descr', 'fortran_order' and 'shape')`);
  }
  if (fortran === 'True') fail("array is in Fortran order; save it C-ordered (np.ascontiguousarray) before np.save");
  const shape = shapeText!.split(',').map((s) => s.trim()).filter((s) => s !== '').map(Number);
  if (shape.some((d) => !Number.isInteger(d) || d < 0)) fail(`invalid shape (${shapeText})`);
  if (shape.length !== 2) fail(`expected a 2-D array (frames × mel bins), got shape (${shape.join(', ')})`);
  const [rows, cols] = shape;
  let itemSize: number;
  if (descr === '<f4' || descr === '=f4' || descr === 'f4') itemSize = 4;
  else if (descr === '<f8' || descr === '=f8' || descr === 'f8') itemSize = 8;
  else return fail(`unsupported dtype ${JSON.stringify(descr)}: expected little-endian float32 ('<f4') or float64 ('<f8')`);
  const need = rows * cols * itemSize;
  if (bytes.length - dataStart < need) fail(`truncated data: shape (${rows}, ${cols}) needs ${need} bytes, file has ${bytes.length - dataStart}`);
  const data = new Float32Array(rows * cols);
  for (let i = 0; i < data.length; i++) {
    const v = itemSize === 4 ? view.getFloat32(dataStart + 4 * i, true) : view.getFloat64(dataStart + 8 * i, true);
    data[i] = v;
    // Checked after the float32 conversion: a finite float64 beyond ±3.4e38 becomes ±Infinity.
    if (!Number.isFinite(data[i])) {
      const why = Number.isFinite(v) ? ', too large for float32 (features are read as float32)' : '';
      fail(`value at row ${Math.floor(i / cols)}, column ${i % cols} is ${v}${why}; features must be finite`);
    }
  }
  return { data, rows, cols };
}

export async function readNpy(path: string): Promise<NpyMatrix> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (err) {
    throw new UserError(`${path}: cannot read file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  return parseNpy(bytes, path);
}

/** Serialises a float32 matrix as .npy v1.0 (used by tests and `explain` exports). */
export function encodeNpy(data: Float32Array, rows: number, cols: number): Buffer {
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${rows}, ${cols}), }`;
  // Pad so that the data starts on a 64-byte boundary, with a final newline (as NumPy does).
  const total = 10 + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const out = Buffer.alloc(10 + header.length + data.length * 4);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  out.writeUInt16LE(header.length, 8);
  out.write(header, 10, 'latin1');
  Buffer.from(data.buffer, data.byteOffset, data.byteLength).copy(out, 10 + header.length);
  return out;
}
