/**
 * Per-epoch validation of a training run: greedy CER/WER and the word-list beam WER that `eval`
 * reports, and the score the run picks its best epoch by.
 */
import { ctcGreedyDecode } from '@tensorkit/nn';
import { errorRates } from '@tensorkit/train';
import { BLANK, decodeIds } from './alphabet.js';
import { decode } from './decode.js';
import type { Lexicon } from './lexicon.js';
import type { SpeechModel } from './model.js';
import { computeLogProbs } from './recognizer.js';
import type { ValidationSet } from './trainset.js';

export interface ValidationScores {
  /** Greedy decoding. */
  wer: number;
  cer: number;
  /** Beam search (width 8) restricted to the training word list — what `eval` reports by default. */
  lexWer: number;
  blankRate: number;
  empty: number;
}

/** Greedy CER/WER and word-list beam WER of one validation set, plus the blank statistics the plateau monitor needs. */
export function validate(model: SpeechModel, set: ValidationSet, lexicon: Lexicon | null): ValidationScores {
  const lps = computeLogProbs(model, set.examples.map((e) => e.features));
  let blank = 0;
  let empty = 0;
  const hyps = lps.map((lp) => {
    const g = ctcGreedyDecode(lp, { blank: BLANK });
    blank += g.blankRate;
    if (g.ids.length === 0) empty++;
    return decodeIds(g.ids);
  });
  const refs = set.examples.map((e) => e.text);
  const r = errorRates(refs, hyps);
  const lexWer = lexicon ? errorRates(refs, lps.map((lp) => decode(lp, { beam: 8, lexicon }).text)).wer : r.wer;
  return { wer: r.wer, cer: r.cer, lexWer, blankRate: blank / Math.max(1, lps.length), empty: empty / Math.max(1, lps.length) };
}

/**
 * The number the run selects its best epoch by (lower is better): mean word-list WER over the
 * sets that select (`ValidationSet.selects` not false), greedy CER breaking ties.
 */
export function selectionScore(val: Record<string, ValidationScores>, sets: readonly ValidationSet[]): number {
  const reportOnly = new Set(sets.filter((s) => s.selects === false).map((s) => s.name));
  const scores = Object.entries(val).filter(([name]) => !reportOnly.has(name)).map(([, v]) => v);
  if (!scores.length) return 0;
  return scores.reduce((s, v) => s + v.lexWer + 0.1 * v.cer, 0) / scores.length;
}
