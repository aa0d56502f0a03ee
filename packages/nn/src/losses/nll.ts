/**
 * Negative log-likelihood of class ids on log-probabilities, with PyTorch's
 * class weights, ignoreIndex and weighted-mean semantics (the mean divides by
 * the sum of the target classes' weights, not by the number of rows).
 */
import { Tensor } from '@tensorkit/core';
import { checkOptionKeys, type OptionKeys } from '../options.js';
import { classWeights, toClassRows, type ClassRows } from './class-layout.js';
import { toIndexArray, type IndexLike } from './indices.js';
import { checkReduction, type Reduction } from './reduction.js';

export interface NllLossOptions {
  /** One weight per class. */
  weight?: Tensor | readonly number[];
  /** Target value whose rows contribute nothing (default -100, as in PyTorch). */
  ignoreIndex?: number;
  reduction?: Reduction;
}

/** Per-row weighted NLL plus what the reductions need. */
export interface WeightedNll {
  /** [M] losses: -w[y]·logp[y], 0 on ignored rows. */
  perRow: Tensor;
  /** 1 for rows that count, 0 for ignored ones. */
  keep: Float64Array;
  /** Σ w[y] over kept rows: the denominator of the 'mean' reduction. */
  weightSum: number;
  weight: Float64Array | null;
  numClasses: number;
  rowShape: number[];
  rows: Tensor;
}

/** `classRows` holds log-probabilities, classes last. */
export function weightedNll(op: string, classRows: ClassRows, target: IndexLike, opts: NllLossOptions): WeightedNll {
  const { rows, numClasses, rowShape } = classRows;
  const m = rows.shape[0];
  const ids = toIndexArray(op, 'target', target);
  const tShape = target instanceof Tensor ? target.shape : [ids.length];
  const shapeOk = target instanceof Tensor ? tShape.length === rowShape.length && tShape.every((d, i) => d === rowShape[i]) : ids.length === m;
  if (!shapeOk && !(rowShape.length === 0 && ids.length === 1)) {
    throw new Error(`${op}: target shape [${tShape.join(', ')}] does not match the input's non-class dimensions [${rowShape.join(', ')}]`);
  }
  const ignoreIndex = opts.ignoreIndex ?? -100;
  const weight = classWeights(op, opts.weight, numClasses);
  const safeIds = new Int32Array(m);
  const rowWeight = new Float64Array(m);
  const keep = new Float64Array(m);
  let weightSum = 0;
  for (let i = 0; i < m; i++) {
    const y = ids[i];
    if (y === ignoreIndex) continue;
    if (y < 0 || y >= numClasses) throw new Error(`${op}: target[${i}] = ${y} is out of range [0, ${numClasses}) (ignoreIndex is ${ignoreIndex})`);
    safeIds[i] = y;
    keep[i] = 1;
    rowWeight[i] = weight ? weight[y] : 1;
    weightSum += rowWeight[i];
  }
  const dtype = rows.dtype;
  const picked = rows.gather(1, new Tensor(safeIds, [m, 1], 'int32')).reshape([m]);
  const perRow = picked.mul(floatTensor(rowWeight, [m], dtype)).neg();
  return { perRow, keep, weightSum, weight, numClasses, rowShape, rows };
}

/** A constant tensor of the loss's float dtype. */
export function floatTensor(a: Float64Array, shape: readonly number[], dtype: Tensor['dtype']): Tensor {
  return new Tensor(dtype === 'float32' ? Float32Array.from(a) : a, shape, dtype);
}

/** Applies a reduction where 'mean' divides by the total target weight. */
export function reduceWeighted(perRow: Tensor, weightSum: number, rowShape: readonly number[], reduction: Reduction): Tensor {
  if (reduction === 'none') return perRow.reshape(rowShape);
  const total = perRow.sum();
  // An all-ignored batch gives 0/0 = NaN, exactly as in PyTorch.
  return reduction === 'sum' ? total : total.div(weightSum);
}

/** NLL loss on log-probabilities (e.g. the output of logSoftmax). */
const KEYS: OptionKeys<NllLossOptions> = { weight: true, ignoreIndex: true, reduction: true };

export function nllLoss(logProbs: Tensor, target: IndexLike, opts: NllLossOptions = {}): Tensor {
  checkOptionKeys('nllLoss', opts, KEYS);
  const reduction = checkReduction('nllLoss', opts.reduction);
  const w = weightedNll('nllLoss', toClassRows('nllLoss', logProbs), target, opts);
  return reduceWeighted(w.perRow, w.weightSum, w.rowShape, reduction);
}
