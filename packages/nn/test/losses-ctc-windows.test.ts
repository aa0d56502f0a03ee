import { describe, expect, it } from 'vitest';
import { Generator, gradcheck, randn, tensor } from '@tensorkit/core';
import { ctcAlignable, ctcLoss } from '../src/losses/index.js';
import { bruteForceCtcNll, randomLogProbs } from './ctc-reference.js';

describe('ctcLoss with label windows (constrained alignment)', () => {
  it('matches brute-force enumeration of the paths inside the windows', () => {
    const g = new Generator(5);
    let checked = 0;
    let finite = 0;
    for (let trial = 0; trial < 40; trial++) {
      const T = 3 + (trial % 4);
      const C = 3;
      const S = 1 + (trial % 2);
      const y = Array.from({ length: S }, () => g.randint(1, C));
      if (!ctcAlignable(y, T)) continue;
      const windows = y.map((): [number, number] => {
        const lo = g.randint(0, T);
        return [lo, g.randint(lo, T)];
      });
      const lp = randomLogProbs(T, 1, C, trial);
      const got = ctcLoss(lp, y, [T], [S], { reduction: 'none', labelWindows: [windows.flat()] }).toTypedArray()[0];
      const want = bruteForceCtcNll(lp, 0, T, y, windows);
      if (want === Infinity) expect(got).toBe(Infinity);
      else {
        expect(got).toBeCloseTo(want, 9);
        finite++;
      }
      checked++;
    }
    expect(checked).toBeGreaterThan(30);
    expect(finite).toBeGreaterThan(10);
  });

  it('windows covering every frame, or none given for a sample, change nothing', () => {
    const lp = randomLogProbs(6, 2, 4, 3);
    const targets = tensor([[1, 3], [2, 2]], { dtype: 'int32' });
    const free = ctcLoss(lp, targets, [6, 6], [2, 2], { reduction: 'none' }).toTypedArray();
    const wide = ctcLoss(lp, targets, [6, 6], [2, 2], { reduction: 'none', labelWindows: [[0, 5, 0, 5], null] }).toTypedArray();
    expect(wide[0]).toBeCloseTo(free[0], 12);
    expect(wide[1]).toBe(free[1]);
  });

  it('gives no gradient to a label outside its window, and the gradient passes gradcheck (float64)', () => {
    const logits = randn([7, 2, 3], { dtype: 'float64', generator: new Generator(8), requiresGrad: true });
    const targets = tensor([[1, 2], [2, 2]], { dtype: 'int32' });
    const labelWindows = [[0, 2, 3, 6], [1, 3, 3, 6]];
    const lp = logits.detach().logSoftmax(-1).requiresGrad_();
    ctcLoss(lp, targets, [7, 7], [2, 2], { reduction: 'sum', labelWindows }).backward();
    const gr = lp.grad!.toTypedArray();
    // Sample 0: label 1 only in frames 0–2, label 2 only in frames 3–6.
    for (let t = 3; t < 7; t++) expect(gr[(t * 2 + 0) * 3 + 1]).toBe(0);
    for (let t = 0; t < 3; t++) expect(gr[(t * 2 + 0) * 3 + 2]).toBe(0);
    // Every frame's occupation still sums to one.
    for (let t = 0; t < 7; t++) expect(gr[t * 6] + gr[t * 6 + 1] + gr[t * 6 + 2]).toBeCloseTo(-1, 12);
    // Sample 1 is one frame shorter here, so its last window ends a frame earlier.
    const shorter = [[0, 2, 3, 6], [1, 3, 3, 5]];
    const r = gradcheck((x) => ctcLoss(x.logSoftmax(-1), targets, [7, 6], [2, 2], { reduction: 'mean', labelWindows: shorter }), [logits]);
    expect(r.ok).toBe(true);
  });

  it('windows that admit no alignment give +Infinity with zero gradient, or 0 with zeroInfinity', () => {
    const x = randomLogProbs(5, 1, 3, 4).requiresGrad_();
    // Label 1 must come after label 0 but its window ends before label 0's begins.
    const labelWindows = [[3, 4, 0, 2]];
    const loss = ctcLoss(x, [1, 2], [5], [2], { reduction: 'sum', labelWindows });
    expect(loss.item()).toBe(Infinity);
    loss.backward();
    expect(x.grad!.toTypedArray().every((v) => v === 0)).toBe(true);
    expect(ctcLoss(x, [1, 2], [5], [2], { zeroInfinity: true, labelWindows }).item()).toBe(0);
  });

  it.each([
    ['wrong count', [[0, 3]], 'sample 0: labelWindows needs 2 × 2 frame indices (first, last per label), got 2'],
    ['last before first', [[0, 3, 4, 2]], "sample 0: label 1 window [4, 2] must be integer frame indices with 0 <= first <= last < 5 (the sample's input length)"],
    // Before: a window past the input gave +Infinity even with checkLengths, and 2**32 wrapped to 0 in an Int32Array.
    ['past the input', [[0, 1, 6, 7]], 'sample 0: label 1 window [6, 7] must be integer frame indices with 0 <= first <= last < 5'],
    ['ending past the input', [[0, 5, 2, 4]], 'sample 0: label 0 window [0, 5] must be integer frame indices with 0 <= first <= last < 5'],
    ['2 ** 32', [[0, 2 ** 32, 2, 4]], 'sample 0: label 0 window [0, 4294967296]'],
    ['NaN', [[0, NaN, 2, 4]], 'sample 0: label 0 window [0, NaN]'],
    ['negative', [[-1, 3, 0, 4]], 'sample 0: label 0 window [-1, 3]'],
    ['fractional', [[0, 1.5, 2, 4]], 'sample 0: label 0 window [0, 1.5]'],
  ])('refuses malformed windows: %s', (_name, labelWindows, message) => {
    expect(() => ctcLoss(randomLogProbs(5, 1, 3, 1), [1, 2], [5], [2], { labelWindows })).toThrow(message);
  });

  it("checks windows against each sample's own input length, and refuses entries that are not arrays", () => {
    const lp = randomLogProbs(5, 2, 3, 1);
    expect(() => ctcLoss(lp, [1, 2], [5, 3], [1, 1], { labelWindows: [[0, 4], [0, 3]] })).toThrow(
      "ctcLoss: sample 1: label 0 window [0, 3] must be integer frame indices with 0 <= first <= last < 3 (the sample's input length)",
    );
    expect(() => ctcLoss(lp, [1, 2], [5, 3], [1, 1], { labelWindows: [[0, 4], 7 as unknown as number[]] })).toThrow(
      'ctcLoss: sample 1: labelWindows entry must be an array of frame indices or null, got number',
    );
  });

  it('refuses a windows list of the wrong batch size', () => {
    expect(() => ctcLoss(randomLogProbs(5, 2, 3, 1), [1, 2], [5, 5], [1, 1], { labelWindows: [[0, 4]] })).toThrow(
      'labelWindows has 1 entries but the batch has 2 samples',
    );
  });
});
