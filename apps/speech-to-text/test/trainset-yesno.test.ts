import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Generator } from '@tensorkit/core';
import { encodeWav } from '@tensorkit/data';
import { openCorpus } from '../src/corpus.js';
import { defaultFrontEnd } from '../src/features.js';
import { buildTrainSet, type TrainSet } from '../src/trainset.js';
import { tempDir, toneWord } from './helpers.js';

const tmp = tempDir();
afterAll(tmp.cleanup);
const SR = 8000;

/** A yesno-like file: faint noise throughout, 0.4 s of it first, then one tone word per digit of the name. */
function yesnoFile(dir: string, name: string, rng: Generator): void {
  const bits = name.replace('.wav', '').split('_');
  const parts: Float32Array[] = [new Float32Array(0.4 * SR)];
  for (const b of bits) parts.push(toneWord(b === '1' ? 300 : 700, 0.3, SR), new Float32Array(0.3 * SR));
  const out = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  for (let i = 0; i < out.length; i++) out[i] += 0.002 * rng.normal();
  writeFileSync(join(dir, name), encodeWav(out, SR));
}

let trainSet: Promise<TrainSet> | undefined;
function yesnoTrainSet(): Promise<TrainSet> {
  trainSet ??= (async () => {
    const dir = join(tmp.dir, 'yesno');
    mkdirSync(dir);
    const rng = new Generator(5);
    const names = ['0_1_0_1', '0_0_1_1', '0_1_1_0', '0_0_0_1', '0_1_0_0', '0_1_1_1', '0_0_1_0', '0_1_0_1_1', '0_0_1_1_0', '0_1_1_0_1', '1_0_0_1', '1_1_0_0'];
    for (const n of names) yesnoFile(dir, `${n}.wav`, rng);
    return buildTrainSet(await openCorpus(dir), defaultFrontEnd(SR), { holdOut: { lo: 5, hi: 9 }, valUtterances: 1, valRecordings: 2 });
  })();
  return trainSet;
}

describe('yesno training set', () => {
  it('trains on 0_* only, cuts files into word pieces, and does not always start utterances with the files\' first word', async () => {
    const ts = await yesnoTrainSet();
    expect(ts.trainCount).toBe(8);
    expect(ts.summary).toContain('8 split into word pieces');
    const [heldOut, suffixes] = ts.validation;
    expect(heldOut.examples).toHaveLength(2);
    expect(suffixes.name).toBe('held-out-suffixes');
    // The opening background then the words from the 2nd (and 4th) on.
    for (const e of suffixes.examples) {
      const full = heldOut.examples.find((h) => e.name.startsWith(h.name.replace('.wav', '')))!;
      expect(full.text.endsWith(e.text)).toBe(true);
      expect(e.text.split(' ').length).toBeLessThan(full.text.split(' ').length);
    }
    const first = new Set<string>();
    const sampled: string[] = [];
    const gen = new Generator(1);
    for (let i = 0; i < 60; i++) {
      const e = ts.sample(gen);
      sampled.push(e.name);
      expect(e.name).not.toMatch(/(^|\+)1_/);
      expect(e.labels.length).toBe(e.text.length);
      first.add(e.text.split(' ')[0]);
    }
    expect([...first].sort()).toEqual(['no', 'yes']);
    // Runs of a file's words that start after its first word, some behind its opening background.
    expect(sampled.some((n) => /\.wav\[lead\+[1-9]\d*:\d+\]$/.test(n))).toBe(true);
    expect(sampled.some((n) => /\.wav\[[1-9]\d*:\d+\]$/.test(n))).toBe(true);
  });
});

describe('word positions of yesno training utterances (for constrained CTC)', () => {
  it('every sampled utterance knows where each word sounds, after speed perturbation and behind an opening background', async () => {
    const ts = await yesnoTrainSet();
    const gen = new Generator(2);
    const examples = Array.from({ length: 80 }, () => ts.sample(gen));
    /**
     * Mean loudest-band level inside the marked word frames minus outside them, with the marks
     * moved by `shift` frames. (The words are tones and the pauses faint noise; the mean over bands
     * would mostly measure the noise floor.)
     */
    const contrast = (shift: number) => {
      let inside = 0, nInside = 0, outside = 0, nOutside = 0;
      for (const e of examples) {
        const { frames, dim, data } = e.features;
        const inWord = new Uint8Array(frames);
        for (const [a, b] of e.wordFrames!) inWord.fill(1, Math.max(0, a + shift), Math.max(0, b + 1 + shift));
        for (let t = 0; t < frames; t++) {
          let peak = -Infinity;
          for (let d = 0; d < dim; d++) peak = Math.max(peak, data[t * dim + d]);
          if (inWord[t]) { inside += peak; nInside++; } else { outside += peak; nOutside++; }
        }
      }
      return inside / nInside - outside / nOutside;
    };
    for (const e of examples) {
      expect(e.wordFrames, e.name).toHaveLength(e.text.split(' ').length);
      let prevEnd = -1;
      for (const [a, b] of e.wordFrames!) {
        expect(a).toBeGreaterThanOrEqual(Math.max(0, prevEnd - 1));
        expect(b).toBeGreaterThan(a);
        expect(b).toBeLessThan(e.features.frames);
        prevEnd = b;
      }
    }
    const atMarks = contrast(0);
    expect(atMarks).toBeGreaterThan(0.5);
    // Marks moved by 120 ms (0.4 of a word; they carry up to 50 ms of margin) explain the loud frames worse.
    for (const shift of [-12, 12]) expect(contrast(shift)).toBeLessThan(atMarks - 0.15);
  });
});
