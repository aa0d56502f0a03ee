/** Scaled dot-product attention with boolean masks (true = masked out). */
import { checkBoolean, checkBoolMask, checkNumber, checkTensor, FINITE, type Generator, Tensor } from '@tensorkit/core';
import { checkOptionKeys, type OptionKeys } from '../../options.js';
import { dropout } from '../dropout.js';

/** Large enough to zero a key's softmax weight, finite so a fully masked row stays NaN-free. */
const MASKED = -1e30;

export interface AttentionMaskOptions {
  /** Boolean mask broadcastable to [..., L, S]; true positions get zero weight. */
  mask?: Tensor | null;
  /** Float mask added to the scores (e.g. relative-position biases). */
  additiveMask?: Tensor | null;
  /** Mask every key after the query's own position (query i sees keys 0..i), as PyTorch's is_causal. */
  isCausal?: boolean;
  /** Multiplier of q·kᵀ (default 1/√d). */
  scale?: number | null;
  dropoutP?: number;
  training?: boolean;
  generator?: Generator;
}

// A misspelt key (PyTorch's attn_mask, or attnMask) would otherwise run attention without the mask.
const SDPA_KEYS: OptionKeys<AttentionMaskOptions> = { mask: true, additiveMask: true, isCausal: true, scale: true, dropoutP: true, training: true, generator: true };

const SDPA_MASK_HINT = { meaning: 'true = masked', advice: 'pass a float mask as additiveMask (added to the scores), or make a bool one with mask.ne(0)' };

const shapeOf = (t: Tensor) => `[${t.shape.join(', ')}]`;

/** [L, S] bool mask, true above the diagonal (keys after the query's position). */
function causalMask(L: number, S: number): Tensor {
  const m = new Uint8Array(L * S);
  for (let i = 0; i < L; i++) m.fill(1, i * S + i + 1, (i + 1) * S);
  return new Tensor(m, [L, S], 'bool');
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
 * Masked keys (true in `mask`, or −∞ in `additiveMask`) get exactly zero weight; a query
 * with every key masked gets an all-zero weight row (and a zero output) instead of NaN.
 */
export function scaledDotProductAttention(q: Tensor, k: Tensor, v: Tensor, opts: AttentionMaskOptions = {}): { output: Tensor; weights: Tensor } {
  const fn = 'scaledDotProductAttention';
  checkOptionKeys(fn, opts, SDPA_KEYS);
  for (const [name, t] of [['query', q], ['key', k], ['value', v]] as const) {
    if (checkTensor(fn, name, t).rank < 2) throw new Error(`${fn}: ${name} must be at least 2-D [..., length, features], got ${shapeOf(t)}`);
  }
  const d = q.shape[q.rank - 1];
  const S = k.shape[k.rank - 2];
  if (k.shape[k.rank - 1] !== d || v.shape[v.rank - 2] !== S) {
    throw new Error(`${fn}: expected query [..., L, d], key [..., S, d] and value [..., S, dv] (same d, same S), got query ${shapeOf(q)}, key ${shapeOf(k)}, value ${shapeOf(v)}`);
  }
  const scale = opts.scale === undefined || opts.scale === null ? 1 / Math.sqrt(d) : checkNumber(fn, 'scale', opts.scale, FINITE);
  let scores = q.mul(scale).matmul(k.transpose(-2, -1));
  const additive = opts.additiveMask ? checkTensor(fn, 'additiveMask', opts.additiveMask) : null;
  if (additive) scores = scores.add(additive);
  // A float mask is most likely meant to be added to the scores.
  let mask = opts.mask ? checkBoolMask(fn, 'mask', opts.mask, SDPA_MASK_HINT) : null;
  if (checkBoolean(fn, 'isCausal', opts.isCausal ?? false)) mask = orMasks(mask, causalMask(q.shape[q.rank - 2], S));
  // −∞ in a float mask (PyTorch's way to build one) masks as true does: else beside the finite
  // MASKED of a bool mask it would hand a row's weight to a key the bool mask took out, and alone
  // a row of −∞ would be NaN.
  if (additive) mask = orMasks(mask, negativeInfinityMask(additive));
  if (mask) scores = scores.maskedFill(mask, MASKED);
  let weights = scores.softmax(-1);
  if (mask && hasFullyMaskedRow(mask, scores.shape)) weights = weights.mul(mask.eq(0).to(weights.dtype));
  weights = dropout(weights, opts.dropoutP ?? 0, opts.training ?? false, opts.generator);
  return { output: weights.matmul(v), weights };
}

/** Bool mask of a float mask's −∞ entries, or null when it has none (the usual bias-only mask). */
function negativeInfinityMask(additive: Tensor): Tensor | null {
  return additive.toTypedArray().includes(-Infinity) ? additive.eq(-Infinity) : null;
}

/** Logical OR of two boolean masks (null-tolerant), broadcasting. */
export function orMasks(a: Tensor | null, b: Tensor | null): Tensor | null {
  if (!a) return b;
  if (!b) return a;
  return a.ne(0).to('int32').add(b.ne(0).to('int32')).gt(0);
}
