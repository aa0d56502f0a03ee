/** Activation functions as modules, so they can sit in a Sequential and in configs. */
import { checkNumber, FINITE, gelu, leakyRelu, logSoftmax, POSITIVE, relu, sigmoid, silu, softmax, softplus, tanh, type Tensor } from '@tensorkit/core';
import type { ModuleConfig, ModuleOptions } from '../config.js';
import { Module } from '../module.js';

export interface ReLUConfig extends ModuleConfig { type: 'ReLU' }
export interface SigmoidConfig extends ModuleConfig { type: 'Sigmoid' }
export interface TanhConfig extends ModuleConfig { type: 'Tanh' }
export interface SiLUConfig extends ModuleConfig { type: 'SiLU' }
export interface LeakyReLUConfig extends ModuleConfig { type: 'LeakyReLU'; /** Default 0.01. */ negativeSlope?: number }
export interface GELUConfig extends ModuleConfig { type: 'GELU'; /** Default 'none' (exact erf form). */ approximate?: 'none' | 'tanh' }
export interface SoftplusConfig extends ModuleConfig { type: 'Softplus'; /** Default 1. */ beta?: number; /** Default 20. */ threshold?: number }
export interface SoftmaxConfig extends ModuleConfig { type: 'Softmax'; /** Default -1. */ dim?: number }
export interface LogSoftmaxConfig extends ModuleConfig { type: 'LogSoftmax'; /** Default -1. */ dim?: number }

export class ReLU extends Module {
  readonly config: ReLUConfig = { type: 'ReLU' };
  forward(x: Tensor): Tensor { return relu(x); }
}

export class Sigmoid extends Module {
  readonly config: SigmoidConfig = { type: 'Sigmoid' };
  forward(x: Tensor): Tensor { return sigmoid(x); }
}

export class Tanh extends Module {
  readonly config: TanhConfig = { type: 'Tanh' };
  forward(x: Tensor): Tensor { return tanh(x); }
}

export class SiLU extends Module {
  readonly config: SiLUConfig = { type: 'SiLU' };
  forward(x: Tensor): Tensor { return silu(x); }
}

export class LeakyReLU extends Module {
  readonly config: Required<LeakyReLUConfig>;
  constructor(opts: ModuleOptions<LeakyReLUConfig> = {}) {
    super();
    this.config = { type: 'LeakyReLU', negativeSlope: checkNumber('LeakyReLU', 'negativeSlope', opts.negativeSlope ?? 0.01, FINITE) };
    this.checkOptions(opts);
  }
  forward(x: Tensor): Tensor { return leakyRelu(x, this.config.negativeSlope); }
}

export class GELU extends Module {
  readonly config: Required<GELUConfig>;
  constructor(opts: ModuleOptions<GELUConfig> = {}) {
    super();
    const approximate = opts.approximate ?? 'none';
    // Anything but 'tanh' would silently run the exact form (e.g. a config saying 'Tanh').
    if (approximate !== 'none' && approximate !== 'tanh') throw new Error(`GELU: approximate must be 'none' or 'tanh', got '${String(approximate)}'`);
    this.config = { type: 'GELU', approximate };
    this.checkOptions(opts);
  }
  forward(x: Tensor): Tensor { return gelu(x, this.config.approximate); }
}

export class Softplus extends Module {
  readonly config: Required<SoftplusConfig>;
  constructor(opts: ModuleOptions<SoftplusConfig> = {}) {
    super();
    // beta 0 divides by zero (an all-Infinity output); a NaN threshold never switches to the linear branch.
    this.config = { type: 'Softplus', beta: checkNumber('Softplus', 'beta', opts.beta ?? 1, POSITIVE), threshold: checkNumber('Softplus', 'threshold', opts.threshold ?? 20, FINITE) };
    this.checkOptions(opts);
  }
  forward(x: Tensor): Tensor { return softplus(x, this.config.beta, this.config.threshold); }
}

export class Softmax extends Module {
  readonly config: Required<SoftmaxConfig>;
  constructor(opts: ModuleOptions<SoftmaxConfig> = {}) {
    super();
    this.config = { type: 'Softmax', dim: opts.dim ?? -1 };
    this.checkOptions(opts);
  }
  forward(x: Tensor): Tensor { return softmax(x, this.config.dim); }
}

export class LogSoftmax extends Module {
  readonly config: Required<LogSoftmaxConfig>;
  constructor(opts: ModuleOptions<LogSoftmaxConfig> = {}) {
    super();
    this.config = { type: 'LogSoftmax', dim: opts.dim ?? -1 };
    this.checkOptions(opts);
  }
  forward(x: Tensor): Tensor { return logSoftmax(x, this.config.dim); }
}
