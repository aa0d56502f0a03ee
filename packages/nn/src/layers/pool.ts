/** Max and average pooling layers over core's pooling kernels. */
import { avgPool1d, avgPool2d, maxPool1d, maxPool2d, type Pair, type Tensor } from '@tensorkit/core';
import type { ModuleConfig, ModuleOptions } from '../config.js';
import { Module } from '../module.js';
import { checkConvSizes } from './conv-base.js';
import { layerOptions } from './util.js';

/** Refuses a missing options object and bad sizes when the layer is built (core would check them only in forward, and read a longer tuple's first entries). */
function checkPool(layer: string, dims: 1 | 2, opts: Pool1dFields | Pool2dFields): void {
  checkConvSizes(layer, dims, layerOptions(layer, opts));
}

interface Pool1dFields {
  kernelSize: number;
  /** Default: kernelSize. */
  stride?: number;
  /** Default 0. */
  padding?: number;
  /** Default false. */
  ceilMode?: boolean;
}

interface Pool2dFields {
  kernelSize: Pair;
  stride?: Pair;
  padding?: Pair;
  ceilMode?: boolean;
}

export interface MaxPool1dConfig extends ModuleConfig, Pool1dFields { type: 'MaxPool1d'; /** Default 1. */ dilation?: number }
export interface MaxPool2dConfig extends ModuleConfig, Pool2dFields { type: 'MaxPool2d'; dilation?: Pair }
export interface AvgPool1dConfig extends ModuleConfig, Pool1dFields { type: 'AvgPool1d'; /** Count padded zeros in the divisor (default true). */ countIncludePad?: boolean }
export interface AvgPool2dConfig extends ModuleConfig, Pool2dFields { type: 'AvgPool2d'; countIncludePad?: boolean }

export class MaxPool1d extends Module {
  readonly config: Required<MaxPool1dConfig>;
  constructor(opts: ModuleOptions<MaxPool1dConfig>) {
    super();
    checkPool('MaxPool1d', 1, opts);
    this.config = { type: 'MaxPool1d', kernelSize: opts.kernelSize, stride: opts.stride ?? opts.kernelSize, padding: opts.padding ?? 0, dilation: opts.dilation ?? 1, ceilMode: opts.ceilMode ?? false };
    this.checkOptions(opts);
  }
  /** x [N, C, L]. */
  forward(x: Tensor): Tensor {
    const c = this.config;
    return maxPool1d(this.tensorInput(x), c.kernelSize, { stride: c.stride, padding: c.padding, dilation: c.dilation, ceilMode: c.ceilMode });
  }
}

export class MaxPool2d extends Module {
  readonly config: Required<MaxPool2dConfig>;
  constructor(opts: ModuleOptions<MaxPool2dConfig>) {
    super();
    checkPool('MaxPool2d', 2, opts);
    this.config = { type: 'MaxPool2d', kernelSize: opts.kernelSize, stride: opts.stride ?? opts.kernelSize, padding: opts.padding ?? 0, dilation: opts.dilation ?? 1, ceilMode: opts.ceilMode ?? false };
    this.checkOptions(opts);
  }
  /** x [N, C, H, W]. */
  forward(x: Tensor): Tensor {
    const c = this.config;
    return maxPool2d(this.tensorInput(x), c.kernelSize, { stride: c.stride, padding: c.padding, dilation: c.dilation, ceilMode: c.ceilMode });
  }
}

export class AvgPool1d extends Module {
  readonly config: Required<AvgPool1dConfig>;
  constructor(opts: ModuleOptions<AvgPool1dConfig>) {
    super();
    checkPool('AvgPool1d', 1, opts);
    this.config = { type: 'AvgPool1d', kernelSize: opts.kernelSize, stride: opts.stride ?? opts.kernelSize, padding: opts.padding ?? 0, ceilMode: opts.ceilMode ?? false, countIncludePad: opts.countIncludePad ?? true };
    this.checkOptions(opts);
  }
  forward(x: Tensor): Tensor {
    const c = this.config;
    return avgPool1d(this.tensorInput(x), c.kernelSize, { stride: c.stride, padding: c.padding, ceilMode: c.ceilMode, countIncludePad: c.countIncludePad });
  }
}

export class AvgPool2d extends Module {
  readonly config: Required<AvgPool2dConfig>;
  constructor(opts: ModuleOptions<AvgPool2dConfig>) {
    super();
    checkPool('AvgPool2d', 2, opts);
    this.config = { type: 'AvgPool2d', kernelSize: opts.kernelSize, stride: opts.stride ?? opts.kernelSize, padding: opts.padding ?? 0, ceilMode: opts.ceilMode ?? false, countIncludePad: opts.countIncludePad ?? true };
    this.checkOptions(opts);
  }
  forward(x: Tensor): Tensor {
    const c = this.config;
    return avgPool2d(this.tensorInput(x), c.kernelSize, { stride: c.stride, padding: c.padding, ceilMode: c.ceilMode, countIncludePad: c.countIncludePad });
  }
}
