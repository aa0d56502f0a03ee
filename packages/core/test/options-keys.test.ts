// Unknown option keys are refused, naming the function, the key, a did-you-mean and the known
// keys: PyTorch spellings (requires_grad, ceil_mode) and typos (decending) used to be ignored
// and the default used without a word.
import { describe, expect, it } from 'vitest';
import {
  arange, argsort, avgPool1d, backward, conv1d, conv2d, conv2dMaxPool, convTranspose2d, createWasmBackend, eye, full,
  Generator, gradcheck, interpolate, jsBackend, linspace, maxPool2d, ones, rand, randint, randn, round, sort, tensor, topk, zeros,
} from '@tensorkit/core';

// Options typed `any` are what the compiler lets through: config files, JSON, JavaScript callers.
const any = (o: object): any => o;

describe('unknown option keys', () => {
  it('factories: snake_case and typos get the camelCase key suggested', () => {
    expect(() => zeros([2], any({ requires_grad: true }))).toThrow(
      "zeros: unknown option 'requires_grad' (did you mean 'requiresGrad'?); known options: dtype, requiresGrad",
    );
    expect(() => tensor([1, 2], any({ dtyp: 'int32' }))).toThrow(
      "tensor: unknown option 'dtyp' (did you mean 'dtype'?); known options: dtype, requiresGrad, shape",
    );
    expect(() => ones([2], any({ requiresgrad: true }))).toThrow(/^ones: unknown option 'requiresgrad' \(did you mean 'requiresGrad'\?\)/);
    expect(() => full([2], 1, any({ device: 'cpu' }))).toThrow("full: unknown option 'device'; known options: dtype, requiresGrad");
    expect(() => arange(3, undefined, 1, any({ dtpye: 'float32' }))).toThrow(/^arange: unknown option 'dtpye' \(did you mean 'dtype'\?\)/);
    expect(() => linspace(0, 1, 3, any({ requires_grad: true }))).toThrow(/^linspace: unknown option 'requires_grad'/);
    expect(() => eye(2, 2, any({ requires_grad: true }))).toThrow(/^eye: unknown option 'requires_grad'/);
  });

  it('random factories: generator options', () => {
    expect(() => randn([2], any({ stdev: 3 }))).toThrow(
      "randn: unknown option 'stdev' (did you mean 'std'?); known options: dtype, requiresGrad, generator, mean, std",
    );
    expect(() => rand([2], any({ low: 0, hight: 2 }))).toThrow(
      "rand: unknown option 'hight' (did you mean 'high'?); known options: dtype, requiresGrad, generator, low, high",
    );
    expect(() => randint(0, 5, [2], any({ gen: new Generator(1) }))).toThrow(/^randint: unknown option 'gen' \(did you mean 'generator'\?\)/);
    // Two unknown keys are both named.
    expect(() => randn([2], any({ requires_grad: true, seed: 1 }))).toThrow(/^randn: unknown options 'requires_grad' \(did you mean 'requiresGrad'\?\), 'seed';/);
  });

  it('a refused draw leaves the generator where it was', () => {
    const g = new Generator(3);
    const before = g.getState();
    expect(() => randn([4], any({ generator: g, sdt: 2 }))).toThrow(/did you mean 'std'/);
    expect(g.getState()).toEqual(before);
  });

  it('sort, argsort, topk', () => {
    const x = tensor([3, 1, 2]);
    expect(() => x.sort(0, any({ decending: true }))).toThrow(
      "sort: unknown option 'decending' (did you mean 'descending'?); known options: descending, stable",
    );
    expect(() => argsort(x, 0, any({ reverse: true }))).toThrow("argsort: unknown option 'reverse'; known options: descending, stable");
    expect(() => topk(x, 2, 0, any({ larget: false }))).toThrow(
      "topk: unknown option 'larget' (did you mean 'largest'?); known options: largest, sorted",
    );
    expect(() => sort(x, 0, any({ desc: true }))).toThrow(/did you mean 'descending'\?/);
  });

  it('pooling and convolution', () => {
    const x = zeros([1, 1, 5, 5]);
    expect(() => maxPool2d(x, 2, any({ ceil_mode: true }))).toThrow(
      "maxPool2d: unknown option 'ceil_mode' (did you mean 'ceilMode'?); known options: stride, padding, dilation, ceilMode, countIncludePad",
    );
    expect(() => avgPool1d(zeros([1, 1, 5]), 2, any({ count_include_pad: false }))).toThrow(/^avgPool1d: unknown option 'count_include_pad' \(did you mean 'countIncludePad'\?\)/);
    const w = zeros([1, 1, 3, 3]);
    expect(() => conv2d(x, w, null, any({ padding: 1, dilations: 2 }))).toThrow(/^conv2d: unknown option 'dilations' \(did you mean 'dilation'\?\)/);
    expect(() => conv1d(zeros([1, 1, 5]), zeros([1, 1, 3]), null, any({ strides: 2 }))).toThrow(/^conv1d: unknown option 'strides' \(did you mean 'stride'\?\)/);
    expect(() => convTranspose2d(x, w, null, any({ output_padding: 1 }))).toThrow(/^convTranspose2d: unknown option 'output_padding' \(did you mean 'outputPadding'\?\)/);
    // The fused op reads both option objects itself.
    expect(() => conv2dMaxPool(x, w, null, {}, 2, any({ ceil_mode: true }))).toThrow(/^conv2dMaxPool: unknown pool option 'ceil_mode' \(did you mean 'ceilMode'\?\)/);
    expect(() => conv2dMaxPool(x, w, null, any({ activation: 'relu', pad: 1 }), 2)).toThrow(/^conv2dMaxPool: unknown conv option 'pad' \(did you mean 'padding'\?\)/);
  });

  it('interpolate', () => {
    const x = zeros([1, 1, 2, 2]);
    expect(() => interpolate(x, any({ size: 4, mode: 'bilinear', align_corners: true }))).toThrow(
      "interpolate: unknown option 'align_corners' (did you mean 'alignCorners'?); known options: size, scaleFactor, mode, alignCorners",
    );
    expect(() => interpolate(x, any({ scale_factor: 2 }))).toThrow(/did you mean 'scaleFactor'\?/);
  });

  it('round, backward, gradcheck, createWasmBackend, Generator.setState', () => {
    expect(() => round(tensor([1.25]), any({ digits: 1 }))).toThrow("round: unknown option 'digits'; known options: decimals");
    const a = tensor([1, 2], { requiresGrad: true });
    expect(() => backward(a.mul(2).sum(), undefined, any({ retain_graph: true }))).toThrow(/^backward: unknown option 'retain_graph' \(did you mean 'retainGraph'\?\); known options: retainGrad, retainGraph, createGraph$/);
    expect(() => gradcheck((t) => t.sum(), [tensor([1], { dtype: 'float64', requiresGrad: true })], any({ tol: 1e-3 }))).toThrow(/^gradcheck: unknown option 'tol' \(did you mean 'atol'\?\)/);
    expect(() => createWasmBackend(any({ fallback: jsBackend, num_threads: 1 }))).toThrow(/^createWasmBackend: unknown option 'num_threads'/);
    const g = new Generator(1);
    expect(() => g.setState(any({ ...g.getState(), spare_normal: 0.5 }))).toThrow(/^Generator\.setState: unknown key 'spare_normal' \(did you mean 'spareNormal'\?\); known keys: s, spareNormal/);
  });

  it('options must be an object; undefined means the defaults', () => {
    expect(() => zeros([2], any(null as unknown as object))).toThrow('zeros: options must be an object, got null');
    expect(() => maxPool2d(zeros([1, 1, 2, 2]), 2, any([1]))).toThrow('maxPool2d: options must be an object, got an array');
    expect(zeros([2], undefined).shape).toEqual([2]);
    expect(sort(tensor([2, 1]), 0, undefined).values.toArray()).toEqual([1, 2]);
  });

  it('the accepted keys still work', () => {
    expect(zeros([2], { dtype: 'int32', requiresGrad: false }).dtype).toBe('int32');
    expect(randn([3], { generator: new Generator(0), mean: 1, std: 0, dtype: 'float64', requiresGrad: true }).toArray()).toEqual([1, 1, 1]);
    expect(tensor([1, 2, 3, 4], { shape: [2, 2], dtype: 'float32', requiresGrad: true }).requiresGrad).toBe(true);
    expect(tensor([3, 1, 2]).topk(2, 0, { largest: false, sorted: true }).values.toArray()).toEqual([1, 2]);
    expect(maxPool2d(zeros([1, 1, 3, 3]), 2, { ceilMode: true, stride: 2, padding: 0, dilation: 1, countIncludePad: true }).shape).toEqual([1, 1, 2, 2]);
  });
});
