/**
 * Vocal tract length perturbation (Jaitly & Hinton 2013) on a log-mel spectrogram: the
 * frequency axis is scaled by α (α > 1 moves formants up, as a shorter vocal tract does),
 * without changing tempo. With only a handful of training speakers, this is the cheapest way
 * to show the model more "voices".
 */
import { hzToMel, melToHz, type FeatureConfig } from '@tensorkit/data';

/** Centre frequency (Hz) of each mel band. */
function melCentres(cfg: FeatureConfig): Float64Array {
  const lo = hzToMel(cfg.fMin, cfg.melScale);
  const hi = hzToMel(cfg.fMax, cfg.melScale);
  const out = new Float64Array(cfg.nMels);
  for (let m = 0; m < cfg.nMels; m++) out[m] = melToHz(lo + ((hi - lo) * (m + 1)) / (cfg.nMels + 1), cfg.melScale);
  return out;
}

/** Warps a frames × nMels log-mel matrix by α (linear interpolation between bands); returns a new array. */
export function vtlpWarp(data: Float32Array, frames: number, cfg: FeatureConfig, alpha: number): Float32Array {
  const n = cfg.nMels;
  if (alpha === 1) return Float32Array.from(data);
  const centres = melCentres(cfg);
  // Source position (fractional band index) of each output band: the band whose centre is f/α.
  const src = new Float64Array(n);
  for (let m = 0; m < n; m++) {
    const f = centres[m] / alpha;
    let j = 0;
    while (j < n - 2 && centres[j + 1] < f) j++;
    src[m] = f <= centres[0] ? 0 : f >= centres[n - 1] ? n - 1 : j + (f - centres[j]) / (centres[j + 1] - centres[j]);
  }
  const out = new Float32Array(data.length);
  for (let t = 0; t < frames; t++) {
    const row = t * n;
    for (let m = 0; m < n; m++) {
      const p = src[m];
      const i = Math.min(n - 2, Math.floor(p));
      const w = p - i;
      out[row + m] = (1 - w) * data[row + i] + w * data[row + i + 1];
    }
  }
  return out;
}
