/**
 * What a `digits train` run is: its options (a resumed run takes its checkpoint's), the files it
 * writes, and the validation split carved from the training side.
 */
import { basename, dirname, extname, join } from 'node:path';
import { randomSplit } from '@tensorkit/data';
import { checkWritable, keepRecordedOptions, UserError } from '@tensorkit/train';
import { subset, type DigitSet } from './data.js';
import { DEFAULT_TRAIN_OUT } from './model-file.js';
import { ARCHS, type Arch } from './model.js';
import type { TrainOptions, TrainState } from './train.js';

export const TRAIN_DEFAULTS = {
  arch: 'cnn' as Arch,
  epochs: 6,
  batchSize: 128,
  lr: 3e-3,
  seed: 0,
  valSize: 5000,
  valSeed: 0,
  patience: 5,
  checkpointEvery: 100,
  augment: true,
  weightDecay: 0.01,
  storeAs: 'auto' as const,
};

/** Options that define a run; a resumed run takes them from its checkpoint. */
export interface RunOptions {
  arch: Arch;
  epochs: number;
  batchSize: number;
  lr: number;
  seed: number;
  valSize: number;
  valSeed: number;
  augment: boolean;
  weightDecay: number;
  limit: number | null;
}

export function defaultRunDir(out: string): string {
  const name = basename(out, extname(out)) || 'model';
  return join(dirname(out), 'runs', name);
}

export function checkOptions(o: RunOptions & { patience: number }): void {
  if (!ARCHS.includes(o.arch)) throw new UserError(`--arch must be one of ${ARCHS.join(', ')}, got '${o.arch}'`);
  const posInt = (name: string, v: number) => {
    if (!Number.isInteger(v) || v < 1) throw new UserError(`--${name} must be a positive integer, got ${v}`);
  };
  posInt('epochs', o.epochs);
  posInt('batch-size', o.batchSize);
  posInt('val-size', o.valSize);
  posInt('patience', o.patience);
  if (!(o.lr > 0) || !Number.isFinite(o.lr)) throw new UserError(`--lr must be a positive number, got ${o.lr}`);
  if (!Number.isInteger(o.seed) || o.seed < 0) throw new UserError(`--seed must be a non-negative integer, got ${o.seed}`);
  if (o.limit !== null) posInt('limit', o.limit);
  // Known before the data is read: say so now rather than after loading it.
  if (o.limit !== null && o.valSize >= o.limit) {
    throw new UserError(`--val-size ${o.valSize} leaves no training images (--limit ${o.limit} keeps at most ${o.limit})${o.limit >= 2 ? `; lower --val-size, e.g. --val-size ${suggestedValSize(o.limit)} (a tenth)` : ''}`);
  }
  // Batch norm normalises over the batch: one image per batch has no variance to normalise by.
  if (o.arch === 'cnn' && o.batchSize < 2) throw new UserError(`--batch-size ${o.batchSize}: the cnn needs at least 2 images per batch (its batch norm normalises over the batch); use --batch-size 2 or more, or --arch mlp`);
}

/** What to say about the images there are: `the data has 300`, or `--limit 2000 keeps 2000 of the data's 60000`. */
function describeImages(n: number, total: number, limit: number | null): string {
  return limit !== null && limit < total ? `--limit ${limit} keeps ${n} of the data's ${total}` : `the data has ${n}`;
}

/** A validation size that leaves most of n images for training: a tenth (at least 1). */
function suggestedValSize(n: number): number {
  return Math.max(1, Math.floor(n / 10));
}

export function splitData(all: DigitSet, o: RunOptions): { train: DigitSet; val: DigitSet } {
  const n = o.limit !== null ? Math.min(o.limit, all.n) : all.n;
  const base = n < all.n ? subset(all, Array.from({ length: n }, (_, i) => i)) : all;
  const has = describeImages(n, all.n, o.limit);
  const lower = n >= 2 ? `; lower --val-size, e.g. --val-size ${suggestedValSize(n)} (a tenth)` : '';
  if (o.valSize >= n) throw new UserError(`--val-size ${o.valSize} leaves no training images (${has})${lower}`);
  // Batches never shrink below --batch-size (the loader drops a short last batch) unless the whole set is one batch.
  if (o.arch === 'cnn' && n - o.valSize < 2) throw new UserError(`--val-size ${o.valSize} leaves ${n - o.valSize} training image (${has}); the cnn needs at least 2 (its batch norm normalises over the batch)${n >= 3 ? lower : ''}`);
  const [trainIdx, valIdx] = randomSplit(n, [n - o.valSize, o.valSize], o.valSeed);
  return { train: subset(base, trainIdx), val: subset(base, valIdx) };
}

/**
 * The options that define the run: for a new run the given ones or TRAIN_DEFAULTS; on resume the
 * checkpoint's, refusing a given one that differs — except `epochs`, which may change the run's length.
 */
export function runOptions(opts: TrainOptions, saved: RunOptions | undefined): RunOptions {
  const keep = keepRecordedOptions(saved ? opts.resume : undefined);
  const d = TRAIN_DEFAULTS;
  return {
    arch: keep('--arch', opts.arch, saved?.arch) ?? d.arch,
    epochs: opts.epochs ?? saved?.epochs ?? d.epochs,
    batchSize: keep('--batch-size', opts.batchSize, saved?.batchSize) ?? d.batchSize,
    lr: keep('--lr', opts.lr, saved?.lr) ?? d.lr,
    seed: keep('--seed', opts.seed, saved?.seed) ?? d.seed,
    valSize: keep('--val-size', opts.valSize, saved?.valSize) ?? d.valSize,
    valSeed: keep('--val-seed', opts.valSeed, saved?.valSeed) ?? d.valSeed,
    augment: keep('--no-augment', opts.augment, saved?.augment, { describe: (on) => (on ? 'augmentation' : '--no-augment') }) ?? d.augment,
    weightDecay: keep('--weight-decay', opts.weightDecay, saved?.weightDecay) ?? d.weightDecay,
    limit: keep<number | null>('--limit', opts.limit, saved?.limit) ?? null,
  };
}


/** The run's data folder, model file, run folder and checkpoint, each checked writable before any work. */
export function runPaths(opts: TrainOptions, state: TrainState | null): { out: string; runDir: string; ckptPath: string; data: string } {
  // A resumed run continues its own model file, run folder and checkpoint unless told otherwise.
  let out: string;
  let runDir: string;
  let ckptPath: string;
  let data: string;
  if (opts.resume && state) {
    const recorded = state.out ?? state.bestPath;
    if (opts.out === undefined && !recorded) {
      throw new UserError(`--resume ${opts.resume}: the checkpoint does not record where the run writes its model (written by an older version before its first epoch ended); give --out`);
    }
    out = opts.out ?? recorded!;
    // The checkpoint's own folder, unless the run kept its checkpoint outside its run folder.
    const customCheckpoint = state.runDir !== undefined && state.checkpoint !== undefined && state.checkpoint !== join(state.runDir, 'checkpoint.safetensors');
    runDir = opts.runDir ?? (customCheckpoint ? state.runDir! : dirname(opts.resume));
    ckptPath = opts.checkpoint ?? (opts.runDir !== undefined ? join(runDir, 'checkpoint.safetensors') : opts.resume);
    if (opts.data === undefined && state.data === undefined) throw new UserError(`--resume ${opts.resume}: the checkpoint does not record the data folder (written by an older version); give --data`);
    data = opts.data ?? state.data!;
  } else {
    if (opts.data === undefined) throw new UserError('--data: give the training data folder');
    data = opts.data;
    out = opts.out ?? DEFAULT_TRAIN_OUT;
    runDir = opts.runDir ?? defaultRunDir(out);
    ckptPath = opts.checkpoint ?? join(runDir, 'checkpoint.safetensors');
  }
  // Fail now rather than after the last epoch.
  checkWritable(out, '--out');
  if (opts.checkpoint) checkWritable(ckptPath, '--checkpoint');
  else if (opts.resume && opts.runDir === undefined) checkWritable(ckptPath, '--resume');
  else checkWritable(ckptPath, '--run-dir', runDir);
  return { out, runDir, ckptPath, data };
}
