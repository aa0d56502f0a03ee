/** Upsample: core's interpolate as a layer (PyTorch's nn.Upsample). */
import { interpolate, type InterpolateMode, showValue, type Tensor } from '@tensorkit/core';
import type { ModuleConfig, ModuleOptions } from '../config.js';
import { Module } from '../module.js';

export interface UpsampleConfig extends ModuleConfig {
  type: 'Upsample';
  /** Output spatial size (L, or [H, W] / one number for both). Give this or scaleFactor. */
  size?: number | readonly number[] | null;
  /** Multiplier per spatial axis (one number for all); output size = floor(input size · scaleFactor). */
  scaleFactor?: number | readonly number[] | null;
  /** 'nearest' (default), 'linear' (3-D input), 'bilinear' or 'bicubic' (4-D input). */
  mode?: InterpolateMode;
  /** Interpolating modes only (default false: half-pixel centres). */
  alignCorners?: boolean | null;
}

export class Upsample extends Module {
  readonly config: Required<UpsampleConfig>;

  constructor(opts: ModuleOptions<UpsampleConfig>) {
    super();
    const size = opts.size ?? null;
    const scaleFactor = opts.scaleFactor ?? null;
    if ((size === null) === (scaleFactor === null)) throw new Error(`Upsample: give exactly one of size and scaleFactor, got size ${showValue(size)} and scaleFactor ${showValue(scaleFactor)}`);
    const mode = opts.mode ?? 'nearest';
    if (mode !== 'nearest' && mode !== 'linear' && mode !== 'bilinear' && mode !== 'bicubic') throw new Error(`Upsample: mode must be 'nearest', 'linear', 'bilinear' or 'bicubic', got '${String(mode)}'`);
    if (opts.alignCorners && mode === 'nearest') throw new Error("Upsample: alignCorners can only be set with the interpolating modes 'linear', 'bilinear' and 'bicubic'");
    this.config = { type: 'Upsample', size, scaleFactor, mode, alignCorners: opts.alignCorners ?? null };
    this.checkOptions(opts);
  }

  /** x [N, C, L] or [N, C, H, W] → the same with resized spatial dimensions. */
  forward(x: Tensor): Tensor {
    const c = this.config;
    return interpolate(this.tensorInput(x), { size: c.size ?? undefined, scaleFactor: c.scaleFactor ?? undefined, mode: c.mode, alignCorners: c.alignCorners ?? false });
  }
}
