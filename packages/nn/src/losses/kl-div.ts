/**
 * Kullback-Leibler divergence with PyTorch's conventions: the input holds
 * log-probabilities, the target probabilities (or log-probabilities with logTarget):
 *   target probabilities:  t·log(t) - t·x        (0 where t = 0, as xlogy)
 *   logTarget:             exp(t)·(t - x)
 * 'batchmean' divides the sum by the batch size (the size of dimension 0), which is
 * the true KL divergence per sample; 'mean' divides by the number of elements.
 */
import type { Tensor } from '@tensorkit/core';
import { checkOptionKeys, type OptionKeys } from '../options.js';
import type { Reduction } from './reduction.js';
import { checkPair, pointwiseLoss, type PointwiseKernel } from './pointwise.js';

export interface KlDivLossOptions {
  /** Default 'mean' (as PyTorch; 'batchmean' is the mathematically correct KL divergence). */
  reduction?: Reduction | 'batchmean';
  /** The target holds log-probabilities (default false). */
  logTarget?: boolean;
}

const PROB_TARGET: PointwiseKernel = {
  value: (x, t) => (t === 0 ? 0 : t * Math.log(t)) - t * x,
  grad: (x, t, d) => {
    d[0] = -t;
    // PyTorch's xlogy derivative: log(t) + t/t, so 0/0 (NaN) at t = 0.
    d[1] = (t === 0 ? 0 : Math.log(t)) + t / t - x;
  },
};

const LOG_TARGET: PointwiseKernel = {
  value: (x, t) => Math.exp(t) * (t - x),
  grad: (x, t, d) => {
    const e = Math.exp(t);
    d[0] = -e;
    d[1] = e * (t - x + 1);
  },
};

const KEYS: OptionKeys<KlDivLossOptions> = { reduction: true, logTarget: true };

export function klDivLoss(input: Tensor, target: Tensor, opts: KlDivLossOptions = {}): Tensor {
  checkOptionKeys('klDivLoss', opts, KEYS);
  const reduction = opts.reduction ?? 'mean';
  if (reduction !== 'mean' && reduction !== 'sum' && reduction !== 'none' && reduction !== 'batchmean') {
    throw new Error(`klDivLoss: reduction must be 'mean', 'sum', 'none' or 'batchmean', got '${String(reduction)}'`);
  }
  checkPair('klDivLoss', input, target);
  const losses = pointwiseLoss('klDivLoss', input, target, opts.logTarget ? LOG_TARGET : PROB_TARGET);
  if (reduction === 'none') return losses;
  if (reduction === 'mean') return losses.mean();
  const sum = losses.sum();
  // PyTorch leaves a 0-d input's sum undivided.
  return reduction === 'batchmean' && input.rank > 0 ? sum.div(input.shape[0]) : sum;
}
