/**
 * From per-frame log-probabilities to text: greedy or prefix beam search (optionally
 * constrained to a word list), and word timings from the best CTC path of the result.
 */
import { ctcGreedyDecode, ctcPrefixBeamSearch, type LogProbMatrix } from '@tensorkit/nn';
import { BLANK, decodeIds, LABELS, SPACE } from './alphabet.js';
import type { Lexicon } from './lexicon.js';

export interface DecodeOptions {
  /** 1 = greedy (best path); > 1 = prefix beam search. */
  beam: number;
  lexicon?: Lexicon | null;
}

export interface Decoded {
  text: string;
  ids: number[];
  /** Fraction of frames whose best label is blank. */
  blankRate: number;
  /**
   * True when a word list was given but no hypothesis of the search ended on a finished word
   * list word, so `text` is the unconstrained best path (it may hold non-words). At beam 1 this
   * is common: a single hypothesis cannot back out of a word it has started.
   */
  outsideWordList?: boolean;
}

/**
 * With a word list, beam 1 is a width-1 search within it: each frame takes its most probable
 * label among blank, a repeat and the letters that keep spelling a listed word (nn's
 * ctcPrefixBeamSearch at width 1); without one, beam 1 is plain greedy decoding.
 */
export function decode(lp: LogProbMatrix, opts: DecodeOptions): Decoded {
  const greedy = ctcGreedyDecode(lp, { blank: BLANK });
  let ids = greedy.ids;
  let outsideWordList = false;
  if (opts.beam > 1 || opts.lexicon) {
    const lex = opts.lexicon ?? undefined;
    // No per-frame pruning: under the word-list constraint the letter a word needs may be an
    // unlikely one at that frame, and pruning it away can leave no beam able to finish a word.
    const hyps = ctcPrefixBeamSearch(lp, { beamWidth: opts.beam, blank: BLANK, allowToken: lex?.allow, pruneLogProb: -Infinity, topK: lp.C });
    // Beams may end in the middle of a word: take the best one whose last word is finished. If
    // none is (the acoustics insist on a non-word, or the beam is too narrow to finish one),
    // fall back to the unconstrained best path rather than print nothing — and say so.
    const complete = lex ? hyps.find((h) => lex.complete(h.ids)) : hyps[0];
    ids = complete ? complete.ids : greedy.ids;
    outsideWordList = lex !== undefined && !complete;
  }
  return { text: decodeIds(ids), ids, blankRate: greedy.blankRate, ...(outsideWordList ? { outsideWordList } : {}) };
}

/** How `decode` searches, for people: "greedy", "greedy + word list", "beam 16 + word list", … */
export function decodingName(beam: number, lexicon: boolean): string {
  return `${beam === 1 ? 'greedy' : `beam ${beam}`}${lexicon ? ' + word list' : ''}`;
}

/**
 * The note for utterances whose search found no word-list transcript (`outsideWordList`):
 * what was printed instead, and what to do about it.
 */
export function outsideWordListNote(beam: number): string {
  return `no transcript made only of the model's words was found at beam ${beam}; the unconstrained best path is used instead (it may hold non-words)${beam < 16 ? '; a wider --beam (default 16) usually finds one' : ''}`;
}

export interface WordTiming {
  word: string;
  /** Seconds from the start of the audio. */
  start: number;
  end: number;
  /** Output frames [first, last] of the word on the best path. */
  firstFrame: number;
  lastFrame: number;
}

/**
 * The most probable CTC path (Viterbi) that emits exactly `ids`, as the label index (in
 * `ids`) each frame emits, or -1 for blank. Null when `ids` cannot fit in the frames.
 */
export function bestPath(lp: LogProbMatrix, ids: readonly number[]): Int32Array | null {
  const { T } = lp;
  const S = 2 * ids.length + 1;
  const lab = (s: number) => (s % 2 === 0 ? BLANK : ids[(s - 1) / 2]);
  const score = new Float64Array(S).fill(-Infinity);
  const back = new Int8Array(T * S); // 0: stay, 1: from s-1, 2: from s-2
  if (T === 0) return ids.length === 0 ? new Int32Array(0) : null;
  score[0] = lp.at(0, BLANK);
  if (S > 1) score[1] = lp.at(0, lab(1));
  const next = new Float64Array(S);
  for (let t = 1; t < T; t++) {
    for (let s = 0; s < S; s++) {
      let best = score[s];
      let from = 0;
      if (s >= 1 && score[s - 1] > best) {
        best = score[s - 1];
        from = 1;
      }
      if (s >= 2 && s % 2 === 1 && lab(s) !== lab(s - 2) && score[s - 2] > best) {
        best = score[s - 2];
        from = 2;
      }
      next[s] = best + lp.at(t, lab(s));
      back[t * S + s] = from;
    }
    score.set(next);
  }
  let s = S > 1 && score[S - 2] > score[S - 1] ? S - 2 : S - 1;
  if (score[s] === -Infinity) return null;
  const path = new Int32Array(T);
  for (let t = T - 1; t >= 0; t--) {
    path[t] = s % 2 === 0 ? -1 : (s - 1) / 2;
    if (t > 0) s -= back[t * S + s];
  }
  return path;
}

/**
 * Word start/end times from the best path of the decoded labels: a word spans the frames
 * from its first character's first frame to its last character's last frame.
 * `frameSeconds` is the duration of one output frame.
 */
export function wordTimings(lp: LogProbMatrix, ids: readonly number[], frameSeconds: number, duration: number): WordTiming[] {
  const path = bestPath(lp, ids);
  if (!path) return [];
  // Word number of each label (spaces belong to no word).
  const wordOf = new Int32Array(ids.length).fill(-1);
  const words: string[] = [];
  let cur = '';
  for (let i = 0; i < ids.length; i++) {
    if (ids[i] === SPACE) {
      if (cur) words.push(cur);
      cur = '';
      continue;
    }
    cur += LABELS[ids[i]];
    wordOf[i] = words.length;
  }
  if (cur) words.push(cur);
  const first = new Array<number>(words.length).fill(-1);
  const last = new Array<number>(words.length).fill(-1);
  for (let t = 0; t < path.length; t++) {
    const k = path[t];
    if (k < 0 || wordOf[k] < 0) continue;
    const w = wordOf[k];
    if (first[w] < 0) first[w] = t;
    last[w] = t;
  }
  const clamp = (x: number) => Math.min(duration, Math.max(0, x));
  return words.map((word, w) => ({
    word,
    start: clamp(first[w] * frameSeconds),
    end: clamp((last[w] + 1) * frameSeconds),
    firstFrame: first[w],
    lastFrame: last[w],
  }));
}
