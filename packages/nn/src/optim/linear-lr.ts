/**
 * Linear change of a multiplicative factor, PyTorch LinearLR's closed form:
 *   lr = base · (startFactor + (endFactor - startFactor) · min(step, totalIters) / totalIters)
 * then constant at base · endFactor. The usual use is a linear warmup (startFactor < 1 = endFactor).
 */
import { checkOptionKeys, type OptionKeys } from '../options.js';
import { optionalNumber, UNIT } from '@tensorkit/core';
import { checkPositiveInt, ClosedFormScheduler, type SchedulableOptimizer } from './lr-scheduler.js';

export interface LinearLROptions {
  /** Factor at step 0, in (0, 1] (default 1/3, as PyTorch). */
  startFactor?: number;
  /** Factor from step totalIters on, in [0, 1] (default 1). */
  endFactor?: number;
  /** Steps over which the factor changes (default 5). */
  totalIters?: number;
}

const KEYS: OptionKeys<LinearLROptions> = { startFactor: true, endFactor: true, totalIters: true };

export class LinearLR extends ClosedFormScheduler {
  override readonly multiplicative = true;
  readonly startFactor: number;
  readonly endFactor: number;
  readonly totalIters: number;

  constructor(optimizer: SchedulableOptimizer, opts: LinearLROptions = {}) {
    super('LinearLR', optimizer);
    checkOptionKeys('LinearLR', opts, KEYS);
    const startFactor = optionalNumber('LinearLR', 'startFactor', opts.startFactor, { ...UNIT, minOpen: true }, 1 / 3);
    const endFactor = optionalNumber('LinearLR', 'endFactor', opts.endFactor, UNIT, 1);
    const totalIters = opts.totalIters ?? 5;
    checkPositiveInt('LinearLR', 'totalIters', totalIters);
    this.startFactor = startFactor;
    this.endFactor = endFactor;
    this.totalIters = totalIters;
    this.apply();
  }

  protected lrAt(step: number, base: number): number {
    return base * (this.startFactor + ((this.endFactor - this.startFactor) * Math.min(step, this.totalIters)) / this.totalIters);
  }
}
