/** Shape-only layers: Flatten and Identity. */
import type { Tensor } from '@tensorkit/core';
import type { ModuleConfig, ModuleOptions } from '../config.js';
import { Module } from '../module.js';
import { showValue } from '@tensorkit/core';

function checkDim(name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new Error(`Flatten: ${name} must be an integer (negative counts from the end), got ${showValue(v)}`);
  return v;
}

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
    this.config = { type: 'Flatten', startDim: checkDim('startDim', opts.startDim ?? 1), endDim: checkDim('endDim', opts.endDim ?? -1) };
    this.checkOptions(opts);
  }

  forward(x: Tensor): Tensor {
    return this.tensorInput(x).flatten(this.config.startDim, this.config.endDim);
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
