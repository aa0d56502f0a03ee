/**
 * `speech train`: CTC training with warmup + cosine LR, gradient clipping, per-epoch
 * validation (greedy CER/WER), a blank-plateau monitor, resumable checkpoints and a run
 * folder with metrics.jsonl and a curve image (curve.png + curve.svg).
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { Generator } from '@tensorkit/core';
import { Adam, CosineWarmupLR, loadCheckpoint, loadSafetensors, restoreCheckpoint, saveCheckpoint, saveSafetensors } from '@tensorkit/nn';
import { checkWritable, createProgress, formatDuration, RunFolder, UserError, type MetricRecord } from '@tensorkit/train';
import { NUM_CLASSES } from './alphabet.js';
import { openCorpus, type Corpus, type CorpusKind } from './corpus.js';
import { defaultTrainOut } from './paths.js';
import { defaultFrontEnd, type InputNorm } from './features.js';
import { saveModel } from './model-file.js';
import { DEFAULT_MODEL, MAX_MODEL_WEIGHTS, modelOutputLength, SpeechModel, speechModelParameterCount, type FrontEndKind, type SpeechModelConfig } from './model.js';
import { writeTrainingCurve } from './plots.js';
import { Lexicon } from './lexicon.js';
import { WeightAverage } from './ema.js';
import { augmentFor, NOISE_PROFILES, type NoiseProfile } from './synth.js';
import { trainEpoch } from './train-epoch.js';
import { resolveRecorded, resumedOut, type Checkpoint, type CheckpointExtra, type DataOptions, type RunOptions } from './train-recorded.js';
import { selectionScore, validate, type ValidationScores } from './train-validation.js';
import { buildTrainSet, parseRange, type TrainSet } from './trainset.js';

export { validate, type ValidationScores } from './train-validation.js';
export { DEFAULT_EXTRA_WEIGHT, resumedOut, TRAIN_DEFAULTS } from './train-recorded.js';

export interface TrainOptions {
  /** Training data (default with `resume`: the path the checkpoint records). */
  data?: string;
  /** Epochs in all (default: FSDD 36, otherwise 60; with `resume`: the checkpoint's, and a different number re-stretches the schedule, with a note). */
  epochs?: number;
  /**
   * Options left undefined take TRAIN_DEFAULTS — or, with `resume`, the checkpoint's values (a
   * value that contradicts the checkpoint is refused, so that a resumed run continues exactly).
   */
  seed?: number;
  /**
   * Model file to write (default: defaultTrainOut of the data's kind, in the current folder; with
   * `resume`: the file the checkpoint's run writes — resumedOut).
   */
  out?: string;
  resume?: string;
  /** Run folder (default: defaultRunDir(out); with `resume`: the checkpoint's folder). */
  runDir?: string;
  batchSize?: number;
  lr?: number;
  /** Utterances per epoch (default: FSDD 1600, otherwise 8 passes over the recordings, at least 256). */
  epochSize?: number;
  hidden?: number;
  layers?: number;
  convChannels?: number;
  convLayers?: number;
  frontEnd?: FrontEndKind;
  dropout?: number;
  subsample?: number;
  valSpeaker?: string;
  /** Input normalisation of the log-mel (default 'loudness'; a resumed run keeps its own). */
  inputNorm?: InputNorm;
  /** FSDD-style folders whose speakers are only trained on (e.g. synthetic voices). */
  extraData?: string[];
  /** Fraction of training utterances drawn from --extra-data (default 0.3). */
  extraWeight?: number;
  holdOut?: string;
  valUtterances?: number;
  /** yesno/manifest: recordings held back for validation (default yesno 3, manifest 200). */
  valRecordings?: number;
  /**
   * Constrained CTC: each word of a training utterance whose word positions are known must be
   * emitted within its sound ± this many seconds (0: plain CTC; default: defaultAlignSlack).
   */
  alignSlack?: number;
  /** With alignSlack: constrain only the first this-many epochs, then plain CTC (default: every epoch). */
  alignEpochs?: number;
  /** FSDD: probability that a training utterance's edge has no silence (default 0). */
  tightEdges?: number;
  /** Waveform augmentation profile (default 'default'; 'wide': more, louder and hissier noise — augmentFor). */
  noise?: NoiseProfile;
  /** Store weights as float16. */
  half: boolean;
  /** Stop after the epoch that would otherwise end past this many minutes of wall time. */
  maxMinutes?: number;
  /** Where progress lines go (default stderr). */
  log?: (line: string) => void;
  quiet?: boolean;
}

export interface EpochResult {
  epoch: number;
  loss: number;
  lr: number;
  samplesPerSec: number;
  seconds: number;
  skipped: number;
  val: Record<string, ValidationScores>;
}

export interface TrainResult {
  epochs: EpochResult[];
  best: { epoch: number; score: number };
  out: string;
  runDir: string;
  seconds: number;
  trainSet: TrainSet;
}

const WARMUP_STEPS = 100;
/**
 * Utterances (at most 30 % of the run) trained on 1–2 words before the full 1–5 (a short-first
 * curriculum: CTC leaves its blank-only plateau in fewer updates when alignments are short, and
 * short batches are cheap).
 */
const CURRICULUM_UTTERANCES = 6400;
/** Weight-average decay per step (time constant ~500 steps). */
const EMA_DECAY = 0.998;

export function defaultRunDir(out: string): string {
  return join(dirname(resolve(out)), 'runs', basename(out).replace(/\.safetensors$/i, ''));
}

/**
 * FSDD's several speakers: 'speech-envelope' (leave-one-speaker-out, README: unseen speakers
 * 19.5% vs 21.3%, held-back recordings 1.4% vs 1.9%). One-speaker sets (yesno) keep 'loudness',
 * which their shipped model was validated with.
 */
export function defaultInputNorm(kind: CorpusKind): InputNorm {
  return kind === 'fsdd' ? 'speech-envelope' : 'loudness';
}

/**
 * yesno trains with constrained CTC (0.04 s): plain CTC let the model emit a file's first word on
 * the opening background and each word's edges in the pauses around it. Other data default to
 * plain CTC; the shipped FSDD recipe passes its own flags (constrained for the first third, with
 * --tight-edges, without which constrained models lost on the held-back recordings; README).
 */
export function defaultAlignSlack(kind: CorpusKind): number {
  return kind === 'yesno' ? 0.04 : 0;
}

/** Warmup steps of a run of `totalSteps` (a quarter of a short run). */
function warmupSteps(totalSteps: number): number {
  return Math.min(WARMUP_STEPS, Math.floor(totalSteps / 4));
}

/**
 * The blank-plateau warnings judge a run only after this many steps — twice the documented
 * warm-up, whatever a short run's shortened warm-up: CTC models are normally blank-only early on,
 * and a run shorter than this is too short to judge (it warned after 4 steps of a tiny run).
 */
export const PLATEAU_STEPS = 2 * WARMUP_STEPS;

export async function train(opts: TrainOptions): Promise<TrainResult> {
  const log = opts.log ?? ((s: string) => process.stderr.write(s + '\n'));
  const t0 = performance.now();
  let ckpt: Checkpoint | null = null;
  if (opts.resume) {
    try {
      ckpt = await loadCheckpoint(opts.resume);
    } catch (err) {
      throw new UserError(`--resume ${opts.resume}: ${(err as Error).message}`);
    }
  }
  const extra = (ckpt?.extra ?? {}) as CheckpointExtra;
  if (ckpt && extra.app !== 'speech-to-text') throw new UserError(`--resume ${opts.resume}: not a speech-to-text training checkpoint`);
  // --data: with --resume it defaults to the data the checkpoint records.
  const data = opts.data ?? (ckpt ? extra.dataPath ?? extra.data : undefined);
  if (data === undefined) {
    throw new UserError(ckpt ? `--resume ${opts.resume}: the checkpoint does not record its training data; pass --data` : '--data is required: the training data (FSDD folder, yesno folder or .jsonl manifest)');
  }
  // A resumed run keeps writing its own model file and run folder (it wrote new ones in the
  // current folder); --out and --run-dir still choose others.
  let corpus: Corpus | undefined;
  let out = opts.out;
  if (out === undefined && ckpt) {
    const o = resumedOut(opts.resume!, extra.out);
    if (o !== null && extra.out === undefined) log(`note: ${opts.resume} does not record its --out (an older checkpoint); writing ${o}, the model file its run folder belongs to (pass --out to choose)`);
    if (o !== null) out = o;
  }
  if (out === undefined) {
    // Without --out the file is named after the data's kind, so the data are opened first — once:
    // the corpus is reused below (a big manifest was parsed twice, a folder listed twice).
    corpus = await openCorpus(data);
    out = defaultTrainOut(corpus.kind);
    if (ckpt) log(`note: ${opts.resume} does not record its --out (an older checkpoint outside a runs/ folder); writing ${out} in the current folder (pass --out to choose)`);
  }
  const runDir = opts.runDir ?? (ckpt ? dirname(resolve(opts.resume!)) : defaultRunDir(out));
  const ckptPath = join(runDir, 'checkpoint.safetensors');
  // Fail now rather than after the first epoch's save.
  checkWritable(out, '--out');
  checkWritable(ckptPath, '--run-dir', runDir);

  const recorded = resolveRecorded(opts, ckpt, extra);
  const {
    inputNorm, hidden, layers, convChannels, convLayers, frontEndKind, dropout, subsample, lr, batchSize, valSpeaker, holdOut,
    valUtterances, extraData, extraWeight, seed, noise, epochSize: givenEpochSize, valRecordings: givenValRecordings, alignEpochs: alignEpochsFlag,
  } = recorded;

  corpus ??= await openCorpus(data);
  const frontEnd = defaultFrontEnd(8000, inputNorm ?? defaultInputNorm(corpus.kind));
  const features = frontEnd.config;

  if (extraData.length && corpus.kind !== 'fsdd') throw new UserError(`--extra-data works with FSDD-style training data only; ${data} is a ${corpus.kind} dataset`);
  if (!(extraWeight > 0 && extraWeight < 1)) throw new UserError(`--extra-weight must be between 0 and 1 (exclusive), got ${extraWeight}`);
  const tightEdges = recorded.tightEdges ?? 0;
  if (!(tightEdges >= 0 && tightEdges <= 1)) throw new UserError(`--tight-edges must be a probability between 0 and 1, got ${tightEdges}`);
  if (tightEdges > 0 && corpus.kind !== 'fsdd') throw new UserError(`--tight-edges works with FSDD-style training data only; ${data} is a ${corpus.kind} dataset`);
  // Validation options of the other kind of data would otherwise be ignored without a word.
  if (valSpeaker !== undefined && corpus.kind !== 'fsdd') throw new UserError(`--val-speaker works with FSDD-style training data only; ${data} is a ${corpus.kind} dataset (--val-recordings sets its validation share)`);
  if (givenValRecordings !== undefined && corpus.kind === 'fsdd') throw new UserError(`--val-recordings works with yesno folders and manifests; ${data} is an FSDD folder (--hold-out, --val-utterances and --val-speaker set its validation)`);
  const valRecordings = corpus.kind === 'fsdd' ? null : givenValRecordings ?? (corpus.kind === 'yesno' ? 3 : 200);
  if (!NOISE_PROFILES.includes(noise)) throw new UserError(`--noise must be one of ${NOISE_PROFILES.join(', ')}, got ${noise}`);
  const weights = speechModelParameterCount({ inputDim: features.nMels, numClasses: NUM_CLASSES, hiddenSize: hidden, numLayers: layers, convChannels, convLayers, frontEnd: frontEndKind });
  if (weights > MAX_MODEL_WEIGHTS) {
    throw new UserError(`--hidden ${hidden}, --layers ${layers}, --conv-channels ${convChannels}, --conv-layers ${convLayers}: a model of ${weights.toLocaleString('en-US')} weights, more than one may hold (${MAX_MODEL_WEIGHTS.toLocaleString('en-US')}, 2^28; the default has ${speechModelParameterCount({ ...DEFAULT_MODEL, inputDim: features.nMels, numClasses: NUM_CLASSES }).toLocaleString('en-US')})`);
  }
  const extraCorpora = [];
  for (const d of extraData) extraCorpora.push(await openCorpus(d));
  const loadBar = createProgress({ total: corpus.recordings.length, label: 'loading audio', unit: 'files', silent: opts.quiet });
  const ts = await buildTrainSet(corpus, frontEnd, {
    valSpeaker,
    holdOut: parseRange(holdOut),
    valUtterances,
    valRecordings: givenValRecordings ?? (corpus.kind === 'yesno' ? 3 : 200),
    onLoad: (d) => loadBar.update(d),
    outputLength: (frames) => modelOutputLength(subsample, frames),
    extra: extraCorpora.length ? { corpora: extraCorpora, weight: extraWeight } : undefined,
    tightEdges,
    augment: augmentFor(noise),
  });
  loadBar.stop();
  log(ts.summary);
  if (ts.tooShort.length) {
    log(`warning: ${ts.tooShort.length} recording${ts.tooShort.length === 1 ? ' is' : 's are'} too short for ${ts.tooShort.length === 1 ? 'its' : 'their'} transcript and left out of training:`);
    for (const t of ts.tooShort.slice(0, 10)) log(`  ${t.name}: ${t.frames} model frames < ${t.needed} needed for ${JSON.stringify(t.text)}`);
    if (ts.tooShort.length > 10) log(`  … and ${ts.tooShort.length - 10} more`);
  }
  for (const v of ts.validation) log(`validation set '${v.name}': ${v.examples.length} utterances`);
  const validated = ts.validation.some((v) => v.examples.length > 0);
  if (!validated) log('warning: no validation set (too few recordings to hold any back; --val-recordings sets how many): nothing scores the epochs, so each one is saved and the last is kept');

  // A resumed run keeps its planned length unless --epochs changes it (below, with a note).
  const epochs = opts.epochs ?? (ckpt ? extra.epochs : undefined) ?? (ts.kind === 'fsdd' ? 36 : 60);
  if (!Number.isInteger(epochs) || epochs < 1) throw new UserError(`--epochs must be a positive integer, got ${opts.epochs}`);
  const epochSize = givenEpochSize ?? (ts.kind === 'fsdd' ? 1600 : Math.max(256, 8 * ts.trainCount));
  // A batch larger than the epoch would build that many utterances for its one step (--batch-size 100000000 hung).
  if (batchSize > epochSize) throw new UserError(`--batch-size ${batchSize} is larger than an epoch of ${epochSize} utterances (--epoch-size)`);
  const stepsPerEpoch = Math.max(1, Math.ceil(epochSize / batchSize));
  // Every epoch takes the same number of steps, so an older checkpoint (without its epoch and
  // batch size) still tells how many its run took: continuing with another number would not be
  // the same run.
  if (ckpt && ckpt.epoch > 0 && ckpt.step !== ckpt.epoch * stepsPerEpoch) {
    throw new UserError(`--resume ${opts.resume}: the checkpoint trained ${ckpt.step / ckpt.epoch} steps per epoch, not ${stepsPerEpoch} (--epoch-size ${epochSize}, --batch-size ${batchSize}); pass the run's --epoch-size and --batch-size`);
  }
  const alignSlack = recorded.alignSlack ?? defaultAlignSlack(ts.kind);
  if (!(alignSlack >= 0)) throw new UserError(`--align-slack must be a number of seconds >= 0, got ${alignSlack}`);
  const alignEpochs = alignEpochsFlag ?? epochs;
  if (!Number.isInteger(alignEpochs) || alignEpochs < 0) throw new UserError(`--align-epochs must be an integer >= 0, got ${alignEpochs}`);
  const dataOptions: DataOptions = { alignSlack, tightEdges, noise, ...(alignEpochsFlag !== undefined ? { alignEpochs: alignEpochsFlag } : {}) };
  const runOptions: RunOptions = {
    batchSize, lr, epochSize, valSpeaker: valSpeaker ?? null, holdOut, valUtterances, valRecordings,
    extraData: extraData.map((d) => resolve(d)), extraWeight,
  };
  // A finished run would otherwise train nothing, write no --out, and still report it saved.
  if (ckpt && ckpt.epoch >= epochs) {
    throw new UserError(`--resume ${opts.resume}: the checkpoint has already trained ${ckpt.epoch} epoch${ckpt.epoch === 1 ? '' : 's'}, so --epochs ${epochs} leaves nothing to do; pass --epochs ${ckpt.epoch + 1} or more to train further`);
  }
  const totalSteps = epochs * stepsPerEpoch;
  const warmup = warmupSteps(totalSteps);
  const curriculum = Math.min(CURRICULUM_UTTERANCES, Math.floor(0.3 * totalSteps * batchSize));

  const config: SpeechModelConfig = {
    ...DEFAULT_MODEL,
    inputDim: features.nMels,
    numClasses: NUM_CLASSES,
    hiddenSize: hidden,
    numLayers: layers,
    convChannels,
    convLayers,
    frontEnd: frontEndKind,
    dropout,
    subsample,
  };
  const modelRng = new Generator(seed).split(1);
  let model = new SpeechModel(config, { generator: modelRng });
  let optimizer = new Adam(model.parameters(), { lr });
  let scheduler = new CosineWarmupLR(optimizer, { warmupSteps: warmup, totalSteps: totalSteps + 1, minLr: lr * 0.03 });
  let startEpoch = 1;
  let step = 0;
  let best = { epoch: 0, score: Infinity };
  const history: EpochResult[] = [];

  if (ckpt) {
    model = new SpeechModel(ckpt.modelConfig as SpeechModelConfig, { generator: modelRng });
    optimizer = new Adam(model.parameters(), { lr });
    scheduler = new CosineWarmupLR(optimizer, { warmupSteps: warmup, totalSteps: totalSteps + 1, minLr: lr * 0.03 });
    try {
      restoreCheckpoint(ckpt, { model, optimizer, scheduler, rng: modelRng });
    } catch (err) {
      throw new UserError(`--resume ${opts.resume}: ${(err as Error).message}`);
    }
    if (extra.seed !== seed) log(`note: checkpoint was trained with --seed ${extra.seed}; continuing its data stream with --seed ${seed}`);
    // Fine-tuning on other data is allowed, but it should not happen by a mistyped --data.
    if (extra.data !== undefined && resolve(extra.dataPath ?? extra.data) !== resolve(data)) log(`note: checkpoint was trained on --data ${extra.data}; continuing on ${data}`);
    // Another --epochs stretches (or shortens) the cosine schedule: say what that does to the learning rate.
    if (extra.epochs !== undefined && extra.epochs !== epochs) {
      // The lr the old schedule had set when the checkpoint was written (the optimizer saves it).
      const before = Number(ckpt.optimizer?.groups[0]?.hyperparams.lr);
      log(`note: --epochs ${epochs} changes the run's length from ${extra.epochs} epochs: the learning-rate schedule is re-stretched over ${totalSteps} steps, so at step ${ckpt.step} it is ${optimizer.paramGroups[0].lr.toExponential(2)} instead of ${before.toExponential(2)}`);
    }
    startEpoch = ckpt.epoch + 1;
    step = ckpt.step;
    best = extra.best ?? best;
    history.push(...(extra.history ?? []));
    log(`resumed from ${opts.resume} after epoch ${ckpt.epoch} (step ${step}); writing ${out}, run folder ${runDir}`);
  }
  const lexicon = ts.lexicon.length ? new Lexicon(ts.lexicon) : null;
  const ema = new WeightAverage(model, EMA_DECAY);
  const emaPath = join(runDir, 'checkpoint-ema.safetensors');
  if (ckpt) {
    const savedPath = join(dirname(resolve(opts.resume!)), 'checkpoint-ema.safetensors');
    try {
      const saved = await loadSafetensors(savedPath);
      ema.load(saved.tensors, Number(saved.metadata.updates));
    } catch (err) {
      throw new UserError(`--resume: cannot read the weight average ${savedPath} saved next to the checkpoint (${(err as Error).message})`);
    }
  }
  // Output frames are hop × subsample apart.
  const slackFrames = alignSlack > 0 ? Math.round((alignSlack * frontEnd.config.sampleRate) / (frontEnd.config.hopLength * model.config.subsample)) : null;
  log(`model: ${model.numParameters()} parameters, ${model.config.convLayers}×${model.config.frontEnd ?? 'conv1d'}(${model.config.convChannels}) → ${model.config.numLayers}×BiGRU(${model.config.hiddenSize}), subsample ${model.config.subsample}; ${epochs} epochs × ${stepsPerEpoch} steps of ${batchSize}`);
  if (slackFrames !== null) {
    log(`constrained CTC: each word emitted within its known position ± ${alignSlack} s (${slackFrames} output frames)${alignEpochs < epochs ? ` for epochs 1-${alignEpochs}, then plain CTC` : ''}`);
  }
  // A new run replaces an earlier run's metrics; a resumed one keeps the epochs its checkpoint
  // covers (appending, it repeated an epoch logged after the last checkpoint, and mixed runs),
  // taken from the checkpoint's run folder (also when --run-dir names another).
  const run = new RunFolder<MetricRecord>(runDir);
  run.rewrite(ckpt ? loggedEpochs(join(dirname(resolve(opts.resume!)), basename(run.metricsPath)), ckpt.epoch) : []);
  if (opts.resume === undefined) log(`run folder: ${runDir}`);

  let plateauWarned = false;
  for (let epoch = startEpoch; epoch <= epochs; epoch++) {
    const te = performance.now();
    // The data stream of an epoch depends only on (seed, epoch), so resuming reproduces it.
    const dataRng = new Generator(seed).split(1000 + epoch);
    const totals = trainEpoch({ model, optimizer, scheduler, ema }, ts, dataRng, step, {
      label: `epoch ${epoch}/${epochs}`, stepsPerEpoch, batchSize, curriculum, slackFrames, constrained: epoch <= alignEpochs, quiet: opts.quiet, log,
      onBlankRate: (atStep, rate) => {
        if (!plateauWarned && atStep > PLATEAU_STEPS && rate > 0.99) {
          plateauWarned = true;
          log(`warning: step ${atStep}: the model emits only blanks (${(rate * 100).toFixed(1)}% of frames) — CTC's blank plateau. ` +
            'It usually breaks within a few hundred steps; if it persists, lower --lr, check the transcripts, or check that the audio is not silent.');
        }
      },
    });
    step = totals.step;
    const { done, skipped } = totals;
    const val: EpochResult['val'] = {};
    await ema.withAverage(() => {
      for (const set of ts.validation) val[set.name] = validate(model, set, lexicon);
    });
    const seconds = (performance.now() - te) / 1000;
    const result: EpochResult = {
      epoch, loss: totals.loss, lr: optimizer.paramGroups[0].lr,
      samplesPerSec: done / seconds, seconds, skipped, val,
    };
    history.push(result);
    const valText = Object.entries(val).map(([k, v]) => `${k}: CER ${(v.cer * 100).toFixed(2)}% WER ${(v.wer * 100).toFixed(2)}% (word list ${(v.lexWer * 100).toFixed(2)}%)`).join(' | ');
    log(`epoch ${epoch}/${epochs}: loss ${result.loss.toFixed(4)}  ${valText}  lr ${result.lr.toExponential(2)}  ${result.samplesPerSec.toFixed(1)} utt/s  ${formatDuration(seconds)}` +
      (skipped ? `  (${skipped} utterances too short for their transcript skipped)` : ''));
    // Early epochs are normally blank-only; only a plateau that outlasts warmup is worth a warning.
    const allEmpty = step > PLATEAU_STEPS && Object.values(val).length > 0 && Object.values(val).every((v) => v.empty > 0.9);
    if (allEmpty) log(`warning: epoch ${epoch}: ${Math.round(Object.values(val)[0].empty * 100)}% of validation transcripts are empty — the model is stuck emitting blanks (blank plateau)`);
    run.append({
      epoch, step, loss: result.loss, lr: result.lr, samples_per_sec: result.samplesPerSec, seconds, skipped,
      ...Object.fromEntries(Object.entries(val).flatMap(([k, v]) => [[`${k}_cer`, v.cer], [`${k}_wer`, v.wer], [`${k}_wer_wordlist`, v.lexWer], [`${k}_blank_rate`, v.blankRate]])),
    });
    const score = selectionScore(val, ts.validation);
    const training = {
      data, kind: ts.kind, seed, epochs, epochSize, batchSize, lr,
      valSpeaker: valSpeaker ?? null, holdOut, alignSlack, ...(alignSlack > 0 && alignEpochs < epochs ? { alignEpochs } : {}),
      ...(extraData.length ? { extraData, extraWeight } : {}), ...(tightEdges > 0 ? { tightEdges } : {}), ...(noise !== 'default' ? { noise } : {}), bestEpoch: epoch, validation: val, split: ts.summary,
    };
    if (score <= best.score) {
      best = { epoch, score };
      await ema.withAverage(() => saveModel(out, { model, features, frontEnd, lexicon: ts.lexicon, training }, { half: opts.half }));
      log(`  saved ${out} (${validated ? 'best so far' : 'latest epoch; no validation set'})`);
    }
    await saveSafetensors(emaPath, ema.tensors(), { metadata: { updates: String(ema.updates) } });
    await saveCheckpoint(ckptPath, {
      model, optimizer, scheduler, rng: modelRng, epoch, step,
      extra: { app: 'speech-to-text', seed, best, history, data, dataPath: resolve(data), epochs, inputNorm: frontEnd.norm, dataOptions, runOptions, out: resolve(out) } satisfies CheckpointExtra,
    });
    try {
      await writeTrainingCurve(join(runDir, 'curve.png'), history);
    } catch (err) {
      log(`warning: could not draw the training curve: ${(err as Error).message}`);
    }
    const elapsed = (performance.now() - t0) / 60000;
    if (opts.maxMinutes !== undefined && epoch < epochs && elapsed + seconds / 60 > opts.maxMinutes) {
      log(`stopping after epoch ${epoch}: another epoch would pass --max-minutes ${opts.maxMinutes} (${elapsed.toFixed(1)} min so far); resume with --resume ${ckptPath}`);
      break;
    }
  }
  const seconds = (performance.now() - t0) / 1000;
  return { epochs: history, best, out, runDir, seconds, trainSet: ts };
}

/** The records of metrics.jsonl for epochs 1…`upTo`, the last one of each epoch (a half-written line is dropped). */
function loggedEpochs(path: string, upTo: number): MetricRecord[] {
  if (!existsSync(path)) return [];
  const byEpoch = new Map<number, MetricRecord>();
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    try {
      const r = JSON.parse(line) as MetricRecord;
      if (typeof r.epoch === 'number' && r.epoch <= upTo) byEpoch.set(r.epoch, r);
    } catch {
      // not a complete record
    }
  }
  return [...byEpoch.keys()].sort((a, b) => a - b).map((e) => byEpoch.get(e)!);
}
