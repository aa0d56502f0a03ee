import { mkdirSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeIdx, encodePng } from '@tensorkit/data';
import { Generator } from '@tensorkit/core';
import { detectSource, loadDigitSet } from '../src/data.js';
import { makeBatch, mix3 } from '../src/batch.js';
import { PREPROCESS } from '../src/preprocess.js';
import { digitBytes, digitPng, fixture, FIXTURE_DIR, tmpDir, writeIdxPair } from './helpers.js';

const tmp = tmpDir();
afterAll(() => tmp.cleanup());

describe('dataset sources', () => {
  it('reads the gzipped IDX fixture (train side) with its labels', async () => {
    const set = await loadDigitSet(FIXTURE_DIR, 'train');
    expect(set.n).toBe(100);
    expect(Array.from(set.labels.slice(0, 12))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]);
    expect(set.images.length).toBe(100 * 784);
  });

  it('refuses a missing folder, a file, and a folder without IDX files or digit subfolders', async () => {
    await expect(loadDigitSet(join(tmp.dir, 'nope'), 'train')).rejects.toThrow(/nope: folder not found/);
    const file = join(tmp.dir, 'file.txt');
    writeFileSync(file, 'x');
    await expect(detectSource(file)).rejects.toThrow(/expected a folder/);
    const empty = join(tmp.dir, 'empty');
    mkdirSync(empty);
    await expect(detectSource(empty)).rejects.toThrow(/neither MNIST IDX files .* nor digit subfolders 0…9/);
  });

  it('follows symbolic links: a folder of links to IDX files reads like the files themselves', async () => {
    const linked = join(tmp.dir, 'linked-idx');
    mkdirSync(linked);
    for (const f of readdirSync(FIXTURE_DIR).filter((n) => n.startsWith('train-'))) symlinkSync(join(FIXTURE_DIR, f), join(linked, f));
    expect(await detectSource(linked)).toBe('idx');
    expect((await loadDigitSet(linked, 'train')).n).toBe(100);
  });

  it('names the file and the magic number when an IDX file is not what it claims', async () => {
    const dir = join(tmp.dir, 'badmagic');
    mkdirSync(dir);
    // Labels-style magic (1 dimension) in the images file.
    writeFileSync(join(dir, 'train-images-idx3-ubyte'), encodeIdx('uint8', [3], [1, 2, 3]));
    writeFileSync(join(dir, 'train-labels-idx1-ubyte'), encodeIdx('uint8', [3], [1, 2, 3]));
    await expect(loadDigitSet(dir, 'train')).rejects.toThrow(/train-images-idx3-ubyte: bad magic number 0x00000801/);
    const garbage = join(tmp.dir, 'garbage');
    mkdirSync(garbage);
    writeFileSync(join(garbage, 't10k-images-idx3-ubyte'), Buffer.from('this is not an idx file'));
    writeFileSync(join(garbage, 't10k-labels-idx1-ubyte'), encodeIdx('uint8', [1], [1]));
    await expect(loadDigitSet(garbage, 'test')).rejects.toThrow(/t10k-images-idx3-ubyte: bad magic number/);
  });

  it('says which side is missing when the IDX folder has only training files', async () => {
    await expect(loadDigitSet(FIXTURE_DIR, 'test')).rejects.toThrow(/no MNIST test images file: expected one of t10k-images-idx3-ubyte.gz/);
  });

  it('rejects IDX images that are not 28×28 and labels that are not digits', async () => {
    const dir = join(tmp.dir, 'shape');
    mkdirSync(dir);
    writeFileSync(join(dir, 'train-images-idx3-ubyte'), encodeIdx('uint8', [2, 4, 4], new Uint8Array(32)));
    writeFileSync(join(dir, 'train-labels-idx1-ubyte'), encodeIdx('uint8', [2], [1, 2]));
    await expect(loadDigitSet(dir, 'train')).rejects.toThrow(/images are 4×4, expected 28×28/);
    const dir2 = join(tmp.dir, 'labels');
    writeIdxPair(dir2, 'train', new Uint8Array(2 * 784), Uint8Array.from([3, 12]));
    await expect(loadDigitSet(dir2, 'train')).rejects.toThrow(/label 12 at index 1 is not a digit/);
  });

  it('reads image folders 0…9, preparing every image, and names a corrupt one', async () => {
    const m = await fixture();
    const dir = join(tmp.dir, 'folder');
    for (let i = 0; i < 4; i++) {
      const d = join(dir, String(m.labels[i]));
      mkdirSync(d, { recursive: true });
      writeFileSync(join(d, `${i}.png`), await digitPng(digitBytes(m, i), { width: 40, height: 50, size: 30, left: 5, top: 10, dark: i % 2 === 0 }));
    }
    const set = await loadDigitSet(dir, 'test');
    expect(set.n).toBe(4);
    expect(Array.from(set.labels)).toEqual([0, 1, 2, 3]);
    expect(set.files![0]).toMatch(/0\.png$/);
    // Prepared images are MNIST-like: bright ink on black, dark border.
    const img = set.images.subarray(0, 784);
    expect(img[0]).toBe(0);
    expect(Math.max(...img)).toBeGreaterThan(200);

    // A blank scan was prepared as an all-zero image and scored (or trained on) under its folder's label.
    writeFileSync(join(dir, '3', 'blank.png'), await encodePng(new Uint8Array(40 * 40).fill(250), 40, 40));
    await expect(loadDigitSet(dir, 'test')).rejects.toThrow(/3[/\\]blank\.png: no digit found/);
    rmSync(join(dir, '3', 'blank.png'));

    writeFileSync(join(dir, '3', 'broken.png'), Buffer.from('\x89PNG\r\n\x1a\n not really'));
    await expect(loadDigitSet(dir, 'test')).rejects.toThrow(/broken\.png: cannot decode image/);

    mkdirSync(join(dir, 'cats'));
    writeFileSync(join(dir, 'cats', 'x.png'), await digitPng(digitBytes(m, 0), { width: 28, height: 28, size: 28, left: 0, top: 0, dark: true }));
    await expect(loadDigitSet(dir, 'test')).rejects.toThrow(/subfolder 'cats' is not a digit/);
  });
});

describe('batches', () => {
  it('standardises with the MNIST mean and std, and augments deterministically per (seed, epoch, index)', async () => {
    const set = await loadDigitSet(FIXTURE_DIR, 'train');
    const plain = makeBatch(set, [0, 1]);
    expect(plain.x.shape).toEqual([2, 1, 28, 28]);
    const x = plain.x.toTypedArray();
    expect(x[0]).toBeCloseTo(-PREPROCESS.mean / PREPROCESS.std, 5);
    expect(Array.from(plain.y.toTypedArray())).toEqual([0, 1]);
    const a = makeBatch(set, [5, 6], { augment: { seed: 1, epoch: 2 } }).x.toTypedArray();
    const b = makeBatch(set, [6, 5], { augment: { seed: 1, epoch: 2 } }).x.toTypedArray();
    // Same sample, same warp, whatever its position in the batch.
    expect(Array.from(a.subarray(0, 784))).toEqual(Array.from(b.subarray(784)));
    const c = makeBatch(set, [5], { augment: { seed: 1, epoch: 3 } }).x.toTypedArray();
    expect(Array.from(c)).not.toEqual(Array.from(a.subarray(0, 784)));
    // The warp keeps the ink (mass changes only through the scale factor).
    const mass = (v: Float32Array) => v.reduce((s, p) => s + (p * PREPROCESS.std + PREPROCESS.mean), 0);
    const orig = makeBatch(set, [5]).x.toTypedArray() as Float32Array;
    expect(mass(a.subarray(0, 784) as Float32Array) / mass(orig)).toBeGreaterThan(0.7);
    expect(mass(a.subarray(0, 784) as Float32Array) / mass(orig)).toBeLessThan(1.3);
  });

  it('mixes seeds into well-spread generator seeds', () => {
    const seen = new Set<number>();
    for (let e = 0; e < 10; e++) for (let i = 0; i < 100; i++) seen.add(mix3(7, e, i));
    expect(seen.size).toBe(1000);
    expect(new Generator(mix3(1, 2, 3)).uniform()).not.toBe(new Generator(mix3(1, 2, 4)).uniform());
  });
});
