/**
 * Cosine annealing without restarts, PyTorch CosineAnnealingLR's closed form:
 *   lr = etaMin + (base - etaMin) · ½(1 + cos(π · step / tMax))
 * reaching etaMin at step tMax. Like PyTorch the cosine keeps going past tMax (the lr
 * climbs back to base at 2·tMax); use CosineWarmupLR for a schedule that stays at its floor.
 */
import { checkOptionKeys, type OptionKeys } from '../options.js';
import { NON_NEGATIVE, optionalNumber } from '@tensorkit/core';
import { checkPositiveInt, ClosedFormScheduler, type SchedulableOptimizer } from './lr-scheduler.js';

export interface CosineAnnealingLROptions {
  /** Steps from the base lr down to etaMin (half a period). */
  tMax: number;
  /** The lr at step tMax (default 0). */
  etaMin?: number;
}

const KEYS: OptionKeys<CosineAnnealingLROptions> = { tMax: true, etaMin: true };

export class CosineAnnealingLR extends ClosedFormScheduler {
  readonly tMax: number;
  readonly etaMin: number;

  constructor(optimizer: SchedulableOptimizer, opts: CosineAnnealingLROptions) {
    super('CosineAnnealingLR', optimizer);
    checkOptionKeys('CosineAnnealingLR', opts, KEYS);
    checkPositiveInt('CosineAnnealingLR', 'tMax', opts.tMax);
    const etaMin = optionalNumber('CosineAnnealingLR', 'etaMin', opts.etaMin, NON_NEGATIVE, 0);
    this.tMax = opts.tMax;
    this.etaMin = etaMin;
    this.apply();
  }

  protected lrAt(step: number, base: number): number {
    return this.etaMin + ((base - this.etaMin) * (1 + Math.cos((Math.PI * step) / this.tMax))) / 2;
  }
}
