import { resample, type ResampleOptions } from '../io/resample.js';

export type RatioResampleOptions = ResampleOptions;

/**
 * Resampling by `ratio` = input rate / output rate (output sample j sits at
 * input position j·ratio), as speed perturbation needs; the band-limited
 * kernel is the one the WAV reader uses. Output length is round(n / ratio).
 */
export function resampleByRatio(samples: Float32Array, ratio: number, options: RatioResampleOptions = {}): Float32Array {
  if (!(ratio > 0) || !Number.isFinite(ratio)) throw new Error(`resampleByRatio: ratio must be a positive number, got ${ratio}`);
  // Perturbation runs on every training clip: a shorter kernel than file resampling keeps it cheap.
  return resample(samples, ratio, 1, { zeroCrossings: 16, ...options });
}
