/**
 * Validation and normalisation of ctcLoss arguments: shapes, dtypes, label
 * ranges and lengths, with errors that name the offending sample.
 */
import { Tensor } from '@tensorkit/core';
import { toIndexArray, type IndexLike } from './indices.js';

export interface CtcBatch {
  T: number;
  B: number;
  C: number;
  /** Dense log-probs in the input's logical layout (time-major or batch-first). */
  lp: Float32Array | Float64Array;
  /** Element stride between frames and between samples in `lp`. */
  strideT: number;
  strideB: number;
  labels: Int32Array;
  /** Sample b's labels are labels[labelStart[b] ... labelStart[b] + targetLengths[b]). */
  labelStart: Int32Array;
  inputLengths: Int32Array;
  targetLengths: Int32Array;
}

export function readCtcBatch(
  op: string, logProbs: Tensor, targets: IndexLike, inputLengthsArg: IndexLike, targetLengthsArg: IndexLike,
  blank: number, batchFirst: boolean,
): CtcBatch {
  if (!(logProbs instanceof Tensor)) throw new Error(`${op}: logProbs must be a Tensor`);
  if (logProbs.dtype !== 'float32' && logProbs.dtype !== 'float64') throw new Error(`${op}: logProbs must be float32 or float64, got ${logProbs.dtype}`);
  if (logProbs.rank !== 3) {
    throw new Error(`${op}: logProbs must have shape ${batchFirst ? '[B, T, C]' : '[T, B, C]'}, got [${logProbs.shape.join(', ')}]`);
  }
  const [d0, d1, C] = logProbs.shape;
  const T = batchFirst ? d1 : d0;
  const B = batchFirst ? d0 : d1;
  if (!Number.isInteger(blank) || blank < 0 || blank >= C) throw new Error(`${op}: blank = ${blank} is out of range [0, ${C})`);
  const lp = logProbs.contiguous().toTypedArray() as Float32Array | Float64Array;
  const strideT = batchFirst ? C : B * C;
  const strideB = batchFirst ? T * C : C;

  const inputLengths = toIndexArray(op, 'inputLengths', inputLengthsArg);
  const targetLengths = toIndexArray(op, 'targetLengths', targetLengthsArg);
  if (inputLengths.length !== B) throw new Error(`${op}: inputLengths has ${inputLengths.length} entries but the batch has ${B} samples`);
  if (targetLengths.length !== B) throw new Error(`${op}: targetLengths has ${targetLengths.length} entries but the batch has ${B} samples`);
  for (let b = 0; b < B; b++) {
    if (inputLengths[b] < 0 || inputLengths[b] > T) throw new Error(`${op}: sample ${b}: input length ${inputLengths[b]} is outside [0, ${T}] (T is the time dimension of logProbs)`);
    if (targetLengths[b] < 0) throw new Error(`${op}: sample ${b}: target length ${targetLengths[b]} is negative`);
  }

  if (Array.isArray(targets) && targets.some((t) => Array.isArray(t))) {
    throw new Error(
      `${op}: targets must be concatenated label ids (number[], Int32Array or 1-D int32 tensor) with targetLengths giving each ` +
        "sample's count, or a padded [B, S] int32 tensor; got a nested array (pass targets.flat() and the per-sample lengths)",
    );
  }
  const labels = toIndexArray(op, 'targets', targets);
  const tShape = targets instanceof Tensor ? targets.shape : [labels.length];
  const labelStart = new Int32Array(B);
  if (tShape.length === 2) {
    if (tShape[0] !== B) throw new Error(`${op}: padded targets have ${tShape[0]} rows but the batch has ${B} samples`);
    const width = tShape[1];
    for (let b = 0; b < B; b++) {
      if (targetLengths[b] > width) throw new Error(`${op}: sample ${b}: target length ${targetLengths[b]} exceeds the padded target width ${width}`);
      labelStart[b] = b * width;
    }
  } else if (tShape.length === 1) {
    let total = 0;
    for (let b = 0; b < B; b++) {
      labelStart[b] = total;
      total += targetLengths[b];
    }
    if (total !== labels.length) throw new Error(`${op}: concatenated targets have ${labels.length} labels but targetLengths sum to ${total}`);
  } else {
    throw new Error(`${op}: targets must be padded [B, S] or concatenated 1-D, got shape [${tShape.join(', ')}]`);
  }
  for (let b = 0; b < B; b++) {
    for (let i = 0; i < targetLengths[b]; i++) {
      const k = labels[labelStart[b] + i];
      if (k === blank) throw new Error(`${op}: sample ${b}: target[${i}] is the blank label ${blank}; targets must not contain blanks`);
      if (k < 0 || k >= C) throw new Error(`${op}: sample ${b}: target[${i}] = ${k} is out of range [0, ${C})`);
    }
  }
  return { T, B, C, lp, strideT, strideB, labels, labelStart, inputLengths, targetLengths };
}
