/**
 * Inference with a loaded model: features → per-frame log-probabilities (batched by length,
 * without gradients) → decoded text and, on request, word timings.
 */
import { noGrad } from '@tensorkit/core';
import { LogProbMatrix } from '@tensorkit/nn';
import { lengthBatches, padBatch } from './batch.js';
import { decode, wordTimings, type Decoded, type WordTiming } from './decode.js';
import { firstNonFinite, normalizeLogMel, type Features } from './features.js';
import { Lexicon } from './lexicon.js';
import type { ModelInfo } from './model-file.js';
import { frameEnergy, refineWordTimes, speechSegments } from './timing.js';
import type { SpeechModel } from './model.js';

export interface RecognizerOptions {
  /** Beam width; 1 = greedy. */
  beam?: number;
  /** Restrict output words to the model's word list (default true when it has one). */
  useLexicon?: boolean;
}

export interface Recognition extends Decoded {
  lp: LogProbMatrix;
  /** Word times: best-path spans snapped to the speech segments. */
  words?: WordTiming[];
  /** The raw best-path spans (first to last frame of each word's characters). */
  pathWords?: WordTiming[];
}

/**
 * Refuses feature matrices the model cannot read. Without this, a wrong feature size failed deep
 * in a kernel ("layerNorm: input [50,1,128] must end in [320]"), zero frames in conv2d, data
 * shorter than frames × dim was padded with zeros into an empty transcript, and NaN decoded to
 * a partial one.
 */
function checkFeatures(model: SpeechModel, items: readonly Features[]): void {
  const dim = model.config.inputDim;
  items.forEach((f, i) => {
    if (f.dim !== dim) throw new Error(`input ${i}: features have ${f.dim} values per frame, the model reads ${dim} (compute them with featuresFromSamples or featuresFromLogMel and the model's frontEnd)`);
    if (!Number.isInteger(f.frames) || f.frames < 1) throw new Error(`input ${i}: frames must be a positive integer, got ${f.frames}`);
    if (f.data.length !== f.frames * f.dim) throw new Error(`input ${i}: data holds ${f.data.length} values, frames × dim = ${f.frames} × ${f.dim} = ${f.frames * f.dim}`);
    const bad = firstNonFinite(f.data);
    if (bad >= 0) throw new Error(`input ${i}: feature ${bad} (frame ${Math.floor(bad / f.dim)}) is ${f.data[bad]}; features must be finite numbers`);
  });
}

/** Per-frame log-probabilities of each input (eval mode, no gradients). */
export function computeLogProbs(model: SpeechModel, items: readonly Features[], batchSize = 32): LogProbMatrix[] {
  checkFeatures(model, items);
  return logProbsOf(model, items, batchSize);
}

/** computeLogProbs for inputs already checked. */
function logProbsOf(model: SpeechModel, items: readonly Features[], batchSize = 32): LogProbMatrix[] {
  const out: LogProbMatrix[] = new Array(items.length);
  const wasTraining = model.training;
  model.eval();
  try {
    noGrad(() => {
      // Cap padded frames per batch so very long inputs do not allocate huge activations at once.
      for (const idx of lengthBatches(items.map((f) => f.frames), batchSize, 40_000)) {
        const { x, lengths } = padBatch(idx.map((i) => items[i]));
        const res = model.forward(x, lengths);
        const [T, B, C] = res.logits.shape;
        const logits = res.logits.contiguous().toTypedArray() as Float32Array;
        idx.forEach((i, b) => {
          const len = res.lengths[b];
          const rows = new Float32Array(len * C);
          for (let t = 0; t < len; t++) rows.set(logits.subarray((t * B + b) * C, (t * B + b + 1) * C), t * C);
          out[i] = LogProbMatrix.fromLogits(rows, len, C);
        });
        void T;
      }
    });
  } finally {
    model.train(wasTraining);
  }
  return out;
}

/**
 * An ensemble's output: per input, the members' per-frame probabilities averaged (members
 * share the front end and the subsampling, so their frames line up).
 */
export function averageProbs(perMember: readonly LogProbMatrix[][]): LogProbMatrix[] {
  return perMember[0].map((first, i) => {
    const { T, C } = first;
    const probs = new Float64Array(T * C);
    for (const lps of perMember) {
      const lp = lps[i];
      if (lp.T !== T || lp.C !== C) throw new Error(`ensemble members disagree on input ${i}: ${lp.T}×${lp.C} vs ${T}×${C} frames × classes`);
      for (let k = 0; k < probs.length; k++) probs[k] += Math.exp(lp.data[k]);
    }
    for (let k = 0; k < probs.length; k++) probs[k] /= perMember.length;
    return LogProbMatrix.fromProbs(probs, T, C);
  });
}

/** Prefix-beam width used unless the caller asks for another (1 = greedy). */
export const DEFAULT_BEAM = 16;
/**
 * The widest beam accepted. The search's memory and time grow with width × frames: at 1024 a 2 s
 * utterance costs ≈ 0.4 s and 50 MB more than at 16, while nn's search keeps every prefix that was
 * ever kept in a Map (at most 2^24 entries), so widths near 100,000 would fail on long recordings.
 * Widening pays little long before that: beam 64 instead of 16 moved the leave-one-out triples' WER
 * by at most 0.12 points (README).
 */
export const MAX_BEAM = 1024;

export class Recognizer {
  readonly lexicon: Lexicon | null;
  readonly beam: number;
  /** Seconds per model output frame. */
  readonly frameSeconds: number;

  constructor(readonly info: ModelInfo, opts: RecognizerOptions = {}) {
    this.beam = opts.beam ?? DEFAULT_BEAM;
    if (!Number.isInteger(this.beam) || this.beam < 1 || this.beam > MAX_BEAM) throw new Error(`beam must be an integer from 1 to ${MAX_BEAM}, got ${opts.beam}`);
    this.lexicon = (opts.useLexicon ?? true) && info.lexicon.length ? new Lexicon(info.lexicon) : null;
    const f = info.features;
    this.frameSeconds = (info.model.config.subsample * f.hopLength) / f.sampleRate;
  }

  /** Member k's inputs: its own normalisation of the raw log-mel when members normalise differently. */
  private memberInputs(items: readonly Features[], k: number): readonly Features[] {
    const norms = this.info.memberNorms;
    if (!norms) return items;
    const fe = { config: this.info.features, norm: norms[k] };
    return items.map((f) => ({ ...f, data: normalizeLogMel(f.data, f.frames, f.dim, fe) }));
  }

  recognize(items: readonly Features[], opts: { timestamps?: boolean; durations?: readonly number[] } = {}): Recognition[] {
    // Before an ensemble's members renormalise their copies (a NaN would spread over the whole copy).
    checkFeatures(this.info.model, items);
    const lps = this.info.members && this.info.members.length > 1
      ? averageProbs(this.info.members.map((m, k) => logProbsOf(m, this.memberInputs(items, k))))
      : logProbsOf(this.info.model, items);
    return lps.map((lp, i) => {
      // Silence has no words, whatever a model trained only on speech makes of its empty log-mel.
      const d = items[i].silent ? { text: '', ids: [], blankRate: 1 } : decode(lp, { beam: this.beam, lexicon: this.lexicon });
      const r: Recognition = { ...d, lp };
      if (opts.timestamps) {
        const duration = opts.durations?.[i] ?? lp.T * this.frameSeconds;
        const f = items[i];
        const segs = speechSegments(frameEnergy(f.data, f.frames, f.dim), this.info.features.hopLength / this.info.features.sampleRate);
        r.pathWords = wordTimings(lp, d.ids, this.frameSeconds, duration);
        r.words = refineWordTimes(r.pathWords, segs, duration);
      }
      return r;
    });
  }
}
