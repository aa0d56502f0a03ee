/** Batched forward passes without gradients: probabilities, predictions and loss over a DigitSet. */
import { noGrad, Tensor } from '@tensorkit/core';
import type { Sequential } from '@tensorkit/nn';
import { makeBatch } from './batch.js';
import type { DigitSet } from './data.js';
import { IMAGE_SIZE, NUM_CLASSES } from './model.js';
import { PREPROCESS, type PreprocessConfig } from './preprocess.js';

export interface SetPredictions {
  /** n × 10 softmax probabilities. */
  probs: Float32Array;
  preds: Uint8Array;
  accuracy: number;
  /** Mean cross-entropy. */
  loss: number;
}

/** Row-wise softmax of n × 10 logits (in float64 for stability). */
export function softmaxRows(logits: ArrayLike<number>, n: number, out: Float32Array, offset = 0): void {
  for (let r = 0; r < n; r++) {
    let m = -Infinity;
    for (let c = 0; c < NUM_CLASSES; c++) m = Math.max(m, logits[r * NUM_CLASSES + c]);
    let s = 0;
    for (let c = 0; c < NUM_CLASSES; c++) s += Math.exp(logits[r * NUM_CLASSES + c] - m);
    for (let c = 0; c < NUM_CLASSES; c++) out[offset + r * NUM_CLASSES + c] = Math.exp(logits[r * NUM_CLASSES + c] - m) / s;
  }
}

export function argmaxRow(p: ArrayLike<number>, row: number): number {
  let best = 0;
  for (let c = 1; c < NUM_CLASSES; c++) if (p[row * NUM_CLASSES + c] > p[row * NUM_CLASSES + best]) best = c;
  return best;
}

/** Logits for standardised inputs [B, 1, 28, 28] in eval mode. */
export function logitsOf(model: Sequential, x: Tensor): Float32Array {
  const wasTraining = model.training;
  model.eval();
  try {
    return noGrad(() => model.forward(x)).contiguous().toTypedArray() as Float32Array;
  } finally {
    if (wasTraining) model.train();
  }
}

/** Probabilities of standardised images (n × 784 values). */
export function predictStandardised(model: Sequential, x: Float32Array, batchSize = 256): Float32Array {
  const per = IMAGE_SIZE * IMAGE_SIZE;
  const n = x.length / per;
  const probs = new Float32Array(n * NUM_CLASSES);
  for (let s = 0; s < n; s += batchSize) {
    const b = Math.min(batchSize, n - s);
    const t = new Tensor(x.subarray(s * per, (s + b) * per), [b, 1, IMAGE_SIZE, IMAGE_SIZE], 'float32');
    softmaxRows(logitsOf(model, t), b, probs, s * NUM_CLASSES);
  }
  return probs;
}

/** Runs the model over a whole set; `onProgress` gets the number of images done. */
export function predictSet(model: Sequential, set: DigitSet, opts: { batchSize?: number; preprocess?: PreprocessConfig; onProgress?: (done: number) => void } = {}): SetPredictions {
  const batchSize = opts.batchSize ?? 256;
  const probs = new Float32Array(set.n * NUM_CLASSES);
  const preds = new Uint8Array(set.n);
  let correct = 0;
  let lossSum = 0;
  for (let s = 0; s < set.n; s += batchSize) {
    const idx = Array.from({ length: Math.min(batchSize, set.n - s) }, (_, k) => s + k);
    const batch = makeBatch(set, idx, { preprocess: opts.preprocess ?? PREPROCESS });
    softmaxRows(logitsOf(model, batch.x), idx.length, probs, s * NUM_CLASSES);
    for (let k = 0; k < idx.length; k++) {
      const i = s + k;
      preds[i] = argmaxRow(probs, i);
      if (preds[i] === set.labels[i]) correct++;
      lossSum -= Math.log(Math.max(probs[i * NUM_CLASSES + set.labels[i]], 1e-12));
    }
    opts.onProgress?.(s + idx.length);
  }
  return { probs, preds, accuracy: set.n ? correct / set.n : 0, loss: set.n ? lossSum / set.n : 0 };
}
