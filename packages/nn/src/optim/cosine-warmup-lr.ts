/**
 * Linear warmup then cosine decay (the common transformer schedule):
 *   step < warmup:          lr = base · step / warmup        (starts at 0)
 *   warmup ≤ step < total:  lr = minLr + (base - minLr) · ½(1 + cos(π·(step - warmup)/(total - warmup)))
 *   step ≥ total:           lr = minLr
 */
import { NON_NEGATIVE, optionalNumber } from '@tensorkit/core';
import { checkOptionKeys, type OptionKeys } from '../options.js';
import { ClosedFormScheduler, type SchedulableOptimizer } from './lr-scheduler.js';

export interface CosineWarmupLROptions {
  warmupSteps: number;
  totalSteps: number;
  /** Floor of the cosine (default 0). */
  minLr?: number;
}

const KEYS: OptionKeys<CosineWarmupLROptions> = { warmupSteps: true, totalSteps: true, minLr: true };

export class CosineWarmupLR extends ClosedFormScheduler {
  readonly warmupSteps: number;
  readonly totalSteps: number;
  readonly minLr: number;

  constructor(optimizer: SchedulableOptimizer, opts: CosineWarmupLROptions) {
    super('CosineWarmupLR', optimizer);
    checkOptionKeys('CosineWarmupLR', opts, KEYS);
    const { warmupSteps, totalSteps } = opts;
    if (!Number.isInteger(warmupSteps) || warmupSteps < 0) throw new Error(`CosineWarmupLR: warmupSteps must be an integer ≥ 0, got ${warmupSteps}`);
    if (!Number.isInteger(totalSteps) || totalSteps <= warmupSteps) throw new Error(`CosineWarmupLR: totalSteps (${totalSteps}) must be an integer > warmupSteps (${warmupSteps})`);
    this.warmupSteps = warmupSteps;
    this.totalSteps = totalSteps;
    this.minLr = optionalNumber('CosineWarmupLR', 'minLr', opts.minLr, NON_NEGATIVE, 0);
    this.apply();
  }

  protected lrAt(step: number, base: number): number {
    if (step < this.warmupSteps) return (base * step) / this.warmupSteps;
    if (step >= this.totalSteps) return this.minLr;
    const progress = (step - this.warmupSteps) / (this.totalSteps - this.warmupSteps);
    return this.minLr + (base - this.minLr) * 0.5 * (1 + Math.cos(Math.PI * progress));
  }
}
