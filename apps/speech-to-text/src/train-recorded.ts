/**
 * What a training run's options are, new or resumed. A resumed run takes every option its
 * checkpoint records — a flag that contradicts it is refused — so `--resume` continues the same
 * run even when flags are left off; a new run takes the flags, then TRAIN_DEFAULTS.
 */
import { basename, dirname, join, resolve } from 'node:path';
import type { loadCheckpoint } from '@tensorkit/nn';
import { keepRecordedOptions } from '@tensorkit/train';
import type { InputNorm } from './features.js';
import type { FrontEndKind, SpeechModelConfig } from './model.js';
import type { NoiseProfile } from './synth.js';
import type { EpochResult, TrainOptions } from './train.js';

/** The defaults of the options a new run may leave out (the command line shows the same ones). */
export const TRAIN_DEFAULTS = {
  seed: 1, batchSize: 16, lr: 3e-3, hidden: 128, layers: 2, convChannels: 32, convLayers: 2, frontEnd: 'conv2d' as const,
  dropout: 0.1, subsample: 2, holdOut: '5-9', valUtterances: 200,
};
export const DEFAULT_EXTRA_WEIGHT = 0.3;

/** Training-stream options a checkpoint records, so that --resume continues with them. */
export type DataOptions = Pick<TrainOptions, 'alignSlack' | 'alignEpochs' | 'tightEdges' | 'noise'>;

/**
 * Schedule, validation and data-mix options a checkpoint records (checkpoints from before they
 * were recorded lack them: their peak lr is read from the scheduler state and their steps per
 * epoch are checked against step / epoch; the others fall back to the flags and defaults).
 */
export interface RunOptions {
  batchSize: number;
  lr: number;
  epochSize: number;
  valSpeaker: string | null;
  holdOut: string;
  valUtterances: number;
  /** yesno/manifest only (null for FSDD). */
  valRecordings: number | null;
  /** Absolute paths. */
  extraData: string[];
  extraWeight: number;
}

/** What a speech-to-text checkpoint's `extra` holds. */
export interface CheckpointExtra {
  app?: string;
  seed?: number;
  best?: { epoch: number; score: number };
  history?: EpochResult[];
  /** --data as given, and (newer checkpoints) resolved. */
  data?: string;
  dataPath?: string;
  epochs?: number;
  inputNorm?: InputNorm;
  dataOptions?: DataOptions;
  runOptions?: Partial<RunOptions>;
  /** The model file the run writes (absolute; newer checkpoints). */
  out?: string;
}

export type Checkpoint = Awaited<ReturnType<typeof loadCheckpoint>>;

/**
 * The model file a resumed run writes when --out is left off: the one its checkpoint records;
 * for a checkpoint from before --out was recorded, the file whose default run folder holds it
 * (`D/runs/NAME/checkpoint.safetensors` → `D/NAME.safetensors`), or else null (then the
 * default of a new run, in the current folder).
 */
export function resumedOut(ckptPath: string, recorded: string | undefined): string | null {
  if (recorded !== undefined) return recorded;
  const folder = dirname(resolve(ckptPath));
  if (basename(dirname(folder)) !== 'runs') return null;
  return join(dirname(dirname(folder)), `${basename(folder)}.safetensors`);
}

/** A run's options; those whose default depends on the data are left undefined when not given or recorded. */
export interface RecordedOptions {
  inputNorm?: InputNorm;
  hidden: number;
  layers: number;
  convChannels: number;
  convLayers: number;
  frontEndKind: FrontEndKind;
  dropout: number;
  subsample: number;
  lr: number;
  batchSize: number;
  epochSize?: number;
  valSpeaker?: string;
  holdOut: string;
  valUtterances: number;
  valRecordings?: number;
  extraData: string[];
  extraWeight: number;
  seed: number;
  tightEdges?: number;
  noise: NoiseProfile;
  alignSlack?: number;
  /** Kept as given: without it every epoch (of a run later extended by --resume too) is constrained. */
  alignEpochs?: number;
}

/** The run's options from the flags, the checkpoint (`ckpt` and its `extra`) and the defaults. */
export function resolveRecorded(opts: TrainOptions, ckpt: Checkpoint | null, extra: CheckpointExtra): RecordedOptions {
  const fromCheckpoint = keepRecordedOptions(ckpt ? opts.resume : undefined);
  const saved = extra.dataOptions ?? {};
  const resumed = <K extends keyof DataOptions>(key: K, flag: string): DataOptions[K] => fromCheckpoint(flag, opts[key], saved[key]);
  const savedRun: Partial<RunOptions> = ckpt ? (extra.runOptions ?? {}) : {};
  const savedConfig = ckpt ? (ckpt.modelConfig as SpeechModelConfig) : null;
  // The schedule: checkpoints from before it was recorded still hold the peak lr in their scheduler state.
  const savedLr = savedRun.lr ?? (ckpt?.scheduler?.baseLrs as number[] | undefined)?.[0];
  const sameList = (a: string[], b: string[]) => a.length === b.length && a.every((p, i) => resolve(p) === resolve(b[i]));
  return {
    // Checkpoints from before --input-norm existed were all trained with 'loudness'.
    inputNorm: fromCheckpoint('--input-norm', opts.inputNorm, ckpt ? (extra.inputNorm ?? 'loudness') : undefined),
    // The model's shape comes from the checkpoint's model config.
    hidden: fromCheckpoint('--hidden', opts.hidden, savedConfig?.hiddenSize) ?? TRAIN_DEFAULTS.hidden,
    layers: fromCheckpoint('--layers', opts.layers, savedConfig?.numLayers) ?? TRAIN_DEFAULTS.layers,
    convChannels: fromCheckpoint('--conv-channels', opts.convChannels, savedConfig?.convChannels) ?? TRAIN_DEFAULTS.convChannels,
    convLayers: fromCheckpoint('--conv-layers', opts.convLayers, savedConfig?.convLayers) ?? TRAIN_DEFAULTS.convLayers,
    // A config without frontEnd is a 1-D convolution model (SpeechModel's default).
    frontEndKind: fromCheckpoint('--front-end', opts.frontEnd, savedConfig ? (savedConfig.frontEnd ?? 'conv1d') : undefined) ?? TRAIN_DEFAULTS.frontEnd,
    dropout: fromCheckpoint('--dropout', opts.dropout, savedConfig?.dropout) ?? TRAIN_DEFAULTS.dropout,
    subsample: fromCheckpoint('--subsample', opts.subsample, savedConfig?.subsample) ?? TRAIN_DEFAULTS.subsample,
    lr: fromCheckpoint('--lr', opts.lr, savedLr) ?? TRAIN_DEFAULTS.lr,
    batchSize: fromCheckpoint('--batch-size', opts.batchSize, savedRun.batchSize) ?? TRAIN_DEFAULTS.batchSize,
    epochSize: fromCheckpoint('--epoch-size', opts.epochSize, savedRun.epochSize),
    // Validation and the data mix (the held-back recordings are also kept out of training).
    valSpeaker: fromCheckpoint<string | null>('--val-speaker', opts.valSpeaker, savedRun.valSpeaker) ?? undefined,
    holdOut: fromCheckpoint('--hold-out', opts.holdOut, savedRun.holdOut) ?? TRAIN_DEFAULTS.holdOut,
    valUtterances: fromCheckpoint('--val-utterances', opts.valUtterances, savedRun.valUtterances) ?? TRAIN_DEFAULTS.valUtterances,
    valRecordings: fromCheckpoint<number | null>('--val-recordings', opts.valRecordings, savedRun.valRecordings) ?? undefined,
    extraData: fromCheckpoint('--extra-data', opts.extraData?.length ? opts.extraData : undefined, savedRun.extraData, { same: sameList }) ?? [],
    extraWeight: fromCheckpoint('--extra-weight', opts.extraWeight, savedRun.extraData?.length ? savedRun.extraWeight : undefined) ?? DEFAULT_EXTRA_WEIGHT,
    seed: opts.seed ?? (ckpt ? extra.seed : undefined) ?? TRAIN_DEFAULTS.seed,
    tightEdges: resumed('tightEdges', '--tight-edges'),
    // Checkpoints from before --noise existed were all trained with the default profile.
    noise: fromCheckpoint('--noise', opts.noise, ckpt ? (saved.noise ?? 'default') : undefined) ?? 'default',
    alignSlack: resumed('alignSlack', '--align-slack'),
    alignEpochs: resumed('alignEpochs', '--align-epochs'),
  };
}
