/**
 * Group normalisation (PyTorch GroupNorm): the channels of an [N, C, *] input are split into
 * numGroups groups; each sample's group is normalised over its channels and positions with
 * the biased variance, then scaled and shifted per channel. No running statistics, so train
 * and eval behave the same.
 */
import { checkNumber, ones, POSITIVE, type Tensor, zeros } from '@tensorkit/core';
import type { ModuleConfig, ModuleOptions } from '../config.js';
import { Module } from '../module.js';
import { checkPositiveInt, layerOptions, shapeStr } from './util.js';

export interface GroupNormConfig extends ModuleConfig {
  type: 'GroupNorm';
  numGroups: number;
  /** C, which numGroups must divide. */
  numChannels: number;
  /** Default 1e-5. */
  eps?: number;
  /** Learnable per-channel scale and shift (default true). */
  affine?: boolean;
}

/** Functional group norm of an [N, C, *] input; weight and bias are [C] (or null). */
export function groupNorm(x: Tensor, numGroups: number, weight: Tensor | null = null, bias: Tensor | null = null, eps = 1e-5): Tensor {
  if (x.rank < 2) throw new Error(`groupNorm: input ${shapeStr(x)} must be [N, C, *]`);
  const [n, c] = x.shape;
  if (!Number.isInteger(numGroups) || numGroups < 1 || c % numGroups !== 0) {
    throw new Error(`groupNorm: numGroups ${numGroups} must be a positive integer dividing the ${c} channels of input ${shapeStr(x)}`);
  }
  for (const [name, t] of [['weight', weight], ['bias', bias]] as const) {
    if (t && (t.rank !== 1 || t.shape[0] !== c)) throw new Error(`groupNorm: ${name} ${shapeStr(t)} must be [${c}]`);
  }
  // The group size is spelled out: with -1 an empty batch (N = 0, which PyTorch accepts) is ambiguous.
  const grouped = x.reshape([n, numGroups, (c / numGroups) * x.shape.slice(2).reduce((a, b) => a * b, 1)]);
  const xc = grouped.sub(grouped.mean(2, true));
  let y = xc.mul(xc.square().mean(2, true).add(eps).rsqrt()).reshape(x.shape);
  // Per-channel parameters as [C, 1, ..., 1] so they broadcast over the positions.
  const perChannel = [c, ...x.shape.slice(2).map(() => 1)];
  if (weight) y = y.mul(weight.reshape(perChannel));
  if (bias) y = y.add(bias.reshape(perChannel));
  return y;
}

export class GroupNorm extends Module {
  readonly config: Required<GroupNormConfig>;

  constructor(opts: ModuleOptions<GroupNormConfig>) {
    super();
    layerOptions('GroupNorm', opts);
    const numGroups = checkPositiveInt('GroupNorm', 'numGroups', opts.numGroups);
    const numChannels = checkPositiveInt('GroupNorm', 'numChannels', opts.numChannels);
    if (numChannels % numGroups !== 0) throw new Error(`GroupNorm: numChannels (${numChannels}) must be divisible by numGroups (${numGroups})`);
    const eps = checkNumber('GroupNorm', 'eps', opts.eps ?? 1e-5, POSITIVE);
    this.config = { type: 'GroupNorm', numGroups, numChannels, eps, affine: opts.affine ?? true };
    this.checkOptions(opts);
    if (this.config.affine) {
      this.registerParameter('weight', ones([numChannels]));
      this.registerParameter('bias', zeros([numChannels]));
    }
  }

  get weight(): Tensor | null { return this.optionalParam('weight'); }
  get bias(): Tensor | null { return this.optionalParam('bias'); }

  forward(x: Tensor): Tensor {
    this.tensorInput(x);
    if (x.rank < 2 || x.shape[1] !== this.config.numChannels) {
      throw new Error(`GroupNorm: input ${shapeStr(x)} must be [N, ${this.config.numChannels}, *]`);
    }
    return groupNorm(x, this.config.numGroups, this.weight, this.bias, this.config.eps);
  }
}
