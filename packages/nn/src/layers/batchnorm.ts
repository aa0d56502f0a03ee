/**
 * Batch normalisation with PyTorch semantics: training normalises with the
 * batch mean and *biased* variance, and folds the *unbiased* variance into
 * the running estimate (momentum, or a cumulative average when momentum is
 * null); eval mode normalises with the running estimates.
 */
import { checkNumber, markModifiedInPlace, noGrad, ones, POSITIVE, scalar, type Tensor, UNIT, zeros } from '@tensorkit/core';
import type { ModuleConfig, ModuleOptions } from '../config.js';
import { Module } from '../module.js';
import { checkPositiveInt, layerOptions, shapeStr } from './util.js';

interface BatchNormFields {
  numFeatures: number;
  /** Added to the variance (default 1e-5). */
  eps?: number;
  /** Weight of the new batch in the running stats (default 0.1); null = cumulative moving average. */
  momentum?: number | null;
  /** Learnable per-channel scale and shift (default true). */
  affine?: boolean;
  /** Keep running stats for eval mode (default true); without them eval uses batch stats. */
  trackRunningStats?: boolean;
}

export interface BatchNorm1dConfig extends ModuleConfig, BatchNormFields { type: 'BatchNorm1d' }
export interface BatchNorm2dConfig extends ModuleConfig, BatchNormFields { type: 'BatchNorm2d' }

abstract class BatchNormBase extends Module {
  abstract override readonly config: Required<BatchNorm1dConfig> | Required<BatchNorm2dConfig>;
  /** Allowed input ranks (channels are always dimension 1). */
  protected abstract readonly ranks: readonly number[];

  protected setup(opts: BatchNormFields): void {
    const c = opts.numFeatures;
    if (opts.affine ?? true) {
      this.registerParameter('weight', ones([c]));
      this.registerParameter('bias', zeros([c]));
    }
    if (opts.trackRunningStats ?? true) {
      // PyTorch's buffer names, so its state dicts load by name.
      this.registerBuffer('running_mean', zeros([c]));
      this.registerBuffer('running_var', ones([c]));
      this.registerBuffer('num_batches_tracked', scalar(0, 'int32'));
    }
  }

  get weight(): Tensor | null { return this.optionalParam('weight'); }
  get bias(): Tensor | null { return this.optionalParam('bias'); }
  get runningMean(): Tensor | null { return this.buffer('running_mean'); }
  get runningVar(): Tensor | null { return this.buffer('running_var'); }
  get numBatchesTracked(): number { return this.buffer('num_batches_tracked')?.item() ?? 0; }

  forward(x: Tensor): Tensor {
    this.tensorInput(x);
    const cfg = this.config;
    const C = cfg.numFeatures;
    if (!this.ranks.includes(x.rank) || x.shape[1] !== C) {
      throw new Error(`${cfg.type}: expected input of rank ${this.ranks.join(' or ')} with ${C} channels in dimension 1, got ${shapeStr(x)}`);
    }
    const axes = x.shape.map((_, i) => i).filter((i) => i !== 1);
    const statShape = x.shape.map((d, i) => (i === 1 ? d : 1));
    const rm = this.runningMean;
    const rv = this.runningVar;
    const w = this.weight?.reshape(statShape) ?? null;
    const b = this.bias?.reshape(statShape) ?? null;
    if (!this.training && rm && rv) {
      // Fold the frozen statistics into one scale and shift.
      let scale = rv.add(cfg.eps).rsqrt();
      if (w) scale = scale.mul(this.weight!);
      let shift = rm.neg().mul(scale);
      if (b) shift = shift.add(this.bias!);
      return x.mul(scale.reshape(statShape)).add(shift.reshape(statShape));
    }
    const n = x.size / C;
    // Batch statistics of one value per channel normalise everything to 0 (also in eval without
    // running stats, where PyTorch refuses it as well); an empty batch is only an error in training.
    if (n === 1 || (this.training && n < 1)) {
      throw new Error(`${cfg.type}: expected more than 1 value per channel when using batch statistics (training, or trackRunningStats: false), got input ${shapeStr(x)}`);
    }
    const mean = x.mean(axes, true);
    const xc = x.sub(mean);
    const varBiased = xc.square().mean(axes, true);
    let y = xc.mul(varBiased.add(cfg.eps).rsqrt());
    if (w) y = y.mul(w);
    if (b) y = y.add(b);
    if (this.training && rm && rv) this.updateRunningStats(mean, varBiased, n, rm, rv);
    return y;
  }

  private updateRunningStats(mean: Tensor, varBiased: Tensor, n: number, rm: Tensor, rv: Tensor): void {
    noGrad(() => {
      const counter = this.buffer('num_batches_tracked')!;
      counter.storage[counter.offset] += 1;
      const f = this.config.momentum ?? 1 / counter.storage[counter.offset];
      const m = mean.toTypedArray();
      const v = varBiased.toTypedArray();
      const unbias = n / (n - 1);
      for (let c = 0; c < m.length; c++) {
        rm.storage[rm.offset + c] = (1 - f) * rm.storage[rm.offset + c] + f * m[c];
        rv.storage[rv.offset + c] = (1 - f) * rv.storage[rv.offset + c] + f * v[c] * unbias;
      }
      for (const t of [counter, rm, rv]) markModifiedInPlace(t);
    });
  }

  /** Restores the running stats to their initial values (mean 0, var 1, count 0). */
  resetRunningStats(): void {
    for (const [t, v] of [[this.runningMean, 0], [this.runningVar, 1], [this.buffer('num_batches_tracked'), 0]] as const) {
      if (!t) continue;
      t.storage.fill(v);
      markModifiedInPlace(t);
    }
  }
}

function fill(type: 'BatchNorm1d' | 'BatchNorm2d', opts: BatchNormFields) {
  layerOptions(type, opts);
  return {
    type,
    numFeatures: checkPositiveInt(type, 'numFeatures', opts.numFeatures),
    // eps ≤ 0 or NaN makes a constant channel NaN; a momentum outside [0, 1] (or NaN) poisons the running stats.
    eps: checkNumber(type, 'eps', opts.eps ?? 1e-5, POSITIVE),
    momentum: opts.momentum === undefined ? 0.1 : opts.momentum === null ? null : checkNumber(type, 'momentum', opts.momentum, UNIT),
    affine: opts.affine ?? true,
    trackRunningStats: opts.trackRunningStats ?? true,
  };
}

/** Over [N, C] or [N, C, L]. */
export class BatchNorm1d extends BatchNormBase {
  readonly config: Required<BatchNorm1dConfig>;
  protected readonly ranks = [2, 3];
  constructor(opts: ModuleOptions<BatchNorm1dConfig>) {
    super();
    this.config = fill('BatchNorm1d', opts) as Required<BatchNorm1dConfig>;
    this.checkOptions(opts);
    this.setup(opts);
  }
}

/** Over [N, C, H, W]. */
export class BatchNorm2d extends BatchNormBase {
  readonly config: Required<BatchNorm2dConfig>;
  protected readonly ranks = [4];
  constructor(opts: ModuleOptions<BatchNorm2dConfig>) {
    super();
    this.config = fill('BatchNorm2d', opts) as Required<BatchNorm2dConfig>;
    this.checkOptions(opts);
    this.setup(opts);
  }
}
