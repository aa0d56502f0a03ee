import { checkNumber, COUNT, describeValue, showValue } from '../options.js';

/** True for 1, 2, 4, 8, ... */
export function isPowerOfTwo(n: number): boolean {
  return Number.isInteger(n) && n > 0 && (n & (n - 1)) === 0;
}

function assertPowerOfTwo(n: number, what: string): void {
  if (!isPowerOfTwo(n) || n > 2 ** 30) {
    throw new Error(`${what}: size must be a power of two (got ${n}); pad the frame to the next power of two (e.g. nFft = 2^k ≥ winLength)`);
  }
}

/**
 * Throws unless `v` is a numeric typed array or an array of numbers (judged by its first element):
 * a string also has a length and indexes, and its characters read as NaN. Looks at the container
 * once per call, never at every sample.
 */
function checkSignal(fn: string, name: string, v: unknown): void {
  if (ArrayBuffer.isView(v) && !(v instanceof DataView) && !(v instanceof BigInt64Array) && !(v instanceof BigUint64Array)) return;
  if (Array.isArray(v) && (v.length === 0 || typeof v[0] === 'number')) return;
  const got = Array.isArray(v) ? `an array starting with ${showValue(v[0])}` : describeValue(v);
  throw new Error(`${fn}: ${name} must be a numeric array (Float32Array, Float64Array or an array of numbers), got ${got}`);
}

/** Throws unless `v` is a Float32Array or Float64Array: the FFT writes its result into it. */
function checkFloatBuffer(fn: string, name: string, v: unknown): void {
  if (!(v instanceof Float64Array || v instanceof Float32Array)) throw new Error(`${fn}: ${name} must be a Float64Array or Float32Array, got ${describeValue(v)}`);
}

/**
 * In-place iterative radix-2 complex FFT with precomputed twiddles and bit-reversal table;
 * one plan per size is reused across every frame of every clip.
 */
export class FFT {
  readonly size: number;
  private readonly cos: Float64Array;
  private readonly sin: Float64Array;
  private readonly rev: Uint32Array;

  constructor(size: number) {
    assertPowerOfTwo(size, 'FFT');
    this.size = size;
    const half = size >> 1;
    this.cos = new Float64Array(half);
    this.sin = new Float64Array(half);
    for (let k = 0; k < half; k++) {
      this.cos[k] = Math.cos((2 * Math.PI * k) / size);
      this.sin[k] = Math.sin((2 * Math.PI * k) / size);
    }
    this.rev = new Uint32Array(size);
    const bits = Math.log2(size);
    for (let i = 0; i < size; i++) {
      let r = 0;
      for (let b = 0, x = i; b < bits; b++, x >>= 1) r = (r << 1) | (x & 1);
      this.rev[i] = r;
    }
  }

  /** Forward DFT X[k] = Σ x[n]·e^{-2πikn/N}, in place; `inverse` computes Σ X[k]·e^{+2πikn/N} / N. */
  transform(re: Float64Array | Float32Array, im: Float64Array | Float32Array, inverse = false): void {
    const n = this.size;
    checkFloatBuffer('FFT', 're', re);
    checkFloatBuffer('FFT', 'im', im);
    if (re.length < n || im.length < n) throw new Error(`FFT: buffers shorter than size ${n}`);
    const rev = this.rev;
    for (let i = 0; i < n; i++) {
      const j = rev[i];
      if (j > i) {
        let t = re[i];
        re[i] = re[j];
        re[j] = t;
        t = im[i];
        im[i] = im[j];
        im[j] = t;
      }
    }
    // The first stage's twiddle is 1: plain sums and differences.
    for (let a = 0; a + 1 < n; a += 2) {
      const b = a + 1;
      const tr = re[b];
      const ti = im[b];
      re[b] = re[a] - tr;
      im[b] = im[a] - ti;
      re[a] += tr;
      im[a] += ti;
    }
    const cos = this.cos;
    const sin = this.sin;
    const sign = inverse ? -1 : 1;
    for (let len = 4; len <= n; len <<= 1) {
      const half = len >> 1;
      const step = n / len;
      for (let start = 0; start < n; start += len) {
        for (let j = 0, k = 0; j < half; j++, k += step) {
          const c = cos[k];
          const s = sign * sin[k];
          const a = start + j;
          const b = a + half;
          // w = e^{-2πik/N} = c - i·s
          const tr = re[b] * c + im[b] * s;
          const ti = im[b] * c - re[b] * s;
          re[b] = re[a] - tr;
          im[b] = im[a] - ti;
          re[a] += tr;
          im[a] += ti;
        }
      }
    }
    if (inverse) {
      for (let i = 0; i < n; i++) {
        re[i] /= n;
        im[i] /= n;
      }
    }
  }
}

/**
 * FFT of a real signal of even power-of-two length N via one complex FFT of length N/2
 * (even samples as real part, odd as imaginary), returning bins 0..N/2.
 */
export class RealFFT {
  readonly size: number;
  readonly bins: number;
  private readonly half: FFT;
  private readonly zr: Float64Array;
  private readonly zi: Float64Array;
  private readonly cos: Float64Array;
  private readonly sin: Float64Array;

  constructor(size: number) {
    assertPowerOfTwo(size, 'RealFFT');
    if (size < 2) throw new Error('RealFFT: size must be at least 2');
    this.size = size;
    const m = size >> 1;
    this.bins = m + 1;
    this.half = new FFT(m);
    this.zr = new Float64Array(m);
    this.zi = new Float64Array(m);
    this.cos = new Float64Array(m + 1);
    this.sin = new Float64Array(m + 1);
    for (let k = 0; k <= m; k++) {
      this.cos[k] = Math.cos((2 * Math.PI * k) / size);
      this.sin[k] = Math.sin((2 * Math.PI * k) / size);
    }
  }

  /** Writes Re/Im of bins 0..N/2 of `input[offset .. offset+N)` into outRe/outIm (length ≥ N/2+1). */
  forward(input: ArrayLike<number>, outRe: Float64Array | Float32Array, outIm: Float64Array | Float32Array, offset = 0): void {
    const m = this.size >> 1;
    checkSignal('RealFFT', 'input', input);
    checkFloatBuffer('RealFFT', 'outRe', outRe);
    checkFloatBuffer('RealFFT', 'outIm', outIm);
    checkNumber('RealFFT', 'offset', offset, COUNT);
    // A short input or output read undefined (NaN) or dropped the top bins without a word.
    if (input.length < offset + this.size) throw new Error(`RealFFT: input has ${input.length} values, need ${this.size} from offset ${offset}`);
    if (outRe.length < this.bins || outIm.length < this.bins) throw new Error(`RealFFT: outRe and outIm need ${this.bins} values (size/2 + 1), got ${outRe.length} and ${outIm.length}`);
    const zr = this.zr;
    const zi = this.zi;
    for (let k = 0; k < m; k++) {
      zr[k] = input[offset + 2 * k];
      zi[k] = input[offset + 2 * k + 1];
    }
    this.half.transform(zr, zi);
    const cos = this.cos;
    const sin = this.sin;
    for (let k = 0; k <= m; k++) {
      const a = k % m;
      const b = (m - k) % m;
      const ar = zr[a];
      const ai = zi[a];
      const br = zr[b];
      const bi = zi[b];
      // Even part E = (Z[k] + conj Z[M-k]) / 2, odd part O = (Z[k] - conj Z[M-k]) / 2i.
      const er = 0.5 * (ar + br);
      const ei = 0.5 * (ai - bi);
      const or = 0.5 * (ai + bi);
      const oi = -0.5 * (ar - br);
      const c = cos[k];
      const s = sin[k];
      outRe[k] = er + c * or + s * oi;
      outIm[k] = ei + c * oi - s * or;
    }
  }
}

/** Convenience: full complex spectrum (bins 0..N/2) of a real power-of-two-length signal. */
export function rfft(input: ArrayLike<number>): { re: Float64Array; im: Float64Array } {
  checkSignal('rfft', 'input', input);
  const plan = new RealFFT(input.length);
  const re = new Float64Array(plan.bins);
  const im = new Float64Array(plan.bins);
  plan.forward(input, re, im);
  return { re, im };
}
