import { checkOptionKeys, type OptionKeys } from '../options.js';

export interface ResampleOptions {
  /** Zero crossings of the sinc on each side; more = sharper cutoff, slower. Default 24. */
  zeroCrossings?: number;
  /** Passband edge as a fraction of the lower Nyquist frequency. Default 0.92. */
  rolloff?: number;
  /** Kaiser window β; 8.6 gives roughly 90 dB stopband attenuation. Default 8.6. */
  kaiserBeta?: number;
}

const RESAMPLE_KEYS: OptionKeys<ResampleOptions> = { zeroCrossings: true, rolloff: true, kaiserBeta: true };

/** 2^30 samples: 18 hours at 16 kHz, 4 GiB as float32. */
const MAX_OUTPUT_LENGTH = 2 ** 30;

const TABLE_STEPS = 512; // kernel samples per zero crossing, linearly interpolated

/**
 * Band-limited resampling by Kaiser-windowed sinc interpolation. The low-pass
 * cutoff follows the lower of the two Nyquist frequencies, so downsampling
 * removes what would otherwise alias (a 6 kHz tone vanishes at 8 kHz instead
 * of folding to 2 kHz) and upsampling adds no images.
 */
export function resample(input: Float32Array, fromRate: number, toRate: number, opts: ResampleOptions = {}): Float32Array {
  if (!(fromRate > 0 && toRate > 0 && Number.isFinite(fromRate) && Number.isFinite(toRate))) {
    throw new Error(`resample: rates must be positive and finite, got ${fromRate} → ${toRate}`);
  }
  checkOptionKeys('resample', opts, RESAMPLE_KEYS);
  const { zeroCrossings: zeros = 24, rolloff = 0.92, kaiserBeta = 8.6 } = opts;
  // Out of range, these gave NaN (0 zero crossings), silence (rolloff 0) or a kernel table read past its end.
  if (!Number.isInteger(zeros) || zeros < 1) throw new Error(`resample: zeroCrossings must be a positive integer, got ${zeros}`);
  if (!(rolloff > 0 && rolloff <= 1)) throw new Error(`resample: rolloff must be in (0, 1], got ${rolloff}`);
  if (!(kaiserBeta >= 0 && kaiserBeta < Infinity)) throw new Error(`resample: kaiserBeta must be a finite number ≥ 0, got ${kaiserBeta}`);
  if (fromRate === toRate) return input.slice();
  const ratio = toRate / fromRate;
  // Cutoff in cycles per input sample; the kernel is 2·fc·sinc(2·fc·x)·window.
  const fc = 0.5 * Math.min(1, ratio) * rolloff;
  const halfWidth = zeros / (2 * fc); // in input samples
  const table = kernelTable(zeros, kaiserBeta);
  const outLength = Math.round(input.length * ratio);
  // A ratio like 1e-9 (resampleByRatio, or a rate in Hz passed where kHz was meant) asked for
  // trillions of samples and failed as "Invalid typed array length".
  if (outLength > MAX_OUTPUT_LENGTH) {
    throw new Error(`resample: ${input.length} samples from ${fromRate} to ${toRate} would give ${outLength} samples, more than ${MAX_OUTPUT_LENGTH}; check the rates`);
  }
  const out = new Float32Array(outLength);
  const last = input.length - 1;
  const unitsPerSample = 2 * fc * TABLE_STEPS;
  for (let n = 0; n < outLength; n++) {
    const t = n / ratio;
    const lo = Math.max(0, Math.ceil(t - halfWidth));
    const hi = Math.min(last, Math.floor(t + halfWidth));
    let acc = 0;
    for (let k = lo; k <= hi; k++) {
      const pos = Math.abs(t - k) * unitsPerSample;
      const i = pos | 0;
      const frac = pos - i;
      acc += input[k] * (table[i] + frac * (table[i + 1] - table[i]));
    }
    out[n] = acc * 2 * fc;
  }
  return out;
}

const tables = new Map<string, Float64Array>();

/** sinc(u)·kaiser(u / zeros) for u in [0, zeros], TABLE_STEPS samples per unit, plus a zero guard. */
function kernelTable(zeros: number, beta: number): Float64Array {
  const key = `${zeros}:${beta}`;
  const cached = tables.get(key);
  if (cached) return cached;
  const size = zeros * TABLE_STEPS;
  const table = new Float64Array(size + 2);
  const i0beta = besselI0(beta);
  for (let i = 0; i <= size; i++) {
    const u = i / TABLE_STEPS;
    const r = u / zeros;
    const sinc = u === 0 ? 1 : Math.sin(Math.PI * u) / (Math.PI * u);
    table[i] = sinc * (besselI0(beta * Math.sqrt(Math.max(0, 1 - r * r))) / i0beta);
  }
  tables.set(key, table);
  return table;
}

/** Modified Bessel function of the first kind, order 0 (power series; converges fast for β ≤ 20). */
function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  const q = (x * x) / 4;
  for (let k = 1; k < 50; k++) {
    term *= q / (k * k);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return sum;
}
