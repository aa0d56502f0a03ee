/** Transposed convolution layers over core's convTranspose1d/convTranspose2d (PyTorch's ConvTranspose1d/2d). */
import { convTranspose1d, convTranspose2d, type Pair, type Tensor } from '@tensorkit/core';
import type { InitOptions, ModuleConfig, ModuleOptions } from '../config.js';
import { Module } from '../module.js';
import { computeFans } from '../init.js';
import { checkPositiveInt, defaultBias, defaultWeight, generatorOf, shapeStr } from './util.js';

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

function pairOf(v: Pair): [number, number] {
  return typeof v === 'number' ? [v, v] : [v[0], v[1]];
}

/** Shared parameter handling: weight [in, out/groups, ...kernel] (PyTorch's layout) and optional bias [out]. */
abstract class ConvTransposeBase extends Module {
  protected initParams(layer: string, inC: number, outC: number, groups: number, kernel: number[], bias: boolean, opts: InitOptions): void {
    checkPositiveInt(layer, 'groups', groups);
    if (inC % groups !== 0 || outC % groups !== 0) throw new Error(`${layer}: groups=${groups} must divide inChannels=${inC} and outChannels=${outC}`);
    for (const k of kernel) checkPositiveInt(layer, 'kernelSize', k);
    const g = generatorOf(opts);
    const shape = [inC, outC / groups, ...kernel];
    // As PyTorch: kaiming_uniform(a=√5) and the bias bound from the same fan_in, which for this
    // layout is (out/groups)·kernel elements (dimension 1 of the weight), not in/groups.
    this.registerParameter('weight', defaultWeight(shape, g));
    this.registerParameter('bias', bias ? defaultBias(outC, computeFans(shape).fanIn, g) : null);
  }

  protected checkInput(layer: string, x: Tensor, rank: 3 | 4, inChannels: number): void {
    if (x.rank !== rank || x.shape[1] !== inChannels) {
      throw new Error(`${layer}: expected input ${rank === 3 ? '[N, C, L]' : '[N, C, H, W]'} with C = ${inChannels}, got ${shapeStr(x)}`);
    }
  }

  get weight(): Tensor {
    return this.param('weight');
  }

  get bias(): Tensor | null {
    return this.optionalParam('bias');
  }
}

export class ConvTranspose1d extends ConvTransposeBase {
  readonly config: Required<ConvTranspose1dConfig>;

  constructor(opts: ModuleOptions<ConvTranspose1dConfig>) {
    super();
    const inC = checkPositiveInt('ConvTranspose1d', 'inChannels', opts.inChannels);
    const outC = checkPositiveInt('ConvTranspose1d', 'outChannels', opts.outChannels);
    const k = checkPositiveInt('ConvTranspose1d', 'kernelSize', opts.kernelSize);
    this.config = {
      type: 'ConvTranspose1d', inChannels: inC, outChannels: outC, kernelSize: k, stride: opts.stride ?? 1, padding: opts.padding ?? 0,
      outputPadding: opts.outputPadding ?? 0, dilation: opts.dilation ?? 1, groups: opts.groups ?? 1, bias: opts.bias ?? true,
    };
    this.initParams('ConvTranspose1d', inC, outC, this.config.groups, [k], this.config.bias, opts);
  }

  /** x [N, C, L] → [N, outChannels, (L−1)·stride − 2·padding + dilation·(k−1) + outputPadding + 1]. */
  forward(x: Tensor): Tensor {
    const c = this.config;
    this.checkInput('ConvTranspose1d', x, 3, c.inChannels);
    return convTranspose1d(x, this.weight, this.bias, { stride: c.stride, padding: c.padding, outputPadding: c.outputPadding, dilation: c.dilation, groups: c.groups });
  }
}

export class ConvTranspose2d extends ConvTransposeBase {
  readonly config: Required<ConvTranspose2dConfig>;

  constructor(opts: ModuleOptions<ConvTranspose2dConfig>) {
    super();
    const inC = checkPositiveInt('ConvTranspose2d', 'inChannels', opts.inChannels);
    const outC = checkPositiveInt('ConvTranspose2d', 'outChannels', opts.outChannels);
    this.config = {
      type: 'ConvTranspose2d', inChannels: inC, outChannels: outC, kernelSize: opts.kernelSize, stride: opts.stride ?? 1, padding: opts.padding ?? 0,
      outputPadding: opts.outputPadding ?? 0, dilation: opts.dilation ?? 1, groups: opts.groups ?? 1, bias: opts.bias ?? true,
    };
    this.initParams('ConvTranspose2d', inC, outC, this.config.groups, pairOf(opts.kernelSize), this.config.bias, opts);
  }

  /** x [N, C, H, W] → [N, outChannels, H', W'] with H' = (H−1)·stride − 2·padding + dilation·(kH−1) + outputPadding + 1. */
  forward(x: Tensor): Tensor {
    const c = this.config;
    this.checkInput('ConvTranspose2d', x, 4, c.inChannels);
    return convTranspose2d(x, this.weight, this.bias, { stride: c.stride, padding: c.padding, outputPadding: c.outputPadding, dilation: c.dilation, groups: c.groups });
  }
}
