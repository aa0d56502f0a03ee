import { describe, expect, it } from 'vitest';
import { Generator, manualSeed, ones, randn, tensor } from '@tensorkit/core';
import { BatchNorm1d, BatchNorm2d, Dropout, GroupNorm, LayerNorm, dropout, groupNorm, layerNorm } from '../src/layers/index.js';
import { expectClose, expectGrad } from '../../core/test/helpers.js';
import { f64, gradcheckModule, maxAbsDiff } from './layers-helpers.js';

describe('BatchNorm', () => {
  // Channel 0: [1, 2, 3, 6] → mean 3, biased var 3.5, unbiased 14/3. Channel 1: [0, 0, 4, 4] → mean 2, var 4, unbiased 16/3.
  const x = tensor([[1, 0], [2, 0], [3, 4], [6, 4]]);

  it('training normalises with batch mean and biased variance', () => {
    const bn = new BatchNorm1d({ numFeatures: 2, eps: 1e-12 });
    const y = bn.forward(x).toTypedArray();
    const expected = [(1 - 3) / Math.sqrt(3.5), -1, (2 - 3) / Math.sqrt(3.5), -1, 0, 1, 3 / Math.sqrt(3.5), 1];
    expected.forEach((v, i) => expect(y[i]).toBeCloseTo(v, 5));
  });

  it('running stats use momentum and the unbiased variance; eval mode uses them', () => {
    const bn = new BatchNorm1d({ numFeatures: 2 });
    bn.forward(x);
    const rm = Array.from(bn.runningMean!.toTypedArray());
    const rv = Array.from(bn.runningVar!.toTypedArray());
    [0.3, 0.2].forEach((v, i) => expect(rm[i]).toBeCloseTo(v, 6));
    [0.9 + 0.1 * (14 / 3), 0.9 + 0.1 * (16 / 3)].forEach((v, i) => expect(rv[i]).toBeCloseTo(v, 6));
    bn.forward(x.mul(2));
    // second batch: mean 6 / 4, unbiased var 56/3 / 64/3
    expect(bn.runningMean!.toTypedArray()[0]).toBeCloseTo(0.9 * 0.3 + 0.1 * 6, 6);
    expect(bn.runningVar!.toTypedArray()[1]).toBeCloseTo(0.9 * rv[1] + 0.1 * (64 / 3), 5);
    expect(bn.numBatchesTracked).toBe(2);
    bn.eval();
    const before = Array.from(bn.runningMean!.toTypedArray());
    const y = bn.forward(tensor([[1, 1]])).toTypedArray();
    const m = bn.runningMean!.toTypedArray();
    const v = bn.runningVar!.toTypedArray();
    expect(y[0]).toBeCloseTo((1 - m[0]) / Math.sqrt(v[0] + 1e-5), 5);
    expect(y[1]).toBeCloseTo((1 - m[1]) / Math.sqrt(v[1] + 1e-5), 5);
    expect(Array.from(bn.runningMean!.toTypedArray())).toEqual(before); // eval does not update
  });

  it('momentum null gives a cumulative average; no tracking means batch stats in eval', () => {
    const bn = new BatchNorm1d({ numFeatures: 2, momentum: null });
    bn.forward(x);
    bn.forward(x.add(2));
    expect(Array.from(bn.runningMean!.toTypedArray())).toEqual([4, 3]);
    const free = new BatchNorm1d({ numFeatures: 2, trackRunningStats: false }).eval();
    expect(free.namedBuffers()).toEqual([]);
    expect(Math.abs(free.forward(x).mean().item())).toBeLessThan(1e-6);
  });

  it('BatchNorm2d by hand: one channel [1, 3 | 5, 7] over N and W has mean 4 and biased variance 5', () => {
    const bn = new BatchNorm2d({ numFeatures: 1, eps: 1e-12 });
    bn.loadStateDict({ ...bn.stateDict(), weight: tensor([2]), bias: tensor([1]) });
    const y = bn.forward(tensor([[[[1, 3]]], [[[5, 7]]]], { dtype: 'float64' }));
    expectClose(y, [[[[-3, -1]]], [[[1, 3]]]].map((n) => n.map((c) => c.map((r) => r.map((v) => (2 * v) / Math.sqrt(5) + 1)))), 1e-6);
  });

  it('BatchNorm2d normalises per channel over N, H, W and passes gradcheck in train and eval', () => {
    const bn = new BatchNorm2d({ numFeatures: 2 });
    const y = bn.forward(randn([3, 2, 4, 4], { generator: new Generator(1) }).mul(5).add(3));
    const m = y.mean([0, 2, 3]).toTypedArray();
    const v = y.var([0, 2, 3], false, 0).toTypedArray();
    for (const c of [0, 1]) {
      expect(Math.abs(m[c])).toBeLessThan(1e-5);
      expect(v[c]).toBeCloseTo(1, 3);
    }
    const train = new BatchNorm2d({ numFeatures: 2 });
    train.loadStateDict({ ...train.stateDict(), weight: tensor([1.5, -0.5]), bias: tensor([0.1, 0.2]) });
    expect(gradcheckModule(train, [f64([2, 2, 2, 2], 2)], (xi) => train.forward(xi)).ok).toBe(true);
    const evalBn = new BatchNorm1d({ numFeatures: 3 });
    evalBn.forward(randn([4, 3, 2]));
    evalBn.eval();
    expect(gradcheckModule(evalBn, [f64([2, 3, 2], 3)], (xi) => evalBn.forward(xi)).ok).toBe(true);
  });

  it('rejects wrong channel counts and single-value batches in training', () => {
    expect(() => new BatchNorm1d({ numFeatures: 3 }).forward(randn([4, 2]))).toThrow(/3 channels in dimension 1, got \[4,2\]/);
    expect(() => new BatchNorm1d({ numFeatures: 2 }).forward(randn([1, 2]))).toThrow(/more than 1 value per channel/);
  });

  it('without running stats, eval mode also rejects one value per channel (it used to return all zeros)', () => {
    const free = new BatchNorm1d({ numFeatures: 3, trackRunningStats: false }).eval();
    expect(() => free.forward(randn([1, 3]))).toThrow('BatchNorm1d: expected more than 1 value per channel when using batch statistics');
    expect(() => new BatchNorm2d({ numFeatures: 2, trackRunningStats: false }).eval().forward(randn([1, 2, 1, 1]))).toThrow(/more than 1 value per channel/);
    expect(free.forward(randn([2, 3])).shape).toEqual([2, 3]);
    // With running stats, eval mode handles a single sample (and an empty batch) fine.
    const tracked = new BatchNorm1d({ numFeatures: 3 }).eval();
    expect(tracked.forward(randn([1, 3])).shape).toEqual([1, 3]);
    expect(tracked.forward(randn([0, 3])).shape).toEqual([0, 3]);
  });
});

describe('LayerNorm', () => {
  it('normalises the trailing dimensions with biased variance', () => {
    const ln = new LayerNorm({ normalizedShape: 4, eps: 1e-12 });
    const y = ln.forward(tensor([[1, 2, 3, 6]])).toTypedArray();
    [-2, -1, 0, 3].forEach((d, i) => expect(y[i]).toBeCloseTo(d / Math.sqrt(3.5), 5));
  });

  it('passes gradcheck with a 2-D normalized shape and without affine', () => {
    const ln = new LayerNorm({ normalizedShape: [2, 3], generator: new Generator(1) });
    ln.loadStateDict({ weight: randn([2, 3]), bias: randn([2, 3]) });
    expect(gradcheckModule(ln, [f64([2, 2, 3], 4)], (x) => ln.forward(x)).ok).toBe(true);
    const plain = new LayerNorm({ normalizedShape: 3, elementwiseAffine: false });
    expect(plain.parameters()).toEqual([]);
    expect(gradcheckModule(plain, [f64([2, 3], 5)], (x) => plain.forward(x)).ok).toBe(true);
  });
});

describe('GroupNorm', () => {
  // [1, 4, 2], two groups: channels 0-1 hold [1, 2 | 3, 6] (mean 3, biased variance 3.5), channels 2-3 hold [0, 0 | 2, 2] (mean 1, variance 1)
  const X = [[[1, 2], [3, 6], [0, 0], [2, 2]]];
  const s = Math.sqrt(3.5);

  it('groupNorm by hand: each sample\'s group over its channels and positions, then per-channel weight and bias', () => {
    const x = tensor(X, { dtype: 'float64' });
    expectClose(groupNorm(x, 2, null, null, 0), [[[-2 / s, -1 / s], [0, 3 / s], [-1, -1], [1, 1]]], 1e-12);
    const w = tensor([1, 2, 1, -1], { dtype: 'float64' });
    const b = tensor([0, 0, 0.5, 0.5], { dtype: 'float64' });
    expectClose(groupNorm(x, 2, w, b, 0), [[[-2 / s, -1 / s], [0, 6 / s], [-0.5, -0.5], [-0.5, -0.5]]], 1e-12);
    // One group is a layerNorm over [C, L]; default eps 1e-5 as PyTorch.
    const r = f64([3, 4, 2], 20).detach();
    expectClose(groupNorm(r, 1), layerNorm(r, [4, 2], null, null).toArray() as number[][][], 1e-12);
  });

  it('GroupNorm layer: [C] parameters initialised to 1 and 0, [N, C] and [N, C, H, W] inputs, checks', () => {
    const gn = new GroupNorm({ numGroups: 2, numChannels: 4, eps: 1e-12 });
    expect(gn.weight!.toArray()).toEqual([1, 1, 1, 1]);
    expect(gn.bias!.toArray()).toEqual([0, 0, 0, 0]);
    expectClose(gn.forward(tensor(X)), [[[-2 / s, -1 / s], [0, 3 / s], [-1, -1], [1, 1]]], 1e-6);
    expect(gn.forward(randn([2, 4])).shape).toEqual([2, 4]);
    expect(gn.forward(randn([2, 4, 3, 2])).shape).toEqual([2, 4, 3, 2]);
    expect(new GroupNorm({ numGroups: 2, numChannels: 4, affine: false }).parameters()).toEqual([]);
    expect(() => new GroupNorm({ numGroups: 3, numChannels: 4 })).toThrow('GroupNorm: numChannels (4) must be divisible by numGroups (3)');
    expect(() => gn.forward(randn([2, 3, 2]))).toThrow('GroupNorm: input [2,3,2] must be [N, 4, *]');
    expect(() => groupNorm(randn([2, 4]), 3)).toThrow('groupNorm: numGroups 3 must be a positive integer dividing the 4 channels');
  });

  it('an empty batch (N = 0) gives an empty output and zero parameter gradients, as PyTorch', () => {
    // reshape([N, G, -1]) used to throw for N = 0 (-1 is ambiguous for 0 elements).
    const gn = new GroupNorm({ numGroups: 2, numChannels: 4 });
    const y = gn.forward(randn([0, 4, 3]));
    expect(y.shape).toEqual([0, 4, 3]);
    y.sum().backward();
    expect(gn.weight!.grad!.toArray()).toEqual([0, 0, 0, 0]);
    expect(gn.bias!.grad!.toArray()).toEqual([0, 0, 0, 0]);
    expect(groupNorm(randn([0, 4]), 4).shape).toEqual([0, 4]);
  });

  it('gradcheck: the layer with random affine parameters, the functional form on a transposed input', () => {
    const gn = new GroupNorm({ numGroups: 2, numChannels: 4 });
    gn.loadStateDict({ weight: randn([4], { generator: new Generator(21) }), bias: randn([4], { generator: new Generator(22) }) });
    expect(gradcheckModule(gn, [f64([2, 4, 3], 23)], (x) => gn.forward(x)).ok).toBe(true);
    expectGrad((x, w) => groupNorm(x.transpose(1, 2), 3, w, null, 0.1), [f64([2, 2, 6], 24), f64([6], 25)]);
    expectGrad((x, b) => groupNorm(x, 4, null, b), [f64([2, 4, 2, 2], 26), f64([4], 27)]);
  });
});

describe('Dropout', () => {
  it('is deterministic for a seeded generator and scales survivors by 1/(1-p)', () => {
    const x = ones([4000]);
    const a = new Dropout({ p: 0.3, generator: new Generator(7) }).forward(x).toTypedArray();
    const b = new Dropout({ p: 0.3, generator: new Generator(7) }).forward(x).toTypedArray();
    expect(Array.from(a)).toEqual(Array.from(b));
    const zeroed = a.filter((v) => v === 0).length / a.length;
    expect(Math.abs(zeroed - 0.3)).toBeLessThan(0.03);
    expect(a.every((v) => v === 0 || Math.abs(v - 1 / 0.7) < 1e-6)).toBe(true);
  });

  it('p = 1 is allowed, as in PyTorch: all zeros in training with a zero gradient, the identity in eval', () => {
    const d = new Dropout({ p: 1, generator: new Generator(1) });
    const x = tensor([1, -2, 3], { requiresGrad: true });
    const y = d.forward(x);
    // x·0, as PyTorch computes it (so -2 gives -0).
    expect(Array.from(y.toTypedArray(), Math.abs)).toEqual([0, 0, 0]);
    y.sum().backward();
    expect(Array.from(x.grad!.toTypedArray())).toEqual([0, 0, 0]);
    expect(d.eval().forward(x)).toBe(x);
    expect(Array.from(dropout(tensor([4, 5], { dtype: 'float64' }), 1, true).toTypedArray())).toEqual([0, 0]);
    expect(() => new Dropout({ p: 1.5 })).toThrow('Dropout: p must be a probability in [0, 1], got 1.5');
    expect(() => dropout(x, -0.1, true)).toThrow('dropout: p must be a probability in [0, 1], got -0.1');
  });

  it('draws from the default generator at call time when none is given', () => {
    const d = new Dropout({ p: 0.5 });
    manualSeed(3);
    const a = d.forward(ones([64])).toTypedArray();
    manualSeed(3);
    expect(Array.from(d.forward(ones([64])).toTypedArray())).toEqual(Array.from(a));
  });

  it('is the identity in eval mode and its gradient is the mask', () => {
    const d = new Dropout({ p: 0.5, generator: new Generator(1) });
    const x = randn([10], { requiresGrad: true });
    expect(d.eval().forward(x)).toBe(x);
    d.train();
    const y = d.forward(x);
    y.sum().backward();
    expect(maxAbsDiff(x.grad!, y.div(x.detach()))).toBeLessThan(1e-5);
  });
});

describe('normalisation and dropout: functional forms and gradient edges', () => {
  it('layerNorm by hand with a weight and no bias', () => {
    // [1, 2, 3, 6]: mean 3, biased variance 3.5
    const y = layerNorm(tensor([[1, 2, 3, 6]], { dtype: 'float64' }), [4], tensor([1, 2, 1, -1], { dtype: 'float64' }), null, 1e-30);
    expectClose(y, [[-2, -2, 0, -3].map((v) => v / Math.sqrt(3.5))], 1e-12);
  });

  it('layerNorm gradcheck: weight only, transposed input, large eps', () => {
    expectGrad((x, w) => layerNorm(x.transpose(0, 1), [2], w, null, 0.5), [f64([2, 3], 6), f64([2], 7)]);
    expectGrad((x, b) => layerNorm(x, [2, 2], null, b), [f64([3, 2, 2], 8), f64([2, 2], 9)]);
  });

  it('dropout keeps x/(1-p) where the i-th uniform draw is ≥ p; identity when p = 0 or not training', () => {
    const x = tensor([[1, -2, 3], [4, 5, -6]], { dtype: 'float64' });
    const g = new Generator(7);
    const draws = Array.from({ length: 6 }, () => g.uniform());
    const xs = x.toTypedArray();
    expectClose(dropout(x, 0.4, true, new Generator(7)), [0, 1].map((r) => [0, 1, 2].map((c) => (draws[3 * r + c] < 0.4 ? 0 : xs[3 * r + c] / 0.6))), 1e-12);
    expect(dropout(x, 0, true)).toBe(x);
    expect(dropout(x, 0.4, false)).toBe(x);
  });

  it('dropout gradcheck with a fixed mask (a fresh seeded generator per call), functional and module', () => {
    expectGrad((x) => dropout(x.T, 0.4, true, new Generator(3)), [f64([4, 3], 10)]);
    const d = new Dropout({ p: 0.5 });
    const r = gradcheckModule(d, [f64([2, 5], 11)], (x) => {
      d.generator = new Generator(4);
      return d.forward(x);
    });
    expect(r.ok, r.message).toBe(true);
  });

  it('BatchNorm1d in training: gradcheck over [N, C] with affine and over [N, C, L] without', () => {
    const bn = new BatchNorm1d({ numFeatures: 3 });
    bn.loadStateDict({ ...bn.stateDict(), weight: tensor([1.5, -0.5, 2]), bias: tensor([0.1, 0.2, -0.3]) });
    expect(gradcheckModule(bn, [f64([4, 3], 12)], (x) => bn.forward(x)).ok).toBe(true);
    const plain = new BatchNorm1d({ numFeatures: 2, affine: false, momentum: null });
    expect(gradcheckModule(plain, [f64([2, 2, 3], 13)], (x) => plain.forward(x)).ok).toBe(true);
  });
});
