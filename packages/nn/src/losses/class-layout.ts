/**
 * PyTorch's class-dimension convention for classification losses: input is
 * [C], [N, C] or [N, C, d1, ...] with classes on dim 1. Everything is moved
 * to a [M, C] matrix (classes last) so the losses work on rows.
 */
import { Tensor } from '@tensorkit/core';

export interface ClassRows {
  /** [M, C] view of the input, classes last. */
  rows: Tensor;
  numClasses: number;
  /** Shape of one loss per row ([] for a rank-1 input, [N, d1, ...] otherwise). */
  rowShape: number[];
}

export function toClassRows(op: string, input: Tensor): ClassRows {
  if (!(input instanceof Tensor)) throw new Error(`${op}: input must be a Tensor`);
  if (input.dtype !== 'float32' && input.dtype !== 'float64') throw new Error(`${op}: input must be float32 or float64, got ${input.dtype}`);
  if (input.rank === 0) throw new Error(`${op}: input must have a class dimension (shape [C], [N, C] or [N, C, ...]), got a scalar`);
  if (input.rank === 1) return { rows: input.reshape([1, input.shape[0]]), numClasses: input.shape[0], rowShape: [] };
  const numClasses = input.shape[1];
  if (input.rank === 2) return { rows: input, numClasses, rowShape: [input.shape[0]] };
  const perm = [0, ...input.shape.slice(2).map((_, i) => i + 2), 1];
  const rowShape = [input.shape[0], ...input.shape.slice(2)];
  return { rows: input.permute(perm).reshape([-1, numClasses]), numClasses, rowShape };
}

/** Class weights as a float array of length C (or null when absent). */
export function classWeights(op: string, weight: Tensor | readonly number[] | undefined, numClasses: number): Float64Array | null {
  if (weight === undefined) return null;
  const values = weight instanceof Tensor ? weight.toTypedArray() : weight;
  const shape = weight instanceof Tensor ? weight.shape : [weight.length];
  if (shape.length !== 1 || values.length !== numClasses) {
    throw new Error(`${op}: weight must have shape [${numClasses}] (one per class), got [${shape.join(', ')}]`);
  }
  const out = Float64Array.from(values as ArrayLike<number>);
  for (let c = 0; c < out.length; c++) if (!Number.isFinite(out[c])) throw new Error(`${op}: weight[${c}] = ${out[c]} is not finite`);
  return out;
}
