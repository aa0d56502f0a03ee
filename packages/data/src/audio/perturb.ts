import { checkFloat32, checkNumber, checkOptionKeys, checkRandomSource, checkRange, FINITE, type OptionKeys } from '../options.js';
import { randomUniform, type RandomSource } from './random.js';
import { resampleByRatio, type RatioResampleOptions } from './resample.js';

/**
 * Speed perturbation (Ko et al. 2015; Kaldi/sox `speed`): plays the clip `factor` times
 * faster, so length becomes n/factor and every frequency is multiplied by factor.
 */
export function speedPerturb(samples: Float32Array, factor: number, options: RatioResampleOptions = {}): Float32Array {
  if (!(factor > 0) || !Number.isFinite(factor)) throw new Error(`speedPerturb: factor must be a positive number, got ${factor}`);
  return resampleByRatio(samples, factor, options);
}

/** Speed perturbation with a factor drawn uniformly from `factors` (default the usual 0.9/1.0/1.1). */
export function randomSpeedPerturb(
  samples: Float32Array,
  rng: RandomSource,
  factors: readonly number[] = [0.9, 1.0, 1.1],
): { samples: Float32Array; factor: number } {
  if (factors.length === 0) throw new Error('randomSpeedPerturb: factors must not be empty');
  const factor = factors[Math.min(factors.length - 1, Math.floor(rng.uniform() * factors.length))];
  return { samples: speedPerturb(samples, factor), factor };
}

/** Scales by 10^(dB/20); returns a new array. */
export function applyGain(samples: Float32Array, db: number): Float32Array {
  checkNumber('applyGain', 'db', db, FINITE);
  const g = Math.pow(10, db / 20);
  const out = new Float32Array(samples.length);
  for (let i = 0; i < samples.length; i++) out[i] = samples[i] * g;
  return out;
}

/** Gain drawn uniformly in [minDb, maxDb). */
export function randomGain(samples: Float32Array, rng: RandomSource, minDb = -6, maxDb = 6): { samples: Float32Array; db: number } {
  checkRange('randomGain', 'minDb', minDb, 'maxDb', maxDb);
  const db = randomUniform(rng, minDb, maxDb);
  return { samples: applyGain(samples, db), db };
}

function meanSquare(x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] * x[i];
  return x.length ? s / x.length : 0;
}

export interface AddNoiseOptions {
  /** Noise recording to mix in (a random excerpt, looped if shorter); default white Gaussian noise from rng. */
  noise?: Float32Array;
}

const ADD_NOISE_KEYS: OptionKeys<AddNoiseOptions> = { noise: true };

/**
 * Adds noise scaled so that 10·log10(P_signal / P_noise) = snrDb over the clip.
 * A silent clip is returned unchanged, since no noise level gives it a finite SNR.
 */
export function addNoise(samples: Float32Array, snrDb: number, rng: RandomSource, options: AddNoiseOptions = {}): Float32Array {
  checkNumber('addNoise', 'snrDb', snrDb, FINITE);
  checkOptionKeys('addNoise', options, ADD_NOISE_KEYS);
  checkRandomSource('addNoise', rng);
  if (options.noise !== undefined) checkFloat32('addNoise', 'options.noise', options.noise);
  const n = samples.length;
  const noise = new Float64Array(n);
  const src = options.noise;
  if (src) {
    if (src.length === 0) throw new Error('addNoise: noise must not be empty');
    const start = Math.floor(rng.uniform() * src.length);
    for (let i = 0; i < n; i++) noise[i] = src[(start + i) % src.length];
  } else {
    for (let i = 0; i < n; i++) noise[i] = rng.normal();
  }
  const ps = meanSquare(samples);
  const pn = meanSquare(noise);
  if (ps === 0) return Float32Array.from(samples);
  if (pn === 0) throw new Error('addNoise: noise excerpt is silent; cannot reach a target SNR');
  const scale = Math.sqrt(ps / (pn * Math.pow(10, snrDb / 10)));
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = samples[i] + scale * noise[i];
  return out;
}

/** addNoise at an SNR drawn uniformly in [minDb, maxDb). */
export function randomNoise(
  samples: Float32Array,
  rng: RandomSource,
  minDb: number,
  maxDb: number,
  options: AddNoiseOptions = {},
): { samples: Float32Array; snrDb: number } {
  checkRange('randomNoise', 'minDb', minDb, 'maxDb', maxDb);
  const snrDb = randomUniform(rng, minDb, maxDb);
  return { samples: addNoise(samples, snrDb, rng, options), snrDb };
}
