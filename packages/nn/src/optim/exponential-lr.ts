/** lr = base · gamma^step (PyTorch ExponentialLR). */
import { checkOptionKeys, type OptionKeys } from '../options.js';
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
    if (!(opts.gamma > 0)) throw new Error(`ExponentialLR: gamma must be > 0, got ${opts.gamma}`);
    this.gamma = opts.gamma;
    this.apply();
  }

  protected lrAt(step: number, base: number): number {
    return base * this.gamma ** step;
  }
}
