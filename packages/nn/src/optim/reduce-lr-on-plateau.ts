/**
 * Multiplies the lr by `factor` once the monitored metric has not improved
 * for more than `patience` steps (PyTorch ReduceLROnPlateau, including its
 * relative/absolute thresholds and cooldown).
 */
import { checkOptionKeys, type OptionKeys } from '../options.js';
import { checkNumber, COUNT, NON_NEGATIVE, optionalNumber, showValue } from '@tensorkit/core';
import { attachScheduler, checkAttached, checkStepCount, checkUnscheduled, detachScheduler, type LrScheduler, type SchedulableOptimizer, type SchedulerStateDict } from './lr-scheduler.js';

export interface ReduceLROnPlateauOptions {
  /** 'min' (default): lower is better, e.g. a loss; 'max' for accuracy. */
  mode?: 'min' | 'max';
  /** Default 0.1. */
  factor?: number;
  /** Steps without improvement tolerated (default 10). */
  patience?: number;
  /** Minimum significant improvement (default 1e-4). */
  threshold?: number;
  /** 'rel' (default): relative to the best value; 'abs': absolute. */
  thresholdMode?: 'rel' | 'abs';
  /** Steps to wait after a reduction before counting again (default 0). */
  cooldown?: number;
  minLr?: number | readonly number[];
  /** Reductions smaller than this are skipped (default 1e-8). */
  eps?: number;
}

const KEYS: OptionKeys<ReduceLROnPlateauOptions> = {
  mode: true, factor: true, patience: true, threshold: true, thresholdMode: true, cooldown: true, minLr: true, eps: true,
};

export class ReduceLROnPlateau implements LrScheduler {
  readonly type = 'ReduceLROnPlateau';
  /** Whether a lower ('min') or higher ('max') metric is better. */
  readonly mode: 'min' | 'max';
  private readonly factor: number;
  private readonly patience: number;
  private readonly threshold: number;
  private readonly thresholdMode: 'rel' | 'abs';
  private readonly cooldown: number;
  private readonly minLrs: number[];
  private readonly eps: number;
  best: number;
  numBadSteps = 0;
  cooldownCounter = 0;
  lastStep = 0;

  constructor(private readonly optimizer: SchedulableOptimizer, opts: ReduceLROnPlateauOptions = {}) {
    checkUnscheduled('ReduceLROnPlateau', optimizer);
    checkOptionKeys('ReduceLROnPlateau', opts, KEYS);
    this.mode = opts.mode ?? 'min';
    if (this.mode !== 'min' && this.mode !== 'max') throw new Error(`ReduceLROnPlateau: mode must be 'min' or 'max', got '${String(this.mode)}'`);
    this.factor = optionalNumber('ReduceLROnPlateau', 'factor', opts.factor, { min: 0, max: 1, maxOpen: true }, 0.1);
    this.patience = optionalNumber('ReduceLROnPlateau', 'patience', opts.patience, COUNT, 10);
    this.threshold = optionalNumber('ReduceLROnPlateau', 'threshold', opts.threshold, NON_NEGATIVE, 1e-4);
    this.thresholdMode = opts.thresholdMode ?? 'rel';
    if (this.thresholdMode !== 'rel' && this.thresholdMode !== 'abs') throw new Error(`ReduceLROnPlateau: thresholdMode must be 'rel' or 'abs', got '${String(this.thresholdMode)}'`);
    this.cooldown = optionalNumber('ReduceLROnPlateau', 'cooldown', opts.cooldown, COUNT, 0);
    const n = optimizer.paramGroups.length;
    const perGroup = Array.isArray(opts.minLr);
    this.minLrs = perGroup ? [...(opts.minLr as readonly number[])] : new Array<number>(n).fill(optionalNumber('ReduceLROnPlateau', 'minLr', opts.minLr, NON_NEGATIVE, 0));
    if (this.minLrs.length !== n) throw new Error(`ReduceLROnPlateau: minLr has ${this.minLrs.length} values for ${n} parameter groups`);
    if (perGroup) this.minLrs.forEach((v, i) => checkNumber('ReduceLROnPlateau', `minLr[${i}]`, v, NON_NEGATIVE));
    this.eps = optionalNumber('ReduceLROnPlateau', 'eps', opts.eps, NON_NEGATIVE, 1e-8);
    this.best = this.worst();
    attachScheduler(optimizer, this);
  }

  private worst(): number {
    return this.mode === 'min' ? Infinity : -Infinity;
  }

  private isBetter(a: number): boolean {
    const { best, threshold } = this;
    if (this.mode === 'min') return this.thresholdMode === 'rel' ? a < best * (1 - threshold) : a < best - threshold;
    return this.thresholdMode === 'rel' ? a > best * (1 + threshold) : a > best + threshold;
  }

  /** Records one value of the monitored metric. */
  step(metric?: number): void {
    checkAttached('ReduceLROnPlateau.step', this);
    if (typeof metric !== 'number') throw new Error('ReduceLROnPlateau.step: pass the monitored metric, e.g. step(valLoss)');
    this.lastStep++;
    if (this.isBetter(metric)) {
      this.best = metric;
      this.numBadSteps = 0;
    } else {
      this.numBadSteps++;
    }
    if (this.cooldownCounter > 0) {
      this.cooldownCounter--;
      this.numBadSteps = 0;
    }
    if (this.numBadSteps > this.patience) {
      this.optimizer.paramGroups.forEach((g, i) => {
        const next = Math.max(g.lr * this.factor, this.minLrs[i]);
        if (g.lr - next > this.eps) g.lr = next;
      });
      this.cooldownCounter = this.cooldown;
      this.numBadSteps = 0;
    }
  }

  getLr(): number[] {
    return this.optimizer.paramGroups.map((g) => g.lr);
  }

  detach(): void {
    detachScheduler(this.optimizer, this);
  }

  /** JSON-safe: an unset best (±Infinity) is stored as null. */
  stateDict(): SchedulerStateDict {
    return {
      type: this.type,
      best: Number.isFinite(this.best) ? this.best : null,
      numBadSteps: this.numBadSteps,
      cooldownCounter: this.cooldownCounter,
      lastStep: this.lastStep,
    };
  }

  /** Checks every field before keeping any of it. */
  loadStateDict(sd: SchedulerStateDict): void {
    const what = 'ReduceLROnPlateau.loadStateDict';
    checkAttached(what, this);
    if (sd.type !== this.type) throw new Error(`${what}: state dict is for ${sd.type}`);
    if (sd.best !== null && sd.best !== undefined && (typeof sd.best !== 'number' || Number.isNaN(sd.best))) {
      throw new Error(`${what}: best must be a number or null (not yet set), got ${showValue(sd.best)}`);
    }
    for (const field of ['numBadSteps', 'cooldownCounter', 'lastStep']) checkStepCount(what, field, sd[field]);
    this.best = typeof sd.best === 'number' ? sd.best : this.worst();
    this.numBadSteps = sd.numBadSteps as number;
    this.cooldownCounter = sd.cooldownCounter as number;
    this.lastStep = sd.lastStep as number;
  }
}
