import { Generator } from '@tensorkit/core';
import { describe, expect, it } from 'vitest';
import { crop, dilate, elasticDistort, erode, gaussianBlur, normalizeImage, placeOnCanvas, prepareMnistDigit, randomAffine, resizeGray, sampleAffineParams } from '../src/index.js';

const bad = (v: unknown): never => v as never;
const img = { width: 4, height: 4, data: new Float32Array(16).fill(0.5) };
const rng = () => new Generator(1);

describe('image transforms: unknown option keys are named', () => {
  it('randomAffine, elasticDistort, normalizeImage, prepareMnistDigit', () => {
    expect(() => sampleAffineParams(4, 4, rng(), bad({ max_rotation: 30 }))).toThrow(/randomAffine: unknown option 'max_rotation' \(did you mean 'maxRotation'\?\)/);
    expect(() => elasticDistort(img, rng(), bad({ alfa: 3 }))).toThrow(/elasticDistort: unknown option 'alfa'/);
    expect(() => normalizeImage([1, 2, 3], 0, 1, bad({ layot: 'hwc' }))).toThrow(/normalizeImage: unknown option 'layot' \(did you mean 'layout'\?\)/);
    expect(() => prepareMnistDigit({ width: 4, height: 4, data: new Uint8Array(16) }, bad({ box_size: 20 }))).toThrow(/prepareMnistDigit: unknown option 'box_size' \(did you mean 'boxSize'\?\)/);
  });
});

describe('image arguments that gave NaN, a blank or shifted image, or a RangeError', () => {
  it('randomAffine: NaN ranges, reversed or scalar scale, a non-positive scale', () => {
    expect(() => sampleAffineParams(4, 4, rng(), { maxRotation: NaN })).toThrow('randomAffine: maxRotation must be a finite number ≥ 0, got NaN');
    expect(() => sampleAffineParams(4, 4, rng(), { maxTranslate: -1 })).toThrow('randomAffine: maxTranslate must be a finite number ≥ 0, got -1');
    expect(() => sampleAffineParams(4, 4, rng(), { scale: [1.2, 0.8] })).toThrow('randomAffine: scale[0] must be ≤ scale[1], got scale[0]=1.2, scale[1]=0.8');
    expect(() => sampleAffineParams(4, 4, rng(), { scale: bad(1.1) })).toThrow('randomAffine: scale must be a [min, max] pair, got 1.1');
    expect(() => sampleAffineParams(4, 4, rng(), { scale: [-1, 0] })).toThrow('randomAffine: scale[0] must be a finite number > 0, got -1');
    expect(() => randomAffine(img, rng(), { fill: NaN })).toThrow('randomAffine: fill must be a finite number, got NaN');
    expect(() => randomAffine(img, bad(7))).toThrow(/randomAffine: rng must be a random source/);
  });

  it('elasticDistort: NaN alpha, negative sigma, an image whose data does not match its size', () => {
    expect(() => elasticDistort(img, rng(), { alpha: NaN })).toThrow('elasticDistort: alpha must be a finite number ≥ 0, got NaN');
    expect(() => elasticDistort(img, rng(), { sigma: -1 })).toThrow('elasticDistort: sigma must be a finite number ≥ 0, got -1');
    expect(() => elasticDistort({ width: 4, height: 4, data: new Float32Array(3) }, rng())).toThrow(/elasticDistort: expected 4×4 = 16 pixels/);
  });

  it('erode/dilate sizes and gaussianBlur sigma', () => {
    expect(() => erode(img, -1)).toThrow('erode: size must be a positive integer, got -1');
    expect(() => dilate(img, 1.5)).toThrow('dilate: size must be a positive integer, got 1.5');
    expect(() => gaussianBlur(img.data, 4, 4, NaN)).toThrow('gaussianBlur: sigma must be a finite number ≥ 0, got NaN');
  });

  it('crop outside the image or at a fractional offset; placeOnCanvas with NaN offsets or a negative size', () => {
    expect(() => crop(img, { x: 3, y: 3, width: 5, height: 5 })).toThrow('crop: box 5×5 at (3, 3) does not fit in the 4×4 image');
    expect(() => crop(img, { x: -1, y: 0, width: 2, height: 2 })).toThrow('crop: box.x must be a non-negative integer, got -1');
    expect(() => crop(img, { x: 0.5, y: 0, width: 2, height: 2 })).toThrow('crop: box.x must be a non-negative integer, got 0.5');
    expect(() => placeOnCanvas(img, 8, 8, NaN, 0)).toThrow('placeOnCanvas: left and top must be integers, got NaN, 0');
    expect(() => placeOnCanvas(img, -1, 8, 0, 0)).toThrow('placeOnCanvas: canvasWidth must be a positive integer, got -1');
    expect(placeOnCanvas(img, 8, 8, -2, 6).data[6 * 8]).toBe(0.5);
  });

  it('resizeGray refuses data shorter than width × height (it gave NaN pixels)', () => {
    expect(() => resizeGray({ width: 4, height: 4, data: new Float32Array(3) }, 2, 2)).toThrow('resizeGray: expected 4×4 = 16 pixels (one channel), got 3');
  });

  it('prepareMnistDigit: options that gave a blank canvas', () => {
    const digit = { width: 28, height: 28, data: new Uint8Array(784).map((_, i) => (i % 28 > 10 && i % 28 < 16 && i > 100 && i < 650 ? 255 : 0)) };
    expect(() => prepareMnistDigit(digit, { workingSize: NaN })).toThrow('prepareMnistDigit: workingSize must be a positive integer, got NaN');
    expect(() => prepareMnistDigit(digit, { minComponentFraction: 2 })).toThrow('prepareMnistDigit: minComponentFraction must be in [0, 1], got 2');
    expect(() => prepareMnistDigit(digit, { minStrokeWidth: -1 })).toThrow('prepareMnistDigit: minStrokeWidth must be a finite number ≥ 0, got -1');
    expect(() => prepareMnistDigit(digit, { polarity: bad('black') })).toThrow(`prepareMnistDigit: polarity must be one of 'auto', 'dark-on-light', 'light-on-dark', got "black"`);
    expect(() => prepareMnistDigit(digit, { separateDigits: bad({ max_overlap: 1 }) })).toThrow(/prepareMnistDigit: unknown separateDigits option 'max_overlap' \(did you mean 'maxOverlap'\?\)/);
    expect(() => prepareMnistDigit(digit, { separateDigits: { maxOverlap: NaN } })).toThrow('prepareMnistDigit: separateDigits.maxOverlap must be in [0, 1], got NaN');
    expect(prepareMnistDigit(digit).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
  });
});
