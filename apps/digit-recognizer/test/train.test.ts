import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { getBackend, setBackend } from '@tensorkit/core';
import { imageInfo, readImage } from '@tensorkit/data';
import { decodeSafetensors } from '@tensorkit/nn';
import { train, type TrainOptions } from '../src/train.js';
import { loadModel } from '../src/model-file.js';
import { FIXTURE_DIR, tmpDir } from './helpers.js';

const tmp = tmpDir();
afterAll(() => tmp.cleanup());

function options(over: Partial<TrainOptions>): TrainOptions {
  return {
    data: FIXTURE_DIR, arch: 'cnn', epochs: 2, batchSize: 16, lr: 3e-3, seed: 1, out: join(tmp.dir, 'model.safetensors'), valSize: 20, valSeed: 0,
    patience: 5, checkpointEvery: 0, augment: true, weightDecay: 0.01, storeAs: 'auto', quiet: true, log: () => {}, ...over,
  };
}

describe('train', () => {
  it('learns the 100-digit fixture well above chance and writes the model, run folder and checkpoint', async () => {
    const out = join(tmp.dir, 'e2e', 'digits.safetensors');
    const lines: string[] = [];
    const r = await train(options({ out, epochs: 3, augment: false, lr: 5e-3, log: (l) => lines.push(l) }));
    // 80 training images, 20 held out: chance is 10%.
    expect(r.bestAccuracy).toBeGreaterThanOrEqual(0.5);
    expect(r.epochsRun).toBeGreaterThan(0);
    expect(lines.some((l) => /^epoch 1\/3 .*val acc/.test(l))).toBe(true);

    const loaded = await loadModel(out);
    expect(loaded.meta.arch).toBe('cnn');
    expect(loaded.meta.training!.valAccuracy).toBe(r.bestAccuracy);
    expect(loaded.meta.training!.seed).toBe(1);
    expect(['F16', 'F32']).toContain(loaded.meta.storedAs);

    // Run folder: one metrics line per epoch, and a curve image that is not blank.
    expect(r.runDir).toBe(join(tmp.dir, 'e2e', 'runs', 'digits'));
    const metrics = readFileSync(join(r.runDir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(metrics).toHaveLength(r.epochsRun);
    for (const [i, m] of metrics.entries()) {
      expect(m.epoch).toBe(i + 1);
      for (const k of ['loss', 'accuracy', 'val_loss', 'val_accuracy', 'lr', 'samples_per_sec']) expect(Number.isFinite(m[k])).toBe(true);
    }
    const png = readFileSync(join(r.runDir, 'curve.png'));
    expect(await imageInfo(png)).toMatchObject({ width: 960, height: 380, format: 'png' });
    const px = (await readImage(join(r.runDir, 'curve.png'), { dtype: 'uint8' })).data;
    expect(new Set(px).size).toBeGreaterThan(20);
    expect(existsSync(r.checkpoint)).toBe(true);
  });

  it('trains the MLP baseline too', async () => {
    const r = await train(options({ arch: 'mlp', out: join(tmp.dir, 'mlp', 'm.safetensors'), epochs: 4, augment: false }));
    expect(r.bestAccuracy).toBeGreaterThanOrEqual(0.4);
    expect((await loadModel(join(tmp.dir, 'mlp', 'm.safetensors'))).meta.arch).toBe('mlp');
  });

  it('resumes from a mid-epoch checkpoint to exactly the weights of an uninterrupted run', async () => {
    // The reference backend: the WebAssembly GEMM lets its threads claim slices of long
    // reductions dynamically, which adds last-bit noise between otherwise identical runs.
    const prev = getBackend().name;
    setBackend('js');
    try {
      await resumeMatchesUninterrupted();
    } finally {
      setBackend(prev);
    }
  });

  async function resumeMatchesUninterrupted(): Promise<void> {
    // 40 images: 32 to train in 2 steps of 16 per epoch, 8 to validate.
    const base = { data: FIXTURE_DIR, epochs: 2, limit: 40, valSize: 8, batchSize: 16, storeAs: 'F32' as const };
    const full = await train(options({ ...base, out: join(tmp.dir, 'full', 'm.safetensors') }));
    const dir = join(tmp.dir, 'split');
    const out = join(dir, 'm.safetensors');
    // Stop in the middle of the second epoch.
    const first = await train(options({ ...base, out, stopAfterSteps: 3 }));
    expect(first.interrupted).toBe(true);
    const before = readFileSync(join(first.runDir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const second = await train(options({ ...base, out, resume: first.checkpoint }));
    expect(second.interrupted).toBe(false);
    const a = decodeSafetensors(readFileSync(full.out));
    const b = decodeSafetensors(readFileSync(out));
    expect(Object.keys(b.tensors).sort()).toEqual(Object.keys(a.tensors).sort());
    for (const [name, t] of Object.entries(a.tensors)) expect(Array.from(b.tensors[name].toTypedArray()), name).toEqual(Array.from(t.toTypedArray()));
    const ma = readFileSync(join(full.runDir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const mb = readFileSync(join(second.runDir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(mb.map((m) => [m.epoch, m.loss, m.val_accuracy])).toEqual(ma.map((m) => [m.epoch, m.loss, m.val_accuracy]));
    // The epoch logged before the stop keeps its time stamp through the resume's rewrite.
    expect(before.length).toBe(1);
    expect(mb[0].time).toBe(before[0].time);
    for (const m of mb) expect(typeof m.time).toBe('string');
  }

  it('a resumed run continues its own model file and run folder: omitted --out/--run-dir came from the current folder and split the history', async () => {
    const dir = join(tmp.dir, 'own');
    const out = join(dir, 'm.safetensors');
    const base = { epochs: 2, limit: 40, valSize: 8, batchSize: 16 };
    // Stop in the middle of the second epoch: the checkpoint records one epoch.
    const first = await train(options({ ...base, out, stopAfterSteps: 3 }));
    expect(first.runDir).toBe(join(dir, 'runs', 'm'));
    // No out, run folder or data: all from the checkpoint.
    const second = await train(options({ ...base, out: undefined, data: undefined, resume: first.checkpoint }));
    expect(second.interrupted).toBe(false);
    expect(second.out).toBe(out);
    expect(second.runDir).toBe(first.runDir);
    expect(second.checkpoint).toBe(first.checkpoint);
    const metrics = readFileSync(join(first.runDir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(metrics.map((m) => m.epoch)).toEqual([1, 2]);
    expect((await loadModel(out)).meta.training!.epochs).toBe(2);

    // An explicit --out and --run-dir still win (the best weights so far come from the run's file).
    const third = await train(options({ ...base, out: join(dir, 'm3.safetensors'), stopAfterSteps: 3 }));
    const elsewhere = join(tmp.dir, 'elsewhere');
    const fourth = await train(options({ ...base, resume: third.checkpoint, out: join(elsewhere, 'n.safetensors'), runDir: join(elsewhere, 'run') }));
    expect(fourth.out).toBe(join(elsewhere, 'n.safetensors'));
    expect(fourth.runDir).toBe(join(elsewhere, 'run'));
    expect(fourth.checkpoint).toBe(join(elsewhere, 'run', 'checkpoint.safetensors'));
    expect(readFileSync(join(elsewhere, 'run', 'metrics.jsonl'), 'utf8').trim().split('\n')).toHaveLength(2);
    expect((await loadModel(join(elsewhere, 'n.safetensors'))).meta.training!.epochs).toBe(2);
    expect(readFileSync(join(third.runDir, 'metrics.jsonl'), 'utf8').trim().split('\n')).toHaveLength(1);
  });

  it('on resume, refuses an option the user gave that the checkpoint fixes with another value (it was silently ignored)', async () => {
    const dir = join(tmp.dir, 'fixed');
    const base = { epochs: 2, limit: 40, valSize: 8, batchSize: 16, lr: 3e-3, out: join(dir, 'm.safetensors') };
    const first = await train(options({ ...base, stopAfterSteps: 1 }));
    const resume = first.checkpoint;
    const q = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const refused = (flag: string, was: string, now: string) => new RegExp(`^--resume ${q(resume)}: the checkpoint was trained with ${q(was)}, not ${q(now)}; leave ${q(flag)} out to continue the run`);
    await expect(train(options({ ...base, resume, lr: 0.01 }))).rejects.toThrow(refused('--lr', '--lr 0.003', '0.01'));
    await expect(train(options({ ...base, resume, batchSize: 32 }))).rejects.toThrow(refused('--batch-size', '--batch-size 16', '32'));
    await expect(train(options({ ...base, resume, seed: 7 }))).rejects.toThrow(refused('--seed', '--seed 1', '7'));
    await expect(train(options({ ...base, resume, limit: 50 }))).rejects.toThrow(refused('--limit', '--limit 40', '50'));
    await expect(train(options({ ...base, resume, valSize: 10 }))).rejects.toThrow(refused('--val-size', '--val-size 8', '10'));
    await expect(train(options({ ...base, resume, arch: 'mlp' }))).rejects.toThrow(refused('--arch', '--arch cnn', 'mlp'));
    await expect(train(options({ ...base, resume, augment: false }))).rejects.toThrow(refused('--no-augment', 'augmentation', '--no-augment'));
    // Given with the checkpoint's own value, and --epochs, are fine.
    const r = await train(options({ ...base, resume, epochs: 3, seed: 1, lr: 3e-3 }));
    expect(r.epochsRun).toBe(3);
  });

  it('says how many images an epoch trains (the short last batch is dropped) and counts in the singular for one', async () => {
    const lines: string[] = [];
    // 80 training images in batches of 32: 2 batches, 64 images an epoch.
    await train(options({ epochs: 1, batchSize: 32, out: join(tmp.dir, 'words', 'm.safetensors'), log: (l) => lines.push(l) }));
    const head = lines.find((l) => l.startsWith('training '))!;
    expect(head).toMatch(/ on 80 images, 64 per epoch \(2 batches of 32; the 16 left over change with each epoch's shuffle\), validating on 20; 1 epoch; seed 1$/);
    const stop: string[] = [];
    await train(options({ epochs: 1, batchSize: 16, out: join(tmp.dir, 'words2', 'm.safetensors'), stopAfterSteps: 1, log: (l) => stop.push(l) }));
    expect(stop.find((l) => l.startsWith('training '))).toMatch(/ on 80 images, validating on 20; 1 epoch of 5 batches of 16; seed 1$/);
    expect(stop.some((l) => l.startsWith('stopped after 1 step;'))).toBe(true);
  });

  it('a validation split that leaves nothing to train on suggests a smaller --val-size', async () => {
    // --limit 2000 alone failed with "--val-size 5000 leaves no training images", suggesting nothing.
    await expect(train(options({ limit: 50, valSize: 5000, data: join(tmp.dir, 'not-read') })))
      .rejects.toThrow('--val-size 5000 leaves no training images (--limit 50 keeps at most 50); lower --val-size, e.g. --val-size 5 (a tenth)');
    await expect(train(options({ valSize: 100 }))).rejects.toThrow('--val-size 100 leaves no training images (the data has 100); lower --val-size, e.g. --val-size 10 (a tenth)');
    await expect(train(options({ limit: 500, valSize: 100 }))).rejects.toThrow('(the data has 100); lower --val-size');
  });

  it('stops when training diverges, naming both flags that can cause it, and writes no model', async () => {
    // The message named only --lr, though here the weight decay is what blew up.
    const out = join(tmp.dir, 'diverged', 'm.safetensors');
    await expect(train(options({ out, weightDecay: 1e308 }))).rejects.toThrow(/^training diverged at epoch 1, batch \d+ \(loss NaN\); try a smaller --lr \(0\.003\) or --weight-decay \(1e\+308\)$/);
    expect(existsSync(out)).toBe(false);
  });

  it('gives clear errors for bad options, a missing folder and a foreign checkpoint', async () => {
    await expect(train(options({ data: join(tmp.dir, 'missing') }))).rejects.toThrow(/--data .*missing: folder not found/);
    await expect(train(options({ valSize: 100 }))).rejects.toThrow(/--val-size 100 leaves no training images/);
    await expect(train(options({ epochs: 0 }))).rejects.toThrow(/--epochs must be a positive integer/);
    await expect(train(options({ resume: join(FIXTURE_DIR, 'train-labels-idx1-ubyte.gz') }))).rejects.toThrow(/--resume .*train-labels-idx1-ubyte\.gz/);
  });

  it('refuses a cnn run with one image per batch up front (batch norm failed at the first step, naming BatchNormReLU)', async () => {
    await expect(train(options({ batchSize: 1 }))).rejects.toThrow(/--batch-size 1: the cnn needs at least 2 images per batch/);
    await expect(train(options({ valSize: 99 }))).rejects.toThrow(/--val-size 99 leaves 1 training image .*the cnn needs at least 2/);
    // The MLP has no batch norm: one image per step is fine.
    const r = await train(options({ arch: 'mlp', batchSize: 1, valSize: 99, epochs: 1, out: join(tmp.dir, 'mlp1', 'm.safetensors') }));
    expect(r.epochsRun).toBe(1);
  });
});
