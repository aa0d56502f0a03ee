/**
 * Turning byte images into standardised input batches, with optional seeded
 * random affine augmentation. Each sample's warp is drawn from a generator
 * seeded by (seed, epoch, sample index), so augmentation does not depend on
 * batch order, prefetching or where a resumed run picked up.
 */
import { Generator, Tensor } from '@tensorkit/core';
import { affineMatrix, warpAffine } from '@tensorkit/data';
import type { DigitSet } from './data.js';
import { IMAGE_SIZE } from './model.js';
import { PIXELS, PREPROCESS, standardiseBytes, type PreprocessConfig } from './preprocess.js';

export interface AugmentConfig {
  /** Rotation drawn from ±degrees. */
  rotation: number;
  /** Isotropic scale range. */
  scale: [number, number];
  /** Horizontal shear drawn from ±degrees. */
  shear: number;
  /** Shift drawn from ±pixels in each axis. */
  shift: number;
}

export const DEFAULT_AUGMENT: AugmentConfig = { rotation: 10, scale: [0.9, 1.1], shear: 8, shift: 2 };

/** A 32-bit mix of three integers (murmur3 finaliser over a running hash). */
export function mix3(a: number, b: number, c: number): number {
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13) ^ b, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 16) ^ c, 0x27d4eb2f);
  h ^= h >>> 15;
  return h >>> 0;
}

/** One augmented copy of a 28×28 byte image, as [0, 1] floats. */
export function augmentImage(bytes: Uint8Array, offset: number, g: Generator, cfg: AugmentConfig = DEFAULT_AUGMENT): Float32Array {
  const unit = new Float32Array(PIXELS);
  for (let i = 0; i < PIXELS; i++) unit[i] = bytes[offset + i] / 255;
  const params = {
    rotation: g.uniformRange(-cfg.rotation, cfg.rotation),
    scale: g.uniformRange(cfg.scale[0], cfg.scale[1]),
    shear: g.uniformRange(-cfg.shear, cfg.shear),
    translateX: g.uniformRange(-cfg.shift, cfg.shift),
    translateY: g.uniformRange(-cfg.shift, cfg.shift),
  };
  return warpAffine({ data: unit, width: IMAGE_SIZE, height: IMAGE_SIZE }, affineMatrix(IMAGE_SIZE, IMAGE_SIZE, params), 0).data;
}

export interface Batch {
  x: Tensor;
  /** Class ids as int32 [B]. */
  y: Tensor;
  labels: Uint8Array;
}

export interface BatchOptions {
  /** Apply random affine augmentation, drawn from (seed, epoch, index). */
  augment?: { seed: number; epoch: number; config?: AugmentConfig };
  preprocess?: PreprocessConfig;
}

/** Builds the [B, 1, 28, 28] input and label tensors for the given sample indices. */
export function makeBatch(set: DigitSet, indices: ArrayLike<number>, opts: BatchOptions = {}): Batch {
  const b = indices.length;
  const cfg = opts.preprocess ?? PREPROCESS;
  const x = new Float32Array(b * PIXELS);
  const labels = new Uint8Array(b);
  const y = new Int32Array(b);
  for (let k = 0; k < b; k++) {
    const i = indices[k];
    labels[k] = set.labels[i];
    y[k] = set.labels[i];
    if (opts.augment) {
      const g = new Generator(mix3(opts.augment.seed, opts.augment.epoch, i));
      const unit = augmentImage(set.images, i * PIXELS, g, opts.augment.config);
      for (let p = 0; p < PIXELS; p++) x[k * PIXELS + p] = (unit[p] - cfg.mean) / cfg.std;
    } else {
      standardiseBytes(set.images, i * PIXELS, x, k * PIXELS, cfg);
    }
  }
  return { x: new Tensor(x, [b, 1, IMAGE_SIZE, IMAGE_SIZE], 'float32'), y: new Tensor(y, [b], 'int32'), labels };
}

/** [B, 1, 28, 28] from already-standardised images stacked in one array. */
export function inputTensor(standardised: Float32Array): Tensor {
  const b = standardised.length / PIXELS;
  if (!Number.isInteger(b)) throw new Error(`inputTensor: ${standardised.length} values are not a whole number of 28×28 images`);
  return new Tensor(standardised, [b, 1, IMAGE_SIZE, IMAGE_SIZE], 'float32');
}
