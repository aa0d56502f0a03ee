import { describe, expect, it } from 'vitest';
import { Generator, getBackend, randn, type Tensor } from '@tensorkit/core';
import { Conv2d, MaxPool2d, ReLU, Sequential } from '../src/layers/index.js';
import { gradcheckModule } from './layers-helpers.js';

/** Output and parameter gradients of a forward + weighted-sum backward. */
function run(forward: (x: Tensor) => Tensor, params: Tensor[], x: Tensor, up: Tensor): Float32Array[] {
  for (const p of params) p.grad = null;
  const y = forward(x);
  y.mul(up).sum().backward();
  return [y.toTypedArray() as Float32Array, ...params.map((p) => p.grad!.toTypedArray() as Float32Array)];
}

describe('Sequential: Conv2d → MaxPool2d runs fused', () => {
  it('gives what the two modules give one after the other, forward and backward', () => {
    const g = new Generator(3);
    const conv = new Conv2d({ inChannels: 2, outChannels: 8, kernelSize: 3, padding: 1, generator: g });
    const pool = new MaxPool2d({ kernelSize: 2, ceilMode: true });
    const seq = new Sequential(conv, pool, new ReLU());
    const x = randn([24, 2, 7, 7], { generator: g });
    const up = randn([24, 8, 4, 4], { generator: g });
    const params = [conv.weight, conv.bias!];
    const fused = run((t) => seq.forward(t), params, x, up);
    const apart = run((t) => pool.forward(conv.forward(t)).relu(), params, x, up);
    fused.forEach((a, k) => {
      expect(a.length).toBe(apart[k].length);
      let worst = 0;
      for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - apart[k][i]) / (1 + Math.abs(apart[k][i])));
      expect(worst, `${['y', 'dW', 'db'][k]} on ${getBackend().name}`).toBeLessThan(1e-5);
    });
  });

  it('fuses Conv2d → ReLU → MaxPool2d too, with the ReLU before the pool', () => {
    const g = new Generator(5);
    const conv = new Conv2d({ inChannels: 3, outChannels: 6, kernelSize: 3, padding: 1, generator: g });
    const pool = new MaxPool2d({ kernelSize: 2 });
    const seq = new Sequential(conv, new ReLU(), pool);
    const x = randn([20, 3, 8, 8], { generator: g });
    const up = randn([20, 6, 4, 4], { generator: g });
    const params = [conv.weight, conv.bias!];
    const fused = run((t) => seq.forward(t), params, x, up);
    const apart = run((t) => pool.forward(conv.forward(t).relu()), params, x, up);
    fused.forEach((a, k) => {
      for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - apart[k][i])).toBeLessThan(1e-5 * (1 + Math.abs(apart[k][i])));
    });
    expect(fused[0].some((v) => v === 0)).toBe(true);
  });

  it('leaves a Conv2d subclass with its own forward alone', () => {
    const g = new Generator(4);
    let calls = 0;
    class Counting extends Conv2d {
      override forward(x: Tensor): Tensor {
        calls++;
        return super.forward(x);
      }
    }
    const seq = new Sequential(new Counting({ inChannels: 1, outChannels: 2, kernelSize: 3, generator: g }), new MaxPool2d({ kernelSize: 2 }));
    expect(seq.forward(randn([1, 1, 6, 6], { generator: g })).shape).toEqual([1, 2, 2, 2]);
    expect(calls).toBe(1);
  });
});

describe('Sequential: the fused dispatch in float64', () => {
  it('Conv2d → ReLU → MaxPool2d passes gradcheck w.r.t. input, weight and bias', () => {
    const g = new Generator(6);
    const seq = new Sequential(new Conv2d({ inChannels: 2, outChannels: 2, kernelSize: 2, padding: 1, generator: g }), new ReLU(), new MaxPool2d({ kernelSize: 2, ceilMode: true }));
    const r = gradcheckModule(seq, [randn([1, 2, 3, 3], { dtype: 'float64', generator: g, requiresGrad: true })], (x) => seq.forward(x));
    expect(r.ok, r.message).toBe(true);
  });
});
