/** Transposed convolution layers over core's convTranspose1d/convTranspose2d (PyTorch's ConvTranspose1d/2d). */
import { convTranspose1d, convTranspose2d, type Pair, type Tensor } from '@tensorkit/core';
import type { ModuleConfig, ModuleOptions } from '../config.js';
import { checkConvSizes, checkGroups, checkInput, ConvBase } from './conv-base.js';
import { checkPositiveInt, layerOptions } from './util.js';

export interface ConvTranspose1dConfig extends ModuleConfig {
  type: 'ConvTranspose1d';
  inChannels: number;
  outChannels: number;
  kernelSize: number;
  /** Default 1. */
  stride?: number;
  /** Removed from each end of the output (dilation·(kernelSize−1) − padding zeros pad the input). Default 0. */
  padding?: number;
  /** Added to the end of the output; smaller than stride or dilation. Default 0. */
  outputPadding?: number;
  /** Default 1. */
  dilation?: number;
  /** Default 1; must divide both channel counts. */
  groups?: number;
  /** Default true. */
  bias?: boolean;
}

export interface ConvTranspose2dConfig extends ModuleConfig {
  type: 'ConvTranspose2d';
  inChannels: number;
  outChannels: number;
  kernelSize: Pair;
  stride?: Pair;
  padding?: Pair;
  outputPadding?: Pair;
  dilation?: Pair;
  groups?: number;
  bias?: boolean;
}

// The weight is [in, out/groups, ...kernel] (PyTorch's layout), so ConvBase's init takes its fan_in from
// (out/groups)·kernel, as PyTorch's does for transposed convolutions.

export class ConvTranspose1d extends ConvBase {
  readonly config: Required<ConvTranspose1dConfig>;

  constructor(opts: ModuleOptions<ConvTranspose1dConfig>) {
    super();
    layerOptions('ConvTranspose1d', opts);
    const inC = checkPositiveInt('ConvTranspose1d', 'inChannels', opts.inChannels);
    const outC = checkPositiveInt('ConvTranspose1d', 'outChannels', opts.outChannels);
    const [k] = checkConvSizes('ConvTranspose1d', 1, opts);
    this.config = {
      type: 'ConvTranspose1d', inChannels: inC, outChannels: outC, kernelSize: k, stride: opts.stride ?? 1, padding: opts.padding ?? 0,
      outputPadding: opts.outputPadding ?? 0, dilation: opts.dilation ?? 1, groups: opts.groups ?? 1, bias: opts.bias ?? true,
    };
    this.checkOptions(opts);
    checkGroups('ConvTranspose1d', inC, outC, this.config.groups);
    this.initParams([inC, outC / this.config.groups, k], outC, this.config.bias, opts);
  }

  /** x [N, C, L] → [N, outChannels, (L−1)·stride − 2·padding + dilation·(k−1) + outputPadding + 1]. */
  forward(x: Tensor): Tensor {
    const c = this.config;
    checkInput('ConvTranspose1d', this.tensorInput(x), c.inChannels);
    return convTranspose1d(x, this.weight, this.bias, { stride: c.stride, padding: c.padding, outputPadding: c.outputPadding, dilation: c.dilation, groups: c.groups });
  }
}

export class ConvTranspose2d extends ConvBase {
  readonly config: Required<ConvTranspose2dConfig>;

  constructor(opts: ModuleOptions<ConvTranspose2dConfig>) {
    super();
    layerOptions('ConvTranspose2d', opts);
    const [kh, kw] = checkConvSizes('ConvTranspose2d', 2, opts);
    const inC = checkPositiveInt('ConvTranspose2d', 'inChannels', opts.inChannels);
    const outC = checkPositiveInt('ConvTranspose2d', 'outChannels', opts.outChannels);
    this.config = {
      type: 'ConvTranspose2d', inChannels: inC, outChannels: outC, kernelSize: opts.kernelSize, stride: opts.stride ?? 1, padding: opts.padding ?? 0,
      outputPadding: opts.outputPadding ?? 0, dilation: opts.dilation ?? 1, groups: opts.groups ?? 1, bias: opts.bias ?? true,
    };
    this.checkOptions(opts);
    checkGroups('ConvTranspose2d', inC, outC, this.config.groups);
    this.initParams([inC, outC / this.config.groups, kh, kw], outC, this.config.bias, opts);
  }

  /** x [N, C, H, W] → [N, outChannels, H', W'] with H' = (H−1)·stride − 2·padding + dilation·(kH−1) + outputPadding + 1. */
  forward(x: Tensor): Tensor {
    const c = this.config;
    checkInput('ConvTranspose2d', this.tensorInput(x), c.inChannels);
    return convTranspose2d(x, this.weight, this.bias, { stride: c.stride, padding: c.padding, outputPadding: c.outputPadding, dilation: c.dilation, groups: c.groups });
  }
}
