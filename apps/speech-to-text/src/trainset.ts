/**
 * Turns a corpus into a training stream and fixed validation sets.
 *  - FSDD: clips of the training speakers (minus held-back recording indices) are joined into
 *    connected-digit utterances on the fly; validation = connected utterances from the
 *    held-back indices ("seen speakers") and, with --val-speaker, from one speaker left out
 *    entirely ("unseen speaker").
 *  - yesno / manifest: whole recordings, with a few held back for validation. For a yesno
 *    folder only the `0_*` files are trained on; `1_*` is the customary test side.
 * All randomness comes from the generator passed in, so one seed fixes the data stream.
 */
import { Generator } from '@tensorkit/core';
import { logMelSpectrogram, specAugment } from '@tensorkit/data';
import { ctcMinInputLength } from '@tensorkit/nn';
import { UserError } from '@tensorkit/train';
import { encodeText } from './alphabet.js';
import { vtlpWarp } from './vtlp.js';
import { loadRecordings, type Corpus, type LoadedRecording } from './corpus.js';
import { featuresFromSamples, normalizeLogMel, type Features, type FrontEnd } from './features.js';
import { frameEnergy, splitWords } from './timing.js';
import {
  augmentWaveform, bySpeaker, connectedUtterance, DEFAULT_AUGMENT, drawSpeed, perturbSpeed, type AugmentOptions, type Utterance,
} from './synth.js';

export interface LabeledExample {
  features: Features;
  labels: Int32Array;
  text: string;
  name: string;
}

export interface ValidationSet {
  name: string;
  examples: LabeledExample[];
}

export interface TrainSetOptions {
  /** FSDD: leave this speaker out of training; it becomes the unseen-speaker validation set. */
  valSpeaker?: string;
  /** FSDD: recording indices held back from training for the seen-speaker validation set. */
  holdOut: { lo: number; hi: number };
  /** Connected utterances per FSDD validation set. */
  valUtterances: number;
  /** yesno/manifest: recordings held back for validation. */
  valRecordings: number;
  augment?: AugmentOptions;
  /** SpecAugment on the training features (default true). */
  specAugment?: boolean;
  onLoad?: (done: number, total: number) => void;
  /** Model output frames for an input of n frames: recordings too short for their transcript are set aside. */
  outputLength?: (frames: number) => number;
}

/** A recording whose audio yields fewer model frames than its transcript needs. */
export interface TooShort {
  name: string;
  frames: number;
  needed: number;
  text: string;
}

export interface TrainSet {
  kind: Corpus['kind'];
  /** Words the training transcripts use (the decoding word list). */
  lexicon: string[];
  validation: ValidationSet[];
  /** Human-readable description of the split. */
  summary: string;
  trainCount: number;
  /** Recordings left out because CTC could not align their transcript (reported, not trained on). */
  tooShort: TooShort[];
  /**
   * One augmented training example. `maxWords` caps connected utterances (a short-first
   * curriculum helps CTC leave its blank-only plateau sooner).
   */
  sample(rng: Generator, opts?: { maxWords?: number }): LabeledExample;
}

const VAL_SEED = 20240607; // fixed: validation sets do not change with --seed

export function parseRange(s: string): { lo: number; hi: number } {
  const m = /^(\d+)(?:-(\d+))?$/.exec(s.trim());
  if (!m) throw new UserError(`--hold-out: expected an index or a range like 5-9, got ${JSON.stringify(s)}`);
  const lo = Number(m[1]);
  const hi = m[2] === undefined ? lo : Number(m[2]);
  if (hi < lo) throw new UserError(`--hold-out: range ${s} is empty`);
  return { lo, hi };
}

function example(u: Utterance, fe: FrontEnd): LabeledExample {
  return { features: featuresFromSamples(u.samples, fe), labels: encodeText(u.text), text: u.text, name: u.name };
}

const SPEC_AUG = { freqMasks: 2, maxFreqWidth: 8, timeMasks: 2, maxTimeWidth: 8, maxTimeFraction: 0.1 };

function finishTraining(u: Utterance, fe: FrontEnd, rng: Generator, opts: TrainSetOptions, aug: AugmentOptions): LabeledExample {
  const cfg = fe.config;
  const samples = augmentWaveform(u.samples, rng, aug);
  let f: Features;
  if (aug.vtlpProb > 0 && cfg.nMfcc === 0 && rng.uniform() < aug.vtlpProb) {
    // Warp the raw log-mel, then normalise as the front end would.
    const mel = logMelSpectrogram(samples, cfg);
    const alpha = aug.vtlpMin + (aug.vtlpMax - aug.vtlpMin) * rng.uniform();
    const warped = vtlpWarp(mel.data, mel.frames, cfg, alpha);
    f = { data: normalizeLogMel(warped, mel.frames, mel.nMels, fe), frames: mel.frames, dim: mel.nMels };
  } else {
    f = featuresFromSamples(samples, fe);
  }
  if (opts.specAugment ?? true) f.data = specAugment(f.data, f.frames, f.dim, rng, SPEC_AUG);
  return { features: f, labels: encodeText(u.text), text: u.text, name: u.name };
}

export async function buildTrainSet(corpus: Corpus, fe: FrontEnd, opts: TrainSetOptions): Promise<TrainSet> {
  const cfg = fe.config;
  const aug = opts.augment ?? DEFAULT_AUGMENT;
  const all = await loadRecordings(corpus.recordings, cfg, (d) => opts.onLoad?.(d, corpus.recordings.length));
  const sr = cfg.sampleRate;
  const valRng = new Generator(VAL_SEED);
  if (corpus.kind === 'fsdd') {
    const speakers = [...new Set(all.map((r) => r.speaker!))].sort();
    if (opts.valSpeaker !== undefined && !speakers.includes(opts.valSpeaker)) {
      throw new UserError(`--val-speaker ${opts.valSpeaker}: no such speaker in ${corpus.source} (speakers: ${speakers.join(', ')})`);
    }
    const { lo, hi } = opts.holdOut;
    const isHeld = (r: LoadedRecording) => r.index! >= lo && r.index! <= hi;
    const train = all.filter((r) => r.speaker !== opts.valSpeaker && !isHeld(r));
    const seenVal = all.filter((r) => r.speaker !== opts.valSpeaker && isHeld(r));
    const unseen = all.filter((r) => r.speaker === opts.valSpeaker);
    if (train.length === 0) throw new UserError(`${corpus.source}: no training clips left after holding out indices ${lo}-${hi}${opts.valSpeaker ? ` and speaker ${opts.valSpeaker}` : ''}`);
    const connected = (clips: LoadedRecording[], n: number): LabeledExample[] => {
      const groups = [...bySpeaker(clips).values()];
      return Array.from({ length: n }, () => example(connectedUtterance(groups, valRng, { sampleRate: sr }), fe));
    };
    const validation: ValidationSet[] = [];
    if (seenVal.length) validation.push({ name: 'seen', examples: connected(seenVal, opts.valUtterances) });
    if (unseen.length) validation.push({ name: 'unseen', examples: connected(unseen, opts.valUtterances) });
    const groups = [...bySpeaker(train).values()];
    const trainSpeakers = speakers.filter((s) => s !== opts.valSpeaker);
    return {
      kind: 'fsdd',
      lexicon: [...new Set(train.map((r) => r.text))].sort(),
      validation,
      trainCount: train.length,
      tooShort: [],
      summary: `FSDD: ${train.length} training clips from ${trainSpeakers.length} speakers (${trainSpeakers.join(', ')}), indices ${lo}-${hi} held back (${seenVal.length} clips)` +
        (opts.valSpeaker ? `, speaker ${opts.valSpeaker} left out (${unseen.length} clips)` : ''),
      sample(rng, so) {
        // Each clip gets its own speed factor around a shared one: speakers do not keep a constant rate.
        const base = drawSpeed(rng, aug);
        const u = connectedUtterance(groups, rng, { sampleRate: sr, pauseMin: 0.05, pauseMax: 0.4, edgeMax: 0.25, maxWords: so?.maxWords ?? 5 }, (s) => {
          const f = base === 1 ? 1 : base * (1 + 0.04 * (rng.uniform() * 2 - 1));
          return perturbSpeed(s, f);
        });
        return finishTraining(u, fe, rng, opts, aug);
      },
    };
  }
  // Pre-flight: a transcript needs at least (labels + repeated labels) output frames.
  const tooShort: TooShort[] = [];
  let usable = all;
  if (opts.outputLength) {
    usable = all.filter((r) => {
      const frames = opts.outputLength!(featuresFromSamples(r.samples, fe).frames);
      const needed = ctcMinInputLength(r.labels);
      if (frames >= needed) return true;
      tooShort.push({ name: r.line !== undefined ? `${r.path} (line ${r.line})` : r.path, frames, needed, text: r.text });
      return false;
    });
    if (usable.length === 0) throw new UserError(`${corpus.source}: every recording is too short for its transcript (e.g. ${tooShort[0].name}: ${tooShort[0].frames} model frames < ${tooShort[0].needed} needed)`);
  }
  let pool = usable;
  let note = '';
  if (corpus.kind === 'yesno') {
    const zeros = usable.filter((r) => /^0_/.test(r.path.replace(/^.*[\\/]/, '')));
    if (zeros.length && zeros.length < usable.length) {
      pool = zeros;
      note = ` (only the ${zeros.length} files starting 0_; the ${usable.length - zeros.length} files starting 1_ are the test side)`;
    }
  }
  const order = valRng.permutation(pool.length);
  const nVal = Math.min(opts.valRecordings, Math.floor(pool.length / 5));
  const val = Array.from(order.subarray(0, nVal), (i) => pool[i]);
  const train = Array.from(order.subarray(nVal), (i) => pool[i]);
  const validation: ValidationSet[] = nVal ? [{ name: 'held-out', examples: val.map((r) => example({ samples: r.samples, text: r.text, name: r.path.replace(/^.*[\\/]/, '') }, fe)) }] : [];
  const words = new Set<string>();
  for (const r of train) for (const w of r.text.split(' ')) if (w) words.add(w);
  // Recordings whose pauses split them into exactly one clip per word also yield word clips, so
  // short connected utterances can be built from them as for FSDD (faster start, more variety).
  const clipGroups = new Map<string, LoadedRecording[]>();
  let split = 0;
  for (const r of train) {
    const ws = r.text.split(' ').filter(Boolean);
    const f = featuresFromSamples(r.samples, fe);
    const segs = splitWords(frameEnergy(f.data, f.frames, f.dim), cfg.hopLength / sr, r.samples.length / sr, ws.length);
    if (!segs) continue;
    split++;
    // yesno is one speaker throughout; other corpora keep each recording's words together.
    const key = corpus.kind === 'yesno' ? 'yesno' : r.path;
    if (!clipGroups.has(key)) clipGroups.set(key, []);
    segs.forEach((sg, i) => clipGroups.get(key)!.push({ ...r, samples: r.samples.slice(Math.round(sg.start * sr), Math.round(sg.end * sr)), text: ws[i], labels: encodeText(ws[i]) }));
  }
  const groups = [...clipGroups.values()];
  return {
    kind: corpus.kind,
    lexicon: [...words].sort(),
    validation,
    trainCount: train.length,
    tooShort,
    summary: `${corpus.kind}: ${train.length} training recordings${note}, ${nVal} held back for validation; ${split} split into word clips at their pauses`,
    sample(rng, so) {
      const maxWords = so?.maxWords ?? 5;
      if (groups.length && (maxWords < 5 || rng.uniform() < 0.5)) {
        const u = connectedUtterance(groups, rng, { sampleRate: sr, pauseMin: 0.05, pauseMax: 0.4, edgeMax: 0.25, maxWords }, (x) => perturbSpeed(x, drawSpeed(rng, aug)));
        return finishTraining(u, fe, rng, opts, aug);
      }
      const r = train[rng.randint(0, train.length)];
      const u: Utterance = { samples: perturbSpeed(r.samples, drawSpeed(rng, aug)), text: r.text, name: r.path.replace(/^.*[\\/]/, '') };
      return finishTraining(u, fe, rng, opts, aug);
    },
  };
}
