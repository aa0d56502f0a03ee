import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeWav } from '@tensorkit/data';
import { NUM_CLASSES } from '../src/alphabet.js';
import { defaultFrontEnd, featuresFromSamples, type InputNorm } from '../src/features.js';
import { loadModel, saveModel } from '../src/model-file.js';
import { DEFAULT_MODEL, SpeechModel } from '../src/model.js';
import { train } from '../src/train.js';
import { tempDir, toneWord } from './helpers.js';

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

describe("--input-norm speech-mean", () => {
  it('a word\'s features do not change with the silence around it (its band means come from speech frames only)', () => {
    const fe = defaultFrontEnd(sr, 'speech-mean');
    const a = padded(0.05, 0.05);
    const b = padded(0.6, 0.9);
    const fa = featuresFromSamples(a.samples, fe);
    const fb = featuresFromSamples(b.samples, fe);
    // Compare the frames in the middle of the word (hop 80 samples).
    const mid = (f: typeof fa, lead: number) => f.data.subarray((Math.round(lead / 80) + 10) * f.dim, (Math.round(lead / 80) + 20) * f.dim);
    const ma = mid(fa, a.lead);
    const mb = mid(fb, b.lead);
    let maxDiff = 0;
    for (let i = 0; i < ma.length; i++) maxDiff = Math.max(maxDiff, Math.abs(ma[i] - mb[i]));
    expect(maxDiff).toBeLessThan(0.05);
    // Speech frames are centred per band: the loud bands are not all positive as with 'loudness'.
    const level = mid(featuresFromSamples(a.samples, defaultFrontEnd(sr, 'loudness')), a.lead);
    expect(Math.max(...ma)).toBeLessThan(Math.max(...level));
  });

  it('is saved in the model file and checked at load', async () => {
    const fe = defaultFrontEnd(sr, 'speech-mean');
    const model = new SpeechModel({ ...DEFAULT_MODEL, inputDim: 40, numClasses: NUM_CLASSES, hiddenSize: 4, numLayers: 1, convChannels: 2 });
    const path = join(tmp.dir, 'm.safetensors');
    await saveModel(path, { model, features: fe.config, frontEnd: fe, lexicon: ['one'], training: {} });
    expect((await loadModel(path)).frontEnd.norm).toBe('speech-mean');
    const bad = join(tmp.dir, 'bad.safetensors');
    await saveModel(bad, { model, features: fe.config, frontEnd: { ...fe, norm: 'cepstral' as InputNorm }, lexicon: ['one'], training: {} });
    await expect(loadModel(bad)).rejects.toThrow(/bad\.safetensors: unknown input normalisation "cepstral" \(expected loudness, speech-mean, config\)/);
  });

  it('train writes it into the model, and --resume refuses another normalisation', async () => {
    const dir = join(tmp.dir, 'fsdd');
    mkdirSync(dir);
    for (const s of ['alice', 'bob']) for (let d = 0; d < 2; d++) for (let i = 0; i < 6; i++) writeFileSync(join(dir, `${d}_${s}_${i}.wav`), encodeWav(toneWord(150 + 100 * d, 0.25, sr), sr));
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
  });
});
