/** Shape-only layers: Flatten and Identity. */
import type { Tensor } from '@tensorkit/core';
import type { ModuleConfig, ModuleOptions } from '../config.js';
import { Module } from '../module.js';

export interface FlattenConfig extends ModuleConfig {
  type: 'Flatten';
  /** Default 1 (keeps the batch dimension), as in PyTorch. */
  startDim?: number;
  /** Default -1. */
  endDim?: number;
}

export class Flatten extends Module {
  readonly config: Required<FlattenConfig>;

  constructor(opts: ModuleOptions<FlattenConfig> = {}) {
    super();
    this.config = { type: 'Flatten', startDim: opts.startDim ?? 1, endDim: opts.endDim ?? -1 };
    this.checkOptions(opts);
  }

  forward(x: Tensor): Tensor {
    return x.flatten(this.config.startDim, this.config.endDim);
  }
}

export interface IdentityConfig extends ModuleConfig {
  type: 'Identity';
}

export class Identity extends Module {
  readonly config: IdentityConfig = { type: 'Identity' };

  forward(x: Tensor): Tensor {
    return x;
  }
}
