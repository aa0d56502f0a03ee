/** Tracks the best validation score and says when patience has run out. */
export class EarlyStopping {
  best = -Infinity;
  bestEpoch = -1;
  private bad = 0;

  constructor(readonly patience: number, readonly minDelta = 0) {}

  /** Records a score (higher is better); returns true when it is a new best. */
  observe(score: number, epoch: number): boolean {
    if (score > this.best + this.minDelta) {
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

  state(): { best: number; bestEpoch: number; bad: number } {
    return { best: this.best, bestEpoch: this.bestEpoch, bad: this.bad };
  }

  /** Accepts a state that went through JSON, where a `best` of -Infinity (nothing observed yet) became null. */
  restore(s: { best: number | null; bestEpoch: number; bad: number }): void {
    this.best = s.best ?? -Infinity;
    this.bestEpoch = s.bestEpoch;
    this.bad = s.bad;
  }
}
