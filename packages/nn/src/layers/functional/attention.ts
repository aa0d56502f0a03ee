/** Scaled dot-product attention with boolean masks (true = masked out). */
import { Tensor, type Generator } from '@tensorkit/core';
import { dropout } from '../dropout.js';

/** Large enough to zero a key's softmax weight, finite so a fully masked row stays NaN-free. */
const MASKED = -1e30;

export interface AttentionMaskOptions {
  /** Boolean mask broadcastable to [..., L, S]; true positions get zero weight. */
  mask?: Tensor | null;
  /** Float mask added to the scores (e.g. relative-position biases). */
  additiveMask?: Tensor | null;
  dropoutP?: number;
  training?: boolean;
  generator?: Generator;
}

/** True when some query row has every key masked (its softmax would be uniform over masked keys). */
function hasFullyMaskedRow(mask: Tensor, shape: readonly number[]): boolean {
  const m = mask.expand(shape).toTypedArray();
  const S = shape[shape.length - 1];
  for (let base = 0; base < m.length; base += S) {
    let all = true;
    for (let j = 0; j < S && all; j++) all = m[base + j] !== 0;
    if (all) return true;
  }
  return false;
}

/**
 * softmax(q·kᵀ/√d + masks)·v for q [..., L, d], k [..., S, d], v [..., S, dv].
 * Masked keys get exactly zero weight; a query with every key masked gets an
 * all-zero weight row (and a zero output) instead of NaN.
 */
export function scaledDotProductAttention(q: Tensor, k: Tensor, v: Tensor, opts: AttentionMaskOptions = {}): { output: Tensor; weights: Tensor } {
  const d = q.shape[q.rank - 1];
  let scores = q.mul(1 / Math.sqrt(d)).matmul(k.transpose(-2, -1));
  if (opts.additiveMask) scores = scores.add(opts.additiveMask);
  const mask = opts.mask ?? null;
  if (mask) scores = scores.maskedFill(mask, MASKED);
  let weights = scores.softmax(-1);
  if (mask && hasFullyMaskedRow(mask, scores.shape)) weights = weights.mul(mask.eq(0).to(weights.dtype));
  weights = dropout(weights, opts.dropoutP ?? 0, opts.training ?? false, opts.generator);
  return { output: weights.matmul(v), weights };
}

/** Logical OR of two boolean masks (null-tolerant), broadcasting. */
export function orMasks(a: Tensor | null, b: Tensor | null): Tensor | null {
  if (!a) return b;
  if (!b) return a;
  return a.ne(0).to('int32').add(b.ne(0).to('int32')).gt(0);
}
