/** Convolution layers over core's im2col conv1d/conv2d (stride, padding incl. 'same', dilation, groups). */
import { conv1d, conv2d, conv2dMaxPool, type Pair, type Pool2dOptions, type Tensor } from '@tensorkit/core';
import type { ModuleConfig, ModuleOptions } from '../config.js';
import { checkConvSizes, checkGroups, checkInput, checkSamePadding, ConvBase } from './conv-base.js';
import { checkPositiveInt, layerOptions } from './util.js';

export interface Conv1dConfig extends ModuleConfig {
  type: 'Conv1d';
  inChannels: number;
  outChannels: number;
  kernelSize: number;
  /** Default 1. */
  stride?: number;
  /** Zeros per side, or 'same' (stride 1) / 'valid'. Default 0. */
  padding?: number | 'same' | 'valid';
  /** Default 1. */
  dilation?: number;
  /** Default 1; must divide both channel counts. */
  groups?: number;
  /** Default true. */
  bias?: boolean;
}

export interface Conv2dConfig extends ModuleConfig {
  type: 'Conv2d';
  inChannels: number;
  outChannels: number;
  kernelSize: Pair;
  stride?: Pair;
  padding?: Pair | 'same' | 'valid';
  dilation?: Pair;
  groups?: number;
  bias?: boolean;
}

export class Conv1d extends ConvBase {
  readonly config: Required<Conv1dConfig>;

  constructor(opts: ModuleOptions<Conv1dConfig>) {
    super();
    layerOptions('Conv1d', opts);
    const inC = checkPositiveInt('Conv1d', 'inChannels', opts.inChannels);
    const outC = checkPositiveInt('Conv1d', 'outChannels', opts.outChannels);
    const [k] = checkConvSizes('Conv1d', 1, opts, true);
    const groups = opts.groups ?? 1;
    checkGroups('Conv1d', inC, outC, groups);
    checkSamePadding('Conv1d', opts.padding, opts.stride ?? 1);
    this.config = {
      type: 'Conv1d', inChannels: inC, outChannels: outC, kernelSize: k,
      stride: opts.stride ?? 1, padding: opts.padding ?? 0, dilation: opts.dilation ?? 1, groups, bias: opts.bias ?? true,
    };
    this.checkOptions(opts);
    this.initParams([outC, inC / groups, k], outC, this.config.bias, opts);
  }

  /** x [N, C, L] → [N, outChannels, L']. */
  forward(x: Tensor): Tensor {
    const c = this.config;
    checkInput('Conv1d', this.tensorInput(x), c.inChannels);
    return conv1d(x, this.weight, this.bias, { stride: c.stride, padding: c.padding, dilation: c.dilation, groups: c.groups });
  }
}

export class Conv2d extends ConvBase {
  readonly config: Required<Conv2dConfig>;

  constructor(opts: ModuleOptions<Conv2dConfig>) {
    super();
    layerOptions('Conv2d', opts);
    const inC = checkPositiveInt('Conv2d', 'inChannels', opts.inChannels);
    const outC = checkPositiveInt('Conv2d', 'outChannels', opts.outChannels);
    const [kh, kw] = checkConvSizes('Conv2d', 2, opts, true);
    const groups = opts.groups ?? 1;
    checkGroups('Conv2d', inC, outC, groups);
    checkSamePadding('Conv2d', opts.padding, opts.stride ?? 1);
    this.config = {
      type: 'Conv2d', inChannels: inC, outChannels: outC, kernelSize: opts.kernelSize,
      stride: opts.stride ?? 1, padding: opts.padding ?? 0, dilation: opts.dilation ?? 1, groups, bias: opts.bias ?? true,
    };
    this.checkOptions(opts);
    this.initParams([outC, inC / groups, kh, kw], outC, this.config.bias, opts);
  }

  /** x [N, C, H, W] → [N, outChannels, H', W']. */
  forward(x: Tensor): Tensor {
    const c = this.config;
    checkInput('Conv2d', this.tensorInput(x), c.inChannels);
    return conv2d(x, this.weight, this.bias, { stride: c.stride, padding: c.padding, dilation: c.dilation, groups: c.groups });
  }

  /** maxPool2d(forward(x), kernel, pool) as one fused op, with a ReLU before the pool when `relu` (see conv2dMaxPool in core); Sequential uses it for Conv2d → [ReLU →] MaxPool2d. */
  forwardMaxPool(x: Tensor, kernel: Pair, pool: Pool2dOptions, relu = false): Tensor {
    const c = this.config;
    checkInput('Conv2d', x, c.inChannels);
    const opts = { stride: c.stride, padding: c.padding, dilation: c.dilation, groups: c.groups, activation: relu ? ('relu' as const) : null };
    return conv2dMaxPool(x, this.weight, this.bias, opts, kernel, pool);
  }
}
