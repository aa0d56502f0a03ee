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

  loadStateDict(sd: SchedulerStateDict): void {
    if (sd.type !== this.type) throw new Error(`${this.type}.loadStateDict: state dict is for ${sd.type}`);
    const baseLrs = sd.baseLrs as number[];
    if (!Array.isArray(baseLrs) || baseLrs.length !== this.optimizer.paramGroups.length) {
      throw new Error(`${this.type}.loadStateDict: expected ${this.optimizer.paramGroups.length} base lrs`);
    }
    this.lastStep = sd.lastStep as number;
    this.baseLrs = [...baseLrs];
    this.apply();
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
