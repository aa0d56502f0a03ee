/**
 * CTC prefix beam search. Each hypothesis is a label prefix with two
 * log-scores: paths ending in blank (pb) and in its last label (pnb); keeping
 * them apart is what lets "a-a" and "aa" collapse correctly. Kept prefixes
 * live in a trie. Each frame scores every hypothesis staying and extended by
 * each label in flat arrays, merges an extension that spells another
 * hypothesis into it, selects the best beamWidth (without sorting them all)
 * and only then gives the kept extensions trie nodes: most candidates are
 * dropped, and creating and sorting them all cost 10× the time at width 1024.
 *
 * Width 1 is defined as best-path (greedy) decoding. With a single beam,
 * prefix merging compares a merged "stay" probability against single
 * extensions and can disagree with greedy, which users read as a bug
 * (Wav2Vec2_PyCTCDecode#6); beam search is only worth its cost at width > 1.
 */
import { describeValue } from '@tensorkit/core';
import { rowArgmax } from './ctc-decode.js';
import { checkOptionKeys, type OptionKeys } from '../options.js';
import { checkLogProbMatrix, type LogProbMatrix } from './log-prob-matrix.js';

export interface CtcPrefixBeamSearchOptions {
  /**
   * Hypotheses kept after each frame (default 10). Every prefix that was ever among them stays in the
   * prefix trie until the search returns, so memory grows with beamWidth × frames; widths in the
   * hundreds of thousands can exhaust it (JavaScript's Map holds at most 2^24 entries).
   */
  beamWidth?: number;
  blank?: number;
  /** Labels with log-prob below this at a frame are not considered there (default log(1e-4)); -Infinity disables. */
  pruneLogProb?: number;
  /** At most this many labels per frame, the most probable first (default 40). */
  topK?: number;
  /**
   * Vocabulary / lexicon constraint: return false to forbid appending `token`
   * to `prefix`. Called once per (prefix, token) pair; results are cached.
   */
  allowToken?: (prefix: readonly number[], token: number) => boolean;
  /** Hypotheses returned (default: all surviving beams). */
  nBest?: number;
}

export interface CtcHypothesis {
  ids: number[];
  /** log p(ids | input) summed over all alignments (for width 1: the best path's log-prob). */
  logProb: number;
}

function lse(a: number, b: number): number {
  const m = a > b ? a : b;
  if (m === -Infinity) return -Infinity;
  return m + Math.log1p(Math.exp(-Math.abs(a - b)));
}

/** Prefix trie: node 0 is the empty prefix. */
class PrefixTrie {
  readonly parent: number[] = [-1];
  readonly token: number[] = [-1];
  private readonly children = new Map<number, number>();
  private readonly prefixes: (number[] | undefined)[] = [[]];

  constructor(private readonly C: number) {}

  child(node: number, token: number): number {
    const key = node * this.C + token;
    let id = this.children.get(key);
    if (id === undefined) {
      id = this.parent.length;
      this.parent.push(node);
      this.token.push(token);
      this.children.set(key, id);
    }
    return id;
  }

  prefix(node: number): number[] {
    let p = this.prefixes[node];
    if (!p) {
      p = [...this.prefix(this.parent[node]), this.token[node]];
      this.prefixes[node] = p;
    }
    return p;
  }
}

const KEYS: OptionKeys<CtcPrefixBeamSearchOptions> = { beamWidth: true, blank: true, pruneLogProb: true, topK: true, allowToken: true, nBest: true };

export function ctcPrefixBeamSearch(lp: LogProbMatrix, opts: CtcPrefixBeamSearchOptions = {}): CtcHypothesis[] {
  checkLogProbMatrix('ctcPrefixBeamSearch', lp);
  checkOptionKeys('ctcPrefixBeamSearch', opts, KEYS);
  const { T, C } = lp;
  const blank = opts.blank ?? 0;
  const beamWidth = opts.beamWidth ?? 10;
  const prune = opts.pruneLogProb ?? Math.log(1e-4);
  const topK = Math.min(opts.topK ?? 40, C);
  if (!Number.isInteger(blank) || blank < 0 || blank >= C) throw new Error(`ctcPrefixBeamSearch: blank = ${blank} is out of range [0, ${C})`);
  if (!Number.isInteger(beamWidth) || beamWidth < 1) throw new Error(`ctcPrefixBeamSearch: beamWidth must be a positive integer, got ${beamWidth}`);
  if (!Number.isInteger(topK) || topK < 1) throw new Error(`ctcPrefixBeamSearch: topK must be a positive integer, got ${opts.topK}`);
  // slice(0, -1) would silently drop the last hypothesis; NaN would prune every label but the argmax.
  if (opts.nBest !== undefined && !(Number.isInteger(opts.nBest) && opts.nBest >= 1)) throw new Error(`ctcPrefixBeamSearch: nBest must be a positive integer, got ${opts.nBest}`);
  if (Number.isNaN(prune)) throw new Error('ctcPrefixBeamSearch: pruneLogProb must be a number (-Infinity disables pruning), got NaN');
  if (opts.allowToken !== undefined && opts.allowToken !== null && typeof opts.allowToken !== 'function') {
    throw new Error(`ctcPrefixBeamSearch: allowToken must be a function (prefix, token) => boolean, got ${describeValue(opts.allowToken)}`);
  }

  const trie = new PrefixTrie(C);
  // Per node, one byte per label: 0 not asked yet, 1 allowed, 2 forbidden.
  const allowCache: (Uint8Array | undefined)[] = [];
  const allowed = (node: number, token: number): boolean => {
    if (!opts.allowToken) return true;
    const row = (allowCache[node] ??= new Uint8Array(C));
    if (row[token] === 0) row[token] = opts.allowToken(trie.prefix(node), token) ? 1 : 2;
    return row[token] === 1;
  };

  if (beamWidth === 1) return [bestPath(lp, blank, trie, allowed)];

  let nodes = [0];
  let pb = new Float64Array([0]);
  let pnb = new Float64Array([-Infinity]);
  const order = new Int32Array(C);
  for (let t = 0; t < T; t++) {
    const cands = frameCandidates(lp, t, prune, topK, order);
    // Candidates: each hypothesis staying as it is (slot h), and each hypothesis h extended by
    // label c (slot H + h × C + c). Extensions get a trie node only if they are kept.
    const H = nodes.length;
    const stayPb = new Float64Array(H).fill(-Infinity);
    const stayPnb = new Float64Array(H).fill(-Infinity);
    const extPnb = new Float64Array(H * C).fill(-Infinity);
    for (let h = 0; h < H; h++) {
      const node = nodes[h];
      const total = lse(pb[h], pnb[h]);
      const last = trie.token[node];
      for (let j = 0; j < cands; j++) {
        const c = order[j];
        const p = lp.at(t, c);
        if (c === blank) {
          stayPb[h] = lse(stayPb[h], total + p);
        } else if (c === last) {
          // Repeating the last label without a blank in between collapses into the same prefix.
          stayPnb[h] = lse(stayPnb[h], pnb[h] + p);
          if (allowed(node, c)) extPnb[h * C + c] = lse(extPnb[h * C + c], pb[h] + p);
        } else if (allowed(node, c)) {
          extPnb[h * C + c] = lse(extPnb[h * C + c], total + p);
        }
      }
    }
    // An extension that spells a prefix already among the hypotheses ("a" + "b" while "ab" is one)
    // is that hypothesis: merge it into its stay slot.
    const slotOf = new Map<number, number>();
    for (let h = 0; h < H; h++) slotOf.set(nodes[h], h);
    for (let h = 0; h < H; h++) {
      const parentSlot = slotOf.get(trie.parent[nodes[h]]);
      if (parentSlot === undefined) continue;
      const e = parentSlot * C + trie.token[nodes[h]];
      stayPnb[h] = lse(stayPnb[h], extPnb[e]);
      extPnb[e] = -Infinity;
    }
    const scores = new Float64Array(H + H * C);
    for (let h = 0; h < H; h++) scores[h] = lse(stayPb[h], stayPnb[h]);
    scores.set(extPnb, H);
    const keep = topIndices(scores, beamWidth);
    const kept = keep.length;
    const nextNodes: number[] = new Array<number>(kept);
    pb = new Float64Array(kept);
    pnb = new Float64Array(kept);
    for (let i = 0; i < kept; i++) {
      const k = keep[i];
      if (k < H) {
        nextNodes[i] = nodes[k];
        pb[i] = stayPb[k];
        pnb[i] = stayPnb[k];
      } else {
        const e = k - H;
        nextNodes[i] = trie.child(nodes[(e / C) | 0], e % C);
        pb[i] = -Infinity;
        pnb[i] = extPnb[e];
      }
    }
    nodes = nextNodes;
  }
  const finalScores = pb.map((b, i) => lse(b, pnb[i]));
  const final = topIndices(finalScores, opts.nBest ?? beamWidth);
  return final.map((i) => ({ ids: [...trie.prefix(nodes[i])], logProb: finalScores[i] }));
}

/** Fills `order` with the frame's candidate labels (best first) and returns how many there are. */
function frameCandidates(lp: LogProbMatrix, t: number, prune: number, topK: number, order: Int32Array): number {
  const C = lp.C;
  let n = 0;
  for (let c = 0; c < C; c++) if (lp.at(t, c) >= prune) order[n++] = c;
  // Never let pruning empty a frame: keep its most probable label.
  if (n === 0) order[n++] = rowArgmax(lp, t);
  if (n > topK) {
    const sorted = Array.from(order.subarray(0, n)).sort((a, b) => lp.at(t, b) - lp.at(t, a) || a - b);
    for (let i = 0; i < topK; i++) order[i] = sorted[i];
    n = topK;
  }
  return n;
}

/** Indices of the `k` best finite scores, best first (ties: earlier index). */
function topIndices(scores: Float64Array, k: number): number[] {
  const n = scores.length;
  // Sorting every candidate (beam × labels) dominated wide searches; only those at or above the
  // k-th best score can be kept, so find that score first and sort just them.
  const floor = n > 2 * k ? kthLargest(scores.slice(), k) : -Infinity;
  const idx: number[] = [];
  for (let i = 0; i < n; i++) if (scores[i] > -Infinity && scores[i] >= floor) idx.push(i);
  idx.sort((a, b) => scores[b] - scores[a] || a - b);
  return idx.length > k ? idx.slice(0, k) : idx;
}

/** The k-th largest value of `v` (1-based; reorders `v`): quickselect with a median-of-three pivot. */
function kthLargest(v: Float64Array, k: number): number {
  let lo = 0;
  let hi = v.length - 1;
  const target = k - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const a = v[lo], b = v[mid], c = v[hi];
    const pivot = a > b ? (b > c ? b : a > c ? c : a) : a > c ? a : b > c ? c : b;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (v[i] > pivot) i++;
      while (v[j] < pivot) j--;
      if (i <= j) {
        const x = v[i];
        v[i] = v[j];
        v[j] = x;
        i++;
        j--;
      }
    }
    if (target <= j) hi = j;
    else if (target >= i) lo = i;
    else return v[target];
  }
  return v[target];
}

/** Greedy best path, honouring the constraint: a frame may only pick blank, a repeat, or an allowed extension. */
function bestPath(lp: LogProbMatrix, blank: number, trie: PrefixTrie, allowed: (node: number, token: number) => boolean): CtcHypothesis {
  let node = 0;
  let prev = -1;
  let logProb = 0;
  for (let t = 0; t < lp.T; t++) {
    let best = -1;
    let bestV = -Infinity;
    for (let c = 0; c < lp.C; c++) {
      const v = lp.at(t, c);
      if (!(v > bestV) && best !== -1) continue;
      if (c !== blank && c !== prev && !allowed(node, c)) continue;
      best = c;
      bestV = v;
    }
    if (best === -1) return { ids: trie.prefix(node).slice(), logProb: -Infinity };
    logProb += bestV;
    if (best !== blank && best !== prev) node = trie.child(node, best);
    prev = best;
  }
  return { ids: trie.prefix(node).slice(), logProb };
}
