import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { NUM_CLASSES } from '../src/alphabet.js';
import { defaultFrontEnd, ENVELOPE_TERMS, featuresFromSamples, normalizeLogMel, type InputNorm } from '../src/features.js';
import { loadModel, saveModel } from '../src/model-file.js';
import { DEFAULT_MODEL, SpeechModel } from '../src/model.js';
import { train } from '../src/train.js';
import { tempDir, toneFsddFolder, toneWord } from './helpers.js';

const tmp = tempDir();
afterAll(tmp.cleanup);
const sr = 8000;

/** A two-tone "word" with `before`/`after` seconds of faint noise around it. */
function padded(before: number, after: number): { samples: Float32Array; lead: number } {
  const w = toneWord(220, 0.3, sr);
  for (let i = 0; i < w.length; i++) w[i] += 0.5 * toneWord(1300, 0.3, sr)[i];
  const lead = Math.round(before * sr);
  const out = new Float32Array(lead + w.length + Math.round(after * sr));
  // The same noise under the word in both layouts (a hash of the position relative to the word).
  for (let i = 0; i < out.length; i++) out[i] = 1e-3 * ((Math.imul(i - lead + 100000, 2654435761) >>> 0) / 2 ** 32 - 0.5);
  for (let i = 0; i < w.length; i++) out[lead + i] += w[i];
  return { samples: out, lead };
}

/** The features of frames 10–20 of the word (hop 80 samples). */
function wordFrames(samples: Float32Array, lead: number, norm: InputNorm): Float32Array {
  const f = featuresFromSamples(samples, defaultFrontEnd(sr, norm));
  return f.data.subarray((Math.round(lead / 80) + 10) * f.dim, (Math.round(lead / 80) + 20) * f.dim);
}

/** Largest change of the word's features between a tightly cut clip and the same word amid long silence. */
function silenceShift(norm: InputNorm): number {
  const a = padded(0.05, 0.05);
  const b = padded(0.6, 0.9);
  const ma = wordFrames(a.samples, a.lead, norm);
  const mb = wordFrames(b.samples, b.lead, norm);
  let maxDiff = 0;
  for (let i = 0; i < ma.length; i++) maxDiff = Math.max(maxDiff, Math.abs(ma[i] - mb[i]));
  return maxDiff;
}

describe("--input-norm speech-mean", () => {
  it('a word\'s features do not change with the silence around it (its band means come from speech frames only)', () => {
    expect(silenceShift('speech-mean')).toBeLessThan(0.05);
    // Speech frames are centred per band: the loud bands are not all positive as with 'loudness'.
    const a = padded(0.05, 0.05);
    expect(Math.max(...wordFrames(a.samples, a.lead, 'speech-mean'))).toBeLessThan(Math.max(...wordFrames(a.samples, a.lead, 'loudness')));
  });

  it('is saved in the model file and checked at load', async () => {
    const fe = defaultFrontEnd(sr, 'speech-mean');
    const model = new SpeechModel({ ...DEFAULT_MODEL, inputDim: 40, numClasses: NUM_CLASSES, hiddenSize: 4, numLayers: 1, convChannels: 2 });
    const path = join(tmp.dir, 'm.safetensors');
    await saveModel(path, { model, features: fe.config, frontEnd: fe, lexicon: ['one'], training: {} });
    expect((await loadModel(path)).frontEnd.norm).toBe('speech-mean');
    const bad = join(tmp.dir, 'bad.safetensors');
    await saveModel(bad, { model, features: fe.config, frontEnd: { ...fe, norm: 'cepstral' as InputNorm }, lexicon: ['one'], training: {} });
    await expect(loadModel(bad)).rejects.toThrow(/bad\.safetensors: unknown input normalisation "cepstral" \(expected loudness, speech-mean, speech-envelope, config, raw\)/);
  });

  it('train writes it into the model, and --resume refuses another normalisation', async () => {
    const dir = toneFsddFolder(join(tmp.dir, 'fsdd'), ['alice', 'bob'], 6, sr);
    const out = join(tmp.dir, 'fsdd.safetensors');
    const runDir = join(tmp.dir, 'run');
    const opts = {
      data: dir, seed: 1, out, runDir, epochs: 1, batchSize: 4, lr: 3e-3, epochSize: 4, hidden: 4, layers: 1, convChannels: 2, convLayers: 2, frontEnd: 'conv2d' as const,
      dropout: 0, subsample: 2, holdOut: '5', valUtterances: 2, half: false, quiet: true, log: () => {}, inputNorm: 'speech-mean' as const,
    };
    await train(opts);
    expect((await loadModel(out)).frontEnd.norm).toBe('speech-mean');
    await expect(train({ ...opts, epochs: 2, resume: join(runDir, 'checkpoint.safetensors'), inputNorm: 'loudness' }))
      .rejects.toThrow(/trained with --input-norm speech-mean, not loudness/);
    // Without --input-norm an FSDD folder gets the recipe's default, speech-envelope.
    const plain = join(tmp.dir, 'plain.safetensors');
    await train({ ...opts, out: plain, runDir: join(tmp.dir, 'run2'), inputNorm: undefined });
    expect((await loadModel(plain)).frontEnd.norm).toBe('speech-envelope');
  });
});

describe('--input-norm speech-envelope', () => {
  const dim = 40;
  const frames = 30;
  /** Speech frames with a narrow peak at band 20 over a level, and quiet frames around them. */
  function logMel(envelope: (d: number) => number): Float32Array {
    const m = new Float32Array(frames * dim);
    for (let t = 0; t < frames; t++) {
      const speech = t >= 5 && t < 25;
      for (let d = 0; d < dim; d++) m[t * dim + d] = (speech ? -2 + (d === 20 ? 3 : 0) + 0.1 * Math.sin(t + d) : -9) + envelope(d);
    }
    return m;
  }
  const fe = defaultFrontEnd(sr, 'speech-envelope');
  const cosine = (k: number) => (d: number) => Math.cos((Math.PI * k * (d + 0.5)) / dim);

  it('removes any smooth spectral envelope (level and tilt) added to every frame, exactly', () => {
    const base = normalizeLogMel(logMel(() => 0), frames, dim, fe);
    const tilt = (d: number) => 1.5 + 0.8 * cosine(1)(d) - 0.5 * cosine(2)(d) + 0.3 * cosine(ENVELOPE_TERMS - 1)(d);
    const shifted = normalizeLogMel(logMel(tilt), frames, dim, fe);
    let maxDiff = 0;
    for (let i = 0; i < base.length; i++) maxDiff = Math.max(maxDiff, Math.abs(base[i] - shifted[i]));
    expect(maxDiff).toBeLessThan(1e-4);
    // A finer shape (the next cosine term) is the word's, not the speaker's: it stays.
    const finer = normalizeLogMel(logMel(cosine(ENVELOPE_TERMS)), frames, dim, fe);
    let moved = 0;
    for (let i = 0; i < base.length; i++) moved = Math.max(moved, Math.abs(base[i] - finer[i]));
    expect(moved).toBeGreaterThan(0.1);
  });

  it('keeps a narrow spectral peak that speech-mean would centre away', () => {
    const m = logMel(() => 0);
    const t = 15;
    const env = normalizeLogMel(m, frames, dim, fe);
    const mean = normalizeLogMel(m, frames, dim, defaultFrontEnd(sr, 'speech-mean'));
    // Peak height over its neighbours, in the normalised units.
    const peak = (f: Float32Array) => f[t * dim + 20] - (f[t * dim + 10] + f[t * dim + 30]) / 2;
    expect(peak(env)).toBeGreaterThan(0.5);
    expect(Math.abs(peak(mean))).toBeLessThan(0.1);
  });

  it('a word\'s features do not change with the silence around it', () => {
    expect(silenceShift('speech-envelope')).toBeLessThan(0.05);
  });
});
