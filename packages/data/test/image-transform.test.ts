import { describe, expect, it } from 'vitest';
import {
  affineMatrix, centerOfMass, chwToHwc, elasticDistort, encodePng, encodeRgbPng, hwcToChw, loadImageGray, MNIST_MEAN, MNIST_STD,
  normalizeImage, randomAffine, resizeGray, sampleAffineParams, warpAffine, type GrayImage,
} from '../src/image/index.js';
import { decodeImage } from '../src/io/index.js';
import { arrayToTensor } from '../src/loader/index.js';
import type { RandomSource } from '../src/audio/index.js';

/** Small seeded RandomSource for tests (mulberry32 + Box–Muller); any Generator works the same way. */
function seeded(seed: number): RandomSource {
  let a = seed >>> 0;
  const uniform = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { uniform, normal: () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform()) };
}

function ramp(width: number, height: number): GrayImage {
  return { data: Float32Array.from({ length: width * height }, (_, i) => ((i * 37) % 101) / 100), width, height };
}

function sum(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  return s;
}

describe('resizeGray', () => {
  it('area-averages when shrinking (mass preserved, exact 2×2 means)', () => {
    const img: GrayImage = { data: Float32Array.of(0, 1, 0.5, 0.5, 1, 0, 0.5, 0.5), width: 4, height: 2 };
    expect(Array.from(resizeGray(img, 2, 1).data)).toEqual([0.5, 0.5]);
    const big = ramp(90, 60);
    const small = resizeGray(big, 28, 20);
    expect(sum(small.data) * (90 / 28) * (60 / 20)).toBeCloseTo(sum(big.data), 2);
  });

  it('anti-aliases a fine stripe pattern instead of aliasing it', () => {
    const stripes: GrayImage = { data: Float32Array.from({ length: 100 * 100 }, (_, i) => (i % 100) % 2), width: 100, height: 100 };
    const out = resizeGray(stripes, 30, 30);
    for (const v of out.data) expect(Math.abs(v - 0.5)).toBeLessThan(0.2);
  });

  it('keeps constants constant and interpolates when enlarging', () => {
    const c = resizeGray({ data: new Float32Array(16).fill(0.3), width: 4, height: 4 }, 10, 7);
    for (const v of c.data) expect(v).toBeCloseTo(0.3, 6);
    const up = resizeGray({ data: Float32Array.of(0, 1), width: 2, height: 1 }, 4, 1);
    expect(Array.from(up.data)).toEqual([0, 0.25, 0.75, 1]);
  });
});

describe('affine warps', () => {
  it('identity leaves the image unchanged', () => {
    const img = ramp(13, 9);
    const out = warpAffine(img, affineMatrix(13, 9, {}));
    expect(Array.from(out.data)).toEqual(Array.from(img.data));
  });

  it('rotating 90° counter-clockwise maps in(x, y) to out(y, W−1−x)', () => {
    const img = ramp(6, 6);
    const out = warpAffine(img, affineMatrix(6, 6, { rotation: 90 }));
    for (let y = 0; y < 6; y++) for (let x = 0; x < 6; x++) expect(out.data[(5 - x) * 6 + y]).toBeCloseTo(img.data[y * 6 + x], 6);
    // a mark at the top centre moves to the left centre
    const mark: GrayImage = { data: new Float32Array(25), width: 5, height: 5 };
    mark.data[2] = 1;
    expect(warpAffine(mark, affineMatrix(5, 5, { rotation: 90 })).data[2 * 5 + 0]).toBeCloseTo(1, 6);
    let four = img;
    for (let i = 0; i < 4; i++) four = warpAffine(four, affineMatrix(6, 6, { rotation: 90 }));
    for (let i = 0; i < 36; i++) expect(four.data[i]).toBeCloseTo(img.data[i], 6);
  });

  it('affineMatrix refuses torchvision’s names and values that are not finite numbers, naming the field', () => {
    expect(() => affineMatrix(3, 3, { angle: 90 } as never)).toThrow(/affineMatrix: unknown option 'angle'.*rotation/);
    expect(() => affineMatrix(3, 3, { translate: [1, 0] } as never)).toThrow(/affineMatrix: unknown option 'translate'/);
    expect(() => affineMatrix(3, 3, { rotation: NaN })).toThrow(/affineMatrix: rotation must be a finite number, got NaN/);
    expect(() => affineMatrix(3, 3, { scale: '2' as never })).toThrow(/affineMatrix: scale must be a finite number/);
  });

  it('translation, scale and shear move mass as expected', () => {
    const img: GrayImage = { data: new Float32Array(21 * 21), width: 21, height: 21 };
    for (let y = 8; y <= 12; y++) for (let x = 8; x <= 12; x++) img.data[y * 21 + x] = 1;
    const moved = centerOfMass(warpAffine(img, affineMatrix(21, 21, { translateX: 3, translateY: -2 })))!;
    expect(moved.x).toBeCloseTo(13, 6);
    expect(moved.y).toBeCloseTo(8, 6);
    const scaled = warpAffine(img, affineMatrix(21, 21, { scale: 2 }));
    expect(sum(scaled.data) / sum(img.data)).toBeCloseTo(4, 0);
    const sheared = warpAffine(img, affineMatrix(21, 21, { shear: 45 }));
    expect(sheared.data[8 * 21 + 6]).toBeCloseTo(1, 6); // top row shifts left by 2 (y − cy = −2)
  });

  it('random affine and elastic distortion are reproducible from the seed', () => {
    const img = ramp(28, 28);
    expect(Array.from(randomAffine(img, seeded(7)).data)).toEqual(Array.from(randomAffine(img, seeded(7)).data));
    expect(Array.from(randomAffine(img, seeded(7)).data)).not.toEqual(Array.from(randomAffine(img, seeded(8)).data));
    const p = sampleAffineParams(28, 28, seeded(3), { maxRotation: 15, scale: [0.8, 1.2], maxTranslate: 0.1, maxShear: 5 });
    expect(Math.abs(p.rotation!)).toBeLessThanOrEqual(15);
    expect(p.scale).toBeGreaterThanOrEqual(0.8);
    expect(p.scale).toBeLessThanOrEqual(1.2);
    expect(Math.abs(p.translateX!)).toBeLessThanOrEqual(2.8);
    expect(Math.abs(p.shear!)).toBeLessThanOrEqual(5);
    const e1 = elasticDistort(img, seeded(1), { alpha: 34, sigma: 4 });
    const e2 = elasticDistort(img, seeded(1), { alpha: 34, sigma: 4 });
    expect(Array.from(e1.data)).toEqual(Array.from(e2.data));
    expect(Array.from(e1.data)).not.toEqual(Array.from(img.data));
    expect(Array.from(elasticDistort(img, seeded(1), { alpha: 0 }).data)).toEqual(Array.from(img.data));
  });

  it('elastic displacements are smooth: neighbouring pixels move together', () => {
    // A horizontal gradient image reveals the x-displacement: out(x) = x + αΔx(x).
    const w = 28;
    const grad: GrayImage = { data: Float32Array.from({ length: w * w }, (_, i) => (i % w) / (w - 1)), width: w, height: w };
    const out = elasticDistort(grad, seeded(4), { alpha: 8, sigma: 4 });
    let maxJump = 0;
    for (let y = 5; y < 23; y++) for (let x = 5; x < 22; x++) maxJump = Math.max(maxJump, Math.abs(out.data[y * w + x + 1] - out.data[y * w + x]));
    expect(maxJump).toBeLessThan(0.1);
  });
});

describe('normalizeImage', () => {
  it('applies (x − mean) / std, per channel for planar data', () => {
    expect(normalizeImage(Float32Array.of(MNIST_MEAN, 1), MNIST_MEAN, MNIST_STD)[1]).toBeCloseTo((1 - 0.1307) / 0.3081, 6);
    expect(Array.from(normalizeImage([1, 1, 1, 1], [0, 0.5], [1, 0.25], { layout: 'chw' }))).toEqual([1, 1, 2, 2]);
    expect(() => normalizeImage([1, 2, 3], [0, 0], [1, 1], { layout: 'chw' })).toThrow(/channels/);
  });

  // A 2×2 PNG with a red, a green, a blue and a white pixel; per channel mean [0.5, 0, 0.25], std [0.5, 1, 0.25]
  // maps R: 1 → 1, 0 → −1; G: unchanged; B: 0 → −1, 1 → 3.
  const rgbPixels = Uint8Array.of(255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255);
  const mean = [0.5, 0, 0.25];
  const std = [0.5, 1, 0.25];

  it('normalizes the interleaved pixels readImage returns per channel with layout hwc', async () => {
    const img = await decodeImage(await encodeRgbPng(rgbPixels, 2, 2), 'rgb.png', { mode: 'rgb' });
    expect(Array.from(img.data)).toEqual([1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 1, 1]);
    expect(Array.from(normalizeImage(img.data, mean, std, { layout: 'hwc' }))).toEqual([1, 0, -1, -1, 1, -1, -1, 0, 3, 1, 1, 3]);
  });

  it('gives torchvision ToTensor + Normalize values after hwcToChw, and chwToHwc undoes it', async () => {
    const img = await decodeImage(await encodeRgbPng(rgbPixels, 2, 2), 'rgb.png', { mode: 'rgb' });
    const planar = hwcToChw(img);
    expect(planar.shape).toEqual([3, 2, 2]);
    expect(Array.from(planar.data)).toEqual([1, 0, 0, 1, 0, 1, 0, 1, 0, 0, 1, 1]);
    expect(Array.from(normalizeImage(planar.data, mean, std, { layout: 'chw' }))).toEqual([1, -1, -1, 1, 0, 1, 0, 1, -1, -1, 3, 3]);
    const t = arrayToTensor(planar);
    expect([t.shape, t.dtype]).toEqual([[3, 2, 2], 'float32']);
    expect(chwToHwc(planar)).toEqual(img);
    const bytes = hwcToChw({ data: rgbPixels, width: 2, height: 2, channels: 3 });
    expect(bytes.data).toBeInstanceOf(Uint8Array);
    expect(chwToHwc(bytes).data).toEqual(rgbPixels);
  });

  it('refuses per-channel statistics without a layout, and bad layouts, statistics and shapes', () => {
    expect(() => normalizeImage(new Float32Array(12), mean, std)).toThrow(
      "normalizeImage: 3 per-channel means/stds need options.layout: 'hwc' (interleaved pixels, as readImage's mode 'rgb' returns) or 'chw' (channel planes, as hwcToChw returns)",
    );
    expect(() => normalizeImage(new Float32Array(12), mean, std, { layout: 'HWC' as never })).toThrow(`options.layout must be 'hwc' or 'chw', got "HWC"`);
    expect(() => normalizeImage(new Float32Array(12), [NaN, 0, 0], std, { layout: 'hwc' })).toThrow('normalizeImage: mean must be finite, got [NaN, 0, 0]');
    expect(() => normalizeImage(new Float32Array(12), 0, [], { layout: 'hwc' })).toThrow(/at least one value/);
    expect(() => hwcToChw({ data: new Float32Array(11), width: 2, height: 2, channels: 3 })).toThrow('hwcToChw: 2×2×3 needs 12 values, data has 11');
    expect(() => hwcToChw({ data: new Float32Array(0), width: 0, height: 2, channels: 3 })).toThrow('hwcToChw: width must be a positive integer, got 0');
    expect(() => chwToHwc({ data: new Float32Array(4), shape: [2, 2] })).toThrow('chwToHwc: shape must be [channels, height, width], got [2, 2]');
  });
});

describe('sharp I/O', () => {
  it('encodes a PNG and decodes it back to the same gray bytes', async () => {
    const data = Uint8Array.from({ length: 12 * 7 }, (_, i) => (i * 29) % 256);
    const png = await encodePng(data, 12, 7);
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    const back = await loadImageGray(png);
    expect(back.width).toBe(12);
    expect(back.height).toBe(7);
    expect(Array.from(back.data)).toEqual(Array.from(data));
    const fromFloat = await loadImageGray(await encodePng(Float32Array.of(0, 0.5, 1, 2), 2, 2));
    expect(Array.from(fromFloat.data)).toEqual([0, 128, 255, 255]);
  });
});
