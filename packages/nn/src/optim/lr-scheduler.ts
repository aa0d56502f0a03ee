/**
 * Learning-rate schedulers. Epoch-based schedules compute each lr in closed
 * form from the step counter, so a scheduler restored from its state dict
 * produces exactly the lrs an uninterrupted run would have.
 *
 * A closed-form schedule sets the lr from scratch on every step, so two of them on
 * one optimizer silently overwrite each other (PyTorch's recursive forms would
 * compose them instead). An optimizer therefore takes one scheduler; SequentialLR
 * and ChainedScheduler build the schedules they combine themselves. To hand an
 * optimizer to a new scheduler mid-run (PyTorch just builds the new one), detach()
 * the old one first; it then refuses to step.
 */

import { checkNumber, COUNT, NON_NEGATIVE, showValue } from '@tensorkit/core';

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
  /**
   * Lets go of the optimizer, so another scheduler may drive it from here on (the lrs stay
   * where this one left them until the new one sets them). A detached scheduler refuses
   * step() and loadStateDict(): stepping it would overwrite its successor's lrs.
   */
  detach(): void;
}

/** The scheduler driving each optimizer (weak: a dropped optimizer takes its entry with it). */
const attached = new WeakMap<SchedulableOptimizer, LrScheduler>();
/** Optimizers whose SequentialLR / ChainedScheduler is building its member schedules right now. */
const composing = new WeakSet<SchedulableOptimizer>();
/** Schedules owned by a SequentialLR / ChainedScheduler: they never attach themselves. */
const members = new WeakSet<LrScheduler>();
/** Schedulers that let go of their optimizer (detach()). */
const detached = new WeakSet<LrScheduler>();

function schedulerName(s: LrScheduler): string {
  const type = (s as { type?: unknown }).type;
  return type === undefined ? s.constructor.name : String(type);
}

/** A value given where a schedule factory or schedule was expected, for an error message. */
function describeScheduler(v: unknown): string {
  return typeof v === 'object' && v !== null && 'step' in v ? `a ${schedulerName(v as LrScheduler)} (already built)` : showValue(v);
}

/**
 * Throws when `optimizer` already has a scheduler: called by a scheduler's constructor
 * before it changes anything. Per optimizer instance, so an app that resumes by building
 * a new optimizer and a new scheduler (then loading their state dicts) is unaffected.
 */
export function checkUnscheduled(type: string, optimizer: SchedulableOptimizer): void {
  checkSchedulable(type, optimizer);
  if (composing.has(optimizer)) return;
  const other = attached.get(optimizer);
  if (!other) return;
  const otherType = schedulerName(other);
  const head = `${type}: this optimizer already has a ${otherType} scheduler. `;
  if (type === 'ReduceLROnPlateau' && otherType === 'ReduceLROnPlateau') {
    throw new Error(head + 'Two would each cut the lr on their own plateaus; use one per optimizer (call the old one\'s detach() first to replace it).');
  }
  if (type === 'ReduceLROnPlateau' || otherType === 'ReduceLROnPlateau') {
    throw new Error(head + 'A closed-form schedule sets the lr afresh on every step, which would undo ReduceLROnPlateau\'s reductions (or they would be lost at its next step); use one of them per optimizer, or call the old one\'s detach() first to replace it.');
  }
  const sequential = `new SequentialLR(optimizer, [(o) => new ${otherType}(o, …), (o) => new ${type}(o, …)], [milestone]) runs them one after the other`;
  // ChainedScheduler only multiplies factors of the base lr, so it is offered only when both schedules are such factors.
  const chained = MULTIPLICATIVE.has(type) && MULTIPLICATIVE.has(otherType)
    ? `; new ChainedScheduler(optimizer, [(o) => new ${otherType}(o, …), (o) => new ${type}(o, …)]) multiplies their factors`
    : '';
  throw new Error(head + `Both would set the lr on every step, the later overwriting the earlier. Combine them in one scheduler: ${sequential}${chained}; or, to replace it, call its detach() first.`);
}

/** Refuses anything but an optimizer (an object whose paramGroups each have an lr and initialLr) before a scheduler reads it. */
function checkSchedulable(type: string, optimizer: unknown): void {
  const groups = typeof optimizer === 'object' && optimizer !== null ? (optimizer as { paramGroups?: unknown }).paramGroups : undefined;
  if (!Array.isArray(groups) || groups.length === 0) {
    throw new Error(`${type}: optimizer must be an optimizer (SGD, Adam, …) whose paramGroups the schedule drives, got ${showValue(optimizer)}`);
  }
  groups.forEach((g: unknown, i) => {
    const { lr, initialLr } = (typeof g === 'object' && g !== null ? g : {}) as Partial<SchedulableGroup>;
    checkNumber(`${type}: optimizer paramGroups[${i}]`, 'lr', lr, NON_NEGATIVE);
    checkNumber(`${type}: optimizer paramGroups[${i}]`, 'initialLr', initialLr, NON_NEGATIVE);
  });
}

/** The schedules whose lr is base lr · a factor of the step (their `multiplicative` is true): what ChainedScheduler combines. */
const MULTIPLICATIVE = new Set(['StepLR', 'ExponentialLR', 'LinearLR', 'ChainedScheduler']);

/** Records `s` as the optimizer's scheduler (a member of a SequentialLR / ChainedScheduler is not). */
export function attachScheduler(optimizer: SchedulableOptimizer, s: LrScheduler): void {
  if (composing.has(optimizer) || members.has(s) || detached.has(s)) return;
  attached.set(optimizer, s);
}

/** Releases the optimizer `s` drives, if it still drives it; `s` refuses to step from now on (checkAttached). */
export function detachScheduler(optimizer: SchedulableOptimizer, s: LrScheduler): void {
  if (members.has(s)) throw new Error(`${schedulerName(s)}.detach: this schedule is a member of a SequentialLR / ChainedScheduler; detach that instead`);
  if (attached.get(optimizer) === s) attached.delete(optimizer);
  detached.add(s);
}

/** Throws when `s` was detached: its step would overwrite the lrs of the scheduler that replaced it. */
export function checkAttached(what: string, s: LrScheduler): void {
  if (detached.has(s)) throw new Error(`${what}: this scheduler was detached from its optimizer (detach()); step the scheduler that replaced it`);
}

/** A member schedule of SequentialLR / ChainedScheduler: made by the combined scheduler from its optimizer. */
export type ScheduleFactory = (optimizer: SchedulableOptimizer) => ClosedFormScheduler;

/** A schedule lr = f(step, base lr), applied to every group; the constructor applies step 0. */
export abstract class ClosedFormScheduler implements LrScheduler {
  /** Steps taken so far (PyTorch's last_epoch). */
  lastStep = 0;
  protected baseLrs: number[];
  /**
   * True when lr = base lr · a factor that depends only on the step (StepLR, ExponentialLR,
   * LinearLR): the schedules ChainedScheduler can multiply as PyTorch's chain does.
   */
  readonly multiplicative: boolean = false;

  protected constructor(
    readonly type: string,
    protected readonly optimizer: SchedulableOptimizer,
  ) {
    checkUnscheduled(type, optimizer);
    this.baseLrs = optimizer.paramGroups.map((g) => g.initialLr);
  }

  /** The lr of group `group` after `step` steps. */
  protected abstract lrAt(step: number, baseLr: number, group: number): number;

  /**
   * Calls each factory with `optimizer` and checks it made a closed-form schedule of that
   * optimizer. The members do not attach to the optimizer, and the lrs and momenta their
   * constructors set are put back: only the active member drives the optimizer (a OneCycleLR
   * after a warm-up leaves the momentum alone until its turn).
   */
  protected static buildMembers(type: string, optimizer: SchedulableOptimizer, factories: unknown, multiplicativeOnly = false): ClosedFormScheduler[] {
    if (!Array.isArray(factories) || factories.length === 0) {
      throw new Error(`${type}: schedulers must be a non-empty array of functions (optimizer) => scheduler, got ${showValue(factories)}`);
    }
    // Only the fields a group has: an Adam group must not gain a `momentum: undefined`.
    const saved = optimizer.paramGroups.map((g) => (['lr', 'momentum', 'betas'] as const).filter((k) => k in g).map((k) => [k, g[k]] as const));
    const nested = composing.has(optimizer);
    composing.add(optimizer);
    try {
      return factories.map((make: unknown, i) => {
        if (typeof make !== 'function') {
          throw new Error(`${type}: schedulers[${i}] must be a function (optimizer) => scheduler that ${type} calls with its optimizer, e.g. (o) => new LinearLR(o, { totalIters: 5 }); got ${describeScheduler(make)}`);
        }
        const s: unknown = make(optimizer);
        if (!(s instanceof ClosedFormScheduler)) {
          throw new Error(`${type}: schedulers[${i}] must make a closed-form schedule (StepLR, LinearLR, CosineAnnealingLR, …), got ${describeScheduler(s)}`);
        }
        if (s.optimizer !== optimizer) throw new Error(`${type}: schedulers[${i}] made a ${s.type} of another optimizer; build it from the optimizer the factory is given`);
        if (multiplicativeOnly && !s.multiplicative) {
          throw new Error(`${type}: schedulers[${i}] is a ${s.type}, whose lr is not base lr · a factor of the step; ${type} multiplies StepLR, ExponentialLR and LinearLR factors (use SequentialLR to run other schedules one after another)`);
        }
        members.add(s);
        return s;
      });
    } finally {
      optimizer.paramGroups.forEach((g, i) => Object.assign(g, Object.fromEntries(saved[i])));
      if (!nested) composing.delete(optimizer);
    }
  }

  /** Another schedule's lr for group `group` at `step` (how ChainedScheduler reads its members' factors). */
  protected static lrOf(s: ClosedFormScheduler, step: number, baseLr: number, group: number): number {
    return s.lrAt(step, baseLr, group);
  }

  /** Applies another schedule at `step` from `baseLrs`, momentum included (how SequentialLR runs its members). */
  protected static applyAt(s: ClosedFormScheduler, step: number, baseLrs: readonly number[]): void {
    s.lastStep = step;
    s.baseLrs = [...baseLrs];
    s.apply();
  }

  step(): void {
    checkAttached(`${this.type}.step`, this);
    this.lastStep++;
    this.apply();
  }

  getLr(): number[] {
    return this.optimizer.paramGroups.map((g) => g.lr);
  }

  detach(): void {
    detachScheduler(this.optimizer, this);
  }

  stateDict(): SchedulerStateDict {
    return { type: this.type, lastStep: this.lastStep, baseLrs: [...this.baseLrs] };
  }

  /** Checks everything (step count, base lrs, the schedule at that step) before keeping any of it. */
  loadStateDict(sd: SchedulerStateDict): void {
    const what = `${this.type}.loadStateDict`;
    checkAttached(what, this);
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

  /** Sets every group's lr for the current step (the constructors end with it, which is when the scheduler attaches). */
  protected apply(): void {
    this.optimizer.paramGroups.forEach((g, i) => {
      g.lr = this.lrAt(this.lastStep, this.baseLrs[i], i);
    });
    attachScheduler(this.optimizer, this);
  }
}

export function checkPositiveInt(op: string, name: string, v: unknown): void {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1) throw new Error(`${op}: ${name} must be a positive integer, got ${showValue(v)}`);
}

/** A restored counter must be an integer ≥ 0. */
export function checkStepCount(what: string, field: string, v: unknown): void {
  checkNumber(what, field, v, COUNT);
}
