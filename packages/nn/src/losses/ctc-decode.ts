/** Greedy (best-path) CTC decoding: argmax per frame, collapse repeats, drop blanks. */
import { checkOptionKeys, type OptionKeys } from '../options.js';
import { checkLogProbMatrix, type LogProbMatrix } from './log-prob-matrix.js';

export interface CtcGreedyResult {
  /** Emitted label ids. */
  ids: number[];
  /** Frame at which each id was first emitted. */
  frames: number[];
  /** Log-probability of the best path (Σ_t max_c lp[t, c]). */
  logProb: number;
  /** Fraction of frames whose argmax is blank; stuck near 1 means the blank-only plateau. */
  blankRate: number;
}

export interface CtcGreedyOptions {
  blank?: number;
}

/** Index of the largest value in a row; the lowest index wins ties so decoding is deterministic. */
export function rowArgmax(lp: LogProbMatrix, t: number): number {
  const { data, C } = lp;
  const off = t * C;
  let best = 0;
  let bestV = data[off];
  for (let c = 1; c < C; c++) {
    if (data[off + c] > bestV) {
      bestV = data[off + c];
      best = c;
    }
  }
  return best;
}

const KEYS: OptionKeys<CtcGreedyOptions> = { blank: true };

export function ctcGreedyDecode(lp: LogProbMatrix, opts: CtcGreedyOptions = {}): CtcGreedyResult {
  checkLogProbMatrix('ctcGreedyDecode', lp);
  checkOptionKeys('ctcGreedyDecode', opts, KEYS);
  const blank = opts.blank ?? 0;
  if (!Number.isInteger(blank) || blank < 0 || blank >= lp.C) throw new Error(`ctcGreedyDecode: blank = ${blank} is out of range [0, ${lp.C})`);
  const ids: number[] = [];
  const frames: number[] = [];
  let logProb = 0;
  let blanks = 0;
  let prev = -1;
  for (let t = 0; t < lp.T; t++) {
    const k = rowArgmax(lp, t);
    logProb += lp.at(t, k);
    if (k === blank) blanks++;
    else if (k !== prev) {
      ids.push(k);
      frames.push(t);
    }
    prev = k;
  }
  return { ids, frames, logProb, blankRate: lp.T ? blanks / lp.T : 0 };
}
