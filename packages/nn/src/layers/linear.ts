/** Fully connected layer: y = x·Wᵀ + b over the last dimension. */
import { checkTensor, type Tensor } from '@tensorkit/core';
import type { ModuleConfig, ModuleOptions } from '../config.js';
import { Module } from '../module.js';
import { checkPositiveInt, defaultBias, defaultWeight, generatorOf, layerOptions, shapeStr } from './util.js';

export interface LinearConfig extends ModuleConfig {
  type: 'Linear';
  inFeatures: number;
  outFeatures: number;
  /** Default true. */
  bias?: boolean;
}

/**
 * x [..., in] · weight [out, in]ᵀ + bias [out]. Leading dimensions are
 * flattened first so the product is one GEMM rather than one per batch entry.
 */
export function linear(x: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  checkTensor('linear', 'input', x);
  checkTensor('linear', 'weight', weight);
  if (weight.rank !== 2) throw new Error(`linear: weight must be 2-D [outFeatures, inFeatures], got ${shapeStr(weight)}`);
  if (bias !== undefined && bias !== null && (checkTensor('linear', 'bias', bias).rank !== 1 || bias.shape[0] !== weight.shape[0])) {
    throw new Error(`linear: bias must be [${weight.shape[0]}] to match weight ${shapeStr(weight)}, got ${shapeStr(bias)}`);
  }
  const inF = weight.shape[1];
  if (x.rank === 0 || x.shape[x.rank - 1] !== inF) throw new Error(`linear: input ${shapeStr(x)} must end in ${inF} features (weight ${shapeStr(weight)})`);
  const flat = x.rank === 2 ? x : x.reshape([-1, inF]);
  let y = flat.matmul(weight.T);
  if (bias) y = y.add(bias);
  return x.rank === 2 ? y : y.reshape([...x.shape.slice(0, -1), weight.shape[0]]);
}

export class Linear extends Module {
  readonly config: Required<LinearConfig>;

  constructor(opts: ModuleOptions<LinearConfig>) {
    super();
    layerOptions('Linear', opts);
    const inFeatures = checkPositiveInt('Linear', 'inFeatures', opts.inFeatures);
    const outFeatures = checkPositiveInt('Linear', 'outFeatures', opts.outFeatures);
    this.config = { type: 'Linear', inFeatures, outFeatures, bias: opts.bias ?? true };
    this.checkOptions(opts);
    const g = generatorOf(opts);
    this.registerParameter('weight', defaultWeight([outFeatures, inFeatures], g));
    this.registerParameter('bias', this.config.bias ? defaultBias(outFeatures, inFeatures, g) : null);
  }

  get weight(): Tensor {
    return this.param('weight');
  }

  get bias(): Tensor | null {
    return this.optionalParam('bias');
  }

  forward(x: Tensor): Tensor {
    return linear(this.tensorInput(x), this.weight, this.bias);
  }
}
