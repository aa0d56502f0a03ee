import { describe, expect, it } from 'vitest';
import { Generator, maxPool2d, noGrad } from '@tensorkit/core';
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
  for (const frontEnd of ['conv2d', 'conv2d-pool', 'conv1d'] as const) {
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

describe('SpeechModel conv2d-pool front end', () => {
  it('is each convolution at every band, ReLU, then the max over 3 bands with stride 2 (the model against the same ops written out)', () => {
    const g = new Generator(5);
    const model = new SpeechModel({ ...DEFAULT_MODEL, frontEnd: 'conv2d-pool', inputDim: 40, numClasses: 29, hiddenSize: 8, convChannels: 4, dropout: 0 }, { generator: g });
    model.eval();
    expect(model.featureSize).toBe(4 * 10); // 40 bands → 20 → 10, as with the strided convolutions
    const f = randomFeatures(g, 30, 40);
    const { x, lengths } = padBatch([f]);
    const got = noGrad(() => model.forward(x, lengths).logits).toTypedArray() as Float32Array;
    const want = noGrad(() => {
      let h = x.unsqueeze(1);
      for (const conv of model.convs) h = maxPool2d(conv.forward(h).relu(), [1, 3], { stride: [1, 2], padding: [0, 1] });
      const [B, C, T, F] = h.shape;
      const seq = model.norm.forward(h.permute(2, 0, 1, 3).reshape([T, B, C * F]));
      return model.out.forward(model.gru.forward(seq, { lengths: [T] }).output);
    }).toTypedArray() as Float32Array;
    expect(got.length).toBe(want.length);
    for (let i = 0; i < got.length; i++) expect(got[i]).toBeCloseTo(want[i], 5);
  });
});
