/** 'max': higher scores are better (accuracy); 'min': lower is better (a loss). */
export type EarlyStoppingMode = 'max' | 'min';

export interface EarlyStoppingState {
  best: number;
  bestEpoch: number;
  bad: number;
  mode: EarlyStoppingMode;
}

/** Tracks the best validation score and says when patience has run out. */
export class EarlyStopping {
  readonly mode: EarlyStoppingMode;
  best: number;
  bestEpoch = -1;
  private bad = 0;

  /**
   * `patience`: observations in a row without a new best after which `shouldStop` turns true — a
   * positive integer, or Infinity to only track the best. 0 is refused rather than given a meaning:
   * `bad >= 0` would stop before the first epoch, and PyTorch Lightning's 0 acts exactly like 1 (its
   * counter is only compared after a bad epoch has incremented it), so 1 is the honest spelling.
   * `minDelta`: how much (≥ 0) a score must beat the best by to count as a new best.
   */
  constructor(readonly patience: number, readonly minDelta = 0, options: { mode?: EarlyStoppingMode } = {}) {
    if (!(patience === Infinity || (Number.isInteger(patience) && patience >= 1))) {
      throw new Error(`EarlyStopping: patience must be a positive integer (epochs without improvement) or Infinity, got ${patience}`);
    }
    if (!(Number.isFinite(minDelta) && minDelta >= 0)) throw new Error(`EarlyStopping: minDelta must be a finite number ≥ 0, got ${minDelta}`);
    this.mode = options.mode ?? 'max';
    if (this.mode !== 'max' && this.mode !== 'min') throw new Error(`EarlyStopping: mode must be 'max' or 'min', got ${JSON.stringify(this.mode)}`);
    this.best = this.worst();
  }

  /** Records a score (higher is better, or lower with mode 'min'); returns true when it is a new best. */
  observe(score: number, epoch: number): boolean {
    if (this.mode === 'max' ? score > this.best + this.minDelta : score < this.best - this.minDelta) {
      this.best = score;
      this.bestEpoch = epoch;
      this.bad = 0;
      return true;
    }
    this.bad++;
    return false;
  }

  get shouldStop(): boolean {
    return this.bad >= this.patience;
  }

  /** The mode is part of the state: `best` means nothing without the direction it was compared in. */
  state(): EarlyStoppingState {
    return { best: this.best, bestEpoch: this.bestEpoch, bad: this.bad, mode: this.mode };
  }

  /**
   * Accepts a state that went through JSON, where a `best` of ∓Infinity (nothing observed yet) became null.
   * A state without `mode` was saved before modes existed, so it is 'max'; a state saved in the other mode is refused.
   */
  restore(s: { best: number | null; bestEpoch: number; bad: number; mode?: EarlyStoppingMode }): void {
    const mode = s.mode ?? 'max';
    if (mode !== this.mode) throw new Error(`EarlyStopping.restore: the state was saved with mode '${mode}', but this EarlyStopping uses mode '${this.mode}'`);
    // A damaged checkpoint must not resume as a tracker that never stops (bad: NaN) or never improves (best: NaN).
    if (!Number.isInteger(s.bad) || s.bad < 0) throw new Error(`EarlyStopping.restore: bad must be a non-negative integer, got ${s.bad}`);
    if (!Number.isInteger(s.bestEpoch)) throw new Error(`EarlyStopping.restore: bestEpoch must be an integer, got ${s.bestEpoch}`);
    if (s.best !== null && (typeof s.best !== 'number' || Number.isNaN(s.best))) {
      throw new Error(`EarlyStopping.restore: best must be a number or null, got ${String(s.best)}`);
    }
    this.best = s.best ?? this.worst();
    this.bestEpoch = s.bestEpoch;
    this.bad = s.bad;
  }

  private worst(): number {
    return this.mode === 'max' ? -Infinity : Infinity;
  }
}
