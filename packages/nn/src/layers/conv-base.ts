/**
 * What the convolution layers share (internal; not exported from the package): the groups and
 * input checks, kernel sizes as pairs, and the weight/bias handling of Conv and ConvTranspose.
 */
import type { Pair, Tensor } from '@tensorkit/core';
import type { InitOptions } from '../config.js';
import { Module } from '../module.js';
import { computeFans } from '../init.js';
import { showValue } from '@tensorkit/core';
import { checkPositiveInt, checkSizes, defaultBias, defaultWeight, generatorOf, shapeStr } from './util.js';

export function checkGroups(layer: string, inC: number, outC: number, groups: number): void {
  checkPositiveInt(layer, 'groups', groups);
  if (inC % groups !== 0 || outC % groups !== 0) throw new Error(`${layer}: groups=${groups} must divide inChannels=${inC} and outChannels=${outC}`);
}

/** PyTorch refuses padding 'same' with a stride (the output size would not be the input's); so do we, when the layer is built. */
export function checkSamePadding(layer: string, padding: unknown, stride: Pair): void {
  if (padding !== 'same') return;
  const [sh, sw] = pairOf(stride);
  if (sh !== 1 || sw !== 1) throw new Error(`${layer}: padding 'same' needs stride 1, got stride ${showValue(stride)}; give the padding as a number of zeros instead`);
}

/**
 * Checks a convolution's or pool's sizes when it is built: one number each, or (2-D) pairs of
 * exactly two; kernel, stride and dilation positive, padding and outputPadding non-negative (or
 * 'same'/'valid' where `samePadding`). Returns the kernel's entries.
 */
export function checkConvSizes(
  layer: string, dims: 1 | 2,
  o: { kernelSize: unknown; stride?: unknown; padding?: unknown; dilation?: unknown; outputPadding?: unknown },
  samePadding = false,
): number[] {
  const kernel = checkSizes(layer, 'kernelSize', o.kernelSize, dims);
  for (const key of ['stride', 'dilation'] as const) if (o[key] !== undefined) checkSizes(layer, key, o[key], dims);
  if (o.outputPadding !== undefined) checkSizes(layer, 'outputPadding', o.outputPadding, dims, 0);
  const p = o.padding;
  if (p !== undefined && !(samePadding && (p === 'same' || p === 'valid'))) checkSizes(layer, 'padding', p, dims, 0);
  return kernel;
}

export function pairOf(v: Pair): [number, number] {
  return typeof v === 'number' ? [v, v] : [v[0], v[1]];
}

/**
 * The layer's own input check, so a wrong rank or channel count names the
 * layer and the shape the caller passed (core's conv1d reports it through
 * the [N, C, 1, L] view it hands to conv2d).
 */
export function checkInput(layer: `${string}${'1d' | '2d'}`, x: Tensor, inChannels: number): void {
  const rank = layer.endsWith('1d') ? 3 : 4;
  if (x.rank !== rank || x.shape[1] !== inChannels) {
    throw new Error(`${layer}: expected input ${rank === 3 ? '[N, C, L]' : '[N, C, H, W]'} with C = ${inChannels}, got ${shapeStr(x)}`);
  }
}

/**
 * Shared parameter handling: a weight of the given shape — [out, in/groups, ...kernel] for a
 * convolution, [in, out/groups, ...kernel] for a transposed one — and an optional bias [out].
 * Both are initialised as PyTorch does, from the fan_in of the weight's dimension 1 and the kernel.
 */
export abstract class ConvBase extends Module {
  protected initParams(weightShape: number[], outC: number, bias: boolean, opts: InitOptions): void {
    const g = generatorOf(opts);
    this.registerParameter('weight', defaultWeight(weightShape, g));
    this.registerParameter('bias', bias ? defaultBias(outC, computeFans(weightShape).fanIn, g) : null);
  }

  get weight(): Tensor {
    return this.param('weight');
  }

  get bias(): Tensor | null {
    return this.optionalParam('bias');
  }
}

