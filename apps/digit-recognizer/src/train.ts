/**
 * `digits train`: a seeded validation split carved from the training side,
 * AdamW with a one-cycle schedule, seeded affine augmentation, validation
 * accuracy every epoch with early stopping, the best model written
 * atomically, and a checkpoint with the full training state (model,
 * optimizer, schedule, dropout RNG, data cursor, history) so `--resume`
 * continues exactly where a run stopped.
 */
import { resolve } from 'node:path';
import { readFileSync } from 'node:fs';
import { Generator, type Tensor } from '@tensorkit/core';
import { DataLoader, type LoaderCursor } from '@tensorkit/data';
import { AdamW, crossEntropy, loadCheckpoint, OneCycleLR, restoreCheckpoint, saveCheckpoint, type Sequential } from '@tensorkit/nn';
import { createProgress, EarlyStopping, formatDuration, lossAccuracyCurveSvg, RunFolder, UserError, type ClassifierEpochRecord } from '@tensorkit/train';
import { DEFAULT_AUGMENT, makeBatch, type Batch } from './batch.js';
import { loadDigitSet, type DigitSet } from './data.js';
import { predictSet } from './infer.js';
import { APP, decodeModel, encodeModel, LABELS, saveModel, type ModelMeta, type TrainingInfo } from './model-file.js';
import { createModel, modelFromConfig, setDropoutGenerator, type Arch } from './model.js';
import { plural } from './plural.js';
import { PREPROCESS } from './preprocess.js';
import { checkOptions, runOptions, runPaths, splitData, TRAIN_DEFAULTS, type RunOptions } from './train-options.js';

export { defaultRunDir, TRAIN_DEFAULTS } from './train-options.js';

/** One line of the run folder's metrics.jsonl. */
export type EpochRecord = ClassifierEpochRecord;

/**
 * Options left undefined take TRAIN_DEFAULTS — or, on `resume`, the values the checkpoint recorded:
 * a given run option (arch, epochs, batchSize, lr, seed, valSize, valSeed, augment, weightDecay,
 * limit) that differs from the checkpoint's is refused, except `epochs`, which may change the run's
 * length (the schedule is stretched).
 */
export interface TrainOptions {
  /** Training data folder; required for a new run, on `resume` the checkpoint's when it records one. */
  data?: string;
  arch?: Arch;
  epochs?: number;
  batchSize?: number;
  /** Peak learning rate of the one-cycle schedule. */
  lr?: number;
  seed?: number;
  /** Where the best model is written: default DEFAULT_TRAIN_OUT for a new run, the original run's file on `resume`. */
  out?: string;
  resume?: string;
  /** Validation images carved from the training side. */
  valSize?: number;
  valSeed?: number;
  /** Stop after this many epochs without a new best validation accuracy. */
  patience?: number;
  /** Checkpoint path (default: <run dir>/checkpoint.safetensors). */
  checkpoint?: string;
  /** Also checkpoint every this many batches (0: only at epoch ends). */
  checkpointEvery?: number;
  /** Run folder: default `<out dir>/runs/<out name>` for a new run, the checkpoint's run folder on `resume`. */
  runDir?: string;
  augment?: boolean;
  weightDecay?: number;
  /** 'auto' stores F16 when validation accuracy holds, else F32. */
  storeAs?: 'auto' | 'F16' | 'F32';
  /** Use only the first N training images (quick experiments). */
  limit?: number;
  /** Recorded in the model metadata. */
  command?: string;
  quiet?: boolean;
  /** Test hook: stop (as if killed) after this many optimizer steps in this process. */
  stopAfterSteps?: number;
  /** Where epoch summaries go (default stdout). */
  log?: (line: string) => void;
}

export interface TrainState {
  app: string;
  options: RunOptions;
  history: EpochRecord[];
  early: { best: number; bestEpoch: number; bad: number };
  /** Running sums of the epoch in progress (for a mid-epoch resume). */
  partial: { lossSum: number; correct: number; seen: number; seconds: number };
  elapsedSec: number;
  /** Where the best epoch's weights were written (the final model starts from them). */
  bestPath: string | null;
  /** Each epoch's metrics.jsonl time stamp, so a resumed run folder keeps them (absent in older checkpoints). */
  times?: (string | null)[];
  /** Absolute paths of the run's data folder, model file, run folder and checkpoint, so `--resume` continues the same run (absent in older checkpoints). */
  data?: string;
  out?: string;
  runDir?: string;
  checkpoint?: string;
}

export interface TrainResult {
  bestAccuracy: number;
  bestEpoch: number;
  epochsRun: number;
  wallTimeSec: number;
  samplesPerSec: number;
  storedAs: 'F16' | 'F32' | null;
  out: string;
  runDir: string;
  checkpoint: string;
  stoppedEarly: boolean;
  interrupted: boolean;
}


/** Weight decay on conv/linear weights only; batch-norm scales and biases are left alone. */
function paramGroups(model: Sequential, weightDecay: number) {
  const decay: Tensor[] = [];
  const noDecay: Tensor[] = [];
  for (const [name, p] of model.namedParameters()) (p.rank > 1 && name.endsWith('weight') ? decay : noDecay).push(p);
  return [{ params: decay, weightDecay }, { params: noDecay, weightDecay: 0 }];
}

export async function train(opts: TrainOptions): Promise<TrainResult> {
  const log = opts.log ?? ((line: string) => process.stdout.write(line + '\n'));
  const t0 = performance.now();
  let ckpt = null;
  let state: TrainState | null = null;
  if (opts.resume) {
    try {
      ckpt = await loadCheckpoint(opts.resume);
    } catch (e) {
      throw new UserError(`--resume ${opts.resume}: ${(e as Error).message.replace(/^checkpoint \S+: /, '')}`);
    }
    state = ckpt.extra as TrainState;
    if (!state || state.app !== APP) throw new UserError(`--resume ${opts.resume}: not a checkpoint written by 'digits train'`);
  }
  const o = runOptions(opts, state?.options);
  const patience = opts.patience ?? TRAIN_DEFAULTS.patience;
  const checkpointEvery = opts.checkpointEvery ?? TRAIN_DEFAULTS.checkpointEvery;
  checkOptions({ ...o, patience });
  if (state && o.epochs !== state.options.epochs) {
    log(`note: training for ${plural(o.epochs, 'epoch')} instead of ${state.options.epochs}; the learning-rate schedule is stretched to the new length`);
  }

  const { out, runDir, ckptPath, data } = runPaths(opts, state);
  const all = await loadDigitSet(data, 'train');
  const { train: trainSet, val: valSet } = splitData(all, o);
  const run = new RunFolder<EpochRecord>(runDir);

  // Independent streams: one seed fixes init, dropout, shuffling and augmentation.
  const root = new Generator(o.seed);
  const initG = root.split(1);
  const dropoutG = root.split(2);
  const loaderSeed = root.split(3).nextUint32();
  const augSeed = root.split(4).nextUint32();

  const model = ckpt ? modelFromConfig(ckpt.modelConfig as Sequential['config'], initG) : createModel(o.arch, initG);
  setDropoutGenerator(model, dropoutG);
  const optimizer = new AdamW(paramGroups(model, o.weightDecay), { lr: o.lr });
  const loader = new DataLoader<number, number[]>(
    { length: trainSet.n, get: (i: number) => i },
    { batchSize: o.batchSize, shuffle: true, seed: loaderSeed, dropLast: trainSet.n > o.batchSize, prefetch: 0 },
  );
  const stepsPerEpoch = loader.length;
  const scheduler = new OneCycleLR(optimizer, { maxLr: o.lr, totalSteps: o.epochs * stepsPerEpoch, pctStart: 0.2 });
  const early = new EarlyStopping(patience);
  let history: EpochRecord[] = [];
  let times: (string | null)[] = [];
  let partial = { lossSum: 0, correct: 0, seen: 0, seconds: 0 };
  let elapsedBefore = 0;
  let bestPath: string | null = null;

  if (ckpt && state) {
    const done = Number(ckpt.scheduler?.lastStep ?? 0);
    if (done > o.epochs * stepsPerEpoch) throw new UserError(`--resume ${opts.resume}: the run already took ${done} steps, more than --epochs ${o.epochs} allows (${o.epochs * stepsPerEpoch})`);
    let restored;
    try {
      // A changed --epochs changes the schedule's length; its step count carries over.
      restored = restoreCheckpoint(ckpt, { model, optimizer, scheduler, rng: dropoutG });
    } catch (e) {
      throw new UserError(`--resume ${opts.resume}: ${(e as Error).message}`);
    }
    loader.setState(restored.cursor as LoaderCursor);
    history = state.history;
    times = Array.isArray(state.times) && state.times.length === history.length ? state.times : history.map(() => null);
    early.restore(state.early);
    partial = state.partial;
    elapsedBefore = state.elapsedSec;
    bestPath = state.bestPath;
    run.rewrite(history, times);
    log(`resuming from ${opts.resume}: epoch ${loader.state().epoch + 1}, batch ${loader.state().batchIndex}/${stepsPerEpoch}; model ${out}, run folder ${runDir}`);
  } else {
    run.reset();
  }

  // The loader drops a short last batch (unless the whole set is one batch): say how many images an epoch really trains on.
  const perEpoch = Math.min(trainSet.n, stepsPerEpoch * o.batchSize);
  const batches = trainSet.n > o.batchSize ? `${plural(stepsPerEpoch, 'batch', 'batches')} of ${o.batchSize}` : `1 batch of ${trainSet.n}`;
  const dropped = trainSet.n - perEpoch;
  const params = `${o.arch} (${model.numParameters().toLocaleString('en-US')} parameters)`;
  log(dropped > 0
    ? `training ${params} on ${trainSet.n} images, ${perEpoch} per epoch (${batches}; the ${dropped} left over change with each epoch's shuffle), `
      + `validating on ${valSet.n}; ${plural(o.epochs, 'epoch')}; seed ${o.seed}`
    : `training ${params} on ${trainSet.n} images, validating on ${valSet.n}; ${plural(o.epochs, 'epoch')} of ${batches}; seed ${o.seed}`);

  const saveState = async (): Promise<void> => {
    const s: TrainState = {
      app: APP, options: o, history, early: early.state(), partial,
      elapsedSec: elapsedBefore + (performance.now() - t0) / 1000, bestPath, times,
      data: resolve(data), out: resolve(out), runDir: resolve(runDir), checkpoint: resolve(ckptPath),
    };
    await saveCheckpoint(ckptPath, {
      model, optimizer, scheduler, rng: dropoutG, epoch: loader.state().epoch, step: optimizer.stepCount, cursor: loader.state(), extra: s,
    });
  };

  let stepsHere = 0;
  let interrupted = false;
  let stoppedEarly = early.shouldStop;
  while (!stoppedEarly && !interrupted && loader.state().epoch < o.epochs) {
    const epoch = loader.state().epoch;
    const startBatch = loader.state().batchIndex;
    // Counted from where this process starts, so samples/s and ETA stay right after a resume.
    const progress = createProgress({ total: (stepsPerEpoch - startBatch) * o.batchSize, label: `epoch ${epoch + 1}/${o.epochs}`, unit: 'samples', silent: opts.quiet });
    const tEpoch = performance.now();
    model.train();
    let batchNo = startBatch;
    for await (const idx of loader.iterate()) {
      const batch = makeBatch(trainSet, idx, { augment: o.augment ? { seed: augSeed, epoch, config: DEFAULT_AUGMENT } : undefined });
      const { loss: lv, correct } = trainBatch(model, optimizer, scheduler, batch);
      if (!Number.isFinite(lv)) throw new UserError(`training diverged at epoch ${epoch + 1}, batch ${batchNo + 1} (loss ${lv}); try a smaller --lr (${o.lr}) or --weight-decay (${o.weightDecay})`);
      partial.correct += correct;
      partial.lossSum += lv * idx.length;
      partial.seen += idx.length;
      batchNo++;
      stepsHere++;
      const secs = partial.seconds + (performance.now() - tEpoch) / 1000;
      progress.update((batchNo - startBatch) * o.batchSize, { loss: partial.lossSum / partial.seen, acc: partial.correct / partial.seen, lr: scheduler.getLr()[0] });
      if (opts.stopAfterSteps !== undefined && stepsHere >= opts.stopAfterSteps) {
        partial = { ...partial, seconds: secs };
        interrupted = true;
        break;
      }
      if (checkpointEvery > 0 && batchNo % checkpointEvery === 0 && batchNo < stepsPerEpoch) {
        const saved = partial.seconds;
        partial.seconds = secs;
        await saveState();
        partial.seconds = saved;
      }
    }
    progress.stop();
    if (interrupted) {
      await saveState();
      log(`stopped after ${plural(stepsHere, 'step')}; checkpoint ${ckptPath}`);
      break;
    }
    const trainSeconds = partial.seconds + (performance.now() - tEpoch) / 1000;
    const v = predictSet(model, valSet);
    model.train();
    const rec: EpochRecord = {
      epoch: epoch + 1,
      loss: partial.lossSum / partial.seen,
      accuracy: partial.correct / partial.seen,
      val_loss: v.loss,
      val_accuracy: v.accuracy,
      lr: scheduler.getLr()[0],
      samples_per_sec: partial.seen / trainSeconds,
      epoch_seconds: trainSeconds,
      elapsed_seconds: elapsedBefore + (performance.now() - t0) / 1000,
    };
    history.push(rec);
    const time = new Date().toISOString(); // stamped before saveState, so the checkpoint keeps it
    times.push(time);
    partial = { lossSum: 0, correct: 0, seen: 0, seconds: 0 };
    const improved = early.observe(v.accuracy, epoch + 1);
    if (improved) {
      model.eval();
      saveModel(out, model, { arch: o.arch, labels: LABELS, preprocess: PREPROCESS, training: null }, 'F32');
      bestPath = resolve(out);
      model.train();
    }
    stoppedEarly = early.shouldStop;
    await saveState();
    run.append(rec, time);
    await run.writeCurve(lossAccuracyCurveSvg(history));
    log(`epoch ${epoch + 1}/${o.epochs}  loss ${rec.loss.toFixed(4)}  acc ${(100 * rec.accuracy).toFixed(2)}%  `
      + `val loss ${v.loss.toFixed(4)}  val acc ${(100 * v.accuracy).toFixed(2)}%${improved ? ' (best)' : ''}  `
      + `${rec.samples_per_sec.toFixed(0)} samples/s  ${formatDuration(trainSeconds)}`);
  }

  const wall = elapsedBefore + (performance.now() - t0) / 1000;
  const totalSeen = history.reduce((s, r) => s + r.samples_per_sec * r.epoch_seconds, 0);
  const totalSecs = history.reduce((s, r) => s + r.epoch_seconds, 0);
  const result: TrainResult = {
    bestAccuracy: early.best, bestEpoch: early.bestEpoch, epochsRun: history.length, wallTimeSec: wall,
    samplesPerSec: totalSecs > 0 ? totalSeen / totalSecs : 0, storedAs: null, out, runDir, checkpoint: ckptPath,
    stoppedEarly, interrupted,
  };
  if (interrupted || !bestPath) return result;

  // Final model: the best epoch's weights with training info, F16 when validation accuracy holds.
  const best = decodeModel(readFileSync(bestPath), bestPath);
  const info: TrainingInfo = {
    seed: o.seed, epochs: history.length, bestEpoch: early.bestEpoch, valAccuracy: early.best, valSize: valSet.n, trainSize: trainSet.n,
    wallTimeSec: Math.round(wall), samplesPerSec: Math.round(result.samplesPerSec), command: opts.command ?? '', date: new Date().toISOString(),
  };
  const meta = { arch: o.arch, labels: LABELS, preprocess: PREPROCESS, training: info };
  const storeAs = storageFor(best.model, meta, valSet, early.best, opts.storeAs ?? TRAIN_DEFAULTS.storeAs, log);
  saveModel(out, best.model, meta, storeAs);
  result.storedAs = storeAs;
  log(`best val acc ${(100 * early.best).toFixed(2)}% at epoch ${early.bestEpoch}${stoppedEarly ? ' (stopped early)' : ''}; `
    + `wall time ${formatDuration(wall)}; ${result.samplesPerSec.toFixed(0)} samples/s; peak RSS ${Math.round(process.resourceUsage().maxRSS / 1024)} MB; `
    + `model ${out} (${storeAs}); run folder ${runDir}`);
  return result;
}

/** One optimizer step on a batch; its loss and how many of its images the model (before the step) got right. */
function trainBatch(model: Sequential, optimizer: AdamW, scheduler: OneCycleLR, batch: Batch): { loss: number; correct: number } {
  const logits = model.forward(batch.x);
  const loss = crossEntropy(logits, batch.y);
  optimizer.zeroGrad();
  loss.backward();
  optimizer.step();
  scheduler.step();
  const l = logits.toTypedArray();
  let correct = 0;
  for (let k = 0; k < batch.labels.length; k++) {
    let best = 0;
    for (let c = 1; c < 10; c++) if (l[k * 10 + c] > l[k * 10 + best]) best = c;
    if (best === batch.labels[k]) correct++;
  }
  return { loss: loss.item(), correct };
}

/**
 * 'auto': F16 unless storing the weights in half precision changes more than one validation
 * image's prediction (then F32); otherwise the storage asked for.
 */
export function storageFor(model: Sequential, meta: Omit<ModelMeta, 'config' | 'storedAs'>, valSet: DigitSet, bestAccuracy: number, option: 'auto' | 'F16' | 'F32', log: (line: string) => void): 'F16' | 'F32' {
  if (option !== 'auto') return option;
  let bytes: Uint8Array;
  try {
    bytes = encodeModel(model, meta, 'F16');
  } catch (err) {
    // nn refuses a weight beyond float16's ±65504 (it would load as Infinity): auto means F32 then.
    log(`F16 weights: ${(err as Error).message}; storing F32`);
    return 'F32';
  }
  const half = decodeModel(bytes, 'F16 model');
  const accHalf = predictSet(half.model, valSet).accuracy;
  const storeAs = accHalf < bestAccuracy - 1 / valSet.n - 1e-12 ? 'F32' : 'F16';
  log(`F16 weights: val acc ${(100 * accHalf).toFixed(2)}% vs ${(100 * bestAccuracy).toFixed(2)}% in F32; storing ${storeAs}`);
  return storeAs;
}
