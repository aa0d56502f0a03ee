import { describe, expect, it } from 'vitest';
import { Generator, Tensor } from '@tensorkit/core';
import { Adam, clipGradNorm, ctcLoss } from '@tensorkit/nn';
import { encodeText, NUM_CLASSES } from '../src/alphabet.js';
import { padBatch } from '../src/batch.js';
import { decode } from '../src/decode.js';
import type { Features } from '../src/features.js';
import { SpeechModel } from '../src/model.js';
import { computeLogProbs } from '../src/recognizer.js';

/**
 * A tiny synthetic "speech" task: each letter of a 3-letter alphabet is a 3–5 frame burst in
 * its own feature channel (plus noise) followed by a one-frame transition marker; words are
 * separated by silence. The model must learn to spell the words from the features alone.
 */
const LETTERS = ['a', 'b', 'c'];
const DIM = 6;

function utterance(rng: Generator): { features: Features; text: string } {
  const nWords = rng.randint(1, 3);
  const words: string[] = [];
  for (let w = 0; w < nWords; w++) words.push(Array.from({ length: rng.randint(1, 3) }, () => LETTERS[rng.randint(0, 3)]).join(''));
  const rows: number[][] = [];
  const silence = (n: number) => { for (let i = 0; i < n; i++) rows.push(Array.from({ length: DIM }, () => 0.1 * rng.normal())); };
  silence(rng.randint(0, 3));
  words.forEach((word, w) => {
    for (const ch of word) {
      const k = LETTERS.indexOf(ch);
      for (let i = 0, n = rng.randint(3, 6); i < n; i++) rows.push(Array.from({ length: DIM }, (_, d) => (d === k ? 1 : 0) + 0.1 * rng.normal()));
      // A letter boundary: one frame in the "transition" channel (so "aa" is two letters).
      rows.push(Array.from({ length: DIM }, (_, d) => (d === 3 ? 1 : 0) + 0.1 * rng.normal()));
    }
    // Word gap: a longer silence, as between spoken words.
    silence(w < words.length - 1 ? rng.randint(5, 9) : rng.randint(0, 3));
  });
  return { features: { data: Float32Array.from(rows.flat()), frames: rows.length, dim: DIM }, text: words.join(' ') };
}

describe('CTC training on a tiny synthetic task', () => {
  it('converges to the right transcripts (greedy and beam)', () => {
    const rng = new Generator(11);
    const model = new SpeechModel(
      { type: 'SpeechCTC', inputDim: DIM, convChannels: 24, convLayers: 2, subsample: 1, hiddenSize: 24, numLayers: 1, numClasses: NUM_CLASSES, dropout: 0 },
      { generator: new Generator(5) },
    );
    const opt = new Adam(model.parameters(), { lr: 0.02 });
    let first = NaN;
    let last = NaN;
    for (let step = 0; step < 160; step++) {
      const batch = Array.from({ length: 12 }, () => utterance(rng));
      const { x, lengths } = padBatch(batch.map((b) => b.features));
      const out = model.forward(x, lengths);
      const labels = batch.map((b) => encodeText(b.text));
      const flat = Int32Array.from(labels.flatMap((l) => Array.from(l)));
      const loss = ctcLoss(out.logits.logSoftmax(-1), new Tensor(flat, [flat.length], 'int32'), out.lengths, labels.map((l) => l.length));
      loss.backward();
      clipGradNorm(model.parameters(), 5);
      opt.step();
      model.zeroGrad();
      if (step === 0) first = loss.item();
      last = loss.item();
    }
    expect(Number.isFinite(last)).toBe(true);
    expect(last).toBeLessThan(first / 10);
    const test = Array.from({ length: 20 }, () => utterance(new Generator(1000 + Math.floor(rng.uniform() * 1e6))));
    const lps = computeLogProbs(model, test.map((t) => t.features));
    const greedy = lps.map((lp) => decode(lp, { beam: 1 }).text);
    const beam = lps.map((lp) => decode(lp, { beam: 4 }).text);
    const correct = greedy.filter((h, i) => h === test[i].text).length;
    expect(correct).toBeGreaterThanOrEqual(18);
    expect(beam.filter((h, i) => h === test[i].text).length).toBeGreaterThanOrEqual(correct - 1);
  });
});
