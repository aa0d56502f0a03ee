import { describe, expect, it } from 'vitest';
import { centredStd, scores } from '../src/blend.js';
import { nbPriorWeights, priorLogits } from '../src/nb-prior.js';
import type { EncodedDoc } from '../src/model.js';

// Two classes over 6 buckets: buckets 0-1 mark class 0, 2-3 class 1, 4-5 appear in both.
const docs: EncodedDoc[] = [
  { ids: Int32Array.from([0, 4]), weights: Float32Array.from([0.8, 0.6]) },
  { ids: Int32Array.from([1, 5]), weights: Float32Array.from([0.6, 0.8]) },
  { ids: Int32Array.from([2, 4]), weights: Float32Array.from([0.8, 0.6]) },
  { ids: Int32Array.from([3, 5]), weights: Float32Array.from([0.6, 0.8]) },
];
const labels = [0, 0, 1, 1];

describe('naive-Bayes prior', () => {
  it('centres each feature row and scales the training logits to the requested spread', () => {
    const P = nbPriorWeights(docs, labels, 2, 6, 2.5, 0.3);
    for (let f = 0; f < 6; f++) expect(P[f * 2] + P[f * 2 + 1]).toBeCloseTo(0, 6);
    expect(centredStd(scores(docs, P, 2), 2)).toBeCloseTo(2.5, 4);
    // Class-specific buckets point to their class; shared ones stay neutral.
    expect(P[0 * 2]).toBeGreaterThan(P[0 * 2 + 1]);
    expect(P[2 * 2 + 1]).toBeGreaterThan(P[2 * 2]);
    expect(Math.abs(P[4 * 2] - P[4 * 2 + 1])).toBeLessThan(Math.abs(P[0] - P[1]));
  });

  it('gives the logits x·P of every document', () => {
    const P = nbPriorWeights(docs, labels, 2, 6, 1, 0.3);
    const l = priorLogits(docs, P, 2);
    expect(l).toHaveLength(8);
    expect(l[0]).toBeCloseTo(0.8 * P[0] + 0.6 * P[8], 5);
    expect(l[0]).toBeGreaterThan(l[1]);
    expect(l[5]).toBeGreaterThan(l[4]);
  });
});
