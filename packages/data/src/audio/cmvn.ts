import { checkNumber, checkOptionalBoolean, checkOptionKeys, NON_NEGATIVE, type OptionKeys } from '../options.js';

export interface CmvnOptions {
  /** Also divide by the standard deviation. Default true. */
  variance?: boolean;
  /** Added to the variance so constant dimensions don't divide by zero. Default 1e-10. */
  eps?: number;
}

const CMVN_KEYS: OptionKeys<CmvnOptions> = { variance: true, eps: true };

/**
 * Per-utterance cepstral mean (and variance) normalisation over frames, per feature
 * dimension: removes channel/microphone offsets that are constant within a recording.
 * `data` is frames × dim row-major; returns a new array.
 */
export function cmvn(data: Float32Array, frames: number, dim: number, options: CmvnOptions = {}): Float32Array {
  checkOptionKeys('cmvn', options, CMVN_KEYS);
  const { variance = true, eps = 1e-10 } = options;
  checkOptionalBoolean('cmvn', 'variance', variance);
  // NaN or a negative eps turned every value of a constant dimension into NaN.
  checkNumber('cmvn', 'eps', eps, NON_NEGATIVE);
  if (data.length !== frames * dim) throw new Error(`cmvn: expected ${frames}×${dim} values, got ${data.length}`);
  const out = new Float32Array(data.length);
  if (frames === 0) return out;
  const mean = new Float64Array(dim);
  const sq = new Float64Array(dim);
  for (let t = 0; t < frames; t++) for (let d = 0; d < dim; d++) mean[d] += data[t * dim + d];
  for (let d = 0; d < dim; d++) mean[d] /= frames;
  // Two-pass variance: log-mel values sit far from zero, where E[x²] − E[x]² loses precision.
  for (let t = 0; t < frames; t++) {
    for (let d = 0; d < dim; d++) {
      const x = data[t * dim + d] - mean[d];
      sq[d] += x * x;
    }
  }
  const scale = new Float64Array(dim);
  for (let d = 0; d < dim; d++) scale[d] = variance ? 1 / Math.sqrt(sq[d] / frames + eps) : 1;
  for (let t = 0; t < frames; t++) for (let d = 0; d < dim; d++) out[t * dim + d] = (data[t * dim + d] - mean[d]) * scale[d];
  return out;
}
