export interface RatioResampleOptions {
  /** Zero crossings of the sinc kernel on each side (quality vs speed). Default 16. */
  zeroCrossings?: number;
  /** Low-pass cutoff as a fraction of the lower Nyquist rate; < 1 leaves a guard band against aliasing. Default 0.945. */
  rolloff?: number;
}

const TABLE_RES = 512;
const kernelTables = new Map<string, Float64Array>();

/** sinc(x)·Hann(x / zeros) for x ∈ [0, zeros], tabulated so resampling needs no trig per tap. */
function kernelTable(zeros: number): Float64Array {
  const key = String(zeros);
  let table = kernelTables.get(key);
  if (table) return table;
  table = new Float64Array(zeros * TABLE_RES + 2);
  table[0] = 1;
  for (let i = 1; i < table.length; i++) {
    const x = i / TABLE_RES;
    const w = x >= zeros ? 0 : 0.5 + 0.5 * Math.cos((Math.PI * x) / zeros);
    table[i] = (Math.sin(Math.PI * x) / (Math.PI * x)) * w;
  }
  kernelTables.set(key, table);
  return table;
}

/**
 * Band-limited resampling by `ratio` = input rate / output rate, i.e. output sample j
 * interpolates the input at position j·ratio, with a windowed-sinc low-pass at
 * rolloff·min(1, 1/ratio) of the input Nyquist so shrinking does not alias.
 * Output length is round(n / ratio).
 */
export function resampleByRatio(samples: Float32Array, ratio: number, options: RatioResampleOptions = {}): Float32Array {
  const { zeroCrossings = 16, rolloff = 0.945 } = options;
  if (!(ratio > 0) || !Number.isFinite(ratio)) throw new Error(`resample: ratio must be a positive number, got ${ratio}`);
  if (!Number.isInteger(zeroCrossings) || zeroCrossings < 1) throw new Error(`resample: zeroCrossings must be a positive integer, got ${zeroCrossings}`);
  if (!(rolloff > 0 && rolloff <= 1)) throw new Error(`resample: rolloff must be in (0, 1], got ${rolloff}`);
  const n = samples.length;
  const outLen = Math.round(n / ratio);
  const out = new Float32Array(outLen);
  if (ratio === 1) {
    out.set(samples.subarray(0, outLen));
    return out;
  }
  const cutoff = rolloff * Math.min(1, 1 / ratio);
  const table = kernelTable(zeroCrossings);
  const halfWidth = zeroCrossings / cutoff;
  const tableScale = cutoff * TABLE_RES;
  for (let j = 0; j < outLen; j++) {
    const t = j * ratio;
    const lo = Math.max(0, Math.ceil(t - halfWidth));
    const hi = Math.min(n - 1, Math.floor(t + halfWidth));
    let acc = 0;
    for (let k = lo; k <= hi; k++) {
      const pos = Math.abs(t - k) * tableScale;
      const i = pos | 0;
      const f = pos - i;
      acc += samples[k] * (table[i] + f * (table[i + 1] - table[i]));
    }
    out[j] = acc * cutoff;
  }
  return out;
}
