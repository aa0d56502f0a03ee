import { describe, expect, it } from 'vitest';
import {
  cmvn, createFeatureConfig, dctMatrix, extractFeatures, hzToMel, logMelSpectrogram, melFilterbank, melToHz, mfcc,
  powerSpectrogram,
} from '../src/audio/index.js';

describe('mel scales', () => {
  it('HTK: 2595·log10(1 + f/700)', () => {
    expect(hzToMel(0)).toBe(0);
    expect(hzToMel(1000, 'htk')).toBeCloseTo(999.99, 1);
    expect(hzToMel(700, 'htk')).toBeCloseTo(2595 * Math.log10(2), 9);
    expect(melToHz(hzToMel(4321, 'htk'), 'htk')).toBeCloseTo(4321, 8);
  });

  it('Slaney: linear below 1 kHz (200/3 Hz per mel), logarithmic above', () => {
    expect(hzToMel(1000, 'slaney')).toBeCloseTo(15, 12);
    expect(hzToMel(500, 'slaney')).toBeCloseTo(7.5, 12);
    expect(hzToMel(200 / 3, 'slaney')).toBeCloseTo(1, 12);
    // 6.4× the frequency is 27 mels higher above 1 kHz
    expect(hzToMel(6400, 'slaney')).toBeCloseTo(42, 10);
    expect(melToHz(hzToMel(3000, 'slaney'), 'slaney')).toBeCloseTo(3000, 8);
    expect(melToHz(10, 'slaney')).toBeCloseTo(666.6667, 3);
  });
});

describe('melFilterbank', () => {
  const base = { sampleRate: 16000, nFft: 4096, nMels: 24, fMin: 60, fMax: 7600 } as const;

  it('HTK/no-norm triangles peak at ≈1 and partition unity between the first and last centre', () => {
    const fb = melFilterbank({ ...base, melScale: 'htk', norm: 'none' });
    const bins = fb.bins;
    for (let m = 0; m < fb.nMels; m++) {
      const row = fb.weights.subarray(m * bins, (m + 1) * bins);
      const peak = Math.max(...row);
      expect(peak).toBeLessThanOrEqual(1);
      expect(peak).toBeGreaterThan(0.95);
      // The peak bin is the one nearest the filter centre.
      const centreBin = Math.round((fb.edgesHz[m + 1] * base.nFft) / base.sampleRate);
      expect(Math.abs(row.indexOf(peak) - centreBin)).toBeLessThanOrEqual(1);
    }
    for (let k = 0; k < bins; k++) {
      const f = (k * base.sampleRate) / base.nFft;
      let sum = 0;
      for (let m = 0; m < fb.nMels; m++) sum += fb.weights[m * bins + k];
      if (f >= fb.edgesHz[1] && f <= fb.edgesHz[fb.nMels]) expect(sum).toBeCloseTo(1, 5);
      if (f <= fb.edgesHz[0] || f >= fb.edgesHz[fb.nMels + 1]) expect(sum).toBe(0);
    }
  });

  it('places HTK band edges equally spaced in mel', () => {
    const fb = melFilterbank({ ...base, melScale: 'htk' });
    const step = (hzToMel(7600) - hzToMel(60)) / 25;
    fb.edgesHz.forEach((hz, i) => expect(hzToMel(hz)).toBeCloseTo(hzToMel(60) + i * step, 8));
  });

  it('Slaney norm scales each triangle by 2/(f[m+2] − f[m]), giving unit area', () => {
    const plain = melFilterbank({ ...base, melScale: 'slaney', norm: 'none' });
    const fb = melFilterbank({ ...base, melScale: 'slaney', norm: 'slaney' });
    const df = base.sampleRate / base.nFft;
    for (let m = 0; m < fb.nMels; m++) {
      const expected = 2 / (fb.edgesHz[m + 2] - fb.edgesHz[m]);
      let area = 0;
      for (let k = 0; k < fb.bins; k++) {
        const w = fb.weights[m * fb.bins + k];
        area += w * df;
        if (plain.weights[m * fb.bins + k] > 1e-3) expect(w / plain.weights[m * fb.bins + k]).toBeCloseTo(expected, 6);
      }
      expect(area).toBeCloseTo(1, 2);
    }
  });

  it('records the non-zero range of every filter', () => {
    const fb = melFilterbank({ sampleRate: 8000, nFft: 256, nMels: 40 });
    for (let m = 0; m < 40; m++) {
      for (let k = 0; k < fb.bins; k++) {
        const inside = k >= fb.start[m] && k < fb.end[m];
        if (!inside) expect(fb.weights[m * fb.bins + k]).toBe(0);
      }
    }
  });

  it('rejects impossible ranges', () => {
    expect(() => melFilterbank({ sampleRate: 8000, nFft: 256, nMels: 40, fMax: 5000 })).toThrow(/fMax/);
  });
});

describe('log-mel, MFCC and CMVN', () => {
  const sr = 8000;
  const tone = Float32Array.from({ length: sr }, (_, t) => 0.5 * Math.sin((2 * Math.PI * 1000 * t) / sr));

  it('logMelSpectrogram = log(mel · |STFT|² + floor) with frames × nMels layout', () => {
    const cfg = createFeatureConfig({ sampleRate: sr, nFft: 256, winLength: 200, hopLength: 80, nMels: 40 });
    const out = logMelSpectrogram(tone, cfg);
    expect(out.frames).toBe(101);
    expect(out.nMels).toBe(40);
    const spec = powerSpectrogram(tone, { nFft: 256, winLength: 200, hopLength: 80 });
    const fb = melFilterbank({ sampleRate: sr, nFft: 256, nMels: 40 });
    const t = 50;
    for (let m = 0; m < 40; m++) {
      let e = 0;
      for (let k = 0; k < fb.bins; k++) e += fb.weights[m * fb.bins + k] * spec.data[t * fb.bins + k];
      expect(out.data[t * 40 + m]).toBeCloseTo(Math.log(e + 1e-6), 3);
    }
    // The loudest channel is the one whose band contains 1 kHz.
    const row = Array.from(out.data.subarray(t * 40, t * 40 + 40));
    const m = row.indexOf(Math.max(...row));
    expect(fb.edgesHz[m]).toBeLessThan(1000);
    expect(fb.edgesHz[m + 2]).toBeGreaterThan(1000);
  });

  it('clamp mode floors silence at log(logFloor)', () => {
    const silent = new Float32Array(800);
    const out = logMelSpectrogram(silent, { sampleRate: sr, logMode: 'clamp', logFloor: 1e-10 });
    expect(out.data.every((v) => Math.abs(v - Math.log(1e-10)) < 1e-4)).toBe(true);
  });

  it('DCT-II is orthonormal', () => {
    const d = dctMatrix(13, 13);
    for (let i = 0; i < 13; i++) {
      for (let j = 0; j < 13; j++) {
        let dot = 0;
        for (let n = 0; n < 13; n++) dot += d[i * 13 + n] * d[j * 13 + n];
        expect(dot).toBeCloseTo(i === j ? 1 : 0, 10);
      }
    }
  });

  it('MFCC of a constant log-mel has only c0 = √N·c', () => {
    const frames = 3;
    const nMels = 40;
    const out = mfcc(new Float32Array(frames * nMels).fill(-2), frames, nMels, 13);
    for (let t = 0; t < frames; t++) {
      expect(out[t * 13]).toBeCloseTo(-2 * Math.sqrt(40), 4);
      for (let k = 1; k < 13; k++) expect(Math.abs(out[t * 13 + k])).toBeLessThan(1e-5);
    }
  });

  it('CMVN gives zero mean and unit variance per dimension', () => {
    const frames = 50;
    const dim = 3;
    const x = Float32Array.from({ length: frames * dim }, (_, i) => 10 * (i % dim) + Math.sin(i) * (1 + (i % dim)));
    const y = cmvn(x, frames, dim);
    for (let d = 0; d < dim; d++) {
      let m = 0;
      let v = 0;
      for (let t = 0; t < frames; t++) m += y[t * dim + d] / frames;
      for (let t = 0; t < frames; t++) v += (y[t * dim + d] - m) ** 2 / frames;
      expect(m).toBeCloseTo(0, 5);
      expect(v).toBeCloseTo(1, 4);
    }
    expect(Array.from(cmvn(new Float32Array(4).fill(3), 2, 2))).toEqual([0, 0, 0, 0]);
  });

  it('extractFeatures applies MFCC then CMVN as configured', () => {
    const f = extractFeatures(tone, { sampleRate: sr, nMfcc: 13, cmvn: 'utterance' });
    expect(f.dim).toBe(13);
    expect(f.frames).toBe(101);
    let m = 0;
    for (let t = 0; t < f.frames; t++) m += f.data[t * 13 + 2];
    expect(m / f.frames).toBeCloseTo(0, 4);
  });
});
