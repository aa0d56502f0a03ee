import { checkNumber, checkOptionKeys, checkRandomSource, checkRange, FINITE, NON_NEGATIVE, type OptionKeys, POSITIVE, showValue } from '../options.js';
import { randomUniform, type RandomSource } from '../audio/random.js';
import { sampleBilinear } from './sample.js';
import { type GrayImage } from './types.js';

/** Row-major 2×3 matrix [a, b, c, d, e, f] mapping (x, y) → (a·x + b·y + c, d·x + e·y + f) in pixel coordinates. */
export type AffineMatrix = [number, number, number, number, number, number];

export interface AffineParams {
  /** Degrees, counter-clockwise as displayed (y axis pointing down). Default 0. */
  rotation?: number;
  /** Isotropic scale. Default 1. */
  scale?: number;
  /** Horizontal shear in degrees (x += tan(shear)·y). Default 0. */
  shear?: number;
  /** Translation in pixels, applied last. Default 0. */
  translateX?: number;
  translateY?: number;
}

const AFFINE_PARAM_KEYS: OptionKeys<AffineParams> = { rotation: true, scale: true, shear: true, translateX: true, translateY: true };

/**
 * Forward matrix for rotation·shear·scale about the image centre ((w−1)/2, (h−1)/2), then
 * translation. With that centre a 90° turn of a square image maps pixels exactly onto pixels.
 */
export function affineMatrix(width: number, height: number, params: AffineParams): AffineMatrix {
  // torchvision's names (angle, translate) would otherwise leave the image as it was, without a word.
  checkOptionKeys('affineMatrix', params, AFFINE_PARAM_KEYS);
  const { rotation = 0, scale = 1, shear = 0, translateX = 0, translateY = 0 } = params;
  for (const [name, v] of [['rotation', rotation], ['scale', scale], ['shear', shear], ['translateX', translateX], ['translateY', translateY]] as const) checkNumber('affineMatrix', name, v, FINITE);
  const th = (rotation * Math.PI) / 180;
  // Snap cos/sin at multiples of 90° so quarter turns are exact.
  const snap = (v: number): number => (Math.abs(v) < 1e-12 ? 0 : Math.abs(Math.abs(v) - 1) < 1e-12 ? Math.sign(v) : v);
  const c = snap(Math.cos(th));
  const s = snap(Math.sin(th));
  const k = Math.tan((shear * Math.PI) / 180);
  // Screen-space CCW rotation R = [[c, s], [−s, c]], shear H = [[1, k], [0, 1]], M = R·H·scale.
  const a = scale * c;
  const b = scale * (c * k + s);
  const d = -scale * s;
  const e = scale * (-s * k + c);
  const cx = (width - 1) / 2;
  const cy = (height - 1) / 2;
  return [a, b, cx - a * cx - b * cy + translateX, d, e, cy - d * cx - e * cy + translateY];
}

export function invertAffine(m: AffineMatrix): AffineMatrix {
  const [a, b, c, d, e, f] = m;
  const det = a * e - b * d;
  if (Math.abs(det) < 1e-12) throw new Error('invertAffine: matrix is singular');
  const ia = e / det;
  const ib = -b / det;
  const id = -d / det;
  const ie = a / det;
  return [ia, ib, -(ia * c + ib * f), id, ie, -(id * c + ie * f)];
}

/** Warps an image by a forward affine matrix (inverse mapping with bilinear sampling); uncovered pixels get `fill`. */
export function warpAffine(img: GrayImage, matrix: AffineMatrix, fill = 0): GrayImage {
  const { data, width, height } = img;
  const [a, b, c, d, e, f] = invertAffine(matrix);
  const out = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      out[y * width + x] = sampleBilinear(data, width, height, a * x + b * y + c, d * x + e * y + f, fill);
    }
  }
  return { data: out, width, height };
}

export interface RandomAffineOptions {
  /** Rotation drawn from ±maxRotation degrees. Default 10. */
  maxRotation?: number;
  /** Scale drawn from [lo, hi]. Default [0.9, 1.1]. */
  scale?: [number, number];
  /** Translation drawn from ±maxTranslate × size in each axis. Default 0.1. */
  maxTranslate?: number;
  /** Shear drawn from ±maxShear degrees. Default 10. */
  maxShear?: number;
  fill?: number;
}

const AFFINE_KEYS: OptionKeys<RandomAffineOptions> = { maxRotation: true, scale: true, maxTranslate: true, maxShear: true, fill: true };

/** Draws affine parameters from the generator (order: rotation, scale, shear, translateX, translateY). */
export function sampleAffineParams(width: number, height: number, rng: RandomSource, options: RandomAffineOptions = {}): AffineParams {
  checkOptionKeys('randomAffine', options, AFFINE_KEYS);
  checkRandomSource('randomAffine', rng);
  const { maxRotation = 10, scale = [0.9, 1.1], maxTranslate = 0.1, maxShear = 10 } = options;
  checkNumber('randomAffine', 'maxRotation', maxRotation, NON_NEGATIVE);
  checkNumber('randomAffine', 'maxTranslate', maxTranslate, NON_NEGATIVE);
  checkNumber('randomAffine', 'maxShear', maxShear, NON_NEGATIVE);
  // A scale of 1.1 gave NaN parameters, [1.2, 0.8] drew from a reversed range, and a scale ≤ 0 flips or collapses the image.
  if (!Array.isArray(scale) || scale.length !== 2) throw new Error(`randomAffine: scale must be a [min, max] pair, got ${showValue(scale)}`);
  checkNumber('randomAffine', 'scale[0]', scale[0], POSITIVE);
  checkRange('randomAffine', 'scale[0]', scale[0], 'scale[1]', scale[1]);
  return {
    rotation: randomUniform(rng, -maxRotation, maxRotation),
    scale: randomUniform(rng, scale[0], scale[1]),
    shear: randomUniform(rng, -maxShear, maxShear),
    translateX: randomUniform(rng, -maxTranslate, maxTranslate) * width,
    translateY: randomUniform(rng, -maxTranslate, maxTranslate) * height,
  };
}

/** Random rotation, scale, shear and translation (seeded by `rng`). */
export function randomAffine(img: GrayImage, rng: RandomSource, options: RandomAffineOptions = {}): GrayImage {
  const params = sampleAffineParams(img.width, img.height, rng, options);
  if (options.fill !== undefined) checkNumber('randomAffine', 'fill', options.fill, FINITE);
  return warpAffine(img, affineMatrix(img.width, img.height, params), options.fill ?? 0);
}
