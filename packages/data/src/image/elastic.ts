import { checkNumber, checkOptionKeys, checkRandomSource, FINITE, NON_NEGATIVE, type OptionKeys } from '../options.js';
import { type RandomSource } from '../audio/random.js';
import { gaussianBlur } from './morphology.js';
import { sampleBilinear } from './sample.js';
import { assertImage, type GrayImage } from './types.js';

export interface ElasticOptions {
  /** Displacement scale in pixels. Default 34 (Simard et al. 2003, for 28×28 digits). */
  alpha?: number;
  /** Gaussian smoothing of the displacement field in pixels. Default 4. */
  sigma?: number;
  fill?: number;
}

const ELASTIC_KEYS: OptionKeys<ElasticOptions> = { alpha: true, sigma: true, fill: true };

/**
 * Elastic distortion (Simard, Steinkraus & Platt 2003): per-pixel displacements drawn
 * uniformly from [−1, 1], smoothed by a Gaussian of width sigma, scaled by alpha, then
 * the image is resampled bilinearly at the displaced positions.
 */
export function elasticDistort(img: GrayImage, rng: RandomSource, options: ElasticOptions = {}): GrayImage {
  checkOptionKeys('elasticDistort', options, ELASTIC_KEYS);
  checkRandomSource('elasticDistort', rng);
  assertImage(img, 'elasticDistort');
  const { alpha = 34, sigma = 4, fill = 0 } = options;
  // NaN alpha or fill made every pixel NaN; a negative sigma was read as 0 (no smoothing).
  checkNumber('elasticDistort', 'alpha', alpha, NON_NEGATIVE);
  checkNumber('elasticDistort', 'sigma', sigma, NON_NEGATIVE);
  checkNumber('elasticDistort', 'fill', fill, FINITE);
  const { data, width, height } = img;
  const n = width * height;
  const rx = new Float64Array(n);
  const ry = new Float64Array(n);
  for (let i = 0; i < n; i++) rx[i] = 2 * rng.uniform() - 1;
  for (let i = 0; i < n; i++) ry[i] = 2 * rng.uniform() - 1;
  const dx = gaussianBlur(rx, width, height, sigma);
  const dy = gaussianBlur(ry, width, height, sigma);
  const out = new Float32Array(n);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      out[i] = sampleBilinear(data, width, height, x + alpha * dx[i], y + alpha * dy[i], fill);
    }
  }
  return { data: out, width, height };
}
