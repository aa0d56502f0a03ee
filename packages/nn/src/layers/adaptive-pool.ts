/** Adaptive and global average pooling layers. */
import type { Tensor } from '@tensorkit/core';
import type { ModuleConfig, ModuleOptions } from '../config.js';
import { Module } from '../module.js';
import { adaptiveAvgPool1d, adaptiveAvgPool2d, adaptiveSize1d, adaptiveSize2d, type AdaptiveSize2d } from './functional/adaptive-pool.js';
import { layerOptions } from './util.js';

export interface AdaptiveAvgPool1dConfig extends ModuleConfig { type: 'AdaptiveAvgPool1d'; outputSize: number }
export interface AdaptiveAvgPool2dConfig extends ModuleConfig {
  type: 'AdaptiveAvgPool2d';
  /** Both sides, or [height, width]; null keeps that side of the input (PyTorch's None). */
  outputSize: AdaptiveSize2d;
}
export interface GlobalAvgPoolConfig extends ModuleConfig {
  type: 'GlobalAvgPool';
  /** Keep the pooled dimensions as size 1 (default false: [N, C, ...] → [N, C]). */
  keepDim?: boolean;
}

export class AdaptiveAvgPool1d extends Module {
  readonly config: AdaptiveAvgPool1dConfig;
  constructor(opts: ModuleOptions<AdaptiveAvgPool1dConfig>) {
    super();
    this.config = { type: 'AdaptiveAvgPool1d', outputSize: adaptiveSize1d('AdaptiveAvgPool1d', layerOptions('AdaptiveAvgPool1d', opts).outputSize) };
    this.checkOptions(opts);
  }
  forward(x: Tensor): Tensor {
    return adaptiveAvgPool1d(this.tensorInput(x), this.config.outputSize);
  }
}

export class AdaptiveAvgPool2d extends Module {
  readonly config: AdaptiveAvgPool2dConfig;
  constructor(opts: ModuleOptions<AdaptiveAvgPool2dConfig>) {
    super();
    adaptiveSize2d('AdaptiveAvgPool2d', layerOptions('AdaptiveAvgPool2d', opts).outputSize);
    this.config = { type: 'AdaptiveAvgPool2d', outputSize: opts.outputSize };
    this.checkOptions(opts);
  }
  forward(x: Tensor): Tensor {
    return adaptiveAvgPool2d(this.tensorInput(x), this.config.outputSize);
  }
}

/** Mean over every dimension after the channel one: [N, C, ...spatial] → [N, C]. */
export class GlobalAvgPool extends Module {
  readonly config: Required<GlobalAvgPoolConfig>;
  constructor(opts: ModuleOptions<GlobalAvgPoolConfig> = {}) {
    super();
    this.config = { type: 'GlobalAvgPool', keepDim: opts.keepDim ?? false };
    this.checkOptions(opts);
  }
  forward(x: Tensor): Tensor {
    this.tensorInput(x);
    if (x.rank < 3) throw new Error(`GlobalAvgPool: input must be [N, C, ...spatial], got shape [${x.shape}]`);
    if (x.shape.slice(2).includes(0)) throw new Error(`GlobalAvgPool: input [${x.shape}] has an empty spatial dimension (the mean would be NaN)`);
    const axes = Array.from({ length: x.rank - 2 }, (_, i) => i + 2);
    return x.mean(axes, this.config.keepDim);
  }
}
