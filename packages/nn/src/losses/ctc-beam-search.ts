/**
 * CTC prefix beam search. Each hypothesis is a label prefix with two
 * log-scores: paths ending in blank (pb) and in its last label (pnb); keeping
 * them apart is what lets "a-a" and "aa" collapse correctly. Prefixes live in
 * a trie so extending and merging them costs O(1).
 *
 * Width 1 is defined as best-path (greedy) decoding. With a single beam,
 * prefix merging compares a merged "stay" probability against single
 * extensions and can disagree with greedy, which users read as a bug
 * (Wav2Vec2_PyCTCDecode#6); beam search is only worth its cost at width > 1.
 */
import { rowArgmax } from './ctc-decode.js';
import { checkOptionKeys, type OptionKeys } from '../options.js';
import { checkLogProbMatrix, type LogProbMatrix } from './log-prob-matrix.js';

export interface CtcPrefixBeamSearchOptions {
  /**
   * Hypotheses kept after each frame (default 10). Every prefix the search creates is kept until it
   * returns, so memory grows with beamWidth × frames × candidate labels; widths in the tens of
   * thousands can exhaust it (JavaScript's Map holds at most 2^24 entries).
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

  const trie = new PrefixTrie(C);
  const allowCache = new Map<number, boolean>();
  const allowed = (node: number, token: number): boolean => {
    if (!opts.allowToken) return true;
    const key = node * C + token;
    let ok = allowCache.get(key);
    if (ok === undefined) {
      ok = opts.allowToken(trie.prefix(node), token);
      allowCache.set(key, ok);
    }
    return ok;
  };

  if (beamWidth === 1) return [bestPath(lp, blank, trie, allowed)];

  let nodes = [0];
  let pb = [0];
  let pnb = [-Infinity];
  const order = new Int32Array(C);
  for (let t = 0; t < T; t++) {
    const cands = frameCandidates(lp, t, prune, topK, order);
    const slot = new Map<number, number>();
    const nNodes: number[] = [];
    const nPb: number[] = [];
    const nPnb: number[] = [];
    const at = (node: number): number => {
      let i = slot.get(node);
      if (i === undefined) {
        i = nNodes.length;
        slot.set(node, i);
        nNodes.push(node);
        nPb.push(-Infinity);
        nPnb.push(-Infinity);
      }
      return i;
    };
    for (let h = 0; h < nodes.length; h++) {
      const node = nodes[h];
      const total = lse(pb[h], pnb[h]);
      const last = trie.token[node];
      for (let j = 0; j < cands; j++) {
        const c = order[j];
        const p = lp.at(t, c);
        if (c === blank) {
          const i = at(node);
          nPb[i] = lse(nPb[i], total + p);
          continue;
        }
        if (c === last) {
          // Repeating the last label without a blank in between collapses into the same prefix.
          const i = at(node);
          nPnb[i] = lse(nPnb[i], pnb[h] + p);
          if (allowed(node, c)) {
            const k = at(trie.child(node, c));
            nPnb[k] = lse(nPnb[k], pb[h] + p);
          }
          continue;
        }
        if (!allowed(node, c)) continue;
        const k = at(trie.child(node, c));
        nPnb[k] = lse(nPnb[k], total + p);
      }
    }
    const keep = topBeams(nPb, nPnb, beamWidth);
    nodes = keep.map((i) => nNodes[i]);
    pb = keep.map((i) => nPb[i]);
    pnb = keep.map((i) => nPnb[i]);
  }
  const final = topBeams(pb, pnb, opts.nBest ?? beamWidth);
  return final.map((i) => ({ ids: [...trie.prefix(nodes[i])], logProb: lse(pb[i], pnb[i]) }));
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

/** Indices of the `k` best hypotheses by total score, best first (ties: earlier index). */
function topBeams(pb: readonly number[], pnb: readonly number[], k: number): number[] {
  const scores = pb.map((b, i) => lse(b, pnb[i]));
  const idx = scores.map((_, i) => i).filter((i) => scores[i] > -Infinity);
  idx.sort((a, b) => scores[b] - scores[a] || a - b);
  return idx.slice(0, k);
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
