import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DataFormatError, encodeIdx, parseIdx, readIdx, readMnist } from '../src/io/index.js';
import { makeTmpDir } from './fixtures/io/helpers.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => ({ dir, cleanup } = await makeTmpDir('idx')));
afterAll(() => cleanup());

/** IDX bytes written by hand: magic, big-endian dims, payload. */
function idxBytes(magic: number, dims: number[], payload: number[]): Buffer {
  const head = Buffer.alloc(4 + 4 * dims.length);
  head.writeUInt32BE(magic, 0);
  dims.forEach((d, i) => head.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([head, Buffer.from(payload)]);
}

async function put(name: string, bytes: Buffer): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, bytes);
  return path;
}

describe('readIdx', () => {
  const pixels = Array.from({ length: 2 * 3 * 4 }, (_, i) => (i * 11) % 256);
  const images = idxBytes(0x00000803, [2, 3, 4], pixels);

  it('reads a raw uint8 IDX file', async () => {
    const r = await readIdx(await put('raw-images-idx3-ubyte', images));
    expect(r.dtype).toBe('uint8');
    expect(r.shape).toEqual([2, 3, 4]);
    expect(Array.from(r.data)).toEqual(pixels);
  });

  it('detects gzip by magic bytes, whatever the extension says', async () => {
    const gz = await readIdx(await put('no-extension', gzipSync(images)));
    expect(Array.from(gz.data)).toEqual(pixels);
    const notGz = await readIdx(await put('lying.gz', images));
    expect(notGz.shape).toEqual([2, 3, 4]);
  });

  it('converts big-endian multi-byte types', async () => {
    const values = [1.5, -2.25, 1e10, -0];
    const r = await readIdx(await put('f64.idx', encodeIdx('float64', [2, 2], values)));
    expect(r.dtype).toBe('float64');
    expect(Array.from(r.data)).toEqual(values);
    const ints = await readIdx(await put('i32.idx.gz', gzipSync(encodeIdx('int32', [3], [-1, 65536, 2147483647]))));
    expect(Array.from(ints.data)).toEqual([-1, 65536, 2147483647]);
    const shorts = parseIdx(encodeIdx('int16', [2], [-300, 300]), 'mem');
    expect(shorts.data).toBeInstanceOf(Int16Array);
    expect(Array.from(shorts.data)).toEqual([-300, 300]);
    const f32 = parseIdx(encodeIdx('float32', [1], [0.5]), 'mem');
    expect(Array.from(f32.data)).toEqual([0.5]);
  });

  it('refuses NaN and Infinity in float data, naming the file, the element and its index (they used to pass through to a NaN loss)', async () => {
    const path = await put('nan.idx', encodeIdx('float32', [2, 3], [0, 1, 2, 3, NaN, Infinity]));
    await expect(readIdx(path)).rejects.toThrow(`${path}: element 4 (index [1, 1] of shape [2, 3]) is NaN; expected finite float32 values (2 non-finite in all)`);
    expect(() => parseIdx(encodeIdx('float64', [1], [-Infinity]), 'mem')).toThrow('mem: element 0 (index [0] of shape [1]) is -Infinity; expected finite float64 values (1 non-finite in all)');
    expect(Array.from(parseIdx(encodeIdx('float64', [2], [-0, 1e308]), 'mem').data)).toEqual([-0, 1e308]);
  });

  it('encodeIdx refuses values its integer type cannot hold, naming the element (Node threw its own RangeError, or truncated a fraction)', () => {
    expect(() => encodeIdx('uint8', [1], [300])).toThrow('encodeIdx: data[0] is 300, not an integer from 0 to 255 as uint8 needs; pick a wider dtype or convert the data');
    expect(() => encodeIdx('int16', [2], [1, 40000])).toThrow('encodeIdx: data[1] is 40000, not an integer from -32768 to 32767 as int16 needs');
    expect(() => encodeIdx('int8', [1], [1.5])).toThrow('encodeIdx: data[0] is 1.5, not an integer from -128 to 127 as int8 needs');
    expect(() => encodeIdx('int32', [1], [NaN])).toThrow('encodeIdx: data[0] is NaN');
    expect(() => encodeIdx('uint8', [-1], [])).toThrow('encodeIdx: shape [-1] must hold integers from 0 to 2^31 − 1');
    expect(Array.from(parseIdx(encodeIdx('int8', [2], [-128, 127]), 'mem').data)).toEqual([-128, 127]);
  });

  it('rejects a wrong magic number, naming the file and the expected value', async () => {
    const path = await put('bad-magic', idxBytes(0x12345678, [1], [0]));
    await expect(readIdx(path)).rejects.toThrow(new RegExp(`${path}: bad magic number 0x12345678, expected 0x0000TTNN`));
    await expect(readIdx(path)).rejects.toBeInstanceOf(DataFormatError);
  });

  it('rejects an unknown type code', async () => {
    await expect(readIdx(await put('bad-type', idxBytes(0x00000703, [1, 1, 1], [0])))).rejects.toThrow(/bad magic number 0x00000703/);
  });

  it('rejects a truncated payload with declared vs actual sizes', async () => {
    const path = await put('short.gz', gzipSync(idxBytes(0x00000803, [2, 3, 4], pixels.slice(0, 20))));
    await expect(readIdx(path)).rejects.toThrow(`${path}: size mismatch: shape [2, 3, 4] declares 24 data bytes, file has 20 (truncated)`);
  });

  it('rejects trailing bytes after the declared payload', async () => {
    const path = await put('long', idxBytes(0x00000801, [2], [1, 2, 3]));
    await expect(readIdx(path)).rejects.toThrow(/long: size mismatch: shape \[2\] declares 2 data bytes.*trailing/);
    expect(() => parseIdx(idxBytes(0x00000801, [2], [1, 2, 3]), 'mem.idx')).toThrow(/mem\.idx: size mismatch.*trailing data/);
  });

  it('rejects a truncated gzip stream', async () => {
    const gz = gzipSync(Buffer.concat([images, Buffer.alloc(5000, 7)]));
    const path = await put('cut.gz', gz.subarray(0, gz.length - 30));
    await expect(readIdx(path)).rejects.toThrow(`${path}: truncated gzip stream`);
  });

  it('rejects a header cut short and an empty file', async () => {
    const path = await put('header-cut', idxBytes(0x00000803, [2, 3, 4], []).subarray(0, 10));
    await expect(readIdx(path)).rejects.toThrow(/header-cut: header truncated: magic 0x00000803 declares 3 dimensions \(16 header bytes\), file has 10 bytes/);
    const empty = await put('empty', Buffer.alloc(0));
    await expect(readIdx(empty)).rejects.toThrow(/empty: file too short for an IDX header: 0 bytes/);
  });

  it('names a missing file', async () => {
    await expect(readIdx(join(dir, 'nope.gz'))).rejects.toThrow(/nope\.gz: file or directory not found/);
  });

  it('does not allocate the gigabytes a corrupt header declares before finding the file short', async () => {
    // 23 bytes on disk whose dims declare 65535 × 65535 uint8 (4 GiB, under the plausibility cap).
    const raw = await put('huge-claim', idxBytes(0x00000802, [65535, 65535], [1, 2, 3, 4, 5, 6, 7]));
    const gz = await put('huge-claim.gz', gzipSync(idxBytes(0x00000802, [65535, 65535], [1, 2, 3, 4, 5, 6, 7])));
    let largest = 0;
    vi.stubGlobal('Uint8Array', new Proxy(Uint8Array, {
      construct(target, args: unknown[], newTarget) {
        if (typeof args[0] === 'number') largest = Math.max(largest, args[0]);
        return Reflect.construct(target, args, newTarget) as object;
      },
    }));
    try {
      for (const path of [raw, gz]) {
        await expect(readIdx(path)).rejects.toThrow(`${path}: size mismatch: shape [65535, 65535] declares 4294836225 data bytes, file has 7 (truncated)`);
      }
    } finally {
      vi.unstubAllGlobals();
    }
    expect(largest).toBeLessThanOrEqual(16 * 2 ** 20);
  });

  it('rejects huge dimensions beside a zero one instead of computing NaN data bytes', async () => {
    // 34 × (2^31 - 1) is Infinity and Infinity × 0 is NaN: this used to fail as "offset is out of bounds" / "declares NaN data bytes".
    const dims = [...new Array<number>(34).fill(0x7fffffff), 0];
    const path = await put('overflow-then-zero', idxBytes(0x00000800 | dims.length, dims, [1, 2, 3]));
    const expected = /: header declares shape \[2147483647, .*, 0\], whose dimensions before the 0 multiply past any representable size, larger than any plausible IDX file$/;
    await expect(readIdx(path)).rejects.toThrow(new RegExp(`^${path}${expected.source}`));
    expect(() => parseIdx(idxBytes(0x00000800 | dims.length, dims, []), 'mem.idx')).toThrow(new RegExp(`^mem\\.idx${expected.source}`));
    const empty = parseIdx(idxBytes(0x00000800 | (dims.length + 1), [0, ...dims], []), 'empty.idx');
    expect([empty.shape, empty.data.length]).toEqual([[0, ...dims], 0]);
  });

  it('reads a payload larger than the first buffer it allocates', async () => {
    const n = 16 * 2 ** 20 + 3;
    const payload = Buffer.alloc(n);
    for (let i = 0; i < n; i += 4099) payload[i] = (i >>> 12) & 0xff;
    const path = await put('big.gz', gzipSync(Buffer.concat([idxBytes(0x00000801, [n], []), payload])));
    const { data } = await readIdx(path);
    expect(data.length).toBe(n);
    expect(Buffer.from(data.buffer, data.byteOffset, data.byteLength).equals(payload)).toBe(true);
  });
});

describe('readMnist', () => {
  const rows = 2;
  const cols = 3;
  const px = (n: number) => Array.from({ length: n * rows * cols }, (_, i) => i % 256);

  it('finds gzipped train files and raw t10k files', async () => {
    const d = join(dir, 'mnist-ok');
    await mkdir(d);
    await writeFile(join(d, 'train-images-idx3-ubyte.gz'), gzipSync(idxBytes(0x803, [4, rows, cols], px(4))));
    await writeFile(join(d, 'train-labels-idx1-ubyte.gz'), gzipSync(idxBytes(0x801, [4], [3, 1, 4, 1])));
    await writeFile(join(d, 't10k-images-idx3-ubyte'), idxBytes(0x803, [1, rows, cols], px(1)));
    await writeFile(join(d, 't10k-labels-idx1-ubyte'), idxBytes(0x801, [1], [9]));
    const train = await readMnist(d, 'train');
    expect([train.count, train.rows, train.cols]).toEqual([4, 2, 3]);
    expect(Array.from(train.labels)).toEqual([3, 1, 4, 1]);
    expect(Array.from(train.images.subarray(6, 12))).toEqual([6, 7, 8, 9, 10, 11]);
    const test = await readMnist(d, 'test');
    expect(test.count).toBe(1);
    expect(Array.from(test.labels)).toEqual([9]);
  });

  it('rejects image/label count disagreement, swapped files and missing files', async () => {
    const d = join(dir, 'mnist-bad');
    await mkdir(d);
    await writeFile(join(d, 'train-images-idx3-ubyte'), idxBytes(0x803, [4, rows, cols], px(4)));
    await writeFile(join(d, 'train-labels-idx1-ubyte'), idxBytes(0x801, [3], [1, 2, 3]));
    await expect(readMnist(d, 'train')).rejects.toThrow(/train-labels-idx1-ubyte: label count 3 does not match image count 4/);
    // Labels where images should be.
    await writeFile(join(d, 'train-images-idx3-ubyte'), idxBytes(0x801, [3], [1, 2, 3]));
    await expect(readMnist(d, 'train')).rejects.toThrow(/train-images-idx3-ubyte: bad magic number 0x00000801 \(uint8, 1 dims\), expected 0x00000803 \(MNIST images/);
    await expect(readMnist(d, 'test')).rejects.toThrow(/no MNIST test images file: expected one of t10k-images-idx3-ubyte\.gz/);
  });
});
