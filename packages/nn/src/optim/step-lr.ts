/** lr = base · gamma^floor(step / stepSize) (PyTorch StepLR). */
import { optionalNumber, POSITIVE } from '@tensorkit/core';
import { checkOptionKeys, type OptionKeys } from '../options.js';
import { checkPositiveInt, ClosedFormScheduler, type SchedulableOptimizer } from './lr-scheduler.js';

export interface StepLROptions {
  stepSize: number;
  /** Multiplicative decay (default 0.1). */
  gamma?: number;
}

const KEYS: OptionKeys<StepLROptions> = { stepSize: true, gamma: true };

export class StepLR extends ClosedFormScheduler {
  override readonly multiplicative = true;
  readonly stepSize: number;
  readonly gamma: number;

  constructor(optimizer: SchedulableOptimizer, opts: StepLROptions) {
    super('StepLR', optimizer);
    checkOptionKeys('StepLR', opts, KEYS);
    checkPositiveInt('StepLR', 'stepSize', opts.stepSize);
    this.stepSize = opts.stepSize;
    this.gamma = optionalNumber('StepLR', 'gamma', opts.gamma, POSITIVE, 0.1);
    this.apply();
  }

  protected lrAt(step: number, base: number): number {
    return base * this.gamma ** Math.floor(step / this.stepSize);
  }
}
