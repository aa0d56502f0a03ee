/** What fit() checkpoints besides the model, optimizer, scheduler and RNG, and how a run resumes from it. */
import type { Generator } from '@tensorkit/core';
import type { DataLoader, LoaderCursor } from '@tensorkit/data';
import { loadCheckpoint, restoreCheckpoint, type LrScheduler, type Module, type Optimizer } from '@tensorkit/nn';
import type { EarlyStopping, EarlyStoppingState } from './early-stopping.js';
import type { FitEpochRecord, FitMonitor } from './fit.js';

/** Running sums of the epoch in progress (checkpointed for a mid-epoch resume). */
export interface EpochSums {
  samples: number;
  lossSum: number;
  metricSums: Record<string, number>;
  metricSamples: Record<string, number>;
  seconds: number;
}

/** What fit() keeps in the checkpoint's `extra`. */
export interface FitState {
  format: typeof FIT_STATE_FORMAT;
  monitor: FitMonitor;
  history: FitEpochRecord[];
  early: EarlyStoppingState;
  stoppedEarly: boolean;
  partial: EpochSums;
  elapsedSec: number;
  /**
   * When each epoch of `history` ended (its metrics.jsonl line's `time`), so a resumed run folder
   * keeps them; null where unknown. Absent in checkpoints of fit() before it kept them.
   */
  times?: (string | null)[];
}

export const FIT_STATE_FORMAT = 'tensorkit.fit/1';

export const emptySums = (): EpochSums => ({ samples: 0, lossSum: 0, metricSums: {}, metricSamples: {}, seconds: 0 });

/** The run's state taken back from a checkpoint: the history so far and the epoch in progress. */
export interface RestoredFit {
  history: FitEpochRecord[];
  times: (string | null)[];
  partial: EpochSums;
  elapsedBefore: number;
  stoppedEarly: boolean;
}

export interface FitParts<T, B> {
  model: Module;
  optimizer: Optimizer;
  scheduler?: LrScheduler;
  generator?: Generator;
  loader: DataLoader<T, B>;
  monitor: FitMonitor;
  early: EarlyStopping;
}

/**
 * Restores model, optimizer, scheduler, generator, loader cursor and early stopping from a
 * checkpoint fit() wrote, refusing one that would make the resumed run differ (another monitor,
 * state with nothing to restore it into, a cursor out of step with the history).
 */
export async function restoreFitState<T, B>(path: string, parts: FitParts<T, B>): Promise<RestoredFit> {
  const { model, optimizer, scheduler, generator, loader, monitor, early } = parts;
  const what = `fit: resume ${path}`;
  const ckpt = await loadCheckpoint(path).catch((e: Error) => {
    throw new Error(`${what}: ${e.message.replace(/^checkpoint \S+: /, '')}`);
  });
  const state = ckpt.extra as FitState | undefined;
  if (state?.format !== FIT_STATE_FORMAT) throw new Error(`${what}: not a checkpoint written by fit()`);
  if (state.monitor.metric !== monitor.metric || state.monitor.mode !== monitor.mode) {
    throw new Error(`${what}: the run monitored ${state.monitor.metric} (${state.monitor.mode}), not ${monitor.metric} (${monitor.mode})`);
  }
  // Everything that was checkpointed must be restored, or the resumed run would silently differ.
  if (ckpt.scheduler && !scheduler) throw new Error(`${what}: the checkpoint has scheduler state; pass the run's scheduler`);
  if (ckpt.rng && !generator) throw new Error(`${what}: the checkpoint has generator state; pass the run's generator`);
  const cursor = ckpt.cursor as LoaderCursor;
  if (cursor.epoch !== state.history.length) throw new Error(`${what}: the data cursor (epoch ${cursor.epoch}) does not match the history (${state.history.length} epochs)`);
  try {
    restoreCheckpoint(ckpt, { model, optimizer, scheduler, rng: generator });
    loader.setState(cursor);
  } catch (e) {
    throw new Error(`${what}: ${(e as Error).message}`);
  }
  if (state.times !== undefined && !(Array.isArray(state.times) && state.times.length === state.history.length
    && state.times.every((t) => t === null || typeof t === 'string'))) {
    throw new Error(`${what}: the epochs' time stamps do not match the history (${state.history.length} epochs)`);
  }
  early.restore(state.early);
  return {
    history: state.history,
    times: state.times ?? state.history.map(() => null), // older checkpoints: those lines stay without a time
    partial: state.partial,
    elapsedBefore: state.elapsedSec,
    stoppedEarly: state.stoppedEarly,
  };
}
