import { describe, expect, it } from 'vitest';
import {
  addNoise, applyGain, applySpecAugmentMasks, randomGain, randomNoise, randomSpeedPerturb, resampleByRatio, sampleSpecAugmentMasks, specAugment, speedPerturb,
  type RandomSource,
} from '../src/audio/index.js';

/** Small seeded RandomSource for tests (mulberry32 + Box–Muller); any Generator works the same way. */
function seeded(seed: number): RandomSource {
  let a = seed >>> 0;
  const uniform = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { uniform, normal: () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform()) };
}

/** Frequency of the strongest sinusoid, by scanning the DTFT on a 1 Hz grid around a guess. */
function dominantFrequency(x: Float32Array, sr: number, lo: number, hi: number): number {
  let best = lo;
  let bestMag = -1;
  for (let f = lo; f <= hi; f += 1) {
    let re = 0;
    let im = 0;
    for (let n = 0; n < x.length; n++) {
      const a = (2 * Math.PI * f * n) / sr;
      re += x[n] * Math.cos(a);
      im -= x[n] * Math.sin(a);
    }
    const mag = re * re + im * im;
    if (mag > bestMag) {
      bestMag = mag;
      best = f;
    }
  }
  return best;
}

function power(x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] * x[i];
  return s / x.length;
}

describe('SpecAugment', () => {
  const frames = 100;
  const nMels = 40;
  const spec = Float32Array.from({ length: frames * nMels }, (_, i) => 1 + (i % 7));

  it('is reproducible with the same seed and varies with the seed', () => {
    const a = specAugment(spec, frames, nMels, seeded(1));
    const b = specAugment(spec, frames, nMels, seeded(1));
    const c = specAugment(spec, frames, nMels, seeded(2));
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
    expect(spec[0]).toBe(1); // input untouched
  });

  it('keeps masks within bounds and masks exactly their span', () => {
    for (let seed = 0; seed < 50; seed++) {
      const opts = { freqMasks: 2, maxFreqWidth: 8, timeMasks: 3, maxTimeWidth: 30, maxTimeFraction: 0.2 };
      const masks = sampleSpecAugmentMasks(frames, nMels, seeded(seed), opts);
      expect(masks.freq).toHaveLength(2);
      expect(masks.time).toHaveLength(3);
      for (const m of masks.freq) {
        expect(m.width).toBeGreaterThanOrEqual(0);
        expect(m.width).toBeLessThanOrEqual(8);
        expect(m.start + m.width).toBeLessThanOrEqual(nMels);
      }
      for (const m of masks.time) {
        expect(m.width).toBeLessThanOrEqual(20); // p·frames = 20 < 30
        expect(m.start + m.width).toBeLessThanOrEqual(frames);
      }
      const out = specAugment(spec, frames, nMels, seeded(seed), { ...opts, maskValue: -5 });
      const expected = Array.from(spec, (v, i) => {
        const t = Math.floor(i / nMels);
        const f = i % nMels;
        const masked = masks.freq.some((m) => f >= m.start && f < m.start + m.width) || masks.time.some((m) => t >= m.start && t < m.start + m.width);
        return masked ? -5 : v;
      });
      expect(Array.from(out)).toEqual(expected);
    }
  });

  it('refuses masks that do not fit the spectrogram they are applied to', () => {
    // A frequency mask [3, 6) over 4 mel bins used to blank bins 0 and 1 of the next frame too.
    const small = new Float32Array(3 * 4).fill(1);
    expect(() => applySpecAugmentMasks(small, 3, 4, { freq: [{ start: 3, width: 3 }], time: [] })).toThrow(
      "specAugment: frequency mask [3, 6) does not fit in 4 mel bins; draw the masks for this spectrogram's size",
    );
    expect(() => applySpecAugmentMasks(small, 3, 4, { freq: [], time: [{ start: 2, width: 2 }] })).toThrow('specAugment: time mask [2, 4) does not fit in 3 frames');
    expect(() => applySpecAugmentMasks(small, 3, 4, { freq: [{ start: -1, width: 1 }], time: [] })).toThrow('frequency mask [-1, 0) does not fit');
    expect(Array.from(small)).toEqual(new Array(12).fill(1));
    expect(Array.from(applySpecAugmentMasks(small, 3, 4, { freq: [{ start: 3, width: 1 }], time: [{ start: 2, width: 1 }] }))).toEqual([1, 1, 1, 0, 1, 1, 1, 0, 0, 0, 0, 0]);
  });

  it('can fill with the mean', () => {
    const out = specAugment(spec, frames, nMels, seeded(3), { freqMasks: 1, maxFreqWidth: 40, timeMasks: 0, maskValue: 'mean' });
    const mean = spec.reduce((s, v) => s + v, 0) / spec.length;
    expect(out.some((v) => Math.abs(v - mean) < 1e-6)).toBe(true);
  });
});

describe('speed perturbation', () => {
  const sr = 8000;
  const tone = Float32Array.from({ length: sr }, (_, t) => 0.5 * Math.sin((2 * Math.PI * 500 * t) / sr));

  it('factor 1.1 shortens by 1/1.1 and raises the pitch by 1.1', () => {
    const fast = speedPerturb(tone, 1.1);
    expect(fast.length).toBe(Math.round(sr / 1.1));
    expect(dominantFrequency(fast, sr, 500, 600)).toBe(550);
    // Away from the edges the amplitude is preserved.
    expect(Math.sqrt(2 * power(fast.subarray(200, fast.length - 200)))).toBeCloseTo(0.5, 2);
  });

  it('factor 0.9 lengthens and lowers the pitch', () => {
    const slow = speedPerturb(tone, 0.9);
    expect(slow.length).toBe(Math.round(sr / 0.9));
    expect(dominantFrequency(slow, sr, 400, 500)).toBe(450);
  });

  it('suppresses content that would alias when speeding up', () => {
    const high = Float32Array.from({ length: sr }, (_, t) => Math.sin((2 * Math.PI * 3900 * t) / sr));
    const fast = speedPerturb(high, 1.5);
    expect(power(fast.subarray(100, fast.length - 100))).toBeLessThan(1e-3);
  });

  it('picks the factor with the generator', () => {
    const a = randomSpeedPerturb(tone, seeded(5));
    const b = randomSpeedPerturb(tone, seeded(5));
    expect(a.factor).toBe(b.factor);
    expect([0.9, 1.0, 1.1]).toContain(a.factor);
    const seen = new Set(Array.from({ length: 30 }, (_, s) => randomSpeedPerturb(tone.subarray(0, 100), seeded(s)).factor));
    expect(seen.size).toBe(3);
  });

  it('names resampleByRatio (and speedPerturb) in their errors', () => {
    expect(() => resampleByRatio(tone, 0)).toThrow('resampleByRatio: ratio must be a positive number, got 0');
    expect(() => resampleByRatio(tone, Infinity)).toThrow('resampleByRatio: ratio must be a positive number, got Infinity');
    expect(() => speedPerturb(tone, -1)).toThrow('speedPerturb: factor must be a positive number, got -1');
  });
});

describe('gain and noise', () => {
  const sr = 8000;
  const tone = Float32Array.from({ length: sr }, (_, t) => 0.3 * Math.sin((2 * Math.PI * 440 * t) / sr));

  it('applies gain in dB', () => {
    expect(applyGain(Float32Array.of(0.25), 6.0205999)[0]).toBeCloseTo(0.5, 6);
    const g = randomGain(tone, seeded(1), -3, 3);
    expect(g.db).toBeGreaterThanOrEqual(-3);
    expect(g.db).toBeLessThan(3);
    expect(power(g.samples) / power(tone)).toBeCloseTo(Math.pow(10, g.db / 10), 4);
  });

  it.each([0, 10, 20, -5])('white noise lands at %i dB SNR within 0.1 dB', (snr) => {
    const noisy = addNoise(tone, snr, seeded(snr + 100));
    const added = noisy.map((v, i) => v - tone[i]);
    expect(Math.abs(10 * Math.log10(power(tone) / power(added)) - snr)).toBeLessThan(0.1);
  });

  it('mixes a given noise clip at the target SNR, deterministically', () => {
    const babble = Float32Array.from({ length: 3000 }, (_, t) => Math.sin(t * 0.37) + 0.5 * Math.sin(t * 1.91));
    const a = randomNoise(tone, seeded(9), 5, 15, { noise: babble });
    const b = randomNoise(tone, seeded(9), 5, 15, { noise: babble });
    expect(Array.from(a.samples)).toEqual(Array.from(b.samples));
    const added = a.samples.map((v, i) => v - tone[i]);
    expect(Math.abs(10 * Math.log10(power(tone) / power(added)) - a.snrDb)).toBeLessThan(0.1);
    expect(Array.from(addNoise(new Float32Array(5), 10, seeded(1)))).toEqual([0, 0, 0, 0, 0]);
  });
});
