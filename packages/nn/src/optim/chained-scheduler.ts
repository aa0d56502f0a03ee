/**
 * Applies several multiplicative schedules at once, as PyTorch's ChainedScheduler
 * does by stepping each: lr = base lr · the product of their factors. PyTorch's
 * members multiply the current lr by their step-to-step ratio; with StepLR,
 * ExponentialLR and LinearLR those ratios telescope to exactly this product, so
 * only those (and ChainedSchedulers of them) are accepted. Members are given as
 * factories, as for SequentialLR.
 */
import { ClosedFormScheduler, type SchedulableOptimizer, type ScheduleFactory, type SchedulerStateDict } from './lr-scheduler.js';
import { checkMemberTypes } from './sequential-lr.js';

export class ChainedScheduler extends ClosedFormScheduler {
  override readonly multiplicative = true;
  readonly schedulers: readonly ClosedFormScheduler[];

  constructor(optimizer: SchedulableOptimizer, schedulers: readonly ScheduleFactory[]) {
    super('ChainedScheduler', optimizer);
    this.schedulers = ClosedFormScheduler.buildMembers('ChainedScheduler', optimizer, schedulers, true);
    this.apply();
  }

  protected lrAt(step: number, baseLr: number, group: number): number {
    // A multiplicative member's lr from a base of 1 is its factor.
    return this.schedulers.reduce((lr, s) => lr * ClosedFormScheduler.lrOf(s, step, 1, group), baseLr);
  }

  override stateDict(): SchedulerStateDict {
    return { ...super.stateDict(), schedulers: this.schedulers.map((s) => s.type) };
  }

  override loadStateDict(sd: SchedulerStateDict): void {
    checkMemberTypes('ChainedScheduler', this.schedulers, sd);
    super.loadStateDict(sd);
  }
}
