/**
 * Cross-entropy from logits (log-softmax + NLL in one call), following
 * PyTorch: class weights, ignoreIndex, label smoothing (uniform mass ε/C mixed
 * into the target, applied with the same class weights), and targets given
 * either as class ids or as per-class probabilities.
 */
import { Tensor } from '@tensorkit/core';
import { checkOptionKeys, type OptionKeys } from '../options.js';
import { classWeights, toClassRows } from './class-layout.js';
import type { IndexLike } from './indices.js';
import { floatTensor, reduceWeighted, weightedNll } from './nll.js';
import { checkReduction, type Reduction } from './reduction.js';

export interface CrossEntropyOptions {
  /** One weight per class. */
  weight?: Tensor | readonly number[];
  /** Class id whose rows contribute nothing (default -100); class-id targets only. */
  ignoreIndex?: number;
  /** ε in [0, 1]: the target becomes (1-ε)·onehot + ε/C. */
  labelSmoothing?: number;
  reduction?: Reduction;
}

const OP = 'crossEntropy';

/**
 * `target` is either class ids (int tensor or array shaped like the input
 * without its class dimension) or a float tensor of class probabilities with
 * the same shape as `logits`.
 */
const KEYS: OptionKeys<CrossEntropyOptions> = { weight: true, ignoreIndex: true, labelSmoothing: true, reduction: true };

export function crossEntropy(logits: Tensor, target: IndexLike, opts: CrossEntropyOptions = {}): Tensor {
  checkOptionKeys('crossEntropy', opts, KEYS);
  const reduction = checkReduction(OP, opts.reduction);
  const eps = opts.labelSmoothing ?? 0;
  if (!(eps >= 0 && eps <= 1)) throw new Error(`${OP}: labelSmoothing must be in [0, 1], got ${eps}`);
  const cr = toClassRows(OP, logits);
  const logp = cr.rows.logSoftmax(-1);
  const rows = { ...cr, rows: logp };
  if (target instanceof Tensor && (target.dtype === 'float32' || target.dtype === 'float64')) {
    return softTargets(logits, target, rows.rows, cr.rowShape, cr.numClasses, eps, opts, reduction);
  }
  const w = weightedNll(OP, rows, target, opts);
  if (eps === 0) return reduceWeighted(w.perRow, w.weightSum, w.rowShape, reduction);
  const m = logp.shape[0];
  // The smoothing term uses every class, weighted like the NLL term; ignored rows drop out.
  const weighted = w.weight ? logp.mul(floatTensor(w.weight, [1, w.numClasses], logp.dtype)) : logp;
  const smooth = weighted.sum(1).neg().mul(floatTensor(w.keep, [m], logp.dtype));
  const k = eps / w.numClasses;
  if (reduction === 'none') return w.perRow.mul(1 - eps).add(smooth.mul(k)).reshape(w.rowShape);
  const total = w.perRow.sum().mul(1 - eps).add(smooth.sum().mul(k));
  return reduction === 'sum' ? total : total.div(w.weightSum);
}

function softTargets(
  logits: Tensor, target: Tensor, logp: Tensor, rowShape: number[], numClasses: number, eps: number,
  opts: CrossEntropyOptions, reduction: Reduction,
): Tensor {
  if (target.rank !== logits.rank || target.shape.some((d, i) => d !== logits.shape[i])) {
    throw new Error(`${OP}: probability targets must have the logits' shape [${logits.shape.join(', ')}], got [${target.shape.join(', ')}]`);
  }
  if (opts.ignoreIndex !== undefined) throw new Error(`${OP}: ignoreIndex only applies to class-id targets, not probability targets`);
  let t = toClassRows(OP, target.to(logp.dtype)).rows;
  if (eps > 0) t = t.mul(1 - eps).add(eps / numClasses);
  const weight = classWeights(OP, opts.weight, numClasses);
  if (weight) t = t.mul(floatTensor(weight, [1, numClasses], logp.dtype));
  const perRow = logp.mul(t).sum(1).neg();
  // PyTorch's mean for probability targets divides by the number of rows, ignoring weights.
  if (reduction === 'none') return perRow.reshape(rowShape);
  return reduction === 'sum' ? perRow.sum() : perRow.mean();
}
