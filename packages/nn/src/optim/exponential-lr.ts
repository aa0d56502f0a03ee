/** lr = base · gamma^step (PyTorch ExponentialLR). */
import { checkOptionKeys, type OptionKeys } from '../options.js';
import { checkNumber, POSITIVE } from '@tensorkit/core';
import { ClosedFormScheduler, type SchedulableOptimizer } from './lr-scheduler.js';

export interface ExponentialLROptions {
  gamma: number;
}

const KEYS: OptionKeys<ExponentialLROptions> = { gamma: true };

export class ExponentialLR extends ClosedFormScheduler {
  override readonly multiplicative = true;
  readonly gamma: number;

  constructor(optimizer: SchedulableOptimizer, opts: ExponentialLROptions) {
    super('ExponentialLR', optimizer);
    checkOptionKeys('ExponentialLR', opts, KEYS);
    this.gamma = checkNumber('ExponentialLR', 'gamma', opts.gamma, POSITIVE);
    this.apply();
  }

  protected lrAt(step: number, base: number): number {
    return base * this.gamma ** step;
  }
}
