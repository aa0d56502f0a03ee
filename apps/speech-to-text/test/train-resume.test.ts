/**
 * `speech train --resume`: a resumed run continues the same run — its model file, run folder,
 * data, schedule, model shape and validation — unless a flag says otherwise (--out, --run-dir,
 * a larger --epochs); a flag that contradicts the checkpoint is refused.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { encodeWav } from '@tensorkit/data';
import { loadSafetensors, saveSafetensors } from '@tensorkit/nn';
import { buildProgram } from '../src/program.js';
import { PLATEAU_STEPS, train, type TrainOptions } from '../src/train.js';
import { tempDir, toneWord } from './helpers.js';

const tmp = tempDir();
afterAll(tmp.cleanup);

// Ten two-word recordings of tone "words" ("hi" 300 Hz, "lo" 150 Hz).
const sr = 8000;
const manifest = join(tmp.dir, 'data', 'train.jsonl');
mkdirSync(join(tmp.dir, 'data'));
{
  const lines: string[] = [];
  const gap = new Float32Array(0.15 * sr);
  for (let i = 0; i < 10; i++) {
    const a = i % 2 ? 300 : 150;
    const w1 = toneWord(a, 0.35, sr);
    const w2 = toneWord(450 - a, 0.35, sr);
    const x = new Float32Array(w1.length + gap.length + w2.length);
    x.set(w1, 0);
    x.set(w2, w1.length + gap.length);
    writeFileSync(join(tmp.dir, 'data', `u${i}.wav`), encodeWav(x, sr));
    lines.push(JSON.stringify({ audio_filepath: `u${i}.wav`, text: a === 300 ? 'hi lo' : 'lo hi' }));
  }
  writeFileSync(manifest, lines.join('\n') + '\n');
}

const TINY = ['--hidden', '8', '--layers', '1', '--conv-channels', '8', '--quiet'];
let stderr: string[] = [];
/** Runs `speech train …` in-process in folder `cwd`; returns what it wrote to stderr. */
async function speechTrain(cwd: string, args: string[]): Promise<string> {
  mkdirSync(cwd, { recursive: true });
  process.chdir(cwd);
  stderr = [];
  await buildProgram().exitOverride().configureOutput({ writeErr: (s) => stderr.push(s) }).parseAsync(['node', 'speech', 'train', ...args]);
  return stderr.join('');
}
const metrics = (runDir: string) => readFileSync(join(runDir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, number>);

/** Removes fields from a checkpoint's `extra`, as a checkpoint written before they were recorded. */
async function makeOld(ckpt: string, drop: string[]): Promise<void> {
  const { tensors, metadata } = await loadSafetensors(ckpt);
  const extra = JSON.parse(metadata.extra) as Record<string, unknown>;
  for (const k of drop) delete extra[k];
  await saveSafetensors(ckpt, tensors, { metadata: { ...metadata, extra: JSON.stringify(extra) } });
}

describe('speech train --resume', () => {
  const cwd = process.cwd();
  beforeEach(() => {
    vi.spyOn(console, 'log').mockImplementation(() => {});
    vi.spyOn(process.stderr, 'write').mockImplementation((s) => {
      stderr.push(String(s));
      return true;
    });
  });
  afterEach(() => {
    process.chdir(cwd);
    vi.restoreAllMocks();
  });

  // Before: the resumed run wrote ./speech.safetensors and a new ./runs/speech in the current folder.
  it('keeps the run\'s --out and run folder when they are left off', async () => {
    const home = join(tmp.dir, 'keep');
    const out = join(home, 'models', 'm.safetensors');
    await speechTrain(home, ['--data', manifest, '--out', out, '--epochs', '1', '--epoch-size', '8', '--batch-size', '4', ...TINY]);
    const runDir = join(home, 'models', 'runs', 'm');
    expect(metrics(runDir)).toHaveLength(1);
    const elsewhere = join(tmp.dir, 'keep-elsewhere');
    const log = await speechTrain(elsewhere, ['--data', manifest, '--resume', join(runDir, 'checkpoint.safetensors'), '--epochs', '2', '--quiet']);
    expect(log).toContain(`writing ${out}, run folder ${runDir}`);
    expect(existsSync(join(elsewhere, 'speech.safetensors'))).toBe(false);
    expect(existsSync(join(elsewhere, 'runs'))).toBe(false);
    expect(metrics(runDir).map((m) => m.epoch)).toEqual([1, 2]);
    expect(vi.mocked(console.log).mock.calls.at(-1)![0]).toContain(`saved to ${out}; run folder ${runDir}`);
  });

  // Before: --data was required even though the checkpoint records it.
  it('takes --data from the checkpoint when it is left off', async () => {
    const home = join(tmp.dir, 'data-default');
    const out = join(home, 'm.safetensors');
    await speechTrain(home, ['--data', manifest, '--out', out, '--epochs', '1', '--epoch-size', '8', '--batch-size', '4', ...TINY]);
    const log = await speechTrain(join(tmp.dir, 'data-default-elsewhere'), ['--resume', join(home, 'runs', 'm', 'checkpoint.safetensors'), '--epochs', '2', '--quiet']);
    expect(log).toContain('manifest: 8 training recordings');
    expect(log).not.toContain('trained on --data');
    expect(metrics(join(home, 'runs', 'm')).map((m) => m.epoch)).toEqual([1, 2]);
  });

  it('explicit --out and --run-dir on resume still win (the new run folder starts with the epochs the checkpoint covers)', async () => {
    const home = join(tmp.dir, 'explicit');
    const out = join(home, 'a.safetensors');
    await speechTrain(home, ['--data', manifest, '--out', out, '--epochs', '1', '--epoch-size', '8', '--batch-size', '4', ...TINY]);
    const out2 = join(home, 'b.safetensors');
    const runDir2 = join(home, 'run-b');
    await speechTrain(home, ['--data', manifest, '--resume', join(home, 'runs', 'a', 'checkpoint.safetensors'), '--epochs', '2', '--out', out2, '--run-dir', runDir2, '--quiet']);
    expect(metrics(runDir2).map((m) => m.epoch)).toEqual([1, 2]);
    expect(metrics(join(home, 'runs', 'a')).map((m) => m.epoch)).toEqual([1]);
  });

  it('an older checkpoint without a recorded --out: the model file of its runs/ folder, else the default in the current folder (with a note)', async () => {
    const home = join(tmp.dir, 'old');
    const out = join(home, 'old.safetensors');
    await speechTrain(home, ['--data', manifest, '--out', out, '--epochs', '1', '--epoch-size', '8', '--batch-size', '4', ...TINY]);
    const ckpt = join(home, 'runs', 'old', 'checkpoint.safetensors');
    await makeOld(ckpt, ['out', 'dataPath', 'runOptions']);
    const log = await speechTrain(join(tmp.dir, 'old-elsewhere'), ['--data', manifest, '--resume', ckpt, '--epochs', '2', '--epoch-size', '8', '--batch-size', '4', '--quiet']);
    expect(log).toContain(`does not record its --out (an older checkpoint); writing ${out}`);
    expect(metrics(join(home, 'runs', 'old')).map((m) => m.epoch)).toEqual([1, 2]);
    // A custom run folder says nothing about the model file: the default, in the current folder.
    const runDir = join(home, 'custom-run');
    await speechTrain(home, ['--data', manifest, '--out', out, '--run-dir', runDir, '--epochs', '1', '--epoch-size', '8', '--batch-size', '4', ...TINY]);
    await makeOld(join(runDir, 'checkpoint.safetensors'), ['out']);
    const here = join(tmp.dir, 'old-here');
    const log2 = await speechTrain(here, ['--data', manifest, '--resume', join(runDir, 'checkpoint.safetensors'), '--epochs', '2', '--quiet']);
    expect(log2).toContain('writing speech.safetensors in the current folder (pass --out to choose)');
    expect(metrics(runDir).map((m) => m.epoch)).toEqual([1, 2]);
  });

  // Before: left off, --epoch-size, --batch-size and --lr fell back to their defaults, so the
  // resumed run took another number of steps per epoch at another learning rate, without a word.
  it('continues exactly: an interrupted run resumed with only --data ends where the uninterrupted one does', async () => {
    const home = join(tmp.dir, 'exact');
    const run = ['--data', manifest, '--epochs', '3', '--epoch-size', '16', '--batch-size', '4', '--lr', '0.001', '--seed', '2', ...TINY];
    await speechTrain(home, [...run, '--out', join(home, 'whole.safetensors')]);
    const log = await speechTrain(home, [...run, '--out', join(home, 'cut.safetensors'), '--max-minutes', '0.000001']);
    expect(log).toContain('stopping after epoch 1');
    await speechTrain(join(tmp.dir, 'exact-elsewhere'), ['--data', manifest, '--resume', join(home, 'runs', 'cut', 'checkpoint.safetensors'), '--quiet']);
    const pick = (m: Record<string, number>) => ({ epoch: m.epoch, step: m.step, loss: m.loss, lr: m.lr, cer: m['held-out_cer'] });
    expect(metrics(join(home, 'runs', 'cut')).map(pick)).toEqual(metrics(join(home, 'runs', 'whole')).map(pick));
    expect(readFileSync(join(home, 'cut.safetensors')).subarray(8)).toEqual(readFileSync(join(home, 'whole.safetensors')).subarray(8));
  });

  it('a larger --epochs extends the run with the same steps per epoch and lr, and says what it does to the schedule', async () => {
    const home = join(tmp.dir, 'extend');
    await speechTrain(home, ['--data', manifest, '--out', join(home, 'm.safetensors'), '--epochs', '2', '--epoch-size', '16', '--batch-size', '4', '--lr', '0.001', ...TINY]);
    const runDir = join(home, 'runs', 'm');
    const log = await speechTrain(home, ['--data', manifest, '--resume', join(runDir, 'checkpoint.safetensors'), '--epochs', '3', '--quiet']);
    expect(log).toContain('3 epochs × 4 steps of 4');
    expect(log).toMatch(/note: --epochs 3 changes the run's length from 2 epochs: the learning-rate schedule is re-stretched over 12 steps, so at step 8 it is 5\.15e-4 instead of 7\.80e-5/);
    const m = metrics(runDir);
    expect(m.map((r) => r.step)).toEqual([4, 8, 12]);
    // The run's own peak lr (1e-3, not the default 3e-3) on the stretched cosine: 3 warm-up steps of 12, floor 3%.
    expect(m[2].lr).toBeCloseTo(3e-5 + (1e-3 - 3e-5) * 0.5 * (1 + Math.cos((Math.PI * 9) / 10)), 12);
  });

  it('refuses a flag that contradicts the checkpoint, naming the flag and both values', async () => {
    const home = join(tmp.dir, 'contradict');
    await speechTrain(home, ['--data', manifest, '--out', join(home, 'm.safetensors'), '--epochs', '1', '--epoch-size', '16', '--batch-size', '4', '--lr', '0.001', ...TINY]);
    const ckpt = join(home, 'runs', 'm', 'checkpoint.safetensors');
    const resume = (args: string[]) => speechTrain(home, ['--data', manifest, '--resume', ckpt, '--epochs', '2', '--quiet', ...args]);
    const cases: [string[], string][] = [
      [['--epoch-size', '32'], '--epoch-size 16, not 32'],
      [['--batch-size', '8'], '--batch-size 4, not 8'],
      [['--lr', '0.003'], '--lr 0.001, not 0.003'],
      [['--hidden', '16'], '--hidden 8, not 16'],
      [['--layers', '2'], '--layers 1, not 2'],
      [['--conv-channels', '32'], '--conv-channels 8, not 32'],
      [['--conv-layers', '3'], '--conv-layers 2, not 3'],
      [['--front-end', 'conv1d'], '--front-end conv2d, not conv1d'],
      [['--dropout', '0.3'], '--dropout 0.1, not 0.3'],
      [['--subsample', '3'], '--subsample 2, not 3'],
      [['--val-recordings', '2'], '--val-recordings 200, not 2'],
    ];
    for (const [args, msg] of cases) await expect(resume(args), args.join(' ')).rejects.toThrow(`--resume ${ckpt}: the checkpoint was trained with ${msg}`);
    // The same values as the checkpoint's are fine.
    await resume(['--epoch-size', '16', '--batch-size', '4', '--lr', '0.001', '--hidden', '8']);
    expect(metrics(join(home, 'runs', 'm')).map((m) => m.step)).toEqual([4, 8]);
  });

  it('refuses other validation options for an FSDD run (its held-back recordings are also kept out of training)', async () => {
    const home = join(tmp.dir, 'fsdd-val');
    const dir = join(home, 'fsdd');
    mkdirSync(dir, { recursive: true });
    for (const sp of ['alice', 'bob']) for (let d = 0; d < 2; d++) for (let i = 0; i < 6; i++) writeFileSync(join(dir, `${d}_${sp}_${i}.wav`), encodeWav(toneWord(150 + 100 * d, 0.25, sr), sr));
    await speechTrain(home, ['--data', dir, '--out', join(home, 'm.safetensors'), '--epochs', '1', '--epoch-size', '4', '--batch-size', '4', '--hold-out', '5', '--val-utterances', '2', ...TINY]);
    const ckpt = join(home, 'runs', 'm', 'checkpoint.safetensors');
    const resume = (args: string[]) => speechTrain(home, ['--data', dir, '--resume', ckpt, '--epochs', '2', '--quiet', ...args]);
    await expect(resume(['--hold-out', '4-5'])).rejects.toThrow('the checkpoint was trained with --hold-out 5, not 4-5');
    await expect(resume(['--val-utterances', '200'])).rejects.toThrow('the checkpoint was trained with --val-utterances 2, not 200');
    await expect(resume(['--val-speaker', 'bob'])).rejects.toThrow('the checkpoint was trained without --val-speaker, not with --val-speaker bob');
    const log = await resume([]);
    expect(log).toContain("validation set 'seen': 2 utterances");
    expect(log).toContain('2 epochs × 1 steps of 4');
  });

  it('an older checkpoint without its schedule: the peak lr comes from its scheduler, and other steps per epoch are refused', async () => {
    const home = join(tmp.dir, 'old-schedule');
    await speechTrain(home, ['--data', manifest, '--out', join(home, 'm.safetensors'), '--epochs', '1', '--epoch-size', '16', '--batch-size', '4', '--lr', '0.001', ...TINY]);
    const ckpt = join(home, 'runs', 'm', 'checkpoint.safetensors');
    await makeOld(ckpt, ['runOptions']);
    await expect(speechTrain(home, ['--data', manifest, '--resume', ckpt, '--epochs', '2', '--epoch-size', '32', '--batch-size', '4', '--quiet']))
      .rejects.toThrow(`--resume ${ckpt}: the checkpoint trained 4 steps per epoch, not 8 (--epoch-size 32, --batch-size 4); pass the run's --epoch-size and --batch-size`);
    await expect(speechTrain(home, ['--data', manifest, '--resume', ckpt, '--epochs', '2', '--lr', '0.003', '--quiet'])).rejects.toThrow('the checkpoint was trained with --lr 0.001, not 0.003');
  });

  it('--data is still required for a new run', async () => {
    vi.spyOn(process, 'exit').mockImplementation((code) => {
      throw new Error(`exit ${code}`);
    });
    await expect(speechTrain(join(tmp.dir, 'nodata'), ['--epochs', '1'])).rejects.toThrow('exit 1');
    expect(stderr.join('')).toMatch(/^error: required option '--data <path>' not specified.*\n[^]*Usage: speech train/);
  });
});

describe('blank-plateau warning', () => {
  // A model this small at lr 1e-2 stays blank-only on these data.
  const opts = (extra: Partial<TrainOptions>): TrainOptions => ({
    data: manifest, seed: 3, out: join(tmp.dir, 'plateau.safetensors'), runDir: join(tmp.dir, 'run-plateau'), batchSize: 4, lr: 1e-2,
    hidden: 16, layers: 1, convChannels: 8, convLayers: 2, frontEnd: 'conv2d', dropout: 0, subsample: 2, holdOut: '5-9', valUtterances: 4, half: false, quiet: true, ...extra,
  });

  // Before: it used twice the run's warm-up, which a short run shortens to a quarter of its
  // steps, so this 12-step run warned after 8 of them; README: it fires after warm-up.
  it('does not judge a run before twice the documented warm-up (100 steps)', async () => {
    const logs: string[] = [];
    const r = await train(opts({ epochSize: 16, epochs: 3, log: (s) => logs.push(s) }));
    expect(r.epochs.every((e) => e.val['held-out'].empty > 0.9)).toBe(true); // blank-only…
    expect(logs.filter((l) => l.includes('blank plateau'))).toEqual([]); // …but 12 steps are too few to call it a plateau
    expect(PLATEAU_STEPS).toBe(200);
  });

  it('still warns once the plateau has outlasted them', async () => {
    const logs: string[] = [];
    await train(opts({ epochSize: 4 * 210, epochs: 1, log: (s) => logs.push(s) }));
    expect(logs.filter((l) => l.includes('blank plateau'))).toEqual([
      expect.stringMatching(/^warning: step 210: the model emits only blanks \(100\.0% of frames\) — CTC's blank plateau\./),
      'warning: epoch 1: 100% of validation transcripts are empty — the model is stuck emitting blanks (blank plateau)',
    ]);
  });
});
