/**
 * The part of `Generator` (from @tensorkit/core) that feature augmentation needs. Declared
 * structurally so the data package does not depend on core's export surface; pass a
 * `new Generator(seed)` (or a `split()` stream of one) wherever a RandomSource is asked for.
 */
export interface RandomSource {
  /** Uniform in [0, 1). */
  uniform(): number;
  /** Standard normal deviate. */
  normal(): number;
}

/** Uniform integer in [lo, hi] (inclusive). */
export function randomIntInclusive(rng: RandomSource, lo: number, hi: number): number {
  return lo + Math.min(hi - lo, Math.floor(rng.uniform() * (hi - lo + 1)));
}

/** Uniform real in [lo, hi). */
export function randomUniform(rng: RandomSource, lo: number, hi: number): number {
  return lo + (hi - lo) * rng.uniform();
}
