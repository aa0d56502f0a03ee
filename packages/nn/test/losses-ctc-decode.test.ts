import { describe, expect, it } from 'vitest';
import { Generator, randn, tensor } from '@tensorkit/core';
import { ctcGreedyDecode, ctcLoss, ctcPrefixBeamSearch, LogProbMatrix } from '../src/losses/index.js';
import { referencePrefixBeamSearch } from './ctc-reference.js';

/** Frames given as probability rows (class 0 = blank). */
function fromRows(rows: number[][]): LogProbMatrix {
  return LogProbMatrix.fromProbs(Float64Array.from(rows.flat()), rows.length, rows[0].length);
}

function randomMatrix(T: number, C: number, seed: number, scale = 2): LogProbMatrix {
  const logits = randn([T, C], { dtype: 'float64', generator: new Generator(seed), std: scale });
  return LogProbMatrix.fromLogits(logits.toTypedArray() as Float64Array, T, C);
}

/** Exact log p(labelling) via the CTC loss (T×1×C input). */
function labellingLogProb(lp: LogProbMatrix, ids: number[]): number {
  const t = tensor(lp.data as Float64Array, { shape: [lp.T, 1, lp.C] });
  if (ids.length === 0) return -ctcLoss(t, [], [lp.T], [0], { reduction: 'sum' }).item();
  return -ctcLoss(t, ids, [lp.T], [ids.length], { reduction: 'sum', checkLengths: false }).item();
}

describe('LogProbMatrix', () => {
  it('rejects logits and double-logged inputs', () => {
    const logits = Float64Array.from([2, 1, 0.5, 0, 3, -1]);
    expect(() => LogProbMatrix.fromLogProbs(logits, 2, 3)).toThrow('frame 0 does not hold log-probabilities');
    const lp = LogProbMatrix.fromLogits(logits, 2, 3);
    expect(() => LogProbMatrix.fromProbs(lp.data, 2, 3)).toThrow('do not apply log twice');
    expect(() => LogProbMatrix.fromLogProbs(lp.data, 3, 3)).toThrow('T·C');
  });

  it('fromLogits refuses rows without a finite normalisation instead of producing NaN log-probabilities', () => {
    expect(() => LogProbMatrix.fromLogits(Float32Array.from([0, 1, 2, NaN, 1, 2]), 2, 3)).toThrow('LogProbMatrix.fromLogits: frame 1 has no finite normalisation (log Σ exp = NaN)');
    expect(() => LogProbMatrix.fromLogits(Float32Array.from([Infinity, 1, 2]), 1, 3)).toThrow('frame 0 has no finite normalisation');
    expect(() => LogProbMatrix.fromLogits(Float32Array.from([-Infinity, -Infinity, -Infinity]), 1, 3)).toThrow('log Σ exp = -Infinity');
    // Some -Infinity logits are fine (impossible classes).
    expect(Array.from(LogProbMatrix.fromLogits(Float32Array.from([-Infinity, 0, 0]), 1, 3).data)).toEqual([-Infinity, -Math.LN2, -Math.LN2]);
  });
});

describe('ctcGreedyDecode', () => {
  it('collapses repeats, drops blanks, reports first frames and blank rate', () => {
    const lp = fromRows([
      [0.1, 0.8, 0.1], // a
      [0.2, 0.7, 0.1], // a (repeat, collapsed)
      [0.6, 0.2, 0.2], // blank
      [0.1, 0.8, 0.1], // a again after a blank: new token
      [0.1, 0.1, 0.8], // b
      [0.9, 0.05, 0.05], // blank
    ]);
    const r = ctcGreedyDecode(lp);
    expect(r.ids).toEqual([1, 1, 2]);
    expect(r.frames).toEqual([0, 3, 4]);
    expect(r.blankRate).toBeCloseTo(2 / 6, 12);
    expect(r.logProb).toBeCloseTo(Math.log(0.8 * 0.7 * 0.6 * 0.8 * 0.8 * 0.9), 12);
    expect(ctcGreedyDecode(lp, { blank: 2 }).ids).toEqual([1, 0, 1, 0]);
  });

  it('refuses a Tensor (or anything not a LogProbMatrix) instead of decoding it to nothing with a NaN blank rate', () => {
    const rows = [[0, -9, -9], [-9, 0, -9]];
    const expected = 'expected a LogProbMatrix ([T, C] log-probabilities), got a Tensor of shape [2, 3]; make one with LogProbMatrix.fromTensor(logProbs)';
    expect(() => ctcGreedyDecode(tensor(rows) as never)).toThrow(`ctcGreedyDecode: ${expected}`);
    expect(() => ctcPrefixBeamSearch(tensor(rows) as never)).toThrow(`ctcPrefixBeamSearch: ${expected}`);
    expect(() => ctcGreedyDecode(rows as never)).toThrow('ctcGreedyDecode: expected a LogProbMatrix ([T, C] log-probabilities), got an array;');
    expect(() => ctcGreedyDecode({ data: new Float64Array(5), T: 2, C: 3 } as never)).toThrow('got an object that is not a LogProbMatrix');
    expect(() => ctcGreedyDecode(undefined as never)).toThrow('ctcGreedyDecode: expected a LogProbMatrix ([T, C] log-probabilities), got undefined');
  });

  it('refuses unknown option keys', () => {
    const lp = fromRows([[0.5, 0.5]]);
    expect(() => ctcGreedyDecode(lp, { blank_index: 1 } as never)).toThrow("ctcGreedyDecode: unknown option 'blank_index' (did you mean 'blank'?); known options: blank");
    expect(() => ctcPrefixBeamSearch(lp, { beam_width: 4 } as never)).toThrow(
      "ctcPrefixBeamSearch: unknown option 'beam_width' (did you mean 'beamWidth'?); known options: beamWidth, blank, pruneLogProb, topK, allowToken, nBest",
    );
  });
});

describe('ctcPrefixBeamSearch', () => {
  it('beats greedy when probability mass is split across paths', () => {
    // Best path is blank-blank (empty output), but "a" is more probable overall.
    const lp = fromRows([[0.4, 0.3, 0.3], [0.4, 0.3, 0.3]]);
    expect(ctcGreedyDecode(lp).ids).toEqual([]);
    const [best] = ctcPrefixBeamSearch(lp, { beamWidth: 4 });
    expect(best.ids).toEqual([1]);
    expect(best.logProb).toBeCloseTo(Math.log(0.3 * 0.3 + 0.3 * 0.4 + 0.4 * 0.3), 12);
  });

  it('beam width 1 equals greedy on random matrices', () => {
    for (let seed = 0; seed < 50; seed++) {
      const lp = randomMatrix(20, 6, seed);
      const [h] = ctcPrefixBeamSearch(lp, { beamWidth: 1 });
      const g = ctcGreedyDecode(lp);
      expect(h.ids).toEqual(g.ids);
      expect(h.logProb).toBe(g.logProb);
    }
  });

  it('an unpruned wide beam is exact: scores equal the true labelling probabilities and the best one is the MAP labelling', () => {
    for (let seed = 100; seed < 106; seed++) {
      const lp = randomMatrix(4, 3, seed, 1.5);
      const hyps = ctcPrefixBeamSearch(lp, { beamWidth: 1000, pruneLogProb: -Infinity });
      for (const h of hyps) expect(h.logProb).toBeCloseTo(labellingLogProb(lp, h.ids), 10);
      // Every labelling of length ≤ 4 over {1, 2}: the beam's best must be the most probable.
      let bestBrute = -Infinity;
      const visit = (prefix: number[]) => {
        bestBrute = Math.max(bestBrute, labellingLogProb(lp, prefix));
        if (prefix.length < 4) for (const k of [1, 2]) visit([...prefix, k]);
      };
      visit([]);
      expect(hyps[0].logProb).toBeCloseTo(bestBrute, 10);
      // Probabilities of all labellings sum to 1.
      expect(hyps.reduce((s, h) => s + Math.exp(h.logProb), 0)).toBeCloseTo(1, 10);
    }
  });

  it('matches a textbook prefix beam search at every width, with and without a vocabulary hook', () => {
    // Merging a prefix reached two ways, keeping exactly the top-k each frame and only then
    // giving extensions their trie nodes are what the optimised search must get right.
    const vocabulary = [[1, 2, 2, 3], [2, 1], [3, 3, 1], [1, 1]];
    const inVocabulary = (prefix: readonly number[], token: number) => vocabulary.some((w) => w.length > prefix.length && prefix.every((k, i) => w[i] === k) && w[prefix.length] === token);
    for (let seed = 200; seed < 212; seed++) {
      const lp = randomMatrix(12, 4, seed, 1.5);
      const rows = Array.from({ length: lp.T }, (_, t) => Array.from({ length: lp.C }, (_, c) => lp.at(t, c)));
      for (const beamWidth of [2, 3, 7, 40]) {
        for (const allowToken of [undefined, inVocabulary]) {
          const got = ctcPrefixBeamSearch(lp, { beamWidth, pruneLogProb: -Infinity, allowToken });
          const want = referencePrefixBeamSearch(rows, beamWidth, allowToken);
          expect(got.map((h) => h.ids)).toEqual(want.map((h) => h.ids));
          got.forEach((h, i) => expect(h.logProb).toBeCloseTo(want[i].logProb, 10));
        }
      }
    }
  });

  it('the vocabulary hook constrains extensions (lexicon: only "ab" or "b")', () => {
    const lp = fromRows([[0.1, 0.6, 0.3], [0.1, 0.6, 0.3], [0.2, 0.2, 0.6]]);
    const words = [[1, 2], [2]];
    const allowToken = (prefix: readonly number[], token: number) => words.some((w) => w.length > prefix.length && prefix.every((p, i) => w[i] === p) && w[prefix.length] === token);
    const hyps = ctcPrefixBeamSearch(lp, { beamWidth: 8, allowToken });
    for (const h of hyps) expect(words.some((w) => h.ids.every((k, i) => w[i] === k))).toBe(true);
    expect(hyps[0].ids).toEqual([1, 2]);
    // Width 1 (constrained best path): each frame takes its best blank, repeat or allowed label.
    expect(ctcPrefixBeamSearch(lp, { beamWidth: 1, allowToken })[0].ids).toEqual([1, 2]);
    const [g] = ctcPrefixBeamSearch(lp, { beamWidth: 1, allowToken: (p, k) => !(p.length === 0 && k === 1) });
    expect(g.ids).toEqual([2, 1, 2]);
  });

  it('prunes per-frame candidates and still decodes', () => {
    const lp = randomMatrix(30, 29, 3, 4);
    const pruned = ctcPrefixBeamSearch(lp, { beamWidth: 8, topK: 3, pruneLogProb: Math.log(0.05) });
    const full = ctcPrefixBeamSearch(lp, { beamWidth: 8, pruneLogProb: -Infinity });
    expect(pruned[0].ids).toEqual(full[0].ids);
    expect(ctcPrefixBeamSearch(lp, { beamWidth: 8, nBest: 2 })).toHaveLength(2);
  });

  it('rejects an nBest that is not a positive integer and a NaN pruneLogProb', () => {
    const lp = randomMatrix(6, 4, 3);
    // nBest -1 used to return all hypotheses but the last (slice(0, -1)).
    expect(() => ctcPrefixBeamSearch(lp, { beamWidth: 3, nBest: -1 })).toThrow('nBest must be a positive integer, got -1');
    expect(() => ctcPrefixBeamSearch(lp, { beamWidth: 3, nBest: 0 })).toThrow('got 0');
    expect(() => ctcPrefixBeamSearch(lp, { beamWidth: 3, nBest: 1.5 })).toThrow('got 1.5');
    expect(() => ctcPrefixBeamSearch(lp, { beamWidth: 3, pruneLogProb: NaN })).toThrow('pruneLogProb must be a number');
  });
});
