import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Generator, noGrad, randn, Tensor } from '@tensorkit/core';
import { DataLoader } from '@tensorkit/data';
import { Adam, CosineWarmupLR, crossEntropy, Dropout, Linear, loadSafetensorsSync, ReduceLROnPlateau, ReLU, saveSafetensorsSync, SGD, Sequential } from '@tensorkit/nn';
import { fit, type FitEpochRecord, type FitOptions } from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'tk-fit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let dirCount = 0;
const tmp = (name: string) => join(dir, `${dirCount++}-${name}`);

/** Two Gaussian blobs in 2-D, centred at (±1.5, ±1.5): linearly separable up to a few outliers. */
function blobs(n: number, seed: number) {
  const g = new Generator(seed);
  const noise = randn([n, 2], { generator: g }).toTypedArray();
  const x = new Float32Array(n * 2);
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = i % 2;
    const s = c ? 1.5 : -1.5;
    x[2 * i] = s + 0.6 * noise[2 * i];
    x[2 * i + 1] = s + 0.6 * noise[2 * i + 1];
    y.push(c);
  }
  return { x: new Tensor(x, [n, 2], 'float32'), y };
}

const TRAIN = blobs(64, 1);
const VAL = blobs(32, 2);
type Batch = { x: Tensor; y: number[] };

/** Everything one run owns. `initSeed` only sets the starting weights: a resume must overwrite them. */
function makeRun(initSeed = 0, genSeed = 7) {
  const init = new Generator(initSeed);
  const generator = new Generator(genSeed);
  const model = new Sequential(
    new Linear({ inFeatures: 2, outFeatures: 16, generator: init }),
    new ReLU(),
    new Dropout({ p: 0.2, generator }),
    new Linear({ inFeatures: 16, outFeatures: 2, generator: init }),
  );
  const optimizer = new Adam(model.parameters(), { lr: 0.05 });
  const scheduler = new CosineWarmupLR(optimizer, { warmupSteps: 4, totalSteps: 40 });
  const train = new DataLoader<number, Batch>(
    { length: 64, get: (i) => i },
    { batchSize: 8, shuffle: true, seed: 3, prefetch: 0, collate: (idx) => ({ x: TRAIN.x.indexSelect(0, idx), y: idx.map((i) => TRAIN.y[i]) }) },
  );
  return { model, optimizer, scheduler, generator, train };
}
type Run = ReturnType<typeof makeRun>;

function accuracy(logits: Tensor, y: number[]): number {
  const pred = logits.argmax(1).toTypedArray();
  return y.filter((c, i) => pred[i] === c).length / y.length;
}

/** A complete set of options for `run`; tests override what they look at. */
function options(run: Run, extra: Partial<FitOptions<number, Batch>> = {}): FitOptions<number, Batch> {
  return {
    model: run.model, optimizer: run.optimizer, scheduler: run.scheduler, generator: run.generator, train: run.train, epochs: 5,
    step: (b) => {
      const logits = run.model.forward(b.x);
      return { loss: crossEntropy(logits, b.y), metrics: { accuracy: accuracy(logits, b.y) } };
    },
    validate: () => noGrad(() => {
      const logits = run.model.forward(VAL.x);
      return { loss: crossEntropy(logits, VAL.y).item(), accuracy: accuracy(logits, VAL.y) };
    }),
    monitor: { metric: 'val_accuracy', mode: 'max' },
    clipGradNorm: 5,
    progress: false,
    log: () => {},
    ...extra,
  };
}

/** Raw bytes of every weight, for bit-exact comparisons. */
function weights(run: Run): Record<string, number[]> {
  return Object.fromEntries(Object.entries(run.model.stateDict()).map(([k, t]) => {
    const a = t.toTypedArray();
    return [k, Array.from(new Uint8Array(a.buffer, a.byteOffset, a.byteLength))];
  }));
}
/** The history without its timings, which differ between any two runs. */
const untimed = (h: FitEpochRecord[]) => h.map(({ samples_per_sec: _s, epoch_seconds: _e, elapsed_seconds: _t, ...rest }) => rest);
const lines = (path: string) => readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l));

describe('fit', () => {
  it('trains a small MLP to a low loss and high validation accuracy, in train mode for steps and eval mode for validation', async () => {
    const run = makeRun();
    run.model.eval(); // fit() switches modes itself and gives the model back as it found it
    const seen = { step: new Set<boolean>(), validate: new Set<boolean>() };
    const logged: string[] = [];
    const o = options(run);
    const result = await fit({
      ...o,
      step: (b, info) => {
        seen.step.add(run.model.training);
        expect(info.batches).toBe(8);
        return o.step(b, info);
      },
      validate: () => {
        seen.validate.add(run.model.training);
        return o.validate!();
      },
      log: (l) => logged.push(l),
    });
    expect([...seen.step]).toEqual([true]);
    expect([...seen.validate]).toEqual([false]);
    expect(run.model.training).toBe(false);
    expect(result.history.map((h) => h.epoch)).toEqual([1, 2, 3, 4, 5]);
    const last = result.history[4];
    expect(last.loss).toBeLessThan(0.15);
    expect(last.loss).toBeLessThan(result.history[0].loss / 2);
    expect(last.val_accuracy).toBeGreaterThanOrEqual(0.95);
    expect(Object.keys(last)).toEqual(['epoch', 'loss', 'accuracy', 'val_loss', 'val_accuracy', 'lr', 'samples_per_sec', 'epoch_seconds', 'elapsed_seconds']);
    expect(last.lr).toBe(run.optimizer.paramGroups[0].lr);
    expect(run.optimizer.stepCount).toBe(40);
    expect(result.best).toBe(result.history.find((h) => h.epoch === result.bestEpoch));
    expect(result.best!.val_accuracy).toBe(Math.max(...result.history.map((h) => h.val_accuracy)));
    expect([result.stoppedEarly, result.interrupted, result.checkpoint]).toEqual([false, false, null]);
    expect(result.samplesPerSec).toBeGreaterThan(0);
    expect(logged).toHaveLength(5);
    expect(logged[0]).toMatch(/^epoch 1\/5 {2}loss \d\.\d{4} {2}accuracy .* {2}val_accuracy \d\.\d{4} {2}lr .* samples\/s/);
  });

  it('stops early on the monitored value, and calls onBest on improvements only', async () => {
    // Scripted validation losses: best at epoch 3; epochs 4 and 5 are within minDelta or worse.
    const script = [0.9, 0.8, 0.5, 0.495, 0.6, 0.1, 0.1];
    const run = makeRun();
    let epoch = 0;
    const best: [number, number][] = [];
    const result = await fit(options(run, {
      epochs: 7,
      validate: () => ({ loss: script[epoch++] }),
      monitor: { metric: 'val_loss', mode: 'min' },
      earlyStopping: { patience: 2, minDelta: 0.01 },
      onBest: (e, record) => {
        best.push([e, record.val_loss]);
      },
    }));
    expect(result.history.map((h) => h.val_loss)).toEqual([0.9, 0.8, 0.5, 0.495, 0.6]);
    expect(best).toEqual([[1, 0.9], [2, 0.8], [3, 0.5]]);
    expect([result.stoppedEarly, result.bestEpoch, result.best?.val_loss]).toEqual([true, 3, 0.5]);
    expect(run.optimizer.stepCount).toBe(5 * 8);
  });

  it('defaults to monitoring val_loss, and steps ReduceLROnPlateau once per epoch on it', async () => {
    const run = makeRun();
    const optimizer = new SGD(run.model.parameters(), { lr: 0.1 });
    const scheduler = new ReduceLROnPlateau(optimizer, { patience: 0, factor: 0.5 });
    const script = [1, 2, 3];
    let e = 0;
    const result = await fit(options(run, { optimizer, scheduler, generator: run.generator, epochs: 3, monitor: undefined, validate: () => ({ loss: script[e++] }) }));
    expect(result.monitor).toEqual({ metric: 'val_loss', mode: 'min' });
    expect(result.bestEpoch).toBe(1);
    // The record holds the lr the epoch trained with; the plateau halves it after epochs 2 and 3.
    expect(result.history.map((h) => h.lr)).toEqual([0.1, 0.1, 0.05]);
    expect(optimizer.paramGroups[0].lr).toBe(0.025);
  });

  it('stops with an error naming the epoch and batch when the loss is not finite, before updating the weights with it', async () => {
    const run = makeRun();
    const o = options(run, { epochs: 3 });
    const promise = fit({
      ...o,
      step: (b, info) => {
        const out = o.step(b, info) as { loss: Tensor };
        return info.epoch === 2 && info.batch === 3 ? { loss: out.loss.mul(NaN) } : out;
      },
    });
    await expect(promise).rejects.toThrow(/^fit: the loss is NaN at epoch 2, batch 3\/8; stopped before updating the weights with it$/);
    expect(run.optimizer.stepCount).toBe(8 + 2);
    for (const p of run.model.parameters()) expect(p.toTypedArray().every(Number.isFinite)).toBe(true);
  });

  it('writes one metrics.jsonl line per epoch and redraws the curve', async () => {
    const run = makeRun();
    const runDir = tmp('run');
    await fit(options(run, { epochs: 2, runDir }));
    const got = lines(join(runDir, 'metrics.jsonl'));
    expect(got.map((l) => l.epoch)).toEqual([1, 2]);
    expect(Object.keys(got[0])).toEqual(['time', 'epoch', 'loss', 'accuracy', 'val_loss', 'val_accuracy', 'lr', 'samples_per_sec', 'epoch_seconds', 'elapsed_seconds']);
    const svg = readFileSync(join(runDir, 'curve.svg'), 'utf8');
    expect(svg).toContain('>loss<');
    expect(svg).toContain('>accuracy<');
    expect(existsSync(join(runDir, 'curve.png'))).toBe(true);
  });

  it('shows progress on the given stream (plain lines when it is not a terminal)', async () => {
    const written: string[] = [];
    await fit(options(makeRun(), { epochs: 1, validate: undefined, monitor: undefined, progress: { write: (t: string) => written.push(t) } }));
    expect(written.length).toBeGreaterThan(0);
    expect(written.at(-1)).toMatch(/^epoch 1\/1 64\/64 samples .* loss \d\.\d{4} {2}lr /);
  });

  it('creates the checkpoint folder before training, as runDir does', async () => {
    const checkpoint = join(tmp('fresh'), 'deep', 'ckpt.safetensors');
    const result = await fit(options(makeRun(), { epochs: 1, checkpoint: { path: checkpoint } }));
    expect(result.checkpoint).toBe(checkpoint);
    expect(existsSync(checkpoint)).toBe(true);
  });

  it('stops the progress bar when step throws (a live bar would keep the process alive with the cursor hidden)', async () => {
    const written: string[] = [];
    const stream = { isTTY: true, columns: 100, write: (t: string) => written.push(t) > 0 };
    const o = options(makeRun(), { epochs: 1, progress: stream });
    await expect(fit({ ...o, step: () => { throw new Error('killed'); } })).rejects.toThrow('killed');
    expect(written.join('')).toContain('\x1B[?25h'); // cli-progress shows the cursor again on stop()
  });

  it('refuses, naming fit and the option, what would otherwise train silently wrong', async () => {
    const run = makeRun();
    const o = options(run, { epochs: 1 });
    const at = 'at epoch 1, batch 1/8';
    await expect(fit({ ...o, step: (b) => ({ loss: noGrad(() => crossEntropy(run.model.forward(b.x), b.y)) }) }))
      .rejects.toThrow(`fit: step's loss does not require grad ${at}`);
    await expect(fit({ ...o, step: (b) => { const loss = crossEntropy(run.model.forward(b.x), b.y); return { loss, metrics: { acc: loss as unknown as number } }; } }))
      .rejects.toThrow(`fit: step metrics must be numbers (call .item() on a tensor), got acc: a Tensor of shape [] ${at}`);
    await expect(fit({ ...o, step: (b, info) => ({ ...(o.step(b, info) as { loss: Tensor }), samples: 0 }) }))
      .rejects.toThrow(`fit: step's samples must be a positive number, got 0 ${at}`);
    expect(run.optimizer.stepCount).toBe(0); // all refused before the first update
    await expect(fit({ ...o, validate: (() => undefined) as unknown as () => Record<string, number> })).rejects.toThrow('fit: validate must return an object of numbers, got undefined');
    // val_accuracy is monitored in mode 'max'; a default ('min') plateau would cut the lr while it improves.
    // (on an optimizer of its own: run.optimizer already has a schedule, and nn refuses a second one)
    const adam = new Adam(run.model.parameters(), { lr: 1e-3 });
    await expect(fit({ ...o, optimizer: adam, scheduler: new ReduceLROnPlateau(adam) })).rejects.toThrow("fit: the ReduceLROnPlateau scheduler has mode 'min' but monitor.mode is 'max'");
    await expect(fit({ ...o, scheduler: undefined, optimizer: new SGD(makeRun().model.parameters(), { lr: 0.1 }) }))
      .rejects.toThrow("fit: optimizer must update the model's parameters, but 4 of its 4 are not in model.parameters()");
    await expect(fit({ ...o, monitor: { metric: 'val_accuracy', mode: 'maximize' as 'max' } })).rejects.toThrow(`fit: monitor.mode must be 'min' or 'max', got "maximize"`);
  });

  it('says there was no finite value when it stops early on a monitor that was never finite', async () => {
    const logged: string[] = [];
    const result = await fit(options(makeRun(), { epochs: 3, validate: () => ({ accuracy: NaN }), earlyStopping: { patience: 1 }, log: (l) => logged.push(l) }));
    expect([result.stoppedEarly, result.bestEpoch, result.history.length]).toEqual([true, null, 1]);
    expect(logged.at(-1)).toBe('stopped early: no improvement of val_accuracy for 1 epochs; no finite value yet');
  });

  describe('resume', () => {
    const EPOCHS = 3;
    /** The uninterrupted run everything is compared with. */
    const reference = (async () => {
      const run = makeRun();
      const runDir = tmp('reference');
      const result = await fit(options(run, { epochs: EPOCHS, runDir, checkpoint: { path: join(runDir, 'ckpt.safetensors'), everyBatches: 3 } }));
      return { run, result };
    })();

    /** A second process: fresh objects, other initial weights and generator seed, resumed from the checkpoint. */
    async function resumeAndCompare(checkpoint: string, runDir: string) {
      const ref = await reference;
      const run = makeRun(99, 99);
      const logged: string[] = [];
      const result = await fit(options(run, { epochs: EPOCHS, runDir, checkpoint: { path: checkpoint, everyBatches: 3 }, resume: true, log: (l) => logged.push(l) }));
      expect(logged[0]).toMatch(/^resuming from /);
      expect(weights(run)).toEqual(weights(ref.run));
      expect(untimed(result.history)).toEqual(untimed(ref.result.history));
      expect(run.optimizer.stateDict()).toEqual(ref.run.optimizer.stateDict());
      expect(run.scheduler.stateDict()).toEqual(ref.run.scheduler.stateDict());
      expect(run.generator.getState()).toEqual(ref.run.generator.getState());
      expect(result.bestEpoch).toBe(ref.result.bestEpoch);
      // The run folder holds each epoch once, as if the run had never stopped.
      expect(lines(join(runDir, 'metrics.jsonl')).map((l) => l.epoch)).toEqual([1, 2, 3]);
      return result;
    }

    it('after a crash in the middle of an epoch, continues from the last everyBatches checkpoint bit for bit', async () => {
      const runDir = tmp('crash');
      const checkpoint = join(runDir, 'ckpt.safetensors');
      const run = makeRun();
      const o = options(run, { epochs: EPOCHS, runDir, checkpoint: { path: checkpoint, everyBatches: 3 } });
      const crash = fit({
        ...o,
        step: (b, info) => {
          if (info.epoch === 2 && info.batch === 5) throw new Error('killed');
          return o.step(b, info);
        },
      });
      await expect(crash).rejects.toThrow('killed');
      // Epoch 2's batches 1-3 are in the checkpoint; batch 4 is lost and runs again.
      expect(run.optimizer.stepCount).toBe(8 + 4);
      await resumeAndCompare(checkpoint, runDir);
    });

    /** A run whose signal is aborted during epoch 2's batch `batch`. */
    async function stopBySignal(tag: string, batch: number) {
      const runDir = tmp(tag);
      const checkpoint = join(runDir, 'ckpt.safetensors');
      const run = makeRun();
      const stop = new AbortController();
      const o = options(run, { epochs: EPOCHS, runDir, checkpoint: { path: checkpoint }, signal: stop.signal });
      const first = await fit({
        ...o,
        step: (b, info) => {
          if (info.epoch === 2 && info.batch === batch) stop.abort();
          return o.step(b, info);
        },
      });
      return { first, steps: run.optimizer.stepCount, runDir, checkpoint };
    }

    it('after a stop by the signal in the middle of an epoch', async () => {
      const { first, steps, runDir, checkpoint } = await stopBySignal('abort-mid', 5);
      expect([first.interrupted, first.history.length, steps]).toEqual([true, 1, 8 + 5]);
      await resumeAndCompare(checkpoint, runDir);
    });

    it('after a stop at an epoch boundary', async () => {
      // Asked to stop during an epoch's last batch, fit() finishes that epoch (validation, record, checkpoint) first.
      const { first, steps, runDir, checkpoint } = await stopBySignal('abort-epoch', 8);
      expect([first.interrupted, first.history.length, steps]).toEqual([true, 2, 16]);
      const result = await resumeAndCompare(checkpoint, runDir);
      // A finished run resumed again has nothing left to do and returns its history.
      const again = await fit(options(makeRun(5, 5), { epochs: EPOCHS, checkpoint: { path: checkpoint }, resume: true }));
      expect(untimed(again.history)).toEqual(untimed(result.history));
    });

    it('with a signal aborted before the first batch, still writes the checkpoint it reports, and resumes from it', async () => {
      const checkpoint = join(tmp('aborted'), 'ckpt.safetensors');
      const first = await fit(options(makeRun(), { epochs: EPOCHS, checkpoint: { path: checkpoint }, signal: AbortSignal.abort() }));
      expect([first.interrupted, first.history.length, first.checkpoint]).toEqual([true, 0, checkpoint]);
      expect(existsSync(checkpoint)).toBe(true);
      const ref = await reference;
      const run = makeRun(99, 99);
      const again = await fit(options(run, { epochs: EPOCHS, checkpoint: { path: checkpoint }, resume: true }));
      expect(untimed(again.history)).toEqual(untimed(ref.result.history));
      expect(weights(run)).toEqual(weights(ref.run));
    });

    it('keeps the time stamps of the epochs before the stop; a checkpoint without them (older fit) still resumes', async () => {
      const { runDir, checkpoint } = await stopBySignal('times', 8);
      const before = lines(join(runDir, 'metrics.jsonl'));
      expect(before.map((l) => typeof l.time)).toEqual(['string', 'string']);
      const saved = loadSafetensorsSync(checkpoint);
      await resumeAndCompare(checkpoint, runDir);
      const after = lines(join(runDir, 'metrics.jsonl'));
      expect(after.slice(0, 2)).toEqual(before); // the same lines, time stamps included
      expect(typeof after[2].time).toBe('string');

      // The same checkpoint as an older fit() wrote it: no time stamps in its state.
      const { times: _times, ...oldState } = JSON.parse(saved.metadata.extra);
      const oldDir = tmp('times-old');
      const oldCheckpoint = join(oldDir, 'ckpt.safetensors');
      mkdirSync(oldDir);
      saveSafetensorsSync(oldCheckpoint, saved.tensors, { metadata: { ...saved.metadata, extra: JSON.stringify(oldState) } });
      await resumeAndCompare(oldCheckpoint, oldDir);
      const old = lines(join(oldDir, 'metrics.jsonl'));
      expect(old.map((l) => typeof l.time)).toEqual(['undefined', 'undefined', 'string']);
      expect(old.slice(0, 2).map(({ time: _t, ...rest }) => rest)).toEqual(before.map(({ time: _t, ...rest }) => rest));

      // Time stamps that do not fit the history are refused rather than written beside the wrong epochs.
      const badCheckpoint = join(oldDir, 'bad.safetensors');
      saveSafetensorsSync(badCheckpoint, saved.tensors, { metadata: { ...saved.metadata, extra: JSON.stringify({ ...oldState, times: ['2026-01-01T00:00:00.000Z'] }) } });
      await expect(fit(options(makeRun(), { epochs: EPOCHS, resume: badCheckpoint })))
        .rejects.toThrow(`fit: resume ${badCheckpoint}: the epochs' time stamps do not match the history (2 epochs)`);
    });

    it('refuses a checkpoint of a run that monitored something else, and resume without a checkpoint path', async () => {
      const ref = await reference;
      const checkpoint = ref.result.checkpoint!;
      await expect(fit(options(makeRun(), { resume: checkpoint, monitor: { metric: 'val_loss', mode: 'min' } })))
        .rejects.toThrow(/the run monitored val_accuracy \(max\), not val_loss \(min\)/);
      await expect(fit(options(makeRun(), { resume: true }))).rejects.toThrow(/resume: true needs checkpoint\.path/);
      await expect(fit(options(makeRun(), { resume: join(dir, 'missing.safetensors') }))).rejects.toThrow(/^fit: resume .*missing\.safetensors: ENOENT/);
    });
  });
});
