/**
 * Turns a corpus into a training stream and fixed validation sets.
 *  - FSDD: clips of the training speakers (minus held-back recording indices) are joined into
 *    connected-digit utterances on the fly; validation = connected utterances from the
 *    held-back indices ("seen speakers") and, with --val-speaker, from one speaker left out
 *    entirely ("unseen speaker").
 *  - yesno / manifest: recordings (a few held back for validation), and — for those whose
 *    pauses split them into one segment per word — utterances joined from word pieces and runs
 *    of a recording's words. For a yesno folder only the `0_*` files are trained on; `1_*` is
 *    the customary test side.
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
import { cutAtPauses, frameEnergy, splitWords } from './timing.js';
import {
  augmentWaveform, bySpeaker, connectedUtterance, DEFAULT_AUGMENT, drawSpeed, perturbSpeed, perturbUtterance, type AugmentOptions, type Utterance,
} from './synth.js';

export interface LabeledExample {
  features: Features;
  labels: Int32Array;
  text: string;
  name: string;
  /** Training examples built from known word positions: each word's [first, last] feature frame. */
  wordFrames?: [number, number][];
}

export interface ValidationSet {
  name: string;
  examples: LabeledExample[];
  /**
   * False for a set that is only reported: the left-out speaker (`--val-speaker`) stands in for
   * the unseen-speaker test, so picking the saved epoch by it would tune on the test.
   */
  selects?: boolean;
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
  /**
   * FSDD: extra FSDD-style corpora (e.g. synthetic voices) whose speakers are trained on, never
   * validated on; `weight` is the fraction of training utterances drawn from them.
   */
  extra?: { corpora: Corpus[]; weight: number };
  /**
   * FSDD: probability that a training utterance's edge (before the first / after the last word)
   * has no silence, as in tightly cut evaluation utterances (default 0: 0–0.25 s of silence).
   */
  tightEdges?: number;
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
  // Frames are centred on multiples of the hop, so sample n falls in frame n / hop.
  const wordFrames = u.words?.map((w): [number, number] => [Math.floor(w.start / cfg.hopLength), Math.min(f.frames - 1, Math.ceil(w.end / cfg.hopLength))]);
  return { features: f, labels: encodeText(u.text), text: u.text, name: u.name, wordFrames };
}

/** Loads the extra corpora's clips grouped by speaker; their speakers must not also be real ones. */
async function loadExtra(extra: TrainSetOptions['extra'], speakers: readonly string[], cfg: FrontEnd['config']) {
  if (!extra || extra.corpora.length === 0) return null;
  const groups: LoadedRecording[][] = [];
  const seen = new Set(speakers);
  let clips = 0;
  for (const c of extra.corpora) {
    if (c.kind !== 'fsdd') throw new UserError(`--extra-data ${c.source}: expected an FSDD-style folder ({digit}_{speaker}_{index}.wav), found a ${c.kind} dataset`);
    const recs = await loadRecordings(c.recordings, cfg);
    for (const [name, g] of bySpeaker(recs)) {
      if (seen.has(name)) throw new UserError(`--extra-data ${c.source}: speaker ${name} also appears in the training data or another --extra-data folder; extra speakers must be distinct`);
      seen.add(name);
      groups.push(g);
    }
    clips += recs.length;
  }
  return { groups, clips, weight: extra.weight, sources: extra.corpora.map((c) => c.source) };
}

export async function buildTrainSet(corpus: Corpus, fe: FrontEnd, opts: TrainSetOptions): Promise<TrainSet> {
  const cfg = fe.config;
  const aug = opts.augment ?? DEFAULT_AUGMENT;
  // Without a single word the model could only learn to emit blanks, which training would
  // report as a blank plateau and save as if it were a model.
  if (corpus.recordings.every((r) => r.text.trim() === '')) {
    throw new UserError(`${corpus.source}: every transcript is empty, so there are no words to learn (expected "text" to hold each recording's words)`);
  }
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
    if (unseen.length) validation.push({ name: 'unseen', examples: connected(unseen, opts.valUtterances), selects: false });
    const groups = [...bySpeaker(train).values()];
    const trainSpeakers = speakers.filter((s) => s !== opts.valSpeaker);
    const extra = await loadExtra(opts.extra, speakers, cfg);
    return {
      kind: 'fsdd',
      lexicon: [...new Set(train.map((r) => r.text))].sort(),
      validation,
      trainCount: train.length,
      tooShort: [],
      summary: `FSDD: ${train.length} training clips from ${trainSpeakers.length} speakers (${trainSpeakers.join(', ')}), indices ${lo}-${hi} held back (${seenVal.length} clips)` +
        (opts.valSpeaker ? `, speaker ${opts.valSpeaker} left out (${unseen.length} clips)` : '') +
        (extra ? `; plus ${extra.clips} extra training clips from ${extra.groups.length} speakers (${extra.sources.join(', ')}) in ${Math.round(extra.weight * 100)}% of utterances` : ''),
      sample(rng, so) {
        // Only draws from rng when there is extra data, so runs without it keep their data stream.
        const pool = extra && rng.uniform() < extra.weight ? extra.groups : groups;
        // Each clip gets its own speed factor around a shared one: speakers do not keep a constant rate.
        const base = drawSpeed(rng, aug);
        const u = connectedUtterance(pool, rng, { sampleRate: sr, pauseMin: 0.05, pauseMax: 0.4, edgeMax: 0.25, tightEdgeProb: opts.tightEdges, maxWords: so?.maxWords ?? 5 }, (s) => {
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
  const base = (r: LoadedRecording) => r.path.replace(/^.*[\\/]/, '');
  // Recordings whose pauses split them into exactly one segment per word are cut into one piece
  // per word at the middle of each pause, so every piece keeps the recording's own background
  // around its word. (Tight clips joined by digital silence looked like nothing in the real
  // recordings, whose pauses hold room noise: the model never learned to call that noise blank
  // and stayed near chance on whole files for hundreds of steps.)
  /** cuts: piece boundaries; speech: each word's [start, end) in the recording (samples). */
  type Pieces = { words: string[]; cuts: number[]; lead: number; speech: [number, number][] };
  const piecesOf = (r: LoadedRecording): Pieces | null => {
    const ws = r.text.split(' ').filter(Boolean);
    const f = featuresFromSamples(r.samples, fe);
    const segs = splitWords(frameEnergy(f.data, f.frames, f.dim), cfg.hopLength / sr, r.samples.length / sr, ws.length);
    if (!segs) return null;
    const pieces = cutAtPauses(segs, r.samples.length / sr);
    const speech = segs.map((sg): [number, number] => [Math.round(sg.start * sr), Math.round(sg.end * sr)]);
    return { words: ws, cuts: [...pieces.map((p) => Math.round(p.start * sr)), r.samples.length], lead: speech[0][0], speech };
  };
  /**
   * Words [from, to) of a split recording with the audio between their cuts; with `lead`, the
   * recording's opening background (before its first word) goes in front, as if the file
   * began with word `from`.
   */
  const span = (r: LoadedRecording, p: Pieces, from: number, to: number, lead = false): Utterance => {
    const body = r.samples.subarray(p.cuts[from], p.cuts[to]);
    const samples = new Float32Array((lead && from > 0 ? p.lead : 0) + body.length);
    if (lead && from > 0) samples.set(r.samples.subarray(0, p.lead));
    samples.set(body, samples.length - body.length);
    const shift = samples.length - body.length - p.cuts[from];
    const words = p.words.slice(from, to).map((word, i) => ({ word, start: p.speech[from + i][0] + shift, end: p.speech[from + i][1] + shift }));
    return { samples, text: p.words.slice(from, to).join(' '), words, name: `${base(r)}[${lead && from > 0 ? 'lead+' : ''}${from}:${to}]` };
  };
  const validation: ValidationSet[] = [];
  if (nVal) {
    validation.push({ name: 'held-out', examples: val.map((r) => example({ samples: r.samples, text: r.text, name: base(r) }, fe)) });
    // Every yesno training file starts with "no" (and every test file with "yes"): a model
    // trained on whole files can learn "the word after the file's opening background is no"
    // (one did: it put a "no" on the opening noise of files starting with "yes"). The held-out
    // files' opening background followed by their words from the 2nd, 4th or 6th on shows
    // whether a model has.
    const suffixes: LabeledExample[] = [];
    for (const r of val) {
      const p = piecesOf(r);
      if (!p) continue;
      for (const k of [1, 3, 5]) if (k < p.words.length) suffixes.push(example(span(r, p, k, p.words.length, true), fe));
    }
    if (suffixes.length) validation.push({ name: 'held-out-suffixes', examples: suffixes });
  }
  const words = new Set<string>();
  for (const r of train) for (const w of r.text.split(' ')) if (w) words.add(w);
  const clipGroups = new Map<string, (LoadedRecording & { speech: [number, number] })[]>();
  const splitRecs: { r: LoadedRecording; p: Pieces }[] = [];
  for (const r of train) {
    const p = piecesOf(r);
    if (!p) continue;
    splitRecs.push({ r, p });
    // yesno is one speaker throughout; other corpora keep each recording's words together.
    const key = corpus.kind === 'yesno' ? 'yesno' : r.path;
    if (!clipGroups.has(key)) clipGroups.set(key, []);
    p.words.forEach((w, i) => clipGroups.get(key)!.push({
      ...r, samples: r.samples.slice(p.cuts[i], p.cuts[i + 1]), text: w, labels: encodeText(w), speech: [p.speech[i][0] - p.cuts[i], p.speech[i][1] - p.cuts[i]],
    }));
  }
  const groups = [...clipGroups.values()];
  const split = splitRecs.length;
  const piecesByRecording = new Map(splitRecs.map(({ r, p }) => [r, p]));
  return {
    kind: corpus.kind,
    lexicon: [...words].sort(),
    validation,
    trainCount: train.length,
    tooShort,
    summary: `${corpus.kind}: ${train.length} training recordings${note}, ${nVal} held back for validation; ${split} split into word pieces at their pauses`,
    sample(rng, so) {
      const maxWords = so?.maxWords ?? 5;
      if (groups.length && (maxWords < 5 || rng.uniform() < 0.5)) {
        // The pieces carry their own pauses: join them directly.
        const u = connectedUtterance(groups, rng, { sampleRate: sr, pauseMin: 0, pauseMax: 0, edgeMax: 0, maxWords }, (x) => perturbSpeed(x, drawSpeed(rng, aug)));
        return finishTraining(u, fe, rng, opts, aug);
      }
      if (split && rng.uniform() < split / train.length) {
        // A contiguous run of words of a split recording, starting at any word (half the time
        // running to its end, half the time behind the file's opening background): the word
        // after a file's opening is then no longer always its first word.
        const { r, p } = splitRecs[rng.randint(0, split)];
        const n = p.words.length;
        const from = rng.randint(0, n);
        const to = rng.uniform() < 0.5 ? n : rng.randint(from + 1, n + 1);
        const u = span(r, p, from, to, rng.uniform() < 0.5);
        return finishTraining(perturbUtterance(u, drawSpeed(rng, aug)), fe, rng, opts, aug);
      }
      const r = train[rng.randint(0, train.length)];
      const p = piecesByRecording.get(r);
      const u: Utterance = p ? span(r, p, 0, p.words.length) : { samples: r.samples, text: r.text, name: base(r) };
      return finishTraining(perturbUtterance(u, drawSpeed(rng, aug)), fe, rng, opts, aug);
    },
  };
}
