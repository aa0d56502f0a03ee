/** Padding variable-length feature matrices into one [B, T, F] tensor. */
import { Tensor } from '@tensorkit/core';
import type { Features } from './features.js';

export function padBatch(items: readonly Features[]): { x: Tensor; lengths: number[] } {
  const dim = items[0].dim;
  const T = Math.max(...items.map((f) => f.frames));
  const data = new Float32Array(items.length * T * dim);
  items.forEach((f, b) => data.set(f.data.subarray(0, f.frames * dim), b * T * dim));
  return { x: new Tensor(data, [items.length, T, dim], 'float32'), lengths: items.map((f) => f.frames) };
}

/**
 * Groups indices into batches of similar length (sorted by frames), so a batch's padding —
 * which the recurrent layers still pay for — stays small.
 */
export function lengthBatches(frames: readonly number[], batchSize: number, maxFrames = Infinity): number[][] {
  const order = frames.map((_, i) => i).sort((a, b) => frames[a] - frames[b] || a - b);
  const out: number[][] = [];
  let cur: number[] = [];
  for (const i of order) {
    if (cur.length && (cur.length >= batchSize || frames[i] * (cur.length + 1) > maxFrames)) {
      out.push(cur);
      cur = [];
    }
    cur.push(i);
  }
  if (cur.length) out.push(cur);
  return out;
}
