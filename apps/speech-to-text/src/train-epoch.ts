/**
 * One training epoch of the CTC model: draw utterances, batch them by length, and take one
 * clipped Adam step per batch — constrained to each word's window while `constrained` says so.
 * The epoch's data depend only on the generator it is given, so a resumed run repeats them.
 */
import { type Generator, Tensor } from '@tensorkit/core';
import { type Adam, clipGradNorm, type CosineWarmupLR, ctcLoss, ctcMinInputLength } from '@tensorkit/nn';
import { createProgress } from '@tensorkit/train';
import { BLANK } from './alphabet.js';
import { alignmentWindows } from './align-windows.js';
import { lengthBatches, padBatch } from './batch.js';
import type { WeightAverage } from './ema.js';
import type { SpeechModel } from './model.js';
import type { LabeledExample, TrainSet } from './trainset.js';

const CLIP_NORM = 5;
/** Batches drawn at once and sorted by length, so a batch pads little. */
const BUCKET_BATCHES = 4;

/** What the epoch updates: the model and everything that moves with it. */
export interface Learner {
  model: SpeechModel;
  optimizer: Adam;
  scheduler: CosineWarmupLR;
  ema: WeightAverage;
}

export interface EpochPlan {
  label: string;
  stepsPerEpoch: number;
  batchSize: number;
  /** Training utterances (counted over the whole run) that have at most 2 words. */
  curriculum: number;
  /** Output frames of slack around each word while constrained; null: plain CTC. */
  slackFrames: number | null;
  constrained: boolean;
  quiet?: boolean;
  /** Called every 10 steps with the share of blank frames, for the blank-plateau monitor. */
  onBlankRate: (step: number, rate: number) => void;
  log: (line: string) => void;
}

export interface EpochTotals {
  /** Mean loss over the applied updates (NaN when none was). */
  loss: number;
  /** Utterances drawn, including skipped ones. */
  done: number;
  /** Utterances too short for their transcript. */
  skipped: number;
  /** The run's step count after the epoch. */
  step: number;
}

/** Trains one epoch from step `step` (the run's count so far) on utterances drawn with `dataRng`. */
export function trainEpoch(learner: Learner, ts: TrainSet, dataRng: Generator, step: number, plan: EpochPlan): EpochTotals {
  const { model, optimizer } = learner;
  const { stepsPerEpoch, batchSize } = plan;
  model.train();
  const bar = createProgress({ total: stepsPerEpoch * batchSize, label: plan.label, unit: 'utt', silent: plan.quiet });
  let lossSum = 0;
  let lossCount = 0;
  let skipped = 0;
  let done = 0;
  let stepInEpoch = 0;
  while (stepInEpoch < stepsPerEpoch) {
    const nb = Math.min(BUCKET_BATCHES, stepsPerEpoch - stepInEpoch);
    const maxWords = step * batchSize < plan.curriculum ? 2 : 5;
    const pool: LabeledExample[] = Array.from({ length: nb * batchSize }, () => ts.sample(dataRng, { maxWords }));
    const batches = lengthBatches(pool.map((e) => e.features.frames), batchSize);
    dataRng.shuffle(batches);
    for (const idx of batches) {
      // Pre-flight: CTC cannot align a transcript longer than the model's output; such
      // samples are counted and skipped rather than turned into inf/NaN.
      const items = idx.map((i) => pool[i]).filter((e) => {
        const ok = model.outputLength(e.features.frames) >= ctcMinInputLength(e.labels);
        if (!ok) skipped++;
        return ok;
      });
      done += idx.length;
      stepInEpoch++;
      step++;
      if (items.length === 0) continue;
      const s = ctcStep(learner, items, plan.constrained ? plan.slackFrames : null);
      if (s.applied) {
        lossSum += s.loss;
        lossCount++;
      } else {
        plan.log(`warning: step ${step}: non-finite loss/gradient (loss ${s.loss}, grad norm ${s.gradNorm}); update skipped`);
      }
      if (stepInEpoch % 10 === 0) plan.onBlankRate(step, blankRateOf(s.lp, s.outLengths));
      bar.update(done, { loss: lossCount ? lossSum / lossCount : NaN, lr: optimizer.paramGroups[0].lr });
    }
  }
  bar.stop();
  return { loss: lossCount ? lossSum / lossCount : NaN, done, skipped, step };
}

interface StepResult {
  loss: number;
  gradNorm: number;
  /** False when the loss or gradient was not finite and the update was skipped. */
  applied: boolean;
  /** The batch's log-probabilities [T, B, C] and valid output lengths (for the plateau monitor). */
  lp: Tensor;
  outLengths: number[];
}

/** One update: CTC loss on the batch, backward, gradient clipping, an Adam step and the weight average. */
function ctcStep({ model, optimizer, scheduler, ema }: Learner, items: readonly LabeledExample[], slackFrames: number | null): StepResult {
  const { x, lengths } = padBatch(items.map((e) => e.features));
  const { logits, lengths: outLengths } = model.forward(x, lengths);
  const lp = logits.logSoftmax(-1);
  const flat = new Int32Array(items.reduce((s, e) => s + e.labels.length, 0));
  let off = 0;
  for (const e of items) {
    flat.set(e.labels, off);
    off += e.labels.length;
  }
  const labelWindows = slackFrames === null ? undefined
    : items.map((e, b) => (e.wordFrames ? alignmentWindows(e.text, e.wordFrames, outLengths[b], model.config.subsample, slackFrames) : null));
  const loss = ctcLoss(lp, new Tensor(flat, [flat.length], 'int32'), outLengths, items.map((e) => e.labels.length), { zeroInfinity: true, blank: BLANK, labelWindows });
  const lv = loss.item();
  loss.backward();
  const gradNorm = clipGradNorm(model.parameters(), CLIP_NORM);
  const applied = Number.isFinite(gradNorm) && Number.isFinite(lv);
  if (applied) {
    optimizer.step();
    ema.update();
  }
  model.zeroGrad();
  scheduler.step();
  return { loss: lv, gradNorm, applied, lp, outLengths };
}

/** Fraction of valid frames whose most probable class is blank. */
function blankRateOf(lp: Tensor, lengths: readonly number[]): number {
  const [, B, C] = lp.shape;
  const data = lp.contiguous().toTypedArray();
  let blanks = 0;
  let total = 0;
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < lengths[b]; t++) {
      const row = (t * B + b) * C;
      let best = 0;
      for (let c = 1; c < C; c++) if (data[row + c] > data[row + best]) best = c;
      if (best === BLANK) blanks++;
      total++;
    }
  }
  return total ? blanks / total : 0;
}
