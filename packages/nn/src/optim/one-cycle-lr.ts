/**
 * The 1cycle policy with PyTorch's OneCycleLR formulas: warm up from
 * maxLr/divFactor to maxLr over pctStart of the steps, then anneal to
 * maxLr/(divFactor·finalDivFactor); threePhase inserts a symmetric
 * descent back to the initial lr before the final annealing. Optionally
 * cycles momentum (SGD momentum or Adam β1) inversely to the lr.
 */
import { checkOptionKeys, type OptionKeys } from '../options.js';
import { checkBoolean, checkNumber, NON_NEGATIVE, optionalNumber, POSITIVE, showValue, UNIT } from '@tensorkit/core';
import { checkPositiveInt, ClosedFormScheduler, type SchedulableOptimizer } from './lr-scheduler.js';

export interface OneCycleLROptions {
  /** Peak lr, one for all groups or one per group. */
  maxLr: number | readonly number[];
  /** Total number of steps (or give epochs and stepsPerEpoch). */
  totalSteps?: number;
  epochs?: number;
  stepsPerEpoch?: number;
  /** Fraction of steps spent increasing the lr (default 0.3). */
  pctStart?: number;
  annealStrategy?: 'cos' | 'linear';
  /** initial lr = maxLr / divFactor (default 25). */
  divFactor?: number;
  /** min lr = initial lr / finalDivFactor (default 1e4). */
  finalDivFactor?: number;
  threePhase?: boolean;
  /** Cycle momentum inversely to lr (default false, unlike PyTorch, where it is true). */
  cycleMomentum?: boolean;
  baseMomentum?: number;
  maxMomentum?: number;
}

const KEYS: OptionKeys<OneCycleLROptions> = {
  maxLr: true, totalSteps: true, epochs: true, stepsPerEpoch: true, pctStart: true, annealStrategy: true, divFactor: true,
  finalDivFactor: true, threePhase: true, cycleMomentum: true, baseMomentum: true, maxMomentum: true,
};

type Level = 'initial' | 'max' | 'min';

interface Phase {
  endStep: number;
  from: Level;
  to: Level;
  momentumFrom: 'base' | 'max';
  momentumTo: 'base' | 'max';
}

export class OneCycleLR extends ClosedFormScheduler {
  readonly totalSteps: number;
  private readonly levels: Record<Level, number>[];
  private readonly phases: Phase[];
  private readonly anneal: (start: number, end: number, pct: number) => number;
  private readonly momentum: { base: number; max: number } | null;

  constructor(optimizer: SchedulableOptimizer, opts: OneCycleLROptions) {
    super('OneCycleLR', optimizer);
    checkOptionKeys('OneCycleLR', opts, KEYS);
    const total = opts.totalSteps ?? (opts.epochs !== undefined && opts.stepsPerEpoch !== undefined ? opts.epochs * opts.stepsPerEpoch : NaN);
    checkPositiveInt('OneCycleLR', 'totalSteps (or epochs·stepsPerEpoch)', total);
    this.totalSteps = total;
    const pct = optionalNumber('OneCycleLR', 'pctStart', opts.pctStart, { min: 0, minOpen: true, max: 1, maxOpen: true }, 0.3);
    const groups = optimizer.paramGroups;
    if (!(typeof opts.maxLr === 'number' || Array.isArray(opts.maxLr))) throw new Error(`OneCycleLR: maxLr must be a number or an array of one per parameter group, got ${showValue(opts.maxLr)}`);
    const maxLrs = typeof opts.maxLr === 'number' ? groups.map(() => opts.maxLr as number) : [...opts.maxLr];
    if (maxLrs.length !== groups.length) throw new Error(`OneCycleLR: maxLr has ${maxLrs.length} values for ${groups.length} parameter groups`);
    maxLrs.forEach((v, i) => checkNumber('OneCycleLR', typeof opts.maxLr === 'number' ? 'maxLr' : `maxLr[${i}]`, v, NON_NEGATIVE));
    const div = optionalNumber('OneCycleLR', 'divFactor', opts.divFactor, POSITIVE, 25);
    const finalDiv = optionalNumber('OneCycleLR', 'finalDivFactor', opts.finalDivFactor, POSITIVE, 1e4);
    const strategy = opts.annealStrategy ?? 'cos';
    if (strategy !== 'cos' && strategy !== 'linear') throw new Error(`OneCycleLR: annealStrategy must be 'cos' or 'linear', got ${showValue(strategy)}`);
    this.levels = maxLrs.map((max) => ({ initial: max / div, max, min: max / div / finalDiv }));
    this.phases = opts.threePhase
      ? [
          { endStep: pct * total - 1, from: 'initial', to: 'max', momentumFrom: 'max', momentumTo: 'base' },
          { endStep: 2 * pct * total - 2, from: 'max', to: 'initial', momentumFrom: 'base', momentumTo: 'max' },
          { endStep: total - 1, from: 'initial', to: 'min', momentumFrom: 'max', momentumTo: 'max' },
        ]
      : [
          { endStep: pct * total - 1, from: 'initial', to: 'max', momentumFrom: 'max', momentumTo: 'base' },
          { endStep: total - 1, from: 'max', to: 'min', momentumFrom: 'base', momentumTo: 'max' },
        ];
    this.anneal = strategy === 'cos'
      ? (start, end, p) => end + ((start - end) / 2) * (Math.cos(Math.PI * p) + 1)
      : (start, end, p) => (end - start) * p + start;
    // A momentum is SGD's momentum or Adam's β1 (which must stay below 1: Adam refuses 1 at its next step).
    const cycle = opts.cycleMomentum !== undefined && checkBoolean('OneCycleLR', 'cycleMomentum', opts.cycleMomentum);
    const base = optionalNumber('OneCycleLR', 'baseMomentum', opts.baseMomentum, UNIT, 0.85);
    const max = optionalNumber('OneCycleLR', 'maxMomentum', opts.maxMomentum, UNIT, 0.95);
    if (opts.threePhase !== undefined) checkBoolean('OneCycleLR', 'threePhase', opts.threePhase);
    this.momentum = cycle ? { base, max } : null;
    if (this.momentum && groups.some((g) => g.momentum === undefined && g.betas === undefined)) {
      throw new Error('OneCycleLR: cycleMomentum needs an optimizer with momentum (SGD) or betas (Adam)');
    }
    if (this.momentum && groups.some((g) => g.betas !== undefined) && Math.max(base, max) >= 1) {
      throw new Error(`OneCycleLR: with Adam the momentum is β1, which must be < 1; got baseMomentum ${base} and maxMomentum ${max}`);
    }
    this.apply();
  }

  /** The phase containing `step` and the fraction of it completed. */
  private locate(step: number): { phase: Phase; pct: number } {
    if (step > this.totalSteps) throw new Error(`OneCycleLR: stepped ${step} times but totalSteps is ${this.totalSteps}`);
    let start = 0;
    for (let i = 0; i < this.phases.length; i++) {
      const phase = this.phases[i];
      if (step <= phase.endStep || i === this.phases.length - 1) {
        // A phase can have zero width (e.g. pctStart·totalSteps = 1 puts the peak at step 0):
        // it is already complete, so its end value applies instead of 0/0 = NaN.
        const width = phase.endStep - start;
        // Step totalSteps (after the last update, where a loop's final step() lands) would put a
        // cosine past π — PyTorch's lr climbs back up there; it stays at the final lr instead.
        return { phase, pct: width > 0 ? Math.min(1, (step - start) / width) : 1 };
      }
      start = phase.endStep;
    }
    throw new Error('OneCycleLR: unreachable');
  }

  protected lrAt(step: number, _base: number, group: number): number {
    const { phase, pct } = this.locate(step);
    const lv = this.levels[group];
    return this.anneal(lv[phase.from], lv[phase.to], pct);
  }

  protected override apply(): void {
    super.apply();
    if (!this.momentum) return;
    const { phase, pct } = this.locate(this.lastStep);
    const m = this.anneal(this.momentum[phase.momentumFrom], this.momentum[phase.momentumTo], pct);
    for (const g of this.optimizer.paramGroups) {
      if (g.betas) g.betas = [m, g.betas[1]];
      else g.momentum = m;
    }
  }
}
