/**
 * `speech eval`: transcribes a labelled set (manifest, FSDD folder or yesno folder) and
 * reports WER, CER, sentence accuracy and the worst utterances.
 */
import { basename } from 'node:path';
import { align, createProgress, errorRates, words, type EditOp, type ErrorRates } from '@tensorkit/train';
import { UserError } from '@tensorkit/train';
import { loadRecordings, openCorpus, type Corpus, type Recording } from './corpus.js';
import { decodingName, outsideWordListNote } from './decode.js';
import { featuresFromSamples, QUIET_PEAK_DBFS } from './features.js';
import { loadModel } from './model-file.js';
import { Recognizer } from './recognizer.js';
import { DEFAULT_MODEL_PATH, YESNO_MODEL_PATH } from './paths.js';
import { countTrainedOn } from './training-overlap.js';

export interface EvalOptions {
  data: string;
  /** Model file (default: the shipped yesno model for a yesno folder, the digits model otherwise). */
  model?: string;
  beam: number;
  useLexicon: boolean;
  /** Only files whose name matches this regular expression. */
  match?: string;
  quiet?: boolean;
}

export interface EvalItem {
  file: string;
  /** Manifest segment lines: which part of `file` the utterance is. */
  segment?: Recording['segment'];
  ref: string;
  hyp: string;
  errors: number;
  ops: EditOp[];
}

export interface EvalResult extends ErrorRates {
  items: EvalItem[];
  corpus: Corpus['kind'];
  model: string;
  beam: number;
  lexicon: boolean;
  /** Utterances whose search found no word-list transcript, so their unconstrained best path was scored. */
  outsideWordList: number;
  /** Recordings so quiet (peak below QUIET_PEAK_DBFS) that they were raised before the features. */
  raisedQuiet: number;
  /** Utterances from recordings the model was trained on (see training-overlap.ts): their WER measures fit. */
  trainedOn: number;
  seconds: number;
}

export async function evaluate(opts: EvalOptions): Promise<EvalResult> {
  const t0 = performance.now();
  const corpus = await openCorpus(opts.data);
  const model = opts.model ?? (corpus.kind === 'yesno' ? YESNO_MODEL_PATH : DEFAULT_MODEL_PATH);
  const info = await loadModel(model);
  let recs = corpus.recordings;
  if (opts.match) {
    let re: RegExp;
    try {
      re = new RegExp(opts.match);
    } catch (err) {
      throw new UserError(`--match: invalid regular expression (${(err as Error).message})`);
    }
    recs = recs.filter((r) => re.test(basename(r.path)));
    if (!recs.length) throw new UserError(`--match ${opts.match}: no file in ${opts.data} matches`);
  }
  // Errors over no reference words are no rate at all; an empty transcript is fine for some lines (silence), not for every one.
  if (recs.every((r) => words(r.text).length === 0)) {
    throw new UserError(`${opts.data}: every transcript${opts.match ? ` of the files matching --match ${opts.match}` : ''} is empty, so there are no reference words to score against (WER and CER are undefined)`);
  }
  const bar = createProgress({ total: recs.length, label: 'reading audio', unit: 'files', silent: opts.quiet });
  const loaded = await loadRecordings(recs, info.features, (d) => bar.update(d));
  bar.stop();
  const rec = new Recognizer(info, { beam: opts.beam, useLexicon: opts.useLexicon });
  const feats = loaded.map((r) => featuresFromSamples(r.samples, info.frontEnd));
  const results = rec.recognize(feats);
  const refs = loaded.map((r) => r.text);
  const hyps = results.map((r) => r.text);
  const rates = errorRates(refs, hyps);
  const items = loaded.map((r, i) => {
    const a = align(words(refs[i]), words(hyps[i]));
    return { file: r.path, ...(r.segment ? { segment: r.segment } : {}), ref: refs[i], hyp: hyps[i], errors: a.distance, ops: a.ops };
  });
  return {
    ...rates, items, corpus: corpus.kind, model, beam: rec.beam, lexicon: rec.lexicon !== null,
    outsideWordList: results.filter((r) => r.outsideWordList).length, raisedQuiet: feats.filter((f) => f.raisedDb !== undefined).length,
    trainedOn: countTrainedOn(loaded.map((r) => r.path), opts.data, info.training),
    seconds: (performance.now() - t0) / 1000,
  };
}

/** Utterances with the most word errors (ties: more errors per word first). */
/** The file's name, and for a segment line where in the file it is ("long.wav @ 12.5–14.1 s"). */
export function itemName(it: EvalItem): string {
  if (!it.segment) return basename(it.file);
  const { offset, duration } = it.segment;
  const s = (x: number) => String(Number(x.toFixed(2)));
  return `${basename(it.file)} @ ${s(offset)}–${duration === undefined ? 'end' : s(offset + duration)} s`;
}

export function worstItems(items: readonly EvalItem[], n: number): EvalItem[] {
  return items.filter((i) => i.errors > 0)
    .sort((a, b) => b.errors - a.errors || b.errors / Math.max(1, words(b.ref).length) - a.errors / Math.max(1, words(a.ref).length) || (a.file < b.file ? -1 : 1))
    .slice(0, n);
}

/** "three [seven→one] (two)" style marking: substitutions ref→hyp, deletions (ref), insertions +hyp. */
export function markErrors(ops: readonly EditOp[]): string {
  return ops.map((o) => {
    if (o.op === 'equal') return o.ref;
    if (o.op === 'substitute') return `[${o.ref}→${o.hyp}]`;
    if (o.op === 'delete') return `(-${o.ref})`;
    return `(+${o.hyp})`;
  }).join(' ');
}

export function formatEval(r: EvalResult, worst = 10): string {
  const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
  const lines = [
    `model: ${r.model}`,
    `utterances: ${r.n}   words: ${r.refWords}   decoding: ${decodingName(r.beam, r.lexicon)}`,
    `WER ${pct(r.wer)} (${r.wordErrors} word errors)   CER ${pct(r.cer)}   sentence accuracy ${pct(r.sentenceAccuracy)}`,
  ];
  if (r.outsideWordList) lines.push(`note: ${r.outsideWordList} of ${r.n} utterances: ${outsideWordListNote(r.beam)}`);
  if (r.trainedOn) lines.push(`note: ${r.trainedOn} of ${r.n} utterances are recordings the model was trained on (its metadata's training data); their errors measure how well it fits them, not how it hears new recordings`);
  if (r.raisedQuiet) lines.push(`note: ${r.raisedQuiet} of ${r.n} recordings were very quiet (loudest sample below ${QUIET_PEAK_DBFS} dBFS) and raised before recognition`);
  const w = worstItems(r.items, worst);
  if (w.length) {
    lines.push(`worst ${w.length} utterance${w.length === 1 ? '' : 's'}:`);
    for (const i of w) lines.push(`  ${itemName(i)}: ref "${i.ref}"  hyp "${i.hyp}"  ${markErrors(i.ops)}`);
  } else {
    lines.push('no errors');
  }
  return lines.join('\n');
}
