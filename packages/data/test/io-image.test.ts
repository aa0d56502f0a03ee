import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadImageGray } from '../src/image/index.js';
import { DataFormatError, decodeImage, readImage, readImageFolder } from '../src/io/index.js';
import { makeTmpDir } from './fixtures/io/helpers.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => ({ dir, cleanup } = await makeTmpDir('img')));
afterAll(() => cleanup());

/** A width×height RGB image: left half pure red, right half white. */
function redWhite(width: number, height: number): Buffer {
  const px = Buffer.alloc(width * height * 3, 255);
  for (let y = 0; y < height; y++) for (let x = 0; x < width / 2; x++) px.fill(0, (y * width + x) * 3 + 1, (y * width + x) * 3 + 3);
  return px;
}

describe('readImage', () => {
  it('decodes a gray PNG exactly', async () => {
    const gray = Buffer.from([0, 64, 128, 255, 10, 20]);
    const path = join(dir, 'g.png');
    await sharp(gray, { raw: { width: 3, height: 2, channels: 1 } }).png().toFile(path);
    const u8 = await readImage(path, { dtype: 'uint8' });
    expect([u8.width, u8.height, u8.channels]).toEqual([3, 2, 1]);
    expect(Array.from(u8.data)).toEqual([0, 64, 128, 255, 10, 20]);
    const f = await readImage(path);
    expect(f.data).toBeInstanceOf(Float32Array);
    expect(f.data[3]).toBe(1);
    expect(f.data[1]).toBeCloseTo(64 / 255, 6);
  });

  it('decodes the first frame of an animated or multi-page image and says how many there are', async () => {
    // Three 8×8 frames stacked: white, black, white.
    const stack = Buffer.alloc(8 * 24, 255);
    stack.fill(0, 64, 128);
    const tall = () => sharp(stack, { raw: { width: 8, height: 24, channels: 1, pageHeight: 8 } });
    for (const bytes of [await tall().gif().toBuffer(), await tall().tiff().toBuffer()]) {
      const img = await decodeImage(bytes, 'anim', { dtype: 'uint8' });
      expect([img.width, img.height, img.frames]).toEqual([8, 8, 3]);
      expect(img.data.every((v) => v === 255)).toBe(true);
    }
    const still = await decodeImage(await sharp(stack, { raw: { width: 8, height: 24, channels: 1 } }).png().toBuffer(), 'still');
    expect(still.frames).toBeUndefined();
    expect(still.height).toBe(24);
  });

  it('converts colour to gray, or keeps RGB on request', async () => {
    const path = join(dir, 'rw.png');
    await sharp(redWhite(4, 2), { raw: { width: 4, height: 2, channels: 3 } }).png().toFile(path);
    const g = await readImage(path, { dtype: 'uint8' });
    expect(g.channels).toBe(1);
    expect(g.data.length).toBe(8);
    // Red is darker than white in luminance but not black.
    expect(g.data[0]).toBeGreaterThan(40);
    expect(g.data[0]).toBeLessThan(140);
    expect(g.data[3]).toBe(255);
    const rgb = await readImage(path, { mode: 'rgb', dtype: 'uint8' });
    expect(rgb.channels).toBe(3);
    expect(Array.from(rgb.data.subarray(0, 3))).toEqual([255, 0, 0]);
    expect(Array.from(rgb.data.subarray(9, 12))).toEqual([255, 255, 255]);
  });

  it('gray is ITU-R 601 luma as PIL convert("L") and torchvision compute it (libvips b-w gave red 127, green 220)', async () => {
    const path = join(dir, 'rgbw.png');
    // Red, green, blue, white, and an odd colour: PIL gives 76, 150, 29, 255 and (10·19595 + 200·38470 + 90·7471 + 32768) >> 16 = 131.
    await sharp(Uint8Array.of(255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255, 10, 200, 90), { raw: { width: 5, height: 1, channels: 3 } }).png().toFile(path);
    expect(Array.from((await readImage(path, { dtype: 'uint8' })).data)).toEqual([76, 150, 29, 255, 131]);
    expect(Array.from((await loadImageGray(path)).data)).toEqual([76, 150, 29, 255, 131]);
    expect(Array.from((await readImage(path, { dtype: 'uint8', invert: true })).data)).toEqual([179, 105, 226, 0, 124]);
    // A gray PNG reads back unchanged (the weights sum to 1 in fixed point).
    const grayPath = join(dir, 'ramp.png');
    await sharp(Uint8Array.from({ length: 256 }, (_, i) => i), { raw: { width: 256, height: 1, channels: 1 } }).png().toFile(grayPath);
    expect(Array.from((await readImage(grayPath, { dtype: 'uint8' })).data)).toEqual(Array.from({ length: 256 }, (_, i) => i));
  });

  it('refuses an image larger than maxPixels from its header, before decoding (a small file can declare a huge canvas)', async () => {
    // 16000 × 16000 of one colour compresses to well under a megabyte but would need 1 GB as gray floats.
    const big = await sharp({ create: { width: 16000, height: 16000, channels: 3, background: '#ffffff' } }).png({ compressionLevel: 9 }).toBuffer();
    expect(big.length).toBeLessThan(2_000_000);
    const err = await decodeImage(big, 'huge.png').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DataFormatError);
    expect((err as Error).message).toBe('huge.png: image is 16000 × 16000 = 256,000,000 pixels, more than maxPixels (67,108,864); pass a larger maxPixels to read it');
    const small = await sharp({ create: { width: 30, height: 20, channels: 3, background: '#000000' } }).png().toBuffer();
    await expect(decodeImage(small, 'small.png', { maxPixels: 599 })).rejects.toThrow('small.png: image is 30 × 20 = 600 pixels, more than maxPixels (599)');
    expect((await decodeImage(small, 'small.png', { maxPixels: 600 })).data.length).toBe(600);
  });

  it('reads JPEG and WebP of any size, resizes and inverts', async () => {
    const raw = { raw: { width: 40, height: 30, channels: 3 as const } };
    const jpg = await sharp(redWhite(40, 30), raw).jpeg({ quality: 95 }).toBuffer();
    const webp = await sharp(redWhite(40, 30), raw).webp({ lossless: true }).toBuffer();
    for (const [name, bytes] of [['a.jpg', jpg], ['a.webp', webp]] as const) {
      const img = await decodeImage(bytes, name, { dtype: 'uint8' });
      expect([img.width, img.height]).toEqual([40, 30]);
      expect(img.data[39]).toBeGreaterThan(245); // right edge white
      const small = await decodeImage(bytes, name, { resize: { width: 28, height: 28 }, invert: true });
      expect([small.width, small.height, small.data.length]).toEqual([28, 28, 784]);
      expect(small.data[27]).toBeLessThan(0.05); // white inverted to ~0
    }
  });

  it('refuses a bad resize as a bad option, not as an undecodable file', async () => {
    const png = await sharp(Buffer.from([200, 10]), { raw: { width: 2, height: 1, channels: 1 } }).png().toBuffer();
    // Used to be "one.png: cannot decode image (Expected positive integer … for width but received 0 …)".
    for (const resize of [{ width: 0, height: 2 }, { width: 2.5, height: 2 }]) {
      const err = await decodeImage(png, 'one.png', { resize }).catch((e: unknown) => e);
      expect(err).not.toBeInstanceOf(DataFormatError);
      expect((err as Error).message).toBe(`decodeImage: resize must be positive integers, got ${resize.width}×2`);
    }
    expect((await decodeImage(png, 'one.png', { resize: { width: 1, height: 1 } })).data).toHaveLength(1);
  });

  it('flattens transparency onto white, or onto the background asked for', async () => {
    const rgba = Buffer.from([0, 0, 0, 0, 0, 0, 0, 255]); // transparent black, opaque black
    const png = await sharp(rgba, { raw: { width: 2, height: 1, channels: 4 } }).png().toBuffer();
    const img = await decodeImage(png, 'alpha.png', { dtype: 'uint8' });
    expect(Array.from(img.data)).toEqual([255, 0]);
    // White ink on a transparent canvas vanishes on white; on a black background it is the only thing left.
    const light = await sharp(Buffer.from([255, 255, 255, 0, 255, 255, 255, 255]), { raw: { width: 2, height: 1, channels: 4 } }).png().toBuffer();
    expect(Array.from((await decodeImage(light, 'light.png', { dtype: 'uint8' })).data)).toEqual([255, 255]);
    expect(Array.from((await decodeImage(light, 'light.png', { dtype: 'uint8', background: '#000000' })).data)).toEqual([0, 255]);
  });

  it('rejects corrupt and empty files, naming them', async () => {
    const png = await sharp(Buffer.alloc(64 * 64, 100), { raw: { width: 64, height: 64, channels: 1 } }).png().toBuffer();
    const corrupt = join(dir, 'corrupt.png');
    await writeFile(corrupt, png.subarray(0, 60));
    await expect(readImage(corrupt)).rejects.toThrow(new RegExp(`${corrupt}: cannot decode image`));
    const text = join(dir, 'notes.jpg');
    await writeFile(text, 'hello, not an image');
    await expect(readImage(text)).rejects.toThrow(/notes\.jpg: cannot decode image/);
    const empty = join(dir, 'empty.png');
    await writeFile(empty, '');
    await expect(readImage(empty)).rejects.toThrow(/empty\.png: empty file, expected an image/);
  });

  it('loadImageGray reports failures the same way, naming the file (sharp used to pass its own errors through)', async () => {
    const corrupt = join(dir, 'gray-corrupt.png');
    const png = await sharp(Buffer.alloc(64 * 64, 100), { raw: { width: 64, height: 64, channels: 1 } }).png().toBuffer();
    await writeFile(corrupt, png.subarray(0, 60));
    const err = await loadImageGray(corrupt).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DataFormatError);
    expect(err).toMatchObject({ file: corrupt, message: expect.stringContaining(`${corrupt}: cannot decode image (`) });
    await expect(loadImageGray(join(dir, 'missing.png'))).rejects.toThrow(/missing\.png: file or directory not found/);
    await expect(loadImageGray(Buffer.from('hello, not an image'))).rejects.toThrow(/^image bytes: cannot decode image/);
    await expect(loadImageGray(new Uint8Array(0))).rejects.toThrow('image bytes: empty file, expected an image');
  });
});

describe('readImageFolder', () => {
  it('lists one subfolder per class, sorted, skipping non-images', async () => {
    const root = join(dir, 'folder');
    for (const c of ['zebra', 'Apple', 'cat']) await mkdir(join(root, c), { recursive: true });
    const tiny = await sharp(Buffer.alloc(4), { raw: { width: 2, height: 2, channels: 1 } }).png().toBuffer();
    for (const f of ['zebra/2.png', 'zebra/10.PNG', 'Apple/x.jpg', 'cat/a.webp', 'cat/readme.txt']) await writeFile(join(root, f), tiny);
    const { classes, items } = await readImageFolder(root);
    expect(classes).toEqual(['Apple', 'cat', 'zebra']);
    expect(items.map((i) => [i.className, i.label, i.path.slice(root.length + 1)])).toEqual([
      ['Apple', 0, 'Apple/x.jpg'],
      ['cat', 1, 'cat/a.webp'],
      ['zebra', 2, 'zebra/10.PNG'],
      ['zebra', 2, 'zebra/2.png'],
    ]);
    const decoded = await readImage(items[0].path, { dtype: 'uint8' });
    expect(decoded.width).toBe(2);
  });

  it('rejects a directory with no classes or an empty class', async () => {
    const empty = join(dir, 'no-classes');
    await mkdir(empty);
    await writeFile(join(empty, 'stray.png'), 'x');
    await expect(readImageFolder(empty)).rejects.toThrow(new RegExp(`${empty}: no class folders found`));
    const hollow = join(dir, 'hollow');
    await mkdir(join(hollow, 'a'), { recursive: true });
    await expect(readImageFolder(hollow)).rejects.toThrow(/hollow\/a: class folder 'a' contains no image files$/);
    // Images one level deeper are not read, and the error says why the folder looks empty.
    const nested = join(dir, 'nested');
    await mkdir(join(nested, '3', 'scans'), { recursive: true });
    await writeFile(join(nested, '3', 'scans', 'x.png'), 'x');
    await expect(readImageFolder(nested)).rejects.toThrow("class folder '3' contains no image files (only subfolders: scans; files must sit directly in the class folder)");
    await expect(readImageFolder(join(dir, 'missing'))).rejects.toThrow(/missing: file or directory not found/);
  });

  it('lists SVG drawings with the other images (readImage renders them)', async () => {
    const root = join(dir, 'svg-folder');
    await mkdir(join(root, '7'), { recursive: true });
    await writeFile(join(root, '7', 'seven.svg'), '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="3"><rect width="4" height="3" fill="white"/></svg>');
    const { items } = await readImageFolder(root);
    expect(items.map((i) => i.path.slice(root.length + 1))).toEqual(['7/seven.svg']);
    const img = await readImage(items[0].path, { dtype: 'uint8' });
    expect([img.width, img.height]).toEqual([4, 3]);
  });
});
