import { describe, expect, it } from 'vitest';
import { Generator, gradcheck, randn, relu, type Tensor } from '@tensorkit/core';
import { BatchNorm1d, BatchNorm2d } from '@tensorkit/nn';
import { BatchNormReLU } from '../src/bn-relu.js';

function close(a: Tensor, b: Tensor, tol: number): number {
  const x = a.toTypedArray();
  const y = b.toTypedArray();
  expect(x.length).toBe(y.length);
  let worst = 0;
  for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(x[i] - y[i]));
  expect(worst).toBeLessThan(tol);
  return worst;
}

describe('fused BatchNormReLU', () => {
  it('matches BatchNorm2d + ReLU in training and eval mode, including running statistics and gradients', () => {
    const g = new Generator(3);
    const fused = new BatchNormReLU({ numFeatures: 4 });
    const ref = new BatchNorm2d({ numFeatures: 4 });
    // Non-trivial affine parameters.
    for (const m of [fused, ref]) {
      m.namedParameters().forEach(([name, p]) => p.storage.set(name === 'weight' ? [0.5, 1.5, -1, 2] : [0.1, -0.2, 0.3, 0]));
    }
    for (let step = 0; step < 3; step++) {
      const x = randn([5, 4, 3, 3], { generator: g, mean: 1, std: 2 });
      const xa = x.detach().requiresGrad_();
      const xb = x.detach().requiresGrad_();
      const ya = fused.forward(xa);
      const yb = relu(ref.forward(xb));
      close(ya, yb, 1e-5);
      const gy = randn([5, 4, 3, 3], { generator: g });
      ya.backward(gy);
      yb.backward(gy);
      close(xa.grad!, xb.grad!, 1e-4);
      close(fused.namedParameters()[0][1].grad!, ref.weight!.grad!, 1e-4);
      close(fused.namedParameters()[1][1].grad!, ref.bias!.grad!, 1e-4);
      fused.zeroGrad();
      ref.zeroGrad();
    }
    const sdA = fused.stateDict();
    const sdB = ref.stateDict();
    close(sdA.running_mean, sdB.running_mean, 1e-6);
    close(sdA.running_var, sdB.running_var, 1e-5);
    expect(sdA.num_batches_tracked.item()).toBe(3);
    fused.eval();
    ref.eval();
    const x = randn([2, 4, 3, 3], { generator: g });
    close(fused.forward(x), relu(ref.forward(x)), 1e-5);
  });

  it('works on [N, C] (after a Linear layer) like BatchNorm1d + ReLU', () => {
    const g = new Generator(5);
    const fused = new BatchNormReLU({ numFeatures: 6 });
    const ref = new BatchNorm1d({ numFeatures: 6 });
    const x = randn([8, 6], { generator: g });
    close(fused.forward(x), relu(ref.forward(x)), 1e-5);
  });

  it('passes gradcheck in float64, training and eval mode', () => {
    const g = new Generator(11);
    for (const training of [true, false]) {
      const m = new BatchNormReLU({ numFeatures: 3 }).to('float64');
      m.train(training);
      const [w, b] = m.parameters();
      w.storage.set([0.7, -1.2, 1.1]);
      b.storage.set([0.2, 0.1, -0.3]);
      const x = randn([4, 3, 2, 2], { generator: g, dtype: 'float64', requiresGrad: true });
      // Running statistics change on every training forward; gradcheck only needs the output.
      const res = gradcheck((xi, wi, bi) => {
        void wi;
        void bi;
        return m.forward(xi);
      }, [x, w, b], { atol: 1e-5, rtol: 1e-3 });
      expect(res.ok, res.message).toBe(true);
    }
  });

  it('rejects inputs with the wrong channel count', () => {
    expect(() => new BatchNormReLU({ numFeatures: 3 }).forward(randn([2, 4, 3, 3]))).toThrow(/expected \[N, 3\]/);
  });

  it('refuses options it would ignore or that make no sense, as nn\'s layers do', () => {
    const opts = (o: object) => o as ConstructorParameters<typeof BatchNormReLU>[0];
    expect(() => new BatchNormReLU(opts({ numFeatures: 3, momentun: 0.2 }))).toThrow("BatchNormReLU: unknown option 'momentun' (did you mean 'momentum'?)");
    expect(() => new BatchNormReLU({ numFeatures: 3, eps: 0 })).toThrow('BatchNormReLU: eps must be a positive number, got 0');
    expect(() => new BatchNormReLU({ numFeatures: 3, momentum: 1.5 })).toThrow('BatchNormReLU: momentum must be in [0, 1], got 1.5');
  });
});
