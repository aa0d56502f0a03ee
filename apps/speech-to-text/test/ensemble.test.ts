import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Generator } from '@tensorkit/core';
import { loadSafetensors, saveSafetensors } from '@tensorkit/nn';
import { NUM_CLASSES } from '../src/alphabet.js';
import { makeEnsemble } from '../src/ensemble.js';
import { defaultFrontEnd, featuresFromSamples, type InputNorm } from '../src/features.js';
import { loadModel, saveModel } from '../src/model-file.js';
import { DEFAULT_MODEL, SpeechModel, type SpeechModelConfig } from '../src/model.js';
import { computeLogProbs, Recognizer } from '../src/recognizer.js';
import { tempDir, toneWord } from './helpers.js';

const tmp = tempDir();
afterAll(tmp.cleanup);
const fe = defaultFrontEnd(8000, 'loudness');
const CONFIG = { ...DEFAULT_MODEL, inputDim: 40, numClasses: NUM_CLASSES, hiddenSize: 4, numLayers: 1, convChannels: 2 };

async function saved(name: string, seed: number, lexicon = ['one', 'two'], norm: InputNorm = 'loudness', config: Partial<SpeechModelConfig> = {}): Promise<string> {
  const path = join(tmp.dir, name);
  const model = new SpeechModel({ ...CONFIG, ...config }, { generator: new Generator(seed) });
  await saveModel(path, { model, features: fe.config, frontEnd: { ...fe, norm }, lexicon, training: { seed } });
  return path;
}

const inputs = [featuresFromSamples(toneWord(200, 0.4, 8000), fe), featuresFromSamples(toneWord(700, 0.7, 8000), fe)];

describe('speech model ensembles', () => {
  it('average their members’ per-frame probabilities, and survive a save/load round trip', async () => {
    const [a, b] = [await saved('a.safetensors', 1), await saved('b.safetensors', 2)];
    const out = join(tmp.dir, 'ab.safetensors');
    await saveModel(out, await makeEnsemble([a, b]));
    const ens = await loadModel(out);
    expect(ens.members).toHaveLength(2);
    expect((ens.training.ensemble as { seed: number }[]).map((m) => m.seed)).toEqual([1, 2]);
    const [la, lb] = [computeLogProbs((await loadModel(a)).model, inputs), computeLogProbs((await loadModel(b)).model, inputs)];
    const got = new Recognizer(ens, { beam: 1 }).recognize(inputs);
    got.forEach((r, i) => {
      expect(r.lp.T).toBe(la[i].T);
      for (let k = 0; k < r.lp.data.length; k++) {
        expect(r.lp.data[k]).toBeCloseTo(Math.log((Math.exp(la[i].data[k]) + Math.exp(lb[i].data[k])) / 2), 9);
      }
    });
    // Different seeds: the average is not just one of the members.
    expect(Math.max(...Array.from(got[0].lp.data, (v, k) => Math.abs(v - la[0].data[k])))).toBeGreaterThan(1e-6);
  });

  it('of two copies of one model decode exactly like the model', async () => {
    const a = await saved('c.safetensors', 3);
    const out = join(tmp.dir, 'cc.safetensors');
    await saveModel(out, await makeEnsemble([a, a]));
    const single = new Recognizer(await loadModel(a)).recognize(inputs);
    const twice = new Recognizer(await loadModel(out)).recognize(inputs);
    twice.forEach((r, i) => {
      expect(r.text).toBe(single[i].text);
      for (let k = 0; k < r.lp.data.length; k++) expect(r.lp.data[k]).toBeCloseTo(single[i].lp.data[k], 9);
    });
  });

  it('of members with different architectures average them, and list each member’s config', async () => {
    const [a, b] = [await saved('aa.safetensors', 12), await saved('ab.safetensors', 13, ['one', 'two'], 'loudness', { frontEnd: 'conv2d-pool', numLayers: 2 })];
    const out = join(tmp.dir, 'aab.safetensors');
    await saveModel(out, await makeEnsemble([a, b]));
    const ens = await loadModel(out);
    expect(ens.members?.map((m) => [m.config.frontEnd, m.config.numLayers])).toEqual([['conv2d', 1], ['conv2d-pool', 2]]);
    const [la, lb] = [computeLogProbs((await loadModel(a)).model, inputs), computeLogProbs((await loadModel(b)).model, inputs)];
    new Recognizer(ens, { beam: 1 }).recognize(inputs).forEach((r, i) => {
      for (let k = 0; k < r.lp.data.length; k++) {
        expect(r.lp.data[k]).toBeCloseTo(Math.log((Math.exp(la[i].data[k]) + Math.exp(lb[i].data[k])) / 2), 9);
      }
    });
    // Members of one architecture keep the single model_config (files as shipped before).
    expect((await loadSafetensors(join(tmp.dir, 'aab.safetensors'))).metadata.member_configs).toBeDefined();
    const same = join(tmp.dir, 'aa2.safetensors');
    await saveModel(same, await makeEnsemble([a, a]));
    expect((await loadSafetensors(same)).metadata.member_configs).toBeUndefined();
    // Frames that would not line up are refused, when combining and at load.
    const sub3 = await saved('sub3.safetensors', 14, ['one', 'two'], 'loudness', { subsample: 3 });
    await expect(makeEnsemble([a, sub3])).rejects.toThrow(/sub3\.safetensors: its input size, classes and subsampling differs from .*aa\.safetensors's \(\{"inputDim":40,"numClasses":29,"subsample":3\} vs/);
    const { tensors, metadata } = await loadSafetensors(out);
    const configs = JSON.parse(metadata.member_configs) as SpeechModelConfig[];
    const tampered = join(tmp.dir, 'tampered.safetensors');
    await saveSafetensors(tampered, tensors, { metadata: { ...metadata, member_configs: JSON.stringify([configs[0], { ...configs[1], subsample: 3 }]) } });
    await expect(loadModel(tampered)).rejects.toThrow(/tampered\.safetensors: metadata 'member_configs': member 1's subsample 3 differs from 'model_config''s 2/);
    const short = join(tmp.dir, 'short-configs.safetensors');
    await saveSafetensors(short, tensors, { metadata: { ...metadata, member_configs: JSON.stringify([configs[0]]) } });
    await expect(loadModel(short)).rejects.toThrow(/short-configs\.safetensors: metadata 'member_configs' must list a model config for each of the 2 members/);
  });

  it('refuse members that differ in more than their weights, and fewer than two files', async () => {
    const a = await saved('d.safetensors', 4);
    const other = await saved('e.safetensors', 5, ['yes', 'no']);
    await expect(makeEnsemble([a, other])).rejects.toThrow(/e\.safetensors: its word list differs from .*d\.safetensors's/);
    await expect(makeEnsemble([a])).rejects.toThrow('an ensemble needs at least two model files, got 1');
    const ens = join(tmp.dir, 'dd.safetensors');
    await saveModel(ens, await makeEnsemble([a, a]));
    await expect(makeEnsemble([ens, a])).rejects.toThrow(/dd\.safetensors: is an ensemble already/);
  });

  // Three members, one per normalisation, as the shipped digits model is built.
  it('of members with different input normalisations feed each member its own normalisation of the raw log-mel', async () => {
    const [a, b, c] = [
      await saved('na.safetensors', 8, ['one', 'two'], 'loudness'),
      await saved('nb.safetensors', 9, ['one', 'two'], 'speech-envelope'),
      await saved('nm.safetensors', 11, ['one', 'two'], 'speech-mean'),
    ];
    const out = join(tmp.dir, 'nabm.safetensors');
    await saveModel(out, await makeEnsemble([a, b, c]));
    const ens = await loadModel(out);
    expect(ens.frontEnd.norm).toBe('raw');
    expect(ens.memberNorms).toEqual(['loudness', 'speech-envelope', 'speech-mean']);
    const waves = [toneWord(200, 0.4, 8000), toneWord(700, 0.7, 8000)];
    // Each member alone, on features computed with its own front end, exactly as it was trained.
    const own = async (path: string) => {
      const m = await loadModel(path);
      return computeLogProbs(m.model, waves.map((w) => featuresFromSamples(w, m.frontEnd)));
    };
    const [la, lb, lc] = [await own(a), await own(b), await own(c)];
    const got = new Recognizer(ens, { beam: 1 }).recognize(waves.map((w) => featuresFromSamples(w, ens.frontEnd)));
    got.forEach((r, i) => {
      for (let k = 0; k < r.lp.data.length; k++) {
        expect(r.lp.data[k]).toBeCloseTo(Math.log((Math.exp(la[i].data[k]) + Math.exp(lb[i].data[k]) + Math.exp(lc[i].data[k])) / 3), 6);
      }
    });
    // Members that cannot be renormalised from the raw log-mel are not mixed.
    const cfg = await saved('nc.safetensors', 10, ['one', 'two'], 'config');
    await expect(makeEnsemble([a, cfg])).rejects.toThrow(/nc\.safetensors: its input normalisation 'config' cannot be mixed with others/);
    // Broken per-member normalisations are refused at load.
    const { tensors, metadata } = await loadSafetensors(out);
    const short = join(tmp.dir, 'short.safetensors');
    await saveSafetensors(short, tensors, { metadata: { ...metadata, member_norms: '["loudness"]' } });
    await expect(loadModel(short)).rejects.toThrow(/short\.safetensors: metadata 'member_norms' must list one of loudness, speech-mean, speech-envelope for each of the 3 members/);
    const notRaw = join(tmp.dir, 'notraw.safetensors');
    await saveSafetensors(notRaw, tensors, { metadata: { ...metadata, input_norm: 'loudness' } });
    await expect(loadModel(notRaw)).rejects.toThrow(/notraw\.safetensors: an ensemble with per-member normalisations needs input_norm "raw"/);
  });

  it('a model file whose model_config cannot build a model is refused naming the file and the field', async () => {
    const { tensors, metadata } = await loadSafetensors(await saved('cfg.safetensors', 8));
    const withConfig = async (name: string, change: Record<string, unknown>) => {
      const path = join(tmp.dir, name);
      await saveSafetensors(path, tensors, { metadata: { ...metadata, model_config: JSON.stringify({ ...JSON.parse(metadata.model_config), ...change }) } });
      return loadModel(path);
    };
    await expect(withConfig('neg.safetensors', { hiddenSize: -3 })).rejects.toThrow(/neg\.safetensors: metadata field 'model_config' does not describe a model this build can make: GRU: hiddenSize must be a positive integer, got -3/);
    await expect(withConfig('typo.safetensors', { hiddenSise: 4 })).rejects.toThrow(/typo\.safetensors: metadata field 'model_config' .*SpeechCTC: unknown config key 'hiddenSise' \(did you mean 'hiddenSize'\?\)/);
    await expect(withConfig('fe.safetensors', { frontEnd: 'conv3d' })).rejects.toThrow(/fe\.safetensors: .*SpeechCTC: frontEnd must be 'conv1d', 'conv2d', 'conv2d-pool', got "conv3d"/);
  });

  it('with a broken member count or stray tensors are refused at load', async () => {
    const ens = join(tmp.dir, 'ff.safetensors');
    await saveModel(ens, await makeEnsemble([await saved('f.safetensors', 6), await saved('g.safetensors', 7)]));
    const { tensors, metadata } = await loadSafetensors(ens);
    const one = join(tmp.dir, 'one.safetensors');
    await saveSafetensors(one, tensors, { metadata: { ...metadata, ensemble: '1' } });
    await expect(loadModel(one)).rejects.toThrow(/one\.safetensors: metadata 'ensemble' must be a member count from 2 to 16, got "1"/);
    const stray = join(tmp.dir, 'stray.safetensors');
    await saveSafetensors(stray, { ...tensors, 'member2.head.weight': tensors['member0.head.weight'] ?? Object.values(tensors)[0] }, { metadata });
    await expect(loadModel(stray)).rejects.toThrow(/stray\.safetensors: tensor 'member2\.[^']+' belongs to no member of this 2-model ensemble/);
  });
});
