/** Layer normalisation over the trailing `normalizedShape` dimensions (biased variance, as PyTorch). */
import { checkNumber, checkTensor, ones, POSITIVE, showValue, type Tensor, zeros } from '@tensorkit/core';
import type { ModuleConfig, ModuleOptions } from '../config.js';
import { Module } from '../module.js';
import { checkPositiveInt, layerOptions, shapeStr } from './util.js';

export interface LayerNormConfig extends ModuleConfig {
  type: 'LayerNorm';
  normalizedShape: number | number[];
  /** Default 1e-5. */
  eps?: number;
  /** Learnable scale (and bias) of normalizedShape (default true). */
  elementwiseAffine?: boolean;
  /** Learnable shift when affine (default true). */
  bias?: boolean;
}

export function layerNorm(x: Tensor, normalizedShape: readonly number[], weight: Tensor | null, bias: Tensor | null, eps = 1e-5): Tensor {
  checkTensor('layerNorm', 'input', x);
  // eps ≤ 0 or NaN turns every constant row into NaN (0/0).
  checkNumber('layerNorm', 'eps', eps, POSITIVE);
  const k = normalizedShape.length;
  const tail = x.shape.slice(x.rank - k);
  if (x.rank < k || tail.some((d, i) => d !== normalizedShape[i])) throw new Error(`layerNorm: input ${shapeStr(x)} must end in [${normalizedShape}]`);
  for (const [name, t] of [['weight', weight], ['bias', bias]] as const) {
    if (t && (checkTensor('layerNorm', name, t).rank !== k || t.shape.some((d, i) => d !== normalizedShape[i]))) {
      throw new Error(`layerNorm: ${name} must have the normalized shape [${normalizedShape}], got ${shapeStr(t)}`);
    }
  }
  const axes = Array.from({ length: k }, (_, i) => x.rank - k + i);
  const xc = x.sub(x.mean(axes, true));
  let y = xc.mul(xc.square().mean(axes, true).add(eps).rsqrt());
  if (weight) y = y.mul(weight);
  if (bias) y = y.add(bias);
  return y;
}

export class LayerNorm extends Module {
  readonly config: Required<LayerNormConfig>;
  private readonly shape: number[];

  constructor(opts: ModuleOptions<LayerNormConfig>) {
    super();
    layerOptions('LayerNorm', opts);
    const given: unknown = opts.normalizedShape;
    if (typeof given !== 'number' && !Array.isArray(given)) throw new Error(`LayerNorm: normalizedShape must be a positive integer or an array of them, got ${showValue(given)}`);
    this.shape = typeof given === 'number' ? [given] : [...(given as number[])];
    this.shape.forEach((d) => checkPositiveInt('LayerNorm', 'normalizedShape', d));
    this.config = { type: 'LayerNorm', normalizedShape: opts.normalizedShape, eps: checkNumber('LayerNorm', 'eps', opts.eps ?? 1e-5, POSITIVE), elementwiseAffine: opts.elementwiseAffine ?? true, bias: opts.bias ?? true };
    this.checkOptions(opts);
    if (this.config.elementwiseAffine) {
      this.registerParameter('weight', ones(this.shape));
      this.registerParameter('bias', this.config.bias ? zeros(this.shape) : null);
    }
  }

  get weight(): Tensor | null { return this.optionalParam('weight'); }
  get bias(): Tensor | null { return this.optionalParam('bias'); }

  forward(x: Tensor): Tensor {
    return layerNorm(this.tensorInput(x), this.shape, this.weight, this.bias, this.config.eps);
  }
}
