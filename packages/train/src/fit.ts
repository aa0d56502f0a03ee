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
import type { Generator, Tensor } from '@tensorkit/core';
import type { DataLoader } from '@tensorkit/data';
import {
  clipGradNorm, ReduceLROnPlateau, saveCheckpoint, type LrScheduler, type Module, type Optimizer,
} from '@tensorkit/nn';
import { metricsCurveSvg } from './charts/training-curve.js';
import { EarlyStopping, type EarlyStoppingMode } from './early-stopping.js';
import { checkFitOptions, checkStepOutput, checkValidation } from './fit-checks.js';
import { emptySums, FIT_STATE_FORMAT, restoreFitState, type FitState } from './fit-state.js';
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
  checkFitOptions(opts);
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
    ({ history, times, partial, elapsedBefore, stoppedEarly } = await restoreFitState(resumeFrom, { model, optimizer, scheduler, generator, loader, monitor, early }));
    const cursor = loader.state();
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
          checkStepOutput(out, where);
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
          val = checkValidation(await opts.validate());
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
