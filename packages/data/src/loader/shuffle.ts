import { Generator } from '@tensorkit/core';

/**
 * The sample order for one epoch: a pure function of (n, seed, epoch), so any
 * epoch can be replayed — or resumed mid-way — without replaying earlier ones.
 * Each epoch draws from its own stream split off the seed.
 */
export function epochPermutation(n: number, seed: number, epoch: number): Int32Array {
  if (!Number.isInteger(epoch) || epoch < 0) throw new Error(`epochPermutation: epoch must be a non-negative integer, got ${epoch}`);
  return new Generator(seed).split(epoch).permutation(n);
}
