/**
 * Learning-rate schedulers. Epoch-based schedules compute each lr in closed
 * form from the step counter, so a scheduler restored from its state dict
 * produces exactly the lrs an uninterrupted run would have.
 */

/** The part of an optimizer a scheduler drives. */
export interface SchedulableGroup {
  lr: number;
  initialLr: number;
  momentum?: number;
  betas?: [number, number];
}

export interface SchedulableOptimizer {
  readonly paramGroups: SchedulableGroup[];
}

/** JSON-serialisable scheduler state. */
export interface SchedulerStateDict {
  type: string;
  [key: string]: unknown;
}

export interface LrScheduler {
  /** Advances one step (ReduceLROnPlateau takes the monitored metric). */
  step(metric?: number): void;
  /** The current lr of each parameter group. */
  getLr(): number[];
  stateDict(): SchedulerStateDict;
  loadStateDict(sd: SchedulerStateDict): void;
}

/** A schedule lr = f(step, base lr), applied to every group; the constructor applies step 0. */
export abstract class ClosedFormScheduler implements LrScheduler {
  /** Steps taken so far (PyTorch's last_epoch). */
  lastStep = 0;
  protected baseLrs: number[];

  protected constructor(
    readonly type: string,
    protected readonly optimizer: SchedulableOptimizer,
  ) {
    this.baseLrs = optimizer.paramGroups.map((g) => g.initialLr);
  }

  /** The lr of group `group` after `step` steps. */
  protected abstract lrAt(step: number, baseLr: number, group: number): number;

  step(): void {
    this.lastStep++;
    this.apply();
  }

  getLr(): number[] {
    return this.optimizer.paramGroups.map((g) => g.lr);
  }

  stateDict(): SchedulerStateDict {
    return { type: this.type, lastStep: this.lastStep, baseLrs: [...this.baseLrs] };
  }

  /** Checks everything (step count, base lrs, the schedule at that step) before keeping any of it. */
  loadStateDict(sd: SchedulerStateDict): void {
    const what = `${this.type}.loadStateDict`;
    if (sd.type !== this.type) throw new Error(`${what}: state dict is for ${sd.type}`);
    checkStepCount(what, 'lastStep', sd.lastStep);
    const baseLrs = sd.baseLrs;
    const n = this.optimizer.paramGroups.length;
    if (!Array.isArray(baseLrs) || baseLrs.length !== n) {
      throw new Error(`${what}: baseLrs must be an array of ${n} lr(s), one per parameter group, got ${JSON.stringify(baseLrs)}`);
    }
    baseLrs.forEach((v: unknown, i) => {
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new Error(`${what}: baseLrs[${i}] must be a finite number ≥ 0, got ${String(v)}`);
    });
    const prev = { lastStep: this.lastStep, baseLrs: this.baseLrs };
    this.lastStep = sd.lastStep as number;
    this.baseLrs = [...(baseLrs as number[])];
    try {
      // A schedule may refuse the step (OneCycleLR past totalSteps) before it sets any lr.
      this.apply();
    } catch (e) {
      Object.assign(this, prev);
      throw new Error(`${what}: ${(e as Error).message}`);
    }
  }

  /** Sets every group's lr for the current step. */
  protected apply(): void {
    this.optimizer.paramGroups.forEach((g, i) => {
      g.lr = this.lrAt(this.lastStep, this.baseLrs[i], i);
    });
  }
}

export function checkPositiveInt(op: string, name: string, v: number): void {
  if (!Number.isInteger(v) || v < 1) throw new Error(`${op}: ${name} must be a positive integer, got ${v}`);
}

/** A restored counter must be an integer ≥ 0. */
export function checkStepCount(what: string, field: string, v: unknown): void {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new Error(`${what}: ${field} must be an integer ≥ 0, got ${describeValue(v)}`);
}

/** A restored value for an error message (NaN stays NaN, a string is quoted). */
export function describeValue(v: unknown): string {
  return typeof v === 'number' ? String(v) : (JSON.stringify(v) ?? String(v));
}
