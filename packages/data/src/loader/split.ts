import { Generator } from '@tensorkit/core';
import { describeValue } from '../options.js';
import { Subset, type Dataset } from './dataset.js';

/**
 * Sizes for a split of n items: integers summing to n are taken as counts;
 * fractions summing to 1 are floored and the remainder handed out one by one
 * from the first part (as torch.utils.data.random_split does).
 */
export function splitSizes(n: number, fractions: readonly number[]): number[] {
  if (!Array.isArray(fractions)) throw new Error(`randomSplit: fractions must be an array of numbers, got ${describeValue(fractions)}`);
  if (fractions.length === 0 || fractions.some((f) => !(f >= 0) || !Number.isFinite(f))) {
    throw new Error(`randomSplit: fractions must be non-negative numbers, got [${fractions.join(', ')}]`);
  }
  const total = fractions.reduce((a, b) => a + b, 0);
  if (fractions.every(Number.isInteger) && total === n) return [...fractions];
  if (Math.abs(total - 1) > 1e-6) {
    throw new Error(`randomSplit: fractions must sum to 1 (or be counts summing to ${n}), got [${fractions.join(', ')}] summing to ${total}`);
  }
  const sizes = fractions.map((f) => Math.floor(f * n));
  let rest = n - sizes.reduce((a, b) => a + b, 0);
  for (let i = 0; rest > 0; i = (i + 1) % sizes.length, rest--) sizes[i]++;
  return sizes;
}

/** Disjoint random index sets covering 0..length-1; a pure function of (length, fractions, seed). */
export function randomSplit(length: number, fractions: readonly number[], seed: number): Int32Array[];
/** Disjoint random subsets of a dataset; a pure function of (dataset.length, fractions, seed). */
export function randomSplit<T>(dataset: Dataset<T>, fractions: readonly number[], seed: number): Subset<T>[];
export function randomSplit<T>(source: number | Dataset<T>, fractions: readonly number[], seed: number): Int32Array[] | Subset<T>[] {
  const n = typeof source === 'number' ? source : source.length;
  if (!Number.isInteger(n) || n < 0) throw new Error(`randomSplit: length must be a non-negative integer, got ${n}`);
  const sizes = splitSizes(n, fractions);
  const order = new Generator(seed).permutation(n);
  const parts: Int32Array[] = [];
  let start = 0;
  for (const size of sizes) {
    parts.push(order.slice(start, start + size));
    start += size;
  }
  if (typeof source === 'number') return parts;
  return parts.map((idx) => new Subset(source, idx));
}
