import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeWav, imageInfo } from '@tensorkit/data';
import { loadModel } from '../src/model-file.js';
import { train, type TrainOptions } from '../src/train.js';
import { CURVE_HEIGHT, CURVE_WIDTH } from '../src/plots.js';
import { tempDir, toneWord } from './helpers.js';

const tmp = tempDir();
afterAll(tmp.cleanup);

function options(extra: Partial<TrainOptions>): TrainOptions {
  return {
    data: '', seed: 3, out: '', batchSize: 4, lr: 3e-3, epochSize: 8, hidden: 8, layers: 1, convChannels: 8, convLayers: 2, frontEnd: 'conv2d', dropout: 0,
    subsample: 2, holdOut: '5-9', valUtterances: 4, half: false, quiet: true, log: () => {}, ...extra,
  };
}

describe('train on a manifest', () => {
  // Tone "words": "hi" is a 300 Hz burst, "lo" a 150 Hz one.
  const sr = 8000;
  const word = (f: number) => toneWord(f, 0.35, sr);
  const gap = new Float32Array(0.15 * sr);
  const concat = (...parts: Float32Array[]) => {
    const out = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
    let o = 0;
    for (const p of parts) { out.set(p, o); o += p.length; }
    return out;
  };
  const lines: string[] = [];
  for (let i = 0; i < 10; i++) {
    const a = i % 2 ? 300 : 150;
    writeFileSync(join(tmp.dir, `u${i}.wav`), encodeWav(concat(word(a), gap, word(450 - a)), sr));
    lines.push(JSON.stringify({ audio_filepath: `u${i}.wav`, text: a === 300 ? 'hi lo' : 'lo hi' }));
  }
  // 0.05 s of audio is 3 model frames: far too short for a 27-character transcript (28 frames with the "oo" repeat).
  writeFileSync(join(tmp.dir, 'short.wav'), encodeWav(word(300).subarray(0, 400), sr));
  lines.push(JSON.stringify({ audio_filepath: 'short.wav', text: 'this transcript is too long' }));
  const manifest = join(tmp.dir, 'train.jsonl');
  writeFileSync(manifest, lines.join('\n') + '\n');

  it('reports too-short utterances instead of producing NaN, writes the run folder, and resumes', async () => {
    const logs: string[] = [];
    const out = join(tmp.dir, 'm.safetensors');
    const runDir = join(tmp.dir, 'run');
    const r = await train(options({ data: manifest, out, runDir, epochs: 1, log: (s) => logs.push(s) }));
    expect(r.trainSet.tooShort).toHaveLength(1);
    expect(r.trainSet.tooShort[0].name).toMatch(/short\.wav \(line 11\)/);
    expect(logs.join('\n')).toMatch(/1 recording is too short for its transcript.*\n.*short\.wav \(line 11\): 3 model frames < 28 needed/);
    expect(Number.isFinite(r.epochs[0].loss)).toBe(true);
    expect(r.epochs[0].loss).toBeGreaterThan(0);
    // Run folder: metrics, curve, checkpoint; the model loads back with its metadata.
    const metrics = readFileSync(join(runDir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(metrics).toHaveLength(1);
    expect(metrics[0]).toMatchObject({ epoch: 1 });
    expect(typeof metrics[0].loss).toBe('number');
    expect(typeof metrics[0]['held-out_cer']).toBe('number');
    const curve = readFileSync(join(runDir, 'curve.png'));
    expect(await imageInfo(curve)).toMatchObject({ width: CURVE_WIDTH, height: CURVE_HEIGHT, format: 'png' });
    // The SVG beside it, as in the other apps' run folders.
    expect(readFileSync(join(runDir, 'curve.svg'), 'utf8')).toMatch(/^<svg[^>]* width="900" height="360"[\s\S]*Validation error/);
    const info = await loadModel(out);
    expect(info.lexicon).toEqual(['hi', 'lo']);
    expect(info.features.sampleRate).toBe(8000);
    const ckpt = join(runDir, 'checkpoint.safetensors');
    expect(existsSync(ckpt)).toBe(true);
    const r2 = await train(options({ data: manifest, out, runDir, epochs: 2, resume: ckpt }));
    expect(r2.epochs.map((e) => e.epoch)).toEqual([1, 2]);
    expect(readFileSync(join(runDir, 'metrics.jsonl'), 'utf8').trim().split('\n')).toHaveLength(2);
    // A finished run has nothing left to train: refused, rather than "saved" with no file written.
    const out3 = join(tmp.dir, 'm3.safetensors');
    await expect(train(options({ data: manifest, out: out3, runDir: join(tmp.dir, 'run3'), epochs: 2, resume: ckpt })))
      .rejects.toThrow(`--resume ${ckpt}: the checkpoint has already trained 2 epochs, so --epochs 2 leaves nothing to do; pass --epochs 3 or more to train further`);
    expect(existsSync(out3)).toBe(false);
  });

  it('keeps metrics.jsonl to one line per epoch: a new run replaces it, a resumed one drops what its checkpoint does not cover', async () => {
    const runDir = join(tmp.dir, 'run-metrics');
    const out = join(tmp.dir, 'metrics.safetensors');
    const epochsLogged = () => readFileSync(join(runDir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).epoch);
    await train(options({ data: manifest, out, runDir, epochs: 1 }));
    // As if the run had logged epoch 2 and been stopped before its checkpoint, mid-way through another line.
    const metrics = join(runDir, 'metrics.jsonl');
    writeFileSync(metrics, readFileSync(metrics, 'utf8') + JSON.stringify({ epoch: 2, loss: 9 }) + '\n{"epoch": 3, "lo');
    await train(options({ data: manifest, out, runDir, epochs: 2, resume: join(runDir, 'checkpoint.safetensors') }));
    expect(epochsLogged()).toEqual([1, 2]);
    expect(JSON.parse(readFileSync(metrics, 'utf8').trim().split('\n')[1]).loss).not.toBe(9);
    // Training again from scratch into the same folder starts the file again (it used to append).
    await train(options({ data: manifest, out, runDir, epochs: 1 }));
    expect(epochsLogged()).toEqual([1]);
  });

  it('says so when there is no validation set, and keeps the last epoch', async () => {
    const logs: string[] = [];
    const out = join(tmp.dir, 'noval.safetensors');
    const r = await train(options({ data: manifest, out, runDir: join(tmp.dir, 'run-noval'), epochs: 2, valRecordings: 0, log: (s) => logs.push(s) }));
    expect(logs).toContain('warning: no validation set (too few recordings to hold any back; --val-recordings sets how many): nothing scores the epochs, so each one is saved and the last is kept');
    expect(logs.filter((l) => l.includes('(latest epoch; no validation set)'))).toHaveLength(2);
    expect(logs.some((l) => l.includes('best so far'))).toBe(false);
    expect(r.best.epoch).toBe(2);
  });

  it('trains with constrained CTC where word positions are known (finite loss; recorded in the model) and refuses a negative slack', async () => {
    const out = join(tmp.dir, 'aligned.safetensors');
    const r = await train(options({ data: manifest, out, runDir: join(tmp.dir, 'run-aligned'), epochs: 1, alignSlack: 0.04 }));
    // The two-word recordings split at their pause, so their pieces and runs carry word positions.
    expect(r.trainSet.summary).toMatch(/8 training recordings.*; 8 split into word pieces/);
    expect(Number.isFinite(r.epochs[0].loss)).toBe(true);
    expect(r.epochs[0].loss).toBeGreaterThan(0);
    expect((await loadModel(out)).training).toMatchObject({ alignSlack: 0.04 });
    await expect(train(options({ data: manifest, out: join(tmp.dir, 'x.safetensors'), epochs: 1, alignSlack: -1 }))).rejects.toThrow('--align-slack must be a number of seconds >= 0, got -1');
    // Constrained for the first epoch only, then plain CTC: recorded with the model.
    const logs: string[] = [];
    const out2 = join(tmp.dir, 'aligned-first.safetensors');
    const r2 = await train(options({ data: manifest, out: out2, runDir: join(tmp.dir, 'run-aligned-first'), epochs: 2, alignSlack: 0.04, alignEpochs: 1, log: (l) => logs.push(l) }));
    expect(r2.epochs.every((e) => Number.isFinite(e.loss))).toBe(true);
    expect(logs.join('\n')).toContain('for epochs 1-1, then plain CTC');
    expect((await loadModel(out2)).training).toMatchObject({ alignSlack: 0.04, alignEpochs: 1 });
  });

  it('resumes with the checkpoint\'s constrained-CTC options when the flags are left off, and refuses contradicting ones', async () => {
    const runDir = join(tmp.dir, 'run-resume-aligned');
    const out = join(tmp.dir, 'resume-aligned.safetensors');
    await train(options({ data: manifest, out, runDir, epochs: 1, alignSlack: 0.1, alignEpochs: 2 }));
    const ckpt = join(runDir, 'checkpoint.safetensors');
    const logs: string[] = [];
    const r = await train(options({ data: manifest, out, runDir, epochs: 3, resume: ckpt, log: (l) => logs.push(l) }));
    expect(r.epochs.map((e) => e.epoch)).toEqual([1, 2, 3]);
    expect(logs.join('\n')).toContain('± 0.1 s (5 output frames) for epochs 1-2, then plain CTC');
    expect((await loadModel(out)).training).toMatchObject({ alignSlack: 0.1, alignEpochs: 2 });
    await expect(train(options({ data: manifest, out, runDir, epochs: 3, resume: ckpt, alignSlack: 0.04 }))).rejects.toThrow(`the checkpoint was trained with --align-slack 0.1, not 0.04`);
    // Without --align-epochs every epoch is constrained, also those a resume adds.
    const runDir2 = join(tmp.dir, 'run-resume-aligned-all');
    await train(options({ data: manifest, out, runDir: runDir2, epochs: 1, alignSlack: 0.1 }));
    const logs2: string[] = [];
    await train(options({ data: manifest, out, runDir: runDir2, epochs: 2, resume: join(runDir2, 'checkpoint.safetensors'), log: (l) => logs2.push(l) }));
    expect(logs2.join('\n')).toMatch(/± 0\.1 s \(5 output frames\)\n/);
  });

  it('notes when --resume continues a run on other --data', async () => {
    const runDir = join(tmp.dir, 'run-other-data');
    const out = join(tmp.dir, 'other-data.safetensors');
    await train(options({ data: manifest, out, runDir, epochs: 1 }));
    const other = join(tmp.dir, 'other.jsonl');
    writeFileSync(other, readFileSync(manifest));
    const logs: string[] = [];
    await train(options({ data: other, out, runDir, epochs: 2, resume: join(runDir, 'checkpoint.safetensors'), log: (l) => logs.push(l) }));
    expect(logs).toContain(`note: checkpoint was trained on --data ${manifest}; continuing on ${other}`);
    const same: string[] = [];
    await train(options({ data: other, out, runDir, epochs: 3, resume: join(runDir, 'checkpoint.safetensors'), log: (l) => same.push(l) }));
    expect(same.some((l) => l.includes('trained on --data'))).toBe(false);
  });

  it('records --noise wide in the model, keeps it on --resume and refuses a contradicting flag', async () => {
    const runDir = join(tmp.dir, 'run-noise');
    const out = join(tmp.dir, 'noise.safetensors');
    await train(options({ data: manifest, out, runDir, epochs: 1, noise: 'wide' }));
    expect((await loadModel(out)).training).toMatchObject({ noise: 'wide' });
    const ckpt = join(runDir, 'checkpoint.safetensors');
    await train(options({ data: manifest, out, runDir, epochs: 2, resume: ckpt }));
    expect((await loadModel(out)).training).toMatchObject({ noise: 'wide' });
    await expect(train(options({ data: manifest, out, runDir, epochs: 2, resume: ckpt, noise: 'default' }))).rejects.toThrow('the checkpoint was trained with --noise wide, not default');
    await expect(train(options({ data: manifest, out: join(tmp.dir, 'y.safetensors'), epochs: 1, noise: 'loud' as never }))).rejects.toThrow('--noise must be one of default, wide, got loud');
    // A run trained with the default profile is not continued with another one either.
    const runDir2 = join(tmp.dir, 'run-noise-default');
    await train(options({ data: manifest, out, runDir: runDir2, epochs: 1 }));
    await expect(train(options({ data: manifest, out, runDir: runDir2, epochs: 2, resume: join(runDir2, 'checkpoint.safetensors'), noise: 'wide' }))).rejects.toThrow('the checkpoint was trained with --noise default, not wide');
  });

  it('refuses a manifest whose transcripts are all empty instead of training a blank-only model', async () => {
    const empty = join(tmp.dir, 'empty-text.jsonl');
    writeFileSync(empty, ['u0.wav', 'u1.wav', 'u2.wav'].map((f) => JSON.stringify({ audio_filepath: f, text: ' ' })).join('\n') + '\n');
    const out = join(tmp.dir, 'empty-text.safetensors');
    await expect(train(options({ data: empty, out, runDir: join(tmp.dir, 'run-empty-text'), epochs: 1 })))
      .rejects.toThrow(`${empty}: every transcript is empty, so there are no words to learn`);
    expect(existsSync(out)).toBe(false);
  });

  it('refuses --tight-edges outside [0, 1] and for data that is not FSDD clips', async () => {
    const out = join(tmp.dir, 'tight.safetensors');
    await expect(train(options({ data: manifest, out, epochs: 1, tightEdges: 1.5 }))).rejects.toThrow('--tight-edges must be a probability between 0 and 1, got 1.5');
    await expect(train(options({ data: manifest, out, epochs: 1, tightEdges: 0.3 }))).rejects.toThrow(/--tight-edges works with FSDD-style training data only; .*train\.jsonl is a manifest dataset/);
    // Validation options of the other kind of data are refused, not ignored.
    await expect(train(options({ data: manifest, out, epochs: 1, valSpeaker: 'jackson' }))).rejects.toThrow(/--val-speaker works with FSDD-style training data only; .*train\.jsonl is a manifest dataset/);
    const fsdd = join(tmp.dir, 'fsdd-val');
    mkdirSync(fsdd);
    for (const f of ['0_ann_0.wav', '1_ann_0.wav']) writeFileSync(join(fsdd, f), encodeWav(word(300), sr));
    await expect(train(options({ data: fsdd, out, epochs: 1, valRecordings: 3 }))).rejects.toThrow(`--val-recordings works with yesno folders and manifests; ${fsdd} is an FSDD folder`);
    expect(existsSync(out)).toBe(false);
  });
});
