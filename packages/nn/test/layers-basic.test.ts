import { describe, expect, it } from 'vitest';
import { Generator, randn, tensor } from '@tensorkit/core';
import {
  AdaptiveAvgPool1d, AdaptiveAvgPool2d, AvgPool1d, AvgPool2d, Conv1d, Conv2d, Flatten, GELU, GlobalAvgPool, Identity, LeakyReLU, Linear,
  LogSoftmax, MaxPool1d, MaxPool2d, ReLU, Sequential, SiLU, Sigmoid, Softmax, Softplus, Tanh, adaptiveAvgPool1d, adaptiveAvgPool2d, linear,
} from '../src/layers/index.js';
import { expectClose, expectGrad } from '../../core/test/helpers.js';
import { checkModuleGrad, f64 } from './layers-helpers.js';

describe('Linear', () => {
  it('computes x·Wᵀ + b over the last dimension of any rank', () => {
    const lin = new Linear({ inFeatures: 2, outFeatures: 2 });
    lin.loadStateDict({ weight: tensor([[1, 2], [3, 4]]), bias: tensor([10, 20]) });
    expect(lin.forward(tensor([[[1, 1]], [[0, 1]]])).toArray()).toEqual([[[13, 27]], [[12, 24]]]);
    expect(() => lin.forward(tensor([[1, 2, 3]]))).toThrow(/must end in 2 features/);
  });

  it('passes gradcheck (3-D input, with and without bias)', () => {
    checkModuleGrad(new Linear({ inFeatures: 3, outFeatures: 2, generator: new Generator(1) }), [2, 2, 3]);
    checkModuleGrad(new Linear({ inFeatures: 3, outFeatures: 2, bias: false, generator: new Generator(1) }), [4, 3]);
  });
});

describe('Conv', () => {
  it('Conv1d: same padding keeps the length; gradcheck with groups and dilation', () => {
    const conv = new Conv1d({ inChannels: 4, outChannels: 2, kernelSize: 3, padding: 'same', dilation: 2, groups: 2, generator: new Generator(2) });
    expect(conv.weight.shape).toEqual([2, 2, 3]);
    expect(conv.forward(randn([1, 4, 7])).shape).toEqual([1, 2, 7]);
    checkModuleGrad(conv, [2, 4, 6]);
  });

  it('Conv2d: stride/padding shapes and gradcheck', () => {
    const conv = new Conv2d({ inChannels: 2, outChannels: 3, kernelSize: [3, 2], stride: 2, padding: [1, 0], generator: new Generator(3) });
    expect(conv.forward(randn([1, 2, 7, 6])).shape).toEqual([1, 3, 4, 3]);
    checkModuleGrad(conv, [1, 2, 5, 4]);
    checkModuleGrad(new Conv2d({ inChannels: 2, outChannels: 2, kernelSize: 2, padding: 'same', bias: false, generator: new Generator(4) }), [1, 2, 3, 3]);
  });

  it('padding \'same\' with a stride is refused when the layer is built, as PyTorch does (not at the first forward)', () => {
    expect(() => new Conv2d({ inChannels: 1, outChannels: 1, kernelSize: 3, padding: 'same', stride: 2 })).toThrow(
      "Conv2d: padding 'same' needs stride 1, got stride 2; give the padding as a number of zeros instead",
    );
    expect(() => new Conv2d({ inChannels: 1, outChannels: 1, kernelSize: 3, padding: 'same', stride: [1, 2] })).toThrow("Conv2d: padding 'same' needs stride 1, got stride [1, 2]");
    expect(() => new Conv1d({ inChannels: 1, outChannels: 1, kernelSize: 3, padding: 'same', stride: 3 })).toThrow("Conv1d: padding 'same' needs stride 1, got stride 3");
    expect(new Conv2d({ inChannels: 1, outChannels: 1, kernelSize: 3, padding: 'same', stride: [1, 1] }).forward(randn([1, 1, 5, 4])).shape).toEqual([1, 1, 5, 4]);
  });

  it('rejects groups that do not divide the channels', () => {
    expect(() => new Conv2d({ inChannels: 3, outChannels: 4, kernelSize: 1, groups: 2 })).toThrow(/groups=2 must divide/);
  });

  it('a wrong rank or channel count names the layer and the shape given (not core\'s conv2d view)', () => {
    const c1 = new Conv1d({ inChannels: 2, outChannels: 3, kernelSize: 3 });
    expect(() => c1.forward(randn([1, 3, 5]))).toThrow('Conv1d: expected input [N, C, L] with C = 2, got [1,3,5]');
    expect(() => c1.forward(randn([2, 5]))).toThrow('Conv1d: expected input [N, C, L] with C = 2, got [2,5]');
    const c2 = new Conv2d({ inChannels: 2, outChannels: 3, kernelSize: 3 });
    expect(() => c2.forward(randn([1, 3, 5, 5]))).toThrow('Conv2d: expected input [N, C, H, W] with C = 2, got [1,3,5,5]');
    expect(() => new Sequential(c2, new MaxPool2d({ kernelSize: 2 })).forward(randn([2, 5, 5]))).toThrow('Conv2d: expected input [N, C, H, W] with C = 2, got [2,5,5]');
  });
});

describe('pooling', () => {
  it('max/avg pool layers default stride to the kernel size', () => {
    const x = tensor([[[1, 5, 2, 0, 3, 3]]]);
    expect(new MaxPool1d({ kernelSize: 2 }).forward(x).toArray()).toEqual([[[5, 2, 3]]]);
    expect(new AvgPool1d({ kernelSize: 3 }).forward(x).toArray()).toEqual([[[8 / 3, 2]]].map((b) => b.map((c) => c.map(Math.fround))));
    expect(new MaxPool2d({ kernelSize: 2 }).forward(randn([1, 1, 4, 6])).shape).toEqual([1, 1, 2, 3]);
    expect(new AvgPool2d({ kernelSize: 2, stride: 1, padding: 1 }).forward(randn([1, 1, 3, 3])).shape).toEqual([1, 1, 4, 4]);
  });

  it('pool layers pass gradcheck', () => {
    checkModuleGrad(new MaxPool1d({ kernelSize: 2, stride: 1 }), [1, 2, 5]);
    checkModuleGrad(new MaxPool2d({ kernelSize: 2 }), [1, 1, 4, 4]);
    checkModuleGrad(new AvgPool1d({ kernelSize: 3, padding: 1, countIncludePad: false }), [1, 2, 5]);
    checkModuleGrad(new AvgPool2d({ kernelSize: [2, 3] }), [2, 1, 4, 6]);
  });

  it('adaptive average pooling uses PyTorch windows [floor(i·L/o), ceil((i+1)·L/o))', () => {
    const x = tensor([[[1, 2, 3, 4, 5]]]);
    // windows over 5 → 3: [0,2), [1,4), [3,5)
    expect(new AdaptiveAvgPool1d({ outputSize: 3 }).forward(x).toArray()).toEqual([[[1.5, 3, 4.5]]]);
    const y = new AdaptiveAvgPool2d({ outputSize: [1, 2] }).forward(tensor([[[[1, 2, 3, 4], [5, 6, 7, 8]]]]));
    expect(y.toArray()).toEqual([[[[3.5, 5.5]]]]);
    checkModuleGrad(new AdaptiveAvgPool1d({ outputSize: 3 }), [1, 2, 7]);
    checkModuleGrad(new AdaptiveAvgPool2d({ outputSize: [2, 3] }), [1, 2, 5, 4]);
  });

  it('AdaptiveAvgPool2d keeps a side given as null, as PyTorch\'s None', () => {
    const x = tensor([[[[1, 2, 3, 4], [5, 6, 7, 8]]]]);
    expect(new AdaptiveAvgPool2d({ outputSize: [null, 2] }).forward(x).toArray()).toEqual([[[[1.5, 3.5], [5.5, 7.5]]]]);
    expect(adaptiveAvgPool2d(x, [1, null]).toArray()).toEqual([[[[3, 4, 5, 6]]]]);
    expect(adaptiveAvgPool2d(x, [null, null]).toArray()).toEqual(x.toArray());
    checkModuleGrad(new AdaptiveAvgPool2d({ outputSize: [null, 3] }), [1, 2, 5, 4]);
    const m = new AdaptiveAvgPool2d({ outputSize: [null, 2] });
    expect(JSON.parse(JSON.stringify(m.config)).outputSize).toEqual([null, 2]);
    expect(() => adaptiveAvgPool2d(x, [0, null])).toThrow('adaptiveAvgPool2d: outputSize must be a positive integer or a pair [height, width] of them (null keeps that side of the input), got [0, null]');
  });

  it('GlobalAvgPool averages every spatial dimension', () => {
    const x = randn([2, 3, 4, 5], { generator: new Generator(5) });
    const y = new GlobalAvgPool().forward(x);
    expect(y.shape).toEqual([2, 3]);
    expect(y.toTypedArray()[4]).toBeCloseTo(x.select(0, 1).select(0, 1).mean().item(), 5);
    expect(new GlobalAvgPool({ keepDim: true }).forward(x).shape).toEqual([2, 3, 1, 1]);
    checkModuleGrad(new GlobalAvgPool(), [2, 2, 3]);
  });

  it('adaptive and global average pooling refuse an empty spatial dimension instead of returning NaN', () => {
    expect(() => new AdaptiveAvgPool1d({ outputSize: 2 }).forward(randn([1, 1, 0]))).toThrow('adaptiveAvgPool1d: input [1,1,0] has length 0');
    expect(() => new AdaptiveAvgPool2d({ outputSize: 2 }).forward(randn([1, 1, 3, 0]))).toThrow('adaptiveAvgPool2d: input [1,1,3,0] has an empty spatial dimension');
    expect(() => new GlobalAvgPool().forward(randn([1, 2, 0]))).toThrow('GlobalAvgPool: input [1,2,0] has an empty spatial dimension');
    // An empty batch is fine.
    expect(new AdaptiveAvgPool2d({ outputSize: 2 }).forward(randn([0, 1, 3, 3])).shape).toEqual([0, 1, 2, 2]);
  });
});

describe('activations and shape layers', () => {
  it('compute their functions', () => {
    const x = tensor([-2, 0.5]);
    expect(new ReLU().forward(x).toArray()).toEqual([0, 0.5]);
    expect(new LeakyReLU({ negativeSlope: 0.5 }).forward(x).toArray()).toEqual([-1, 0.5]);
    expect(new Sigmoid().forward(tensor([0])).toArray()).toEqual([0.5]);
    expect(new Softmax({ dim: 0 }).forward(tensor([1, 1])).toArray()).toEqual([0.5, 0.5]);
    expect(new Identity().forward(x)).toBe(x);
    expect(new Flatten().forward(randn([2, 3, 4])).shape).toEqual([2, 12]);
    expect(new Flatten({ startDim: 0, endDim: 1 }).forward(randn([2, 3, 4])).shape).toEqual([6, 4]);
    expect(new Flatten().forward(tensor([[[1, 2], [3, 4]], [[5, 6], [7, 8]]])).toArray()).toEqual([[1, 2, 3, 4], [5, 6, 7, 8]]);
  });

  it('GELU rejects an unknown approximation instead of silently using the exact form', () => {
    expect(() => new GELU({ approximate: 'Tanh' as 'tanh' })).toThrow("GELU: approximate must be 'none' or 'tanh', got 'Tanh'");
  });

  it('pass gradcheck, chained in a Sequential', () => {
    const seq = new Sequential(new Tanh(), new GELU(), new SiLU(), new Softplus({ beta: 2 }), new LeakyReLU(), new GELU({ approximate: 'tanh' }), new Sigmoid(), new LogSoftmax(), new Flatten());
    checkModuleGrad(seq, [2, 3, 2]);
  });
});

describe('functional linear and adaptive pooling', () => {
  const W = () => tensor([[1, 2], [3, 4]], { dtype: 'float64' });

  it('linear by hand for 1-D and 3-D inputs', () => {
    // [1, 2]·Wᵀ + [10, 20] = [1 + 4, 3 + 8] + [10, 20]
    expect(linear(tensor([1, 2], { dtype: 'float64' }), W(), tensor([10, 20], { dtype: 'float64' })).toArray()).toEqual([15, 31]);
    expect(linear(tensor([[[1, 0]], [[0, 1]]], { dtype: 'float64' }), W()).toArray()).toEqual([[[1, 3]], [[2, 4]]]);
  });

  it('linear gradcheck: 1-D input, transposed 3-D input without bias, transposed weight', () => {
    expectGrad((x, w, b) => linear(x, w, b), [f64([3], 1), f64([2, 3], 2), f64([2], 3)]);
    expectGrad((x, w) => linear(x.transpose(0, 2), w), [f64([3, 2, 2], 4), f64([4, 3], 5)]);
    expectGrad((x, w, b) => linear(x, w.T, b), [f64([2, 3], 6), f64([3, 2], 7), f64([2], 8)]);
  });

  it('adaptive pooling that upsamples (overlapping windows) by hand and by gradcheck, on strided inputs', () => {
    // 2 → 3 cells: windows [0, 1), [0, 2), [1, 2)
    expectClose(adaptiveAvgPool1d(tensor([[[1, 2]]]), 3), [[[1, 1.5, 2]]]);
    // rows 2 → 1 (whole), columns 3 → 2: windows [0, 2), [1, 3) of the transposed [[1, 3, 5], [2, 4, 6]]
    expectClose(adaptiveAvgPool2d(tensor([[[[1, 2], [3, 4], [5, 6]]]]).transpose(2, 3), [1, 2]), [[[[2.5, 4.5]]]]);
    expectGrad((x) => adaptiveAvgPool1d(x.transpose(1, 2), 4), [f64([1, 3, 2], 9)]);
    expectGrad((x) => adaptiveAvgPool2d(x.transpose(2, 3), [3, 2]), [f64([1, 2, 2, 5], 10)]);
  });
});

describe('layers by hand: convolution, pooling, activations, Sequential', () => {
  it('Conv1d and Conv2d with loaded weights', () => {
    const c1 = new Conv1d({ inChannels: 1, outChannels: 1, kernelSize: 3 });
    c1.loadStateDict({ weight: tensor([[[1, 0, -1]]]), bias: tensor([10]) });
    expect(c1.forward(tensor([[[1, 2, 3, 4, 5]]])).toArray()).toEqual([[[8, 8, 8]]]); // x[i] - x[i+2] + 10
    const c2 = new Conv2d({ inChannels: 1, outChannels: 1, kernelSize: 2, bias: false });
    c2.loadStateDict({ weight: tensor([[[[1, 2], [3, 4]]]]) });
    // 1·x[i][j] + 2·x[i][j+1] + 3·x[i+1][j] + 4·x[i+1][j+1] on 1..9
    expect(c2.forward(tensor([[[[1, 2, 3], [4, 5, 6], [7, 8, 9]]]])).toArray()).toEqual([[[[37, 47], [67, 77]]]]);
  });

  it('MaxPool2d and AvgPool2d on a 4×4 grid', () => {
    const x = tensor([[[[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12], [13, 14, 15, 16]]]]);
    expect(new MaxPool2d({ kernelSize: 2 }).forward(x).toArray()).toEqual([[[[6, 8], [14, 16]]]]);
    expect(new AvgPool2d({ kernelSize: 2 }).forward(x).toArray()).toEqual([[[[3.5, 5.5], [11.5, 13.5]]]]);
    expect(new MaxPool2d({ kernelSize: 2, dilation: 2, stride: 1 }).forward(x).toArray()).toEqual([[[[11, 12], [15, 16]]]]);
  });

  it('Tanh, GELU, SiLU, Softplus, LogSoftmax', () => {
    const x = () => tensor([0, 1], { dtype: 'float64' });
    expectClose(new Tanh().forward(x()), [0, 0.761594156], 1e-8);
    expectClose(new GELU().forward(x()), [0, 0.841344746], 1e-8); // x·Φ(x)
    expectClose(new GELU({ approximate: 'tanh' }).forward(x()), [0, 0.841191991], 1e-8);
    expectClose(new SiLU().forward(x()), [0, 0.731058579], 1e-8); // x·σ(x)
    expectClose(new Softplus({ beta: 2 }).forward(x()), [Math.LN2 / 2, 1.063464006], 1e-8); // ln(1 + e^(2x))/2
    expectClose(new LogSoftmax().forward(x()), [-Math.log(1 + Math.E), 1 - Math.log(1 + Math.E)], 1e-12);
  });

  it('Sequential chains its children: ReLU(x·Wᵀ + b), then Softmax', () => {
    const lin = new Linear({ inFeatures: 2, outFeatures: 2 });
    lin.loadStateDict({ weight: tensor([[1, -1], [2, 1]]), bias: tensor([0, -5]) });
    const seq = new Sequential(lin, new ReLU(), new Identity());
    // [3, 1] → [3 - 1, 6 + 1 - 5] = [2, 2]; [1, 3] → [-2, 0] → ReLU [0, 0]
    expect(seq.forward(tensor([[3, 1], [1, 3]])).toArray()).toEqual([[2, 2], [0, 0]]);
    expect(seq.append(new Softmax({ dim: 1 })).forward(tensor([[3, 1], [1, 3]])).toArray()).toEqual([[0.5, 0.5], [0.5, 0.5]]);
  });

  it('ReLU, Softmax and Identity pass gradcheck inside a Sequential', () => {
    checkModuleGrad(new Sequential(new Linear({ inFeatures: 3, outFeatures: 4, generator: new Generator(11) }), new ReLU(), new Identity(), new Softmax({ dim: 0 })), [2, 3], 12);
  });
});
