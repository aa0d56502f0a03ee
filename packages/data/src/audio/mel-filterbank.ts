import { checkNumber, checkOptionKeys, type OptionKeys, POSITIVE, SIZE } from '../options.js';
import { hzToMel, melToHz, type MelScale } from './mel-scale.js';

export type MelNorm = 'none' | 'slaney';

export interface MelFilterbankOptions {
  sampleRate: number;
  nFft: number;
  nMels: number;
  /** Default 0. */
  fMin?: number;
  /** Default sampleRate / 2. */
  fMax?: number;
  /** Default 'htk' (torchaudio); librosa uses 'slaney'. */
  melScale?: MelScale;
  /** 'slaney' scales each triangle to unit area (librosa default); 'none' gives peak 1 (torchaudio default). */
  norm?: MelNorm;
}

/** Triangular filters as dense weights plus each filter's non-zero bin range, for fast application. */
export interface MelFilterbank {
  /** nMels × bins, row-major. */
  weights: Float32Array;
  nMels: number;
  bins: number;
  /** First non-zero bin of each filter (inclusive). */
  start: Int32Array;
  /** One past the last non-zero bin of each filter. */
  end: Int32Array;
  /** The nMels + 2 band edges in Hz (filter m rises from hz[m], peaks at hz[m+1], falls to hz[m+2]). */
  edgesHz: Float64Array;
}

/**
 * Mel filterbank with the same construction as librosa.filters.mel and
 * torchaudio.functional.melscale_fbanks: nMels + 2 points equally spaced in mel between
 * fMin and fMax, triangles evaluated at the FFT bin frequencies k·sr/nFft.
 */
const MEL_KEYS: OptionKeys<MelFilterbankOptions> = { sampleRate: true, nFft: true, nMels: true, fMin: true, fMax: true, melScale: true, norm: true };

export function melFilterbank(options: MelFilterbankOptions): MelFilterbank {
  const fb = buildMelFilterbank(options);
  // torchaudio only warns; an all-zero filter is a constant feature that looks like data.
  const problem = emptyMelFilterProblem(fb, options.sampleRate, options.nFft);
  if (problem) throw new Error(`melFilterbank: ${problem}`);
  return fb;
}

/**
 * The filters, empty ones included: validateFeatureConfig lists their problem among the
 * config's others instead of stopping at it.
 */
export function buildMelFilterbank(options: MelFilterbankOptions): MelFilterbank {
  checkOptionKeys('melFilterbank', options, MEL_KEYS);
  const { sampleRate, nFft, nMels, fMin = 0, fMax = sampleRate / 2, melScale = 'htk', norm = 'none' } = options;
  // Infinity built filters at no real frequency; NaN, -4 or 2.5 for nFft gave 1 bin, a RangeError or 2 bins.
  checkNumber('melFilterbank', 'sampleRate', sampleRate, POSITIVE);
  checkNumber('melFilterbank', 'nFft', nFft, SIZE);
  if (!Number.isInteger(nMels) || nMels < 1) throw new Error(`melFilterbank: nMels must be a positive integer, got ${nMels}`);
  if (!(fMin >= 0 && fMin < fMax && fMax <= sampleRate / 2)) {
    throw new Error(`melFilterbank: need 0 ≤ fMin < fMax ≤ sampleRate/2 (${sampleRate / 2}), got fMin=${fMin}, fMax=${fMax}`);
  }
  if (norm !== 'none' && norm !== 'slaney') throw new Error(`melFilterbank: unknown norm ${JSON.stringify(norm)}`);
  const bins = (nFft >> 1) + 1;
  const mMin = hzToMel(fMin, melScale);
  const mMax = hzToMel(fMax, melScale);
  const edgesHz = new Float64Array(nMels + 2);
  for (let i = 0; i < nMels + 2; i++) edgesHz[i] = melToHz(mMin + ((mMax - mMin) * i) / (nMels + 1), melScale);
  const weights = new Float32Array(nMels * bins);
  const start = new Int32Array(nMels);
  const end = new Int32Array(nMels);
  for (let m = 0; m < nMels; m++) {
    const lo = edgesHz[m];
    const mid = edgesHz[m + 1];
    const hi = edgesHz[m + 2];
    const scale = norm === 'slaney' ? 2 / (hi - lo) : 1;
    let first = -1;
    let last = -1;
    for (let k = 0; k < bins; k++) {
      const f = (k * sampleRate) / nFft;
      const w = Math.max(0, Math.min((f - lo) / (mid - lo), (hi - f) / (hi - mid)));
      if (w > 0) {
        weights[m * bins + k] = w * scale;
        if (first < 0) first = k;
        last = k;
      }
    }
    start[m] = first < 0 ? 0 : first;
    end[m] = first < 0 ? 0 : last + 1;
  }
  return { weights, nMels, bins, start, end, edgesHz };
}

/** Applies the filterbank to one power spectrum (length bins), writing nMels energies. */
export function applyMelFilterbank(fb: MelFilterbank, spectrum: ArrayLike<number>, out: Float32Array | Float64Array, outOffset = 0): void {
  const { weights, bins, start, end } = fb;
  // Once per frame, not per bin: a short spectrum read undefined and wrote NaN energies.
  if (spectrum.length < bins) throw new Error(`applyMelFilterbank: spectrum has ${spectrum.length} values, the filterbank needs ${bins} (nFft/2 + 1)`);
  if (out.length < outOffset + fb.nMels) throw new Error(`applyMelFilterbank: out has room for ${out.length - outOffset} values at offset ${outOffset}, need ${fb.nMels}`);
  for (let m = 0; m < fb.nMels; m++) {
    let acc = 0;
    const row = m * bins;
    for (let k = start[m]; k < end[m]; k++) acc += weights[row + k] * spectrum[k];
    out[outOffset + m] = acc;
  }
}

/**
 * Why some filters of `fb` are empty, or undefined when none is: a filter narrower than the FFT
 * bin spacing catches no bin, so its band is zero (the log floor) in every frame.
 */
export function emptyMelFilterProblem(fb: MelFilterbank, sampleRate: number, nFft: number): string | undefined {
  const empty: number[] = [];
  for (let m = 0; m < fb.nMels; m++) if (fb.end[m] <= fb.start[m]) empty.push(m);
  if (!empty.length) return undefined;
  return `nMels ${fb.nMels} with nFft ${nFft} at ${sampleRate} Hz: ${empty.length} of the ${fb.nMels} mel filters (${rangeText(empty)}) fall between ` +
    `the FFT bins (${+(sampleRate / nFft).toFixed(2)} Hz apart) and would always be empty: use a larger nFft, fewer nMels or a higher fMin`;
}

/** "0–3, 7" for [0, 1, 2, 3, 7]; the first six runs only. */
function rangeText(xs: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < xs.length; ) {
    let j = i;
    while (j + 1 < xs.length && xs[j + 1] === xs[j] + 1) j++;
    parts.push(j > i ? `${xs[i]}–${xs[j]}` : `${xs[i]}`);
    i = j + 1;
  }
  return parts.length > 6 ? `${parts.slice(0, 6).join(', ')}, …` : parts.join(', ');
}
