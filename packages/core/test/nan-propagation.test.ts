/**
 * NaN goes through the ReLU family, clamps and max/min as in PyTorch (torch.relu(nan) = nan,
 * torch.clamp(nan) = nan, torch.maximum propagates, torch.max of a tensor with NaN is NaN),
 * on every backend: the wasm kernels take arrays of 2^16 elements (above their minimum length).
 */
import { describe, expect, it } from 'vitest';
import {
  clamp, conv2d, leakyRelu, listBackends, max, maximum, maxPool2d, min, minimum, relu, Tensor, tensor, withBackend,
} from '@tensorkit/core';
import { expectClose, expectGrad, f64 } from './helpers.js';

const BIG = 1 << 16;

/** [NaN, -0, -2, 0, 3, then filler] as float32, long enough for the wasm fast path. */
function specials(): Tensor {
  const d = new Float32Array(BIG).fill(-1);
  d.set([NaN, -0, -2, 0, 3, NaN]);
  d[BIG - 1] = NaN; // also in the scalar tail after the SIMD loop
  return new Tensor(d, [BIG], 'float32');
}

describe('relu: NaN in, NaN out; -0 gives +0', () => {
  for (const backend of listBackends()) {
    it(`forward on ${backend}`, () => withBackend(backend, () => {
      const yd = relu(specials()).toTypedArray();
      expect(Array.from(yd.subarray(0, 6))).toEqual([NaN, 0, 0, 0, 3, NaN]);
      expect(Object.is(yd[1], 0)).toBe(true); // +0, not -0
      expect(yd[BIG - 1]).toBeNaN();
    }));

    it(`backward on ${backend}: as torch's threshold_backward(grad, result, 0), the gradient passes unless result <= 0`, () => withBackend(backend, () => {
      const x = specials().requiresGrad_();
      relu(x).backward(new Tensor(new Float32Array(BIG).fill(5), [BIG], 'float32'));
      const gd = x.grad!.toTypedArray();
      expect(Array.from(gd.subarray(0, 6))).toEqual([5, 0, 0, 0, 5, 5]);
      expect(gd[BIG - 1]).toBe(5);
    }));
  }

  it('float64, small (reference loops)', () => {
    const x = f64([NaN, -1, 2]);
    const y = relu(x);
    expectClose(y, [NaN, 0, 2], 0);
    y.backward(tensor([1, 1, 1], { dtype: 'float64' }));
    expect(x.grad!.toArray()).toEqual([1, 0, 1]);
  });

  it('gradcheck away from the kink is unchanged', () => {
    expectGrad((x) => relu(x), [f64([[-1.3, 0.4], [2.1, -0.6]])]);
  });
});

describe('leakyRelu, clamp, maximum / minimum', () => {
  it('leakyRelu(NaN) = NaN with gradient slope·g (torch: x > 0 ? g : slope·g)', () => {
    const x = f64([NaN, -2, 4]);
    const y = leakyRelu(x, 0.25);
    expectClose(y, [NaN, -0.5, 4], 0);
    y.sum().backward();
    expect(x.grad!.toArray()).toEqual([0.25, 0.25, 1]);
  });

  it('clamp(NaN) = NaN, gradient 0 there (torch masks with min <= x <= max)', () => {
    const x = f64([NaN, -5, 0.5, 5]);
    const y = clamp(x, -1, 1);
    expectClose(y, [NaN, -1, 0.5, 1], 0);
    y.sum().backward();
    expect(x.grad!.toArray()).toEqual([0, 0, 1, 0]);
  });

  it('a NaN bound makes clamp NaN (torch: min(max(x, lo), hi) with NaN propagating); an int tensor becomes float32', () => {
    expectClose(clamp(tensor([-1, 0.5, 3]), NaN, 1), [NaN, NaN, NaN], 0);
    expectClose(clamp(tensor([-1, 0.5, 3]), 0, NaN), [NaN, NaN, NaN], 0);
    const i = clamp(tensor([1, 2], { dtype: 'int32' }), NaN);
    expect(i.dtype).toBe('float32');
    expectClose(i, [NaN, NaN], 0);
  });

  for (const backend of listBackends()) {
    it(`maximum / minimum propagate a NaN on either side on ${backend}`, () => withBackend(backend, () => {
      const a = specials();
      const b = new Tensor(new Float32Array(BIG).fill(NaN).fill(1, 0, 5), [BIG], 'float32');
      for (const f of [maximum, minimum]) {
        const y = f(a, b).toTypedArray();
        expect(y[0]).toBeNaN(); // NaN from a
        expect(y[5]).toBeNaN(); // NaN from both
        expect(y[6]).toBeNaN(); // NaN from b
      }
    }));
  }

  it('maximum / minimum: a NaN sends the full gradient to both inputs, as torch', () => {
    // torch: grad_a = where(a == b, g/2, g).masked_fill(a < b, 0), likewise for b; NaN compares false.
    for (const f of [maximum, minimum]) {
      const a = f64([NaN, 1, 2, 3]);
      const b = f64([1, NaN, 2, 0]);
      f(a, b).backward(tensor([1, 1, 1, 1], { dtype: 'float64' }));
      const win = f === maximum ? [1, 0] : [0, 1];
      expect(a.grad!.toArray()).toEqual([1, 1, 0.5, win[0]]);
      expect(b.grad!.toArray()).toEqual([1, 1, 0.5, win[1]]);
    }
  });

  it('maximum / minimum gradcheck (distinct values)', () => {
    expectGrad((a, b) => maximum(a, b).mul(minimum(a, b)), [f64([[0.3, -1.2], [2, 0.1]]), f64([[0.9, -2], [1.5, 0.6]])]);
  });
});

describe('max / min reductions and max-pooling', () => {
  it('max / min of a tensor with a NaN are NaN, the gradient goes to the NaN', () => {
    const x = f64([[1, NaN, 3], [4, 5, 6]]);
    expectClose(max(x), NaN);
    expectClose(min(x), NaN);
    expectClose(max(x, 1), [NaN, 6]);
    max(x, 1).sum().backward();
    expect(x.grad!.toArray()).toEqual([[0, 1, 0], [0, 0, 1]]);
  });

  for (const backend of listBackends()) {
    it(`maxPool2d and conv2d's fused ReLU keep a NaN on ${backend}`, () => withBackend(backend, () => {
      const img = new Float32Array(4 * 64 * 64).fill(1);
      img[0] = NaN;
      const x = new Tensor(img, [1, 4, 64, 64], 'float32');
      expect(maxPool2d(x, 2).toTypedArray()[0]).toBeNaN();
      // A 1×1 identity convolution: the fused ReLU sees the NaN itself.
      const w = new Tensor(new Float32Array(16).map((_, i) => (i % 5 === 0 ? 1 : 0)), [4, 4, 1, 1], 'float32');
      const xg = x.clone().requiresGrad_();
      const y = conv2d(xg, w, null, { activation: 'relu' });
      const yd = y.toTypedArray();
      expect(yd[0]).toBeNaN();
      expect(yd[1]).toBe(1);
      y.backward(new Tensor(new Float32Array(y.size).fill(2), [...y.shape], 'float32'));
      expect(xg.grad!.toTypedArray()[0]).toBe(2); // result NaN is not <= 0: the gradient passes
    }));
  }
});
