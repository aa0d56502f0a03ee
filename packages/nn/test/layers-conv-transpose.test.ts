import { describe, expect, it } from 'vitest';
import { Generator, randn, tensor } from '@tensorkit/core';
import { buildModule } from '../src/config.js';
import { Conv2d, ConvTranspose1d, ConvTranspose2d } from '../src/layers/index.js';
import { expectClose } from '../../core/test/helpers.js';
import { checkModuleGrad, f64, gradcheckModule } from './layers-helpers.js';

describe('ConvTranspose2d', () => {
  it('by hand with loaded weights: stride 2 tiles x[i][j]·K, bias added everywhere', () => {
    const m = new ConvTranspose2d({ inChannels: 1, outChannels: 1, kernelSize: 2, stride: 2 });
    m.loadStateDict({ weight: tensor([[[[1, 2], [3, 4]]]]), bias: tensor([1]) });
    expectClose(m.forward(tensor([[[[1, 2], [3, 4]]]])), [[[[2, 3, 3, 5], [4, 5, 7, 9], [4, 7, 5, 9], [10, 13, 13, 17]]]]);
  });

  it('weight layout [in, out/groups, kH, kW], stateDict names and output shapes', () => {
    const m = new ConvTranspose2d({ inChannels: 4, outChannels: 6, kernelSize: [3, 2], stride: 2, padding: 1, outputPadding: 1, groups: 2 });
    expect(m.weight.shape).toEqual([4, 3, 3, 2]);
    expect(m.bias!.shape).toEqual([6]);
    expect(Object.keys(m.stateDict())).toEqual(['weight', 'bias']);
    // H' = (5−1)·2 − 2 + 2 + 1 + 1 = 10, W' = (3−1)·2 − 2 + 1 + 1 + 1 = 5
    expect(m.forward(randn([2, 4, 5, 3])).shape).toEqual([2, 6, 10, 5]);
    expect(Object.keys(new ConvTranspose2d({ inChannels: 1, outChannels: 1, kernelSize: 1, bias: false }).stateDict())).toEqual(['weight']);
  });

  it('undoes a stride-2 Conv2d\'s downsampling (autoencoder shape round trip)', () => {
    const down = new Conv2d({ inChannels: 3, outChannels: 8, kernelSize: 3, stride: 2, padding: 1 });
    const up = new ConvTranspose2d({ inChannels: 8, outChannels: 3, kernelSize: 3, stride: 2, padding: 1, outputPadding: 1 });
    expect(up.forward(down.forward(randn([2, 3, 16, 12]))).shape).toEqual([2, 3, 16, 12]);
  });

  it("PyTorch's default init: kaiming_uniform(a=√5) with fan_in = (out/groups)·kH·kW, bias U(±1/√fan_in)", () => {
    // fan_in = (12/2)·3·3 = 54 (not in/groups·k·k = 9·2·... as a Conv2d would use)
    const m = new ConvTranspose2d({ inChannels: 4, outChannels: 12, kernelSize: 3, groups: 2, generator: new Generator(5) });
    const bound = 1 / Math.sqrt(54);
    const w = Array.from(m.weight.toTypedArray() as Float32Array);
    expect(Math.max(...w.map(Math.abs))).toBeLessThanOrEqual(bound + 1e-7);
    expect(Math.max(...w.map(Math.abs))).toBeGreaterThan(0.9 * bound); // 216 draws fill the interval
    const b = Array.from(m.bias!.toTypedArray() as Float32Array);
    expect(Math.max(...b.map(Math.abs))).toBeLessThanOrEqual(bound + 1e-7);
    // seeded: the same generator seed gives the same weights
    expect(new ConvTranspose2d({ inChannels: 4, outChannels: 12, kernelSize: 3, groups: 2, generator: new Generator(5) }).weight.toArray()).toEqual(m.weight.toArray());
  });

  it('gradcheck w.r.t. input, weight and bias (stride, padding, outputPadding, dilation, groups)', () => {
    checkModuleGrad(new ConvTranspose2d({ inChannels: 2, outChannels: 3, kernelSize: [3, 2], stride: 2, padding: 1, outputPadding: 1, generator: new Generator(1) }), [2, 2, 3, 2]);
    checkModuleGrad(new ConvTranspose2d({ inChannels: 4, outChannels: 2, kernelSize: 2, dilation: 2, outputPadding: [1, 0], groups: 2, generator: new Generator(2) }), [1, 4, 2, 3]);
    const m = new ConvTranspose2d({ inChannels: 2, outChannels: 2, kernelSize: 2, stride: 2, bias: false, generator: new Generator(3) });
    const r = gradcheckModule(m, [f64([1, 2, 3, 2], 4)], (x) => m.forward(x.transpose(2, 3))); // strided input
    expect(r.ok, r.message).toBe(true);
  });

  it('buildModule rebuilds it from its config; errors name the layer', () => {
    const m = new ConvTranspose2d({ inChannels: 2, outChannels: 4, kernelSize: 3, stride: [2, 1], outputPadding: [1, 0], generator: new Generator(7) });
    const copy = buildModule<ConvTranspose2d>(m.config);
    expect(copy).toBeInstanceOf(ConvTranspose2d);
    copy.loadStateDict(m.stateDict());
    const x = randn([1, 2, 3, 3]);
    expect(copy.forward(x).toArray()).toEqual(m.forward(x).toArray());
    expect(() => m.forward(randn([1, 3, 4, 4]))).toThrow('ConvTranspose2d: expected input [N, C, H, W] with C = 2, got [1,3,4,4]');
    expect(() => new ConvTranspose2d({ inChannels: 3, outChannels: 4, kernelSize: 1, groups: 2 })).toThrow('ConvTranspose2d: groups=2 must divide inChannels=3 and outChannels=4');
    expect(() => new ConvTranspose2d({ inChannels: 1, outChannels: 1, kernelSize: [2, 0] })).toThrow('ConvTranspose2d: kernelSize must be a positive integer or a pair of them [height, width], got [2, 0]');
    expect(() => new ConvTranspose2d({ inChannels: 1, outChannels: 1, kernelSize: 2, stride: 2, outputPadding: 2 }).forward(randn([1, 1, 2, 2])))
      .toThrow('convTranspose2d: outputPadding (2,2) must be smaller than either stride (2,2) or dilation (1,1)');
  });
});

describe('ConvTranspose1d', () => {
  it('by hand, shapes, init fan and stateDict', () => {
    const m = new ConvTranspose1d({ inChannels: 1, outChannels: 1, kernelSize: 2 });
    m.loadStateDict({ weight: tensor([[[1, 10]]]), bias: tensor([0.5]) });
    expectClose(m.forward(tensor([[[1, 2, 3]]])), [[[1.5, 12.5, 23.5, 30.5]]]);
    const g = new ConvTranspose1d({ inChannels: 4, outChannels: 6, kernelSize: 3, stride: 2, padding: 1, outputPadding: 1, groups: 2, generator: new Generator(2) });
    expect(g.weight.shape).toEqual([4, 3, 3]);
    expect(Object.keys(g.stateDict())).toEqual(['weight', 'bias']);
    expect(g.forward(randn([2, 4, 7])).shape).toEqual([2, 6, 14]); // 6·2 − 2 + 2 + 1 + 1
    const bound = 1 / Math.sqrt(3 * 3); // fan_in = (6/2)·3
    expect(Math.max(...Array.from(g.weight.toTypedArray() as Float32Array, Math.abs))).toBeLessThanOrEqual(bound + 1e-7);
    expect(() => g.forward(randn([2, 4, 7, 1]))).toThrow('ConvTranspose1d: expected input [N, C, L] with C = 4, got [2,4,7,1]');
  });

  it('gradcheck w.r.t. input, weight and bias; buildModule round trip', () => {
    checkModuleGrad(new ConvTranspose1d({ inChannels: 2, outChannels: 4, kernelSize: 3, stride: 3, padding: 1, outputPadding: 2, groups: 2, generator: new Generator(8) }), [2, 2, 4]);
    checkModuleGrad(new ConvTranspose1d({ inChannels: 3, outChannels: 1, kernelSize: 2, dilation: 3, outputPadding: 1, bias: false, generator: new Generator(9) }), [1, 3, 3]);
    const m = new ConvTranspose1d({ inChannels: 2, outChannels: 2, kernelSize: 3 });
    expect(buildModule(m.config).config).toEqual(m.config);
  });
});
