import { describe, expect, it } from 'vitest';
import { FFT, frameSignal, makeWindow, numFrames, padSignal, powerSpectrogram, RealFFT, rfft, stft } from '../src/audio/index.js';

/** Deterministic test input (mulberry32) in [-1, 1). */
function noise(n: number, seed: number): Float64Array {
  let a = seed >>> 0;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    out[i] = (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1;
  }
  return out;
}

function naiveDft(re: ArrayLike<number>, im: ArrayLike<number>): { re: Float64Array; im: Float64Array } {
  const n = re.length;
  const oRe = new Float64Array(n);
  const oIm = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    for (let t = 0; t < n; t++) {
      const a = (-2 * Math.PI * k * t) / n;
      oRe[k] += re[t] * Math.cos(a) - im[t] * Math.sin(a);
      oIm[k] += re[t] * Math.sin(a) + im[t] * Math.cos(a);
    }
  }
  return { re: oRe, im: oIm };
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>, n = a.length): number {
  let m = 0;
  for (let i = 0; i < n; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe('FFT', () => {
  it.each([1, 2, 4, 8, 64, 512])('matches a naive DFT on random complex input (n=%i)', (n) => {
    const re = noise(n, n);
    const im = noise(n, n + 1);
    const ref = naiveDft(re, im);
    new FFT(n).transform(re, im);
    expect(maxAbsDiff(re, ref.re)).toBeLessThan(1e-9 * n);
    expect(maxAbsDiff(im, ref.im)).toBeLessThan(1e-9 * n);
  });

  it('inverse undoes forward', () => {
    const re = noise(256, 1);
    const im = noise(256, 2);
    const fft = new FFT(256);
    const r = Float64Array.from(re);
    const i = Float64Array.from(im);
    fft.transform(r, i);
    fft.transform(r, i, true);
    expect(maxAbsDiff(r, re)).toBeLessThan(1e-12);
    expect(maxAbsDiff(i, im)).toBeLessThan(1e-12);
  });

  it('satisfies Parseval: Σ|x|² = Σ|X|²/N', () => {
    const n = 1024;
    const re = noise(n, 7);
    const im = noise(n, 8);
    let timeEnergy = 0;
    for (let k = 0; k < n; k++) timeEnergy += re[k] ** 2 + im[k] ** 2;
    new FFT(n).transform(re, im);
    let freqEnergy = 0;
    for (let k = 0; k < n; k++) freqEnergy += re[k] ** 2 + im[k] ** 2;
    expect(freqEnergy / n).toBeCloseTo(timeEnergy, 9);
  });

  it('rejects sizes that are not powers of two', () => {
    expect(() => new FFT(400)).toThrow(/power of two/);
    expect(() => new RealFFT(0)).toThrow(/power of two/);
  });
});

describe('RealFFT', () => {
  it.each([2, 4, 16, 256])('matches a naive DFT on real input (n=%i)', (n) => {
    const x = noise(n, 100 + n);
    const ref = naiveDft(x, new Float64Array(n));
    const { re, im } = rfft(x);
    expect(re.length).toBe(n / 2 + 1);
    expect(maxAbsDiff(re, ref.re, n / 2 + 1)).toBeLessThan(1e-10 * n);
    expect(maxAbsDiff(im, ref.im, n / 2 + 1)).toBeLessThan(1e-10 * n);
  });

  it('puts a pure tone in its bin with amplitude N/2', () => {
    const n = 256;
    const k0 = 10;
    const x = Float64Array.from({ length: n }, (_, t) => Math.cos((2 * Math.PI * k0 * t) / n + 0.3));
    const { re, im } = rfft(x);
    const mag = Array.from(re, (r, k) => Math.hypot(r, im[k]));
    expect(mag.indexOf(Math.max(...mag))).toBe(k0);
    expect(mag[k0]).toBeCloseTo(n / 2, 9);
    mag.forEach((m, k) => k !== k0 && expect(m).toBeLessThan(1e-9));
  });

  it('satisfies Parseval over the one-sided spectrum', () => {
    const n = 512;
    const x = noise(n, 3);
    const { re, im } = rfft(x);
    let e = 0;
    for (let k = 0; k <= n / 2; k++) e += (k === 0 || k === n / 2 ? 1 : 2) * (re[k] ** 2 + im[k] ** 2);
    expect(e / n).toBeCloseTo(x.reduce((s, v) => s + v * v, 0), 9);
  });
});

describe('windows and framing', () => {
  it('builds periodic and symmetric windows', () => {
    expect(Array.from(makeWindow('hann', 4))).toEqual([0, 0.5, 1, 0.5].map((v) => expect.closeTo(v, 12)));
    expect(Array.from(makeWindow('hann', 5, false))).toEqual([0, 0.5, 1, 0.5, 0].map((v) => expect.closeTo(v, 12)));
    expect(makeWindow('hamming', 4)[0]).toBeCloseTo(0.08, 12);
    const povey = makeWindow('povey', 5);
    expect(povey[2]).toBeCloseTo(1, 12);
    expect(povey[1]).toBeCloseTo(Math.pow(0.5, 0.85), 12);
    expect(Array.from(makeWindow('rectangular', 3))).toEqual([1, 1, 1]);
  });

  it('reflect-pads like numpy and frames with centring', () => {
    expect(Array.from(padSignal(Float32Array.of(1, 2, 3, 4), 2))).toEqual([3, 2, 1, 2, 3, 4, 3, 2]);
    expect(Array.from(padSignal(Float32Array.of(1, 2), 3))).toEqual([2, 1, 2, 1, 2, 1, 2, 1]);
    expect(Array.from(padSignal(Float32Array.of(1, 2), 1, 'constant'))).toEqual([0, 1, 2, 0]);
    const { data, frames } = frameSignal(Float32Array.of(0, 1, 2, 3, 4, 5), { frameLength: 4, hopLength: 2 });
    expect(frames).toBe(4);
    // padded: [2 1 0 1 2 3 4 5 4 3]; frame t starts at t·hop
    expect(Array.from(data.subarray(0, 8))).toEqual([2, 1, 0, 1, 0, 1, 2, 3]);
    expect(numFrames(8000, 256, 80, true)).toBe(101);
    expect(numFrames(8000, 256, 80, false)).toBe(97);
    expect(numFrames(100, 256, 80, false)).toBe(0);
  });
});

describe('STFT', () => {
  it('power spectrum of a tone peaks at its bin in every frame', () => {
    const sr = 8000;
    const x = Float32Array.from({ length: sr }, (_, t) => Math.sin((2 * Math.PI * 1000 * t) / sr));
    const spec = powerSpectrogram(x, { nFft: 256, hopLength: 80, winLength: 200 });
    expect(spec.frames).toBe(101);
    expect(spec.bins).toBe(129);
    for (let t = 2; t < spec.frames - 2; t++) {
      const row = Array.from(spec.data.subarray(t * 129, (t + 1) * 129));
      expect(row.indexOf(Math.max(...row))).toBe(32); // 1000 Hz / (8000/256)
    }
  });

  it('complex STFT equals the windowed DFT of each frame', () => {
    const x = Float32Array.from(noise(300, 9));
    const s = stft(x, { nFft: 64, hopLength: 16, center: false, window: 'hamming' });
    const w = makeWindow('hamming', 64);
    const t = 5;
    const frame = Array.from({ length: 64 }, (_, i) => x[t * 16 + i] * w[i]);
    const ref = naiveDft(frame, new Float64Array(64));
    expect(maxAbsDiff(s.re.subarray(t * 33, t * 33 + 33), ref.re, 33)).toBeLessThan(1e-4);
    expect(maxAbsDiff(s.im.subarray(t * 33, t * 33 + 33), ref.im, 33)).toBeLessThan(1e-4);
  });
});
