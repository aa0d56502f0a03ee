/** lr = base · gamma^step (PyTorch ExponentialLR). */
import { ClosedFormScheduler, type SchedulableOptimizer } from './lr-scheduler.js';

export interface ExponentialLROptions {
  gamma: number;
}

export class ExponentialLR extends ClosedFormScheduler {
  readonly gamma: number;

  constructor(optimizer: SchedulableOptimizer, opts: ExponentialLROptions) {
    super('ExponentialLR', optimizer);
    if (!(opts.gamma > 0)) throw new Error(`ExponentialLR: gamma must be > 0, got ${opts.gamma}`);
    this.gamma = opts.gamma;
    this.apply();
  }

  protected lrAt(step: number, base: number): number {
    return base * this.gamma ** step;
  }
}
