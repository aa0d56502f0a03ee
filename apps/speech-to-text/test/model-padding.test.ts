import { describe, expect, it } from 'vitest';
import { Generator } from '@tensorkit/core';
import { padBatch } from '../src/batch.js';
import type { Features } from '../src/features.js';
import { DEFAULT_MODEL, SpeechModel } from '../src/model.js';

function randomFeatures(g: Generator, frames: number, dim: number): Features {
  const data = new Float32Array(frames * dim);
  for (let i = 0; i < data.length; i++) data[i] = g.normal();
  return { data, frames, dim };
}

/** The valid output frames of sample b of a forward pass over `items`. */
function outputsOf(model: SpeechModel, items: Features[], b: number): Float32Array {
  const { x, lengths } = padBatch(items);
  const r = model.forward(x, lengths);
  const [, B, C] = r.logits.shape;
  const all = r.logits.contiguous().toTypedArray() as Float32Array;
  const out = new Float32Array(r.lengths[b] * C);
  for (let t = 0; t < r.lengths[b]; t++) out.set(all.subarray((t * B + b) * C, (t * B + b + 1) * C), t * C);
  return out;
}

describe('SpeechModel: an utterance is computed as if alone, whatever it is batched with', () => {
  for (const frontEnd of ['conv2d', 'conv1d'] as const) {
    it(`${frontEnd}: a short utterance's outputs are the same alone and padded beside a longer one`, () => {
      const g = new Generator(3);
      const model = new SpeechModel({ ...DEFAULT_MODEL, frontEnd, inputDim: 40, numClasses: 29, hiddenSize: 16, convChannels: 8, dropout: 0 }, { generator: g });
      model.eval();
      // Biases make relu(conv(zero padding)) non-zero, which the next convolution would read.
      for (const p of model.parameters()) if (p.shape.length === 1) p.storage.fill(0.5);
      const short = randomFeatures(g, 37, 40);
      const long = randomFeatures(g, 90, 40);
      const alone = outputsOf(model, [short], 0);
      const batched = outputsOf(model, [long, short], 1);
      expect(batched.length).toBe(alone.length);
      let maxDiff = 0;
      for (let i = 0; i < alone.length; i++) maxDiff = Math.max(maxDiff, Math.abs(alone[i] - batched[i]));
      expect(maxDiff).toBeLessThan(1e-5);
    });
  }
});
