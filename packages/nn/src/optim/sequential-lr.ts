/**
 * Runs closed-form schedules one after another, PyTorch SequentialLR's semantics:
 * schedulers[i] is active from step milestones[i-1] (0 for the first) and restarts
 * there, at its own step 0 from the base lr. The common use is a warm-up followed
 * by a decay:
 *
 *   new SequentialLR(opt, [(o) => new LinearLR(o, { startFactor: 0.1, totalIters: 5 }), (o) => new CosineAnnealingLR(o, { tMax: 95 })], [5])
 *
 * The schedules are given as factories because an optimizer takes one scheduler:
 * SequentialLR builds its members from its optimizer, and only it is attached.
 */
import { ClosedFormScheduler, type SchedulableOptimizer, type ScheduleFactory, type SchedulerStateDict, attachScheduler } from './lr-scheduler.js';

export class SequentialLR extends ClosedFormScheduler {
  readonly schedulers: readonly ClosedFormScheduler[];
  readonly milestones: readonly number[];

  constructor(optimizer: SchedulableOptimizer, schedulers: readonly ScheduleFactory[], milestones: readonly number[]) {
    super('SequentialLR', optimizer);
    const n = Array.isArray(schedulers) ? schedulers.length : 0;
    if (!Array.isArray(milestones) || milestones.length !== n - 1) {
      throw new Error(`SequentialLR: milestones must be an array of ${Math.max(n - 1, 0)} step(s), one fewer than the ${n} scheduler(s), got ${JSON.stringify(milestones)}`);
    }
    milestones.forEach((m, i) => {
      if (!Number.isInteger(m) || m < 1 || (i > 0 && m <= milestones[i - 1])) {
        throw new Error(`SequentialLR: milestones must be increasing integers ≥ 1, got ${JSON.stringify(milestones)}`);
      }
    });
    this.milestones = [...milestones];
    this.schedulers = ClosedFormScheduler.buildMembers('SequentialLR', optimizer, schedulers);
    this.apply();
  }

  /** The schedule active at `step` and its own step count there (PyTorch's bisect_right over the milestones). */
  private active(step: number): [ClosedFormScheduler, number] {
    let i = 0;
    while (i < this.milestones.length && step >= this.milestones[i]) i++;
    return [this.schedulers[i], i === 0 ? step : step - this.milestones[i - 1]];
  }

  protected lrAt(step: number, baseLr: number, group: number): number {
    const [s, local] = this.active(step);
    return ClosedFormScheduler.lrOf(s, local, baseLr, group);
  }

  /** The active member sets the lrs itself, so what else it drives (OneCycleLR's momentum) follows too. */
  protected override apply(): void {
    const [s, local] = this.active(this.lastStep);
    ClosedFormScheduler.applyAt(s, local, this.baseLrs);
    attachScheduler(this.optimizer, this);
  }

  /** The step count and base lrs restore the members too; their types are kept so another sequence is refused. */
  override stateDict(): SchedulerStateDict {
    return { ...super.stateDict(), schedulers: this.schedulers.map((s) => s.type) };
  }

  override loadStateDict(sd: SchedulerStateDict): void {
    checkMemberTypes('SequentialLR', this.schedulers, sd);
    super.loadStateDict(sd);
  }
}

/** Refuses a state dict saved from a combination of other schedules (a missing list is an older or hand-made dict: accepted). */
export function checkMemberTypes(type: string, members: readonly ClosedFormScheduler[], sd: SchedulerStateDict): void {
  if (sd.type !== type || sd.schedulers === undefined) return;
  const want = members.map((s) => s.type);
  if (!Array.isArray(sd.schedulers) || JSON.stringify(sd.schedulers) !== JSON.stringify(want)) {
    throw new Error(`${type}.loadStateDict: state dict is for schedulers ${JSON.stringify(sd.schedulers)}, this ${type} has ${JSON.stringify(want)}`);
  }
}
