/** fit()'s checks of what the caller gives it: the options, each step's output and validation's result. */
import { showValue } from '@tensorkit/core';
import { ReduceLROnPlateau } from '@tensorkit/nn';
import type { FitOptions, FitStepOutput } from './fit.js';

/** Fields of an epoch record that a step's metrics may not use. */
export const RESERVED = new Set(['epoch', 'loss', 'lr', 'samples_per_sec', 'epoch_seconds', 'elapsed_seconds', 'time']);

export function checkFitOptions<T, B>(o: FitOptions<T, B>): void {
  const posInt = (name: string, v: unknown) => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new Error(`fit: ${name} must be a positive integer, got ${String(v)}`);
  };
  posInt('epochs', o.epochs);
  if (o.monitor !== undefined) {
    if (typeof o.monitor.metric !== 'string' || o.monitor.metric === '') throw new Error(`fit: monitor.metric must be a key of the epoch record, got ${JSON.stringify(o.monitor.metric)}`);
    if (o.monitor.mode !== 'min' && o.monitor.mode !== 'max') throw new Error(`fit: monitor.mode must be 'min' or 'max', got ${JSON.stringify(o.monitor.mode)}`);
  }
  if (o.earlyStopping) {
    posInt('earlyStopping.patience', o.earlyStopping.patience);
    if (!((o.earlyStopping.minDelta ?? 0) >= 0)) throw new Error(`fit: earlyStopping.minDelta must be ≥ 0, got ${o.earlyStopping.minDelta}`);
  }
  if (o.checkpoint?.everyBatches !== undefined) posInt('checkpoint.everyBatches', o.checkpoint.everyBatches);
  if (o.clipGradNorm !== undefined && !(o.clipGradNorm > 0 && Number.isFinite(o.clipGradNorm))) {
    throw new Error(`fit: clipGradNorm must be a positive number, got ${o.clipGradNorm}`);
  }
  if (o.schedulerStep !== undefined && o.schedulerStep !== 'batch' && o.schedulerStep !== 'epoch') {
    throw new Error(`fit: schedulerStep must be 'batch' or 'epoch', got ${JSON.stringify(o.schedulerStep)}`);
  }
  if (o.scheduler instanceof ReduceLROnPlateau && o.schedulerStep === 'batch') {
    throw new Error("fit: ReduceLROnPlateau steps on the monitored value once per epoch; use schedulerStep 'epoch'");
  }
  if (o.scheduler instanceof ReduceLROnPlateau) {
    // A plateau in the other direction would cut the lr while the monitored value improves.
    const plateauMode = o.scheduler.mode;
    const mode = o.monitor?.mode ?? 'min';
    if (plateauMode !== mode) {
      throw new Error(`fit: the ReduceLROnPlateau scheduler has mode '${plateauMode}' but monitor.mode is '${mode}'; it is stepped with the monitored value, so give it mode '${mode}'`);
    }
  }
  if (o.resume === true && !o.checkpoint) throw new Error('fit: resume: true needs checkpoint.path (or pass the checkpoint path as resume)');
  if (o.train.length === 0) throw new Error('fit: the training loader has no batches');
  const own = new Set(o.model.parameters());
  const foreign = o.optimizer.params().filter((p) => !own.has(p)).length;
  if (foreign > 0) {
    throw new Error(`fit: optimizer must update the model's parameters, but ${foreign} of its ${o.optimizer.params().length} are not in model.parameters() (they would be neither trained through the model nor checkpointed)`);
  }
}

/** A step's return value, checked before anything is done with it; `where` names the epoch and batch. */
export function checkStepOutput(out: FitStepOutput | undefined, where: string): asserts out is FitStepOutput {
  if (!out || typeof out.loss?.item !== 'function' || out.loss.size !== 1) throw new Error(`fit: step must return { loss } with a scalar loss tensor (${where})`);
  if (!out.loss.requiresGrad) {
    throw new Error(`fit: step's loss does not require grad at ${where}: no model parameter requires grad, or the loss was computed under noGrad or detached`);
  }
  if (out.samples !== undefined && !(typeof out.samples === 'number' && out.samples > 0 && Number.isFinite(out.samples))) {
    throw new Error(`fit: step's samples must be a positive number, got ${String(out.samples)} at ${where}`);
  }
  for (const [k, v] of Object.entries(out.metrics ?? {})) {
    if (RESERVED.has(k) || k.startsWith('val_')) throw new Error(`fit: step metric '${k}' clashes with the record's own fields (${[...RESERVED].join(', ')}, val_*)`);
    if (typeof v !== 'number') throw new Error(`fit: step metrics must be numbers (call .item() on a tensor), got ${k}: ${showValue(v)} at ${where}`);
  }
}

/** What `validate` returned: an object of numbers. */
export function checkValidation(val: unknown): Record<string, number> {
  if (typeof val !== 'object' || val === null || Array.isArray(val)) throw new Error(`fit: validate must return an object of numbers, got ${showValue(val)}`);
  for (const [k, v] of Object.entries(val)) if (typeof v !== 'number') throw new Error(`fit: validate must return numbers, got ${k}: ${showValue(v)}`);
  return val as Record<string, number>;
}
