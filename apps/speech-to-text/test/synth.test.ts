import { describe, expect, it } from 'vitest';
import { Generator } from '@tensorkit/core';
import { augmentFor, colouredNoise, connectedUtterance, DEFAULT_AUGMENT, type ConnectOptions } from '../src/synth.js';
import type { LoadedRecording } from '../src/corpus.js';

// One speaker, two clips of different lengths that are sound from their first to their last sample.
const clip = (text: string, n: number): LoadedRecording => ({ path: `${text}_a_0.wav`, text, speaker: 'a', samples: new Float32Array(n).fill(0.5), labels: new Int32Array() });
const speakers = [[clip('one', 800), clip('two', 1200)]];
const base: ConnectOptions = { sampleRate: 8000, pauseMin: 0.05, pauseMax: 0.2, edgeMax: 0.25 };

function edgesOf(opts: ConnectOptions, seed: number): { lead: number; trail: number; words: number } {
  const u = connectedUtterance(speakers, new Generator(seed), opts);
  const words = u.words!;
  return { lead: words[0].start, trail: u.samples.length - words[words.length - 1].end, words: words.length };
}

describe('connectedUtterance edges', () => {
  it('puts 0–edgeMax s of silence at each edge by default', () => {
    for (let seed = 0; seed < 50; seed++) {
      const { lead, trail } = edgesOf(base, seed);
      for (const e of [lead, trail]) {
        expect(e).toBeGreaterThanOrEqual(0);
        expect(e).toBeLessThanOrEqual(0.25 * 8000);
      }
    }
  });

  it('tightEdgeProb 1 starts the first word at sample 0 and ends the last at the last sample', () => {
    for (let seed = 0; seed < 20; seed++) expect(edgesOf({ ...base, tightEdgeProb: 1 }, seed)).toMatchObject({ lead: 0, trail: 0 });
  });

  it('tightEdgeProb p makes about a fraction p of the edges silence-free, drawn apart for each edge', () => {
    let tight = 0;
    let mixed = 0;
    const n = 400;
    for (let seed = 0; seed < n; seed++) {
      const { lead, trail } = edgesOf({ ...base, tightEdgeProb: 0.3 }, seed);
      tight += Number(lead === 0) + Number(trail === 0);
      if ((lead === 0) !== (trail === 0)) mixed++;
    }
    expect(tight / (2 * n)).toBeGreaterThan(0.24);
    expect(tight / (2 * n)).toBeLessThan(0.36);
    expect(mixed).toBeGreaterThan(n * 0.3);
  });

  it('tightEdgeProb 0 draws exactly the utterances of the default (same data stream)', () => {
    for (let seed = 0; seed < 10; seed++) {
      const a = connectedUtterance(speakers, new Generator(seed), base);
      const b = connectedUtterance(speakers, new Generator(seed), { ...base, tightEdgeProb: 0 });
      expect(b.samples).toEqual(a.samples);
      expect(b.text).toBe(a.text);
    }
  });
});

/** Power in the upper quarter of the spectrum over power in the lower quarter (two DFT bands). */
function highOverLow(x: Float32Array): number {
  const band = (lo: number, hi: number): number => {
    let p = 0;
    for (let k = lo; k < hi; k++) {
      let re = 0;
      let im = 0;
      for (let i = 0; i < x.length; i++) {
        re += x[i] * Math.cos((2 * Math.PI * k * i) / x.length);
        im -= x[i] * Math.sin((2 * Math.PI * k * i) / x.length);
      }
      p += re * re + im * im;
    }
    return p;
  };
  const n = x.length / 2;
  return band(Math.floor(0.75 * n), n) / band(1, Math.floor(0.25 * n));
}

describe('background noise colours', () => {
  // The generator before 'wide' existed: runs trained without --noise must see the same noise.
  function legacyNoise(n: number, rng: Generator): Float32Array {
    const a = rng.uniform() < 0.4 ? 0 : 0.5 + (0.97 - 0.5) * rng.uniform();
    const out = new Float32Array(n);
    let y = 0;
    for (let i = 0; i < n; i++) out[i] = y = a * y + rng.normal();
    return out;
  }

  it("'low' draws exactly the noise of the original generator", () => {
    for (let seed = 0; seed < 10; seed++) expect(colouredNoise(64, new Generator(seed), 'low')).toEqual(legacyNoise(64, new Generator(seed)));
  });

  it("'low' never rises towards Nyquist; 'wide' sometimes does (hiss), and otherwise draws white or rumble", () => {
    const ratios = (colours: 'low' | 'wide') => Array.from({ length: 40 }, (_, seed) => highOverLow(colouredNoise(256, new Generator(seed), colours)));
    const low = ratios('low');
    const wide = ratios('wide');
    expect(Math.max(...low)).toBeLessThan(2);
    const hiss = wide.filter((r) => r > 3).length;
    expect(hiss).toBeGreaterThan(5);
    expect(hiss).toBeLessThan(25);
    expect(wide.filter((r) => r < 0.5).length).toBeGreaterThan(5);
  });

  it("augmentFor('wide') adds noise more often and louder, with hiss; 'default' is the default", () => {
    expect(augmentFor('default')).toBe(DEFAULT_AUGMENT);
    expect(augmentFor('wide')).toMatchObject({ noiseProb: 0.5, snrMin: 5, snrMax: DEFAULT_AUGMENT.snrMax, noiseColours: 'wide' });
  });
});
