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

  constructor(readonly patience: number, readonly minDelta = 0, options: { mode?: EarlyStoppingMode } = {}) {
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
    this.best = s.best ?? this.worst();
    this.bestEpoch = s.bestEpoch;
    this.bad = s.bad;
  }

  private worst(): number {
    return this.mode === 'max' ? -Infinity : Infinity;
  }
}
