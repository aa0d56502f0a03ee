import { describe, expect, it } from 'vitest';
import { encodeNpy, parseNpy } from '../src/npy.js';

function npyWithHeader(header: string, data: Uint8Array, major = 1): Buffer {
  const lenBytes = major === 1 ? 2 : 4;
  const out = Buffer.alloc(8 + lenBytes + header.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, major, 0]);
  if (major === 1) out.writeUInt16LE(header.length, 8);
  else out.writeUInt32LE(header.length, 8);
  out.write(header, 8 + lenBytes, 'latin1');
  out.set(data, 8 + lenBytes + header.length);
  return out;
}

describe('NPY parser', () => {
  it('round-trips a float32 matrix (v1.0)', () => {
    const data = Float32Array.from({ length: 12 }, (_, i) => i * 0.5 - 1);
    const m = parseNpy(encodeNpy(data, 3, 4), 'x.npy');
    expect([m.rows, m.cols]).toEqual([3, 4]);
    expect(Array.from(m.data)).toEqual(Array.from(data));
  });

  it('reads v2.0 headers and float64 data', () => {
    const f64 = new Float64Array([1.5, -2, 3.25, 4]);
    const m = parseNpy(npyWithHeader("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }\n", new Uint8Array(f64.buffer), 2), 'y.npy');
    expect(Array.from(m.data)).toEqual([1.5, -2, 3.25, 4]);
  });

  it('explains what is wrong with unusable files', () => {
    const f32 = new Uint8Array(new Float32Array(4).buffer);
    expect(() => parseNpy(Buffer.from('hello world'), 'a.npy')).toThrow(/a\.npy: not a NumPy \.npy file/);
    expect(() => parseNpy(npyWithHeader("{'descr': '>f4', 'fortran_order': False, 'shape': (2, 2), }", f32), 'b.npy')).toThrow(/unsupported dtype ">f4"/);
    expect(() => parseNpy(npyWithHeader("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }", f32), 'c.npy')).toThrow(/Fortran order/);
    expect(() => parseNpy(npyWithHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (4,), }", f32), 'd.npy')).toThrow(/expected a 2-D array.*shape \(4\)/);
    expect(() => parseNpy(npyWithHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (3, 2), }", f32), 'e.npy')).toThrow(/truncated data/);
    const nan = new Uint8Array(new Float32Array([1, NaN, 2, 3]).buffer);
    expect(() => parseNpy(npyWithHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }", nan), 'f.npy')).toThrow(/row 0, column 1 is NaN/);
  });

  it('rejects float64 values that overflow float32 instead of loading them as Infinity', () => {
    const big = new Uint8Array(new Float64Array([1, 2, -1e300, 4]).buffer);
    expect(() => parseNpy(npyWithHeader("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }\n", big), 'g.npy')).toThrow(
      'g.npy: value at row 1, column 0 is -1e+300, too large for float32 (features are read as float32); features must be finite',
    );
  });
});
