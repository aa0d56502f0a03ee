/**
 * Exponential moving average of the model's weights (Polyak averaging). Small batches and heavy
 * augmentation make the last iterate noisy; the average of the recent iterates is a better
 * model, and costs one multiply-add per weight per step. Validation and the saved model use it.
 */
import { markModifiedInPlace, Tensor } from '@tensorkit/core';
import type { Module } from '@tensorkit/nn';

export class WeightAverage {
  readonly shadow: Float32Array[];
  updates = 0;

  constructor(private readonly model: Module, readonly decay: number) {
    this.shadow = model.parameters().map((p) => Float32Array.from(p.toTypedArray()));
  }

  /** Folds the current weights in; early on the decay is smaller so the average tracks the fast initial progress. */
  update(): void {
    this.updates++;
    const d = Math.min(this.decay, (1 + this.updates) / (10 + this.updates));
    this.model.parameters().forEach((p, i) => {
      const w = p.toTypedArray();
      const s = this.shadow[i];
      for (let j = 0; j < s.length; j++) s[j] += (1 - d) * (w[j] - s[j]);
    });
  }

  /** Runs fn with the averaged weights in the model, then restores the trained ones. */
  async withAverage<T>(fn: () => T | Promise<T>): Promise<T> {
    const params = this.model.parameters();
    const saved = params.map((p) => Float32Array.from(p.toTypedArray()));
    // Swapped in place: core's version check then refuses a backward through a graph built on either set.
    const load = (p: Tensor, values: Float32Array) => {
      p.storage.set(values, p.offset);
      markModifiedInPlace(p);
    };
    params.forEach((p, i) => load(p, this.shadow[i]));
    try {
      return await fn();
    } finally {
      params.forEach((p, i) => load(p, saved[i]));
    }
  }

  tensors(): Record<string, Tensor> {
    return Object.fromEntries(this.shadow.map((s, i) => [`ema.${i}`, new Tensor(s, [s.length], 'float32')]));
  }

  load(tensors: Record<string, Tensor>, updates: number): void {
    this.shadow.forEach((s, i) => {
      const t = tensors[`ema.${i}`];
      if (!t || t.size !== s.length) throw new Error(`weight average: entry ema.${i} is missing or has the wrong size`);
      s.set(t.toTypedArray());
    });
    this.updates = updates;
  }
}
