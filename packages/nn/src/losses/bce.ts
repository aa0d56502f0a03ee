/**
 * Binary cross-entropy on probabilities, as PyTorch's binary_cross_entropy:
 *   -w·(y·max(log x, -100) + (1 - y)·max(log1p(-x), -100))
 * The clamp keeps the loss finite for inputs of exactly 0 or 1. The input gradient is
 * PyTorch's w·(x - y) / max(x·(1 - x), 1e-12). Prefer bceWithLogits on logits: it is
 * stable where sigmoid saturates.
 */
import type { Tensor } from '@tensorkit/core';
import { checkOptionKeys, type OptionKeys } from '../options.js';
import { checkReduction, reduceLoss, type Reduction } from './reduction.js';
import { broadcastValues, checkPair, pointwiseLoss, type PointwiseKernel } from './pointwise.js';

export interface BceLossOptions {
  /** Per-element rescaling, broadcast to the input (no gradient). */
  weight?: Tensor;
  reduction?: Reduction;
}

const OP = 'bceLoss';
const LOG_FLOOR = -100;
const GRAD_EPS = 1e-12;

/** max(log x, -100) and max(log(1 - x), -100), the latter through log1p as PyTorch's kernel. */
const logX = (x: number): number => Math.max(Math.log(x), LOG_FLOOR);
const log1mX = (x: number): number => Math.max(Math.log1p(-x), LOG_FLOOR);

const BCE: PointwiseKernel = {
  value: (x, y) => -(y * logX(x) + (1 - y) * log1mX(x)),
  grad: (x, y, d) => {
    d[0] = (x - y) / Math.max(x * (1 - x), GRAD_EPS);
    // The derivative of the clamped loss (PyTorch's -logit(x) is the same away from the clamp).
    d[1] = log1mX(x) - logX(x);
  },
};

const KEYS: OptionKeys<BceLossOptions> = { weight: true, reduction: true };

export function bceLoss(input: Tensor, target: Tensor, opts: BceLossOptions = {}): Tensor {
  checkOptionKeys('bceLoss', opts, KEYS);
  const reduction = checkReduction(OP, opts.reduction);
  checkPair(OP, input, target);
  const x = input.toTypedArray();
  for (let i = 0; i < x.length; i++) {
    if (!(x[i] >= 0 && x[i] <= 1)) throw new Error(`${OP}: every input element must be a probability in [0, 1], got ${x[i]} (use bceWithLogits for logits)`);
  }
  const weight = broadcastValues(OP, 'weight', opts.weight, input.shape);
  return reduceLoss(pointwiseLoss(OP, input, target, BCE, weight), reduction);
}
