/**
 * Regression losses on d = input - target, with PyTorch's formulas and subgradients:
 *   l1Loss:        |d|                                   (gradient sign(d), 0 at d = 0)
 *   smoothL1Loss:  |d| < β ? 0.5·d²/β : |d| - 0.5·β       (β = 0 is l1Loss)
 *   huberLoss:     |d| < δ ? 0.5·d²   : δ·(|d| - 0.5·δ)   (= δ · smoothL1Loss with β = δ)
 */
import type { Tensor } from '@tensorkit/core';
import { checkOptionKeys, type OptionKeys } from '../options.js';
import { checkReduction, reduceLoss, type Reduction } from './reduction.js';
import { checkPair, pointwiseLoss, type PointwiseKernel } from './pointwise.js';

export interface L1LossOptions {
  reduction?: Reduction;
}

export interface SmoothL1LossOptions {
  reduction?: Reduction;
  /** Where the loss changes from quadratic to linear (default 1, must be ≥ 0). */
  beta?: number;
}

export interface HuberLossOptions {
  reduction?: Reduction;
  /** Where the loss changes from quadratic to linear (default 1, must be > 0). */
  delta?: number;
}

/** A kernel of d = x - y whose derivative by y is minus the one by x. */
function ofDifference(value: (d: number) => number, slope: (d: number) => number): PointwiseKernel {
  return {
    value: (x, y) => value(x - y),
    grad: (x, y, out) => {
      const s = slope(x - y);
      out[0] = s;
      out[1] = -s;
    },
  };
}

const L1 = ofDifference(Math.abs, Math.sign);

const L1_KEYS: OptionKeys<L1LossOptions> = { reduction: true };

export function l1Loss(input: Tensor, target: Tensor, opts: L1LossOptions = {}): Tensor {
  checkOptionKeys('l1Loss', opts, L1_KEYS);
  const reduction = checkReduction('l1Loss', opts.reduction);
  checkPair('l1Loss', input, target);
  return reduceLoss(pointwiseLoss('l1Loss', input, target, L1), reduction);
}

const SMOOTHL1_KEYS: OptionKeys<SmoothL1LossOptions> = { reduction: true, beta: true };

export function smoothL1Loss(input: Tensor, target: Tensor, opts: SmoothL1LossOptions = {}): Tensor {
  checkOptionKeys('smoothL1Loss', opts, SMOOTHL1_KEYS);
  const reduction = checkReduction('smoothL1Loss', opts.reduction);
  const beta = opts.beta ?? 1;
  if (!(beta >= 0) || !Number.isFinite(beta)) throw new Error(`smoothL1Loss: beta must be a finite number ≥ 0, got ${beta}`);
  checkPair('smoothL1Loss', input, target);
  // PyTorch runs l1Loss for β = 0 (the quadratic branch would divide by zero).
  const kernel = beta === 0 ? L1 : ofDifference(
    (d) => (Math.abs(d) < beta ? (0.5 * d * d) / beta : Math.abs(d) - 0.5 * beta),
    (d) => (d < -beta ? -1 : d > beta ? 1 : d / beta),
  );
  return reduceLoss(pointwiseLoss('smoothL1Loss', input, target, kernel), reduction);
}

const HUBER_KEYS: OptionKeys<HuberLossOptions> = { reduction: true, delta: true };

export function huberLoss(input: Tensor, target: Tensor, opts: HuberLossOptions = {}): Tensor {
  checkOptionKeys('huberLoss', opts, HUBER_KEYS);
  const reduction = checkReduction('huberLoss', opts.reduction);
  const delta = opts.delta ?? 1;
  if (!(delta > 0) || !Number.isFinite(delta)) throw new Error(`huberLoss: delta must be a finite number > 0, got ${delta}`);
  checkPair('huberLoss', input, target);
  const kernel = ofDifference(
    (d) => (Math.abs(d) < delta ? 0.5 * d * d : delta * (Math.abs(d) - 0.5 * delta)),
    (d) => (d < -delta ? -delta : d > delta ? delta : d),
  );
  return reduceLoss(pointwiseLoss('huberLoss', input, target, kernel), reduction);
}
