/**
 * fit(): a general training loop built from this package's pieces (progress, run folder,
 * early stopping) and nn's (optimizers, schedulers, gradient clipping, checkpoints). The caller
 * brings the model, the optimizer, a DataLoader and a `step` that turns a batch into a loss;
 * fit() does the rest: train/eval modes, zeroGrad / backward / clip / step / schedule, epoch means,
 * validation, the best epoch, early stopping, metrics.jsonl and a curve, and checkpoints that
 * resume bit for bit.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { isTensor, type Generator, type Tensor } from '@tensorkit/core';
import type { DataLoader, LoaderCursor } from '@tensorkit/data';
import {
  clipGradNorm, loadCheckpoint, ReduceLROnPlateau, restoreCheckpoint, saveCheckpoint, type LrScheduler, type Module, type Optimizer,
} from '@tensorkit/nn';
import { metricsCurveSvg } from './charts/training-curve.js';
import { EarlyStopping, type EarlyStoppingMode, type EarlyStoppingState } from './early-stopping.js';
import { createProgress, formatDuration, type ProgressStream } from './progress.js';
import { RunFolder } from './run-folder.js';

/** What `step` returns for one batch. */
export interface FitStepOutput {
  /** The batch's scalar loss; fit() calls backward() on it. */
  loss: Tensor;
  /** Samples in the batch, the weight of its loss and metrics in the epoch means (default: the loader's batch size, or the short last batch's). */
  samples?: number;
  /** Per-sample means over the batch (e.g. accuracy); the epoch's value is their sample-weighted mean. */
  metrics?: Record<string, number>;
}

/** Where a step is: 1-based epoch and batch, and the batches per epoch. */
export interface FitBatchInfo {
  epoch: number;
  batch: number;
  batches: number;
}

/**
 * One line of metrics.jsonl and of `history`: the epoch's mean training loss and metrics, the
 * validation metrics prefixed `val_`, the lr at the epoch's end (first parameter group), training
 * samples/s, the epoch's training seconds and the run's seconds so far (validation included).
 */
export type FitEpochRecord = {
  epoch: number;
  loss: number;
  lr: number;
  samples_per_sec: number;
  epoch_seconds: number;
  elapsed_seconds: number;
} & Record<string, number>;

export interface FitMonitor {
  /** A key of the epoch record, e.g. 'val_accuracy' or 'loss'. */
  metric: string;
  mode: EarlyStoppingMode;
}

export interface FitOptions<T, B> {
  model: Module;
  optimizer: Optimizer;
  scheduler?: LrScheduler;
  /** When the scheduler steps (default 'batch'; 'epoch' for ReduceLROnPlateau, which is given the monitored value). */
  schedulerStep?: 'batch' | 'epoch';
  train: DataLoader<T, B>;
  /** Computes the loss of one batch (forward pass only: fit() does zeroGrad, backward and the update). */
  step: (batch: B, info: FitBatchInfo) => FitStepOutput | Promise<FitStepOutput>;
  /** Runs after every epoch, in eval mode; its metrics go into the record prefixed `val_` (`loss` → `val_loss`). */
  validate?: () => Record<string, number> | Promise<Record<string, number>>;
  /** What "best" means (default: `val_loss` when there is a validate, else `loss`; mode 'min'). */
  monitor?: FitMonitor;
  /** Total epochs of the run (a resumed run counts the epochs it already has). */
  epochs: number;
  /** Stop after `patience` epochs without an improvement of the monitored value by more than `minDelta`. */
  earlyStopping?: { patience: number; minDelta?: number };
  /** Clip the gradients' joint L2 norm to this before each update. */
  clipGradNorm?: number;
  /** The generator the model (dropout) or the step draws from: its state is checkpointed and restored. */
  generator?: Generator;
  /** A RunFolder: metrics.jsonl (one line per epoch) and curve.png, redrawn every epoch. */
  runDir?: string;
  /** Checkpoint at every epoch end and, with `everyBatches`, every that many batches within an epoch. */
  checkpoint?: { path: string; everyBatches?: number };
  /** true: continue from `checkpoint.path` if it exists (else start fresh); a path: continue from that checkpoint. */
  resume?: boolean | string;
  /** Called on every new best epoch (e.g. to save the model), before that epoch's checkpoint. */
  onBest?: (epoch: number, record: FitEpochRecord) => void | Promise<void>;
  /** Progress bar / lines on stderr (default true), on the given stream, or none (false). */
  progress?: boolean | ProgressStream;
  /** Epoch summaries and notes (default console.log). */
  log?: (line: string) => void;
  /** Stop gracefully: after the current batch, write the checkpoint and return with `interrupted`. */
  signal?: AbortSignal;
}

export interface FitResult {
  history: FitEpochRecord[];
  monitor: FitMonitor;
  /** The best epoch by the monitor (null before any finite value). */
  bestEpoch: number | null;
  best: FitEpochRecord | null;
  stoppedEarly: boolean;
  /** Stopped by the signal before the last epoch (resume from the checkpoint to continue). */
  interrupted: boolean;
  /** Wall time of the whole run, including the time before a resume. */
  seconds: number;
  /** Training samples per second over all epochs. */
  samplesPerSec: number;
  checkpoint: string | null;
}

/** Running sums of the epoch in progress (checkpointed for a mid-epoch resume). */
interface EpochSums {
  samples: number;
  lossSum: number;
  metricSums: Record<string, number>;
  metricSamples: Record<string, number>;
  seconds: number;
}

/** What fit() keeps in the checkpoint's `extra`. */
interface FitState {
  format: typeof FIT_STATE_FORMAT;
  monitor: FitMonitor;
  history: FitEpochRecord[];
  early: EarlyStoppingState;
  stoppedEarly: boolean;
  partial: EpochSums;
  elapsedSec: number;
  /**
   * When each epoch of `history` ended (its metrics.jsonl line's `time`), so a resumed run folder
   * keeps them; null where unknown. Absent in checkpoints of fit() before it kept them.
   */
  times?: (string | null)[];
}

const FIT_STATE_FORMAT = 'tensorkit.fit/1';
const RESERVED = new Set(['epoch', 'loss', 'lr', 'samples_per_sec', 'epoch_seconds', 'elapsed_seconds', 'time']);

const emptySums = (): EpochSums => ({ samples: 0, lossSum: 0, metricSums: {}, metricSamples: {}, seconds: 0 });

function checkOptions<T, B>(o: FitOptions<T, B>): void {
  const posInt = (name: string, v: unknown) => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new Error(`fit: ${name} must be a positive integer, got ${String(v)}`);
  };
  posInt('epochs', o.epochs);
  if (o.monitor !== undefined) {
    if (typeof o.monitor.metric !== 'string' || o.monitor.metric === '') throw new Error(`fit: monitor.metric must be a key of the epoch record, got ${JSON.stringify(o.monitor.metric)}`);
    if (o.monitor.mode !== 'min' && o.monitor.mode !== 'max') throw new Error(`fit: monitor.mode must be 'min' or 'max', got ${JSON.stringify(o.monitor.mode)}`);
  }
  if (o.earlyStopping) {
    posInt('earlyStopping.patience', o.earlyStopping.patience);
    if (!((o.earlyStopping.minDelta ?? 0) >= 0)) throw new Error(`fit: earlyStopping.minDelta must be ≥ 0, got ${o.earlyStopping.minDelta}`);
  }
  if (o.checkpoint?.everyBatches !== undefined) posInt('checkpoint.everyBatches', o.checkpoint.everyBatches);
  if (o.clipGradNorm !== undefined && !(o.clipGradNorm > 0 && Number.isFinite(o.clipGradNorm))) {
    throw new Error(`fit: clipGradNorm must be a positive number, got ${o.clipGradNorm}`);
  }
  if (o.schedulerStep !== undefined && o.schedulerStep !== 'batch' && o.schedulerStep !== 'epoch') {
    throw new Error(`fit: schedulerStep must be 'batch' or 'epoch', got ${JSON.stringify(o.schedulerStep)}`);
  }
  if (o.scheduler instanceof ReduceLROnPlateau && o.schedulerStep === 'batch') {
    throw new Error("fit: ReduceLROnPlateau steps on the monitored value once per epoch; use schedulerStep 'epoch'");
  }
  if (o.scheduler instanceof ReduceLROnPlateau) {
    // A plateau in the other direction would cut the lr while the monitored value improves.
    const plateauMode = o.scheduler.mode;
    const mode = o.monitor?.mode ?? 'min';
    if (plateauMode !== mode) {
      throw new Error(`fit: the ReduceLROnPlateau scheduler has mode '${plateauMode}' but monitor.mode is '${mode}'; it is stepped with the monitored value, so give it mode '${mode}'`);
    }
  }
  if (o.resume === true && !o.checkpoint) throw new Error('fit: resume: true needs checkpoint.path (or pass the checkpoint path as resume)');
  if (o.train.length === 0) throw new Error('fit: the training loader has no batches');
  const own = new Set(o.model.parameters());
  const foreign = o.optimizer.params().filter((p) => !own.has(p)).length;
  if (foreign > 0) {
    throw new Error(`fit: optimizer must update the model's parameters, but ${foreign} of its ${o.optimizer.params().length} are not in model.parameters() (they would be neither trained through the model nor checkpointed)`);
  }
}

/** A value for an error message (a tensor is named, not dumped). */
function describe(v: unknown): string {
  if (isTensor(v)) return `a tensor of shape [${v.shape}]`;
  return JSON.stringify(v) ?? String(v);
}

/** Numbers for the epoch line: 4 decimals, or exponent form for small values such as an lr. */
function fmt(v: number): string {
  return v !== 0 && Math.abs(v) < 1e-3 ? v.toExponential(2) : Math.abs(v) >= 1000 ? v.toFixed(0) : v.toFixed(4);
}

/**
 * Trains `model` for `epochs` epochs over `train`, one optimizer update per batch, and returns the
 * history, the best epoch and how the run ended. See the package README ("Training loop: fit()").
 */
export async function fit<T, B>(opts: FitOptions<T, B>): Promise<FitResult> {
  const t0 = performance.now();
  checkOptions(opts);
  const { model, optimizer, scheduler, train: loader, generator } = opts;
  const log = opts.log ?? ((line: string) => console.log(line));
  const schedulerStep = opts.schedulerStep ?? (scheduler instanceof ReduceLROnPlateau ? 'epoch' : 'batch');
  const monitor: FitMonitor = opts.monitor ?? { metric: opts.validate ? 'val_loss' : 'loss', mode: 'min' };
  const early = new EarlyStopping(opts.earlyStopping?.patience ?? Infinity, opts.earlyStopping?.minDelta ?? 0, { mode: monitor.mode });
  const batches = loader.length;
  const ckptPath = opts.checkpoint?.path ?? null;
  const everyBatches = opts.checkpoint?.everyBatches ?? 0;

  let history: FitEpochRecord[] = [];
  let times: (string | null)[] = [];
  let partial = emptySums();
  let elapsedBefore = 0;
  let stoppedEarly = false;
  const resumeFrom = typeof opts.resume === 'string' ? opts.resume : opts.resume && ckptPath && existsSync(ckptPath) ? ckptPath : null;
  if (resumeFrom) {
    const what = `fit: resume ${resumeFrom}`;
    const ckpt = await loadCheckpoint(resumeFrom).catch((e: Error) => {
      throw new Error(`${what}: ${e.message.replace(/^checkpoint \S+: /, '')}`);
    });
    const state = ckpt.extra as FitState | undefined;
    if (state?.format !== FIT_STATE_FORMAT) throw new Error(`${what}: not a checkpoint written by fit()`);
    if (state.monitor.metric !== monitor.metric || state.monitor.mode !== monitor.mode) {
      throw new Error(`${what}: the run monitored ${state.monitor.metric} (${state.monitor.mode}), not ${monitor.metric} (${monitor.mode})`);
    }
    // Everything that was checkpointed must be restored, or the resumed run would silently differ.
    if (ckpt.scheduler && !scheduler) throw new Error(`${what}: the checkpoint has scheduler state; pass the run's scheduler`);
    if (ckpt.rng && !generator) throw new Error(`${what}: the checkpoint has generator state; pass the run's generator`);
    const cursor = ckpt.cursor as LoaderCursor;
    if (cursor.epoch !== state.history.length) throw new Error(`${what}: the data cursor (epoch ${cursor.epoch}) does not match the history (${state.history.length} epochs)`);
    try {
      restoreCheckpoint(ckpt, { model, optimizer, scheduler, rng: generator });
      loader.setState(cursor);
    } catch (e) {
      throw new Error(`${what}: ${(e as Error).message}`);
    }
    if (state.times !== undefined && !(Array.isArray(state.times) && state.times.length === state.history.length
      && state.times.every((t) => t === null || typeof t === 'string'))) {
      throw new Error(`${what}: the epochs' time stamps do not match the history (${state.history.length} epochs)`);
    }
    history = state.history;
    times = state.times ?? history.map(() => null); // older checkpoints: those lines stay without a time
    early.restore(state.early);
    stoppedEarly = state.stoppedEarly;
    partial = state.partial;
    elapsedBefore = state.elapsedSec;
    log(`resuming from ${resumeFrom}: epoch ${cursor.epoch + 1}, batch ${cursor.batchIndex}/${batches}`);
  } else {
    if (opts.resume === true) log(`no checkpoint at ${ckptPath} yet; starting a new run`);
    loader.setState({ epoch: 0 });
  }
  // Before the first epoch, not at its end: a checkpoint folder that cannot be made should fail at once.
  if (ckptPath) mkdirSync(dirname(ckptPath), { recursive: true });
  const run = opts.runDir ? new RunFolder<FitEpochRecord>(opts.runDir) : null;
  if (run) {
    if (resumeFrom) run.rewrite(history, times);
    else run.reset();
  }

  const save = async (): Promise<void> => {
    if (!ckptPath) return;
    const state: FitState = {
      format: FIT_STATE_FORMAT, monitor, history, early: early.state(), stoppedEarly, partial,
      elapsedSec: elapsedBefore + (performance.now() - t0) / 1000, times,
    };
    await saveCheckpoint(ckptPath, {
      model, optimizer, scheduler, rng: generator, epoch: loader.state().epoch, step: optimizer.stepCount, cursor: loader.state(), extra: state,
    });
  };
  /** Dataset items in 0-based batch b (the last one may be short). */
  const itemsIn = (b: number) => Math.min(loader.batchSize, loader.dataset.length - b * loader.batchSize);
  const stream = typeof opts.progress === 'object' ? opts.progress : undefined;
  const modes = model.modules().map((m) => [m, m.training] as const);
  let interrupted = false;
  try {
    while (!stoppedEarly && history.length < opts.epochs) {
      if (opts.signal?.aborted) {
        // Aborted before this epoch's first batch (even before the run's): the promised checkpoint still has to exist.
        await save();
        interrupted = true;
        break;
      }
      const epoch = history.length + 1;
      const start = loader.state().batchIndex;
      let total = 0;
      for (let b = start; b < batches; b++) total += itemsIn(b);
      const progress = createProgress({ total, label: `epoch ${epoch}/${opts.epochs}`, unit: 'samples', stream, silent: opts.progress === false });
      const secondsBefore = partial.seconds;
      const tEpoch = performance.now();
      let done = 0;
      let batch = start;
      model.train();
      try {
        for await (const data of loader.iterate()) {
          const info: FitBatchInfo = { epoch, batch: batch + 1, batches };
          const out = await opts.step(data, info);
          const where = `epoch ${epoch}, batch ${batch + 1}/${batches}`;
          if (!out || typeof out.loss?.item !== 'function' || out.loss.size !== 1) throw new Error(`fit: step must return { loss } with a scalar loss tensor (${where})`);
          if (!out.loss.requiresGrad) {
            throw new Error(`fit: step's loss does not require grad at ${where}: no model parameter requires grad, or the loss was computed under noGrad or detached`);
          }
          if (out.samples !== undefined && !(typeof out.samples === 'number' && out.samples > 0 && Number.isFinite(out.samples))) {
            throw new Error(`fit: step's samples must be a positive number, got ${String(out.samples)} at ${where}`);
          }
          for (const [k, v] of Object.entries(out.metrics ?? {})) {
            if (RESERVED.has(k) || k.startsWith('val_')) throw new Error(`fit: step metric '${k}' clashes with the record's own fields (${[...RESERVED].join(', ')}, val_*)`);
            if (typeof v !== 'number') throw new Error(`fit: step metrics must be numbers (call .item() on a tensor), got ${k}: ${describe(v)} at ${where}`);
          }
          const lossValue = out.loss.item();
          if (!Number.isFinite(lossValue)) throw new Error(`fit: the loss is ${lossValue} at ${where}; stopped before updating the weights with it`);
          optimizer.zeroGrad();
          out.loss.backward();
          if (opts.clipGradNorm !== undefined) {
            const norm = clipGradNorm(optimizer.params(), opts.clipGradNorm);
            if (!Number.isFinite(norm)) throw new Error(`fit: the gradient norm is ${norm} at ${where}; stopped before updating the weights with it`);
          }
          optimizer.step();
          if (scheduler && schedulerStep === 'batch') scheduler.step();
          const n = out.samples ?? itemsIn(batch);
          partial.samples += n;
          partial.lossSum += lossValue * n;
          for (const [k, v] of Object.entries(out.metrics ?? {})) {
            partial.metricSums[k] = (partial.metricSums[k] ?? 0) + v * n;
            partial.metricSamples[k] = (partial.metricSamples[k] ?? 0) + n;
          }
          batch++;
          done += itemsIn(batch - 1);
          progress.update(done, { loss: partial.lossSum / partial.samples, lr: optimizer.paramGroups[0].lr });
          // The last batch always goes on to the epoch's end: its state is the epoch-end checkpoint.
          if (batch < batches && (opts.signal?.aborted || (everyBatches > 0 && batch % everyBatches === 0))) {
            partial.seconds = secondsBefore + (performance.now() - tEpoch) / 1000;
            await save();
            if (opts.signal?.aborted) {
              interrupted = true;
              break;
            }
          }
        }
      } finally {
        // Also when step throws: a live bar's timer would keep the process alive, with the cursor hidden.
        progress.stop();
      }
      if (interrupted) break;

      const trainSeconds = secondsBefore + (performance.now() - tEpoch) / 1000;
      const lr = optimizer.paramGroups[0].lr;
      let val: Record<string, number> = {};
      if (opts.validate) {
        model.eval();
        try {
          val = await opts.validate();
          if (typeof val !== 'object' || val === null || Array.isArray(val)) throw new Error(`fit: validate must return an object of numbers, got ${describe(val)}`);
          for (const [k, v] of Object.entries(val)) if (typeof v !== 'number') throw new Error(`fit: validate must return numbers, got ${k}: ${describe(v)}`);
        } finally {
          model.train();
        }
      }
      const trainMetrics = Object.fromEntries(Object.keys(partial.metricSums).map((k) => [k, partial.metricSums[k] / partial.metricSamples[k]]));
      const record = {
        epoch,
        loss: partial.lossSum / partial.samples,
        ...trainMetrics,
        ...Object.fromEntries(Object.entries(val).map(([k, v]) => [`val_${k}`, v])),
        lr,
        samples_per_sec: partial.samples / trainSeconds,
        epoch_seconds: trainSeconds,
        elapsed_seconds: elapsedBefore + (performance.now() - t0) / 1000,
      } as FitEpochRecord;
      const score = record[monitor.metric];
      if (typeof score !== 'number') {
        const which = opts.monitor ? 'monitor.metric' : 'the default monitor';
        throw new Error(`fit: ${which} '${monitor.metric}' is not in the epoch record (it has ${Object.keys(record).join(', ')}); pass monitor: { metric, mode } naming one of them`);
      }
      history.push(record);
      // Stamped now, not when run.append writes the line: the checkpoint saved below keeps it.
      const time = new Date().toISOString();
      times.push(time);
      partial = emptySums();
      const improved = early.observe(score, epoch);
      if (improved && opts.onBest) await opts.onBest(epoch, record);
      if (scheduler && schedulerStep === 'epoch') {
        if (scheduler instanceof ReduceLROnPlateau) scheduler.step(score);
        else scheduler.step();
      }
      stoppedEarly = early.shouldStop;
      await save();
      if (run) {
        run.append(record, time);
        await run.writeCurve(metricsCurveSvg(history));
      }
      const values = Object.entries(record).filter(([k]) => k !== 'epoch' && k !== 'lr' && !k.endsWith('_sec') && !k.endsWith('_seconds'));
      log(`epoch ${epoch}/${opts.epochs}  ${values.map(([k, v]) => `${k} ${fmt(v)}`).join('  ')}  lr ${fmt(lr)}  `
        + `${record.samples_per_sec.toFixed(0)} samples/s  ${formatDuration(record.epoch_seconds)}${improved ? '  (best)' : ''}`);
      if (stoppedEarly) {
        const best = early.bestEpoch > 0 ? `best ${fmt(early.best)} at epoch ${early.bestEpoch}` : 'no finite value yet';
        log(`stopped early: no improvement of ${monitor.metric} for ${early.patience} epochs; ${best}`);
      }
    }
  } finally {
    for (const [m, training] of modes) m.training = training;
  }
  if (interrupted) log(`interrupted at epoch ${loader.state().epoch + 1}, batch ${loader.state().batchIndex}/${batches}${ckptPath ? `; checkpoint ${ckptPath}` : ''}`);

  const bestEpoch = early.bestEpoch > 0 ? early.bestEpoch : null;
  const trainSeconds = history.reduce((s, r) => s + r.epoch_seconds, 0);
  const samples = history.reduce((s, r) => s + r.samples_per_sec * r.epoch_seconds, 0);
  return {
    history,
    monitor,
    bestEpoch,
    best: history.find((r) => r.epoch === bestEpoch) ?? null,
    stoppedEarly,
    interrupted,
    seconds: elapsedBefore + (performance.now() - t0) / 1000,
    samplesPerSec: trainSeconds > 0 ? samples / trainSeconds : 0,
    checkpoint: ckptPath,
  };
}
