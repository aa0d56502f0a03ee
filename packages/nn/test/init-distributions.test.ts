import { describe, expect, it } from 'vitest';
import { Generator, Tensor, zeros } from '@tensorkit/core';
import { calculateGain, computeFans, init } from '../src/init.js';
import { Conv2d, Linear } from '../src/layers/index.js';

function stats(t: Tensor): { mean: number; std: number; min: number; max: number } {
  const d = t.toTypedArray();
  let s = 0, s2 = 0, min = Infinity, max = -Infinity;
  for (const v of d) {
    s += v;
    s2 += v * v;
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  const mean = s / d.length;
  return { mean, std: Math.sqrt(s2 / d.length - mean * mean), min, max };
}

const g = () => new Generator(42);

describe('init', () => {
  it('fans and gains follow PyTorch', () => {
    expect(computeFans([8, 4, 3, 3])).toEqual({ fanIn: 36, fanOut: 72 });
    expect(calculateGain('relu')).toBeCloseTo(Math.SQRT2);
    expect(calculateGain('tanh')).toBeCloseTo(5 / 3);
    expect(calculateGain('leakyRelu', Math.sqrt(5))).toBeCloseTo(Math.sqrt(1 / 3));
    expect(calculateGain('linear')).toBe(1);
    expect(() => computeFans([3])).toThrow(/at least 2 dimensions/);
  });

  it('uniform and normal have the requested moments', () => {
    const u = stats(init.uniform(zeros([200, 100]), { low: -2, high: 4, generator: g() }));
    expect(u.mean).toBeCloseTo(1, 1);
    expect(u.std).toBeCloseTo(6 / Math.sqrt(12), 1);
    expect(u.min).toBeGreaterThanOrEqual(-2);
    expect(u.max).toBeLessThan(4);
    const n = stats(init.normal(zeros([200, 100]), { mean: 3, std: 0.5, generator: g() }));
    expect(n.mean).toBeCloseTo(3, 1);
    expect(Math.abs(n.std - 0.5)).toBeLessThan(0.01);
  });

  it('xavier and kaiming hit their target standard deviations', () => {
    const shape = [256, 128];
    const xs = Math.sqrt(2 / (256 + 128));
    expect(Math.abs(stats(init.xavierUniform(zeros(shape), { generator: g() })).std / xs - 1)).toBeLessThan(0.03);
    expect(Math.abs(stats(init.xavierNormal(zeros(shape), { gain: 2, generator: g() })).std / (2 * xs) - 1)).toBeLessThan(0.03);
    const ks = Math.SQRT2 / Math.sqrt(128);
    expect(Math.abs(stats(init.kaimingNormal(zeros(shape), { nonlinearity: 'relu', generator: g() })).std / ks - 1)).toBeLessThan(0.03);
    const ku = stats(init.kaimingUniform(zeros(shape), { nonlinearity: 'relu', mode: 'fanOut', generator: g() }));
    expect(Math.abs(ku.std / (Math.SQRT2 / Math.sqrt(256)) - 1)).toBeLessThan(0.03);
    expect(ku.max).toBeLessThanOrEqual(Math.sqrt(6 / 256));
  });

  it('kaiming takes PyTorch\'s mode spellings fan_in / fan_out as fanIn / fanOut, and names the accepted ones for anything else', () => {
    // Same generator seed, so an alias must draw exactly the values of the mode it stands for.
    const same = (a: Tensor, b: Tensor) => expect(Array.from(a.toTypedArray())).toEqual(Array.from(b.toTypedArray()));
    same(init.kaimingUniform(zeros([4, 3]), { mode: 'fan_in', generator: g() }), init.kaimingUniform(zeros([4, 3]), { mode: 'fanIn', generator: g() }));
    same(init.kaimingNormal(zeros([4, 3]), { mode: 'fan_out', generator: g() }), init.kaimingNormal(zeros([4, 3]), { mode: 'fanOut', generator: g() }));
    // fan_out of [4, 3] is 4: the bound is gain·√(3/4) with gain √2 (leakyRelu, a = 0).
    expect(stats(init.kaimingUniform(zeros([400, 3]), { mode: 'fan_out', generator: g() })).max).toBeLessThanOrEqual(Math.SQRT2 * Math.sqrt(3 / 400));
    expect(() => init.kaimingNormal(zeros([4, 3]), { mode: 'fanin' as 'fanIn' })).toThrow("init.kaimingNormal: mode must be 'fanIn' or 'fanOut' ('fan_in' / 'fan_out' as in PyTorch), got 'fanin'");
  });

  it('calculateGain takes PyTorch\'s snake_case names and lists the accepted names for an unknown one', () => {
    expect(calculateGain('leaky_relu')).toBeCloseTo(Math.sqrt(2 / (1 + 0.01 ** 2)), 12);
    expect(calculateGain('leaky_relu', 0.2)).toBeCloseTo(Math.sqrt(2 / 1.04), 12);
    expect(calculateGain('conv_transpose2d')).toBe(1);
    expect(calculateGain('convTranspose1d')).toBe(1);
    expect(calculateGain('conv3d')).toBe(1);
    expect(() => calculateGain('swish' as 'relu')).toThrow(
      "calculateGain: unknown nonlinearity 'swish' (accepted: linear, identity, conv1d, conv2d, conv3d, convTranspose1d, convTranspose2d, convTranspose3d, sigmoid, tanh, relu, leakyRelu, selu, leaky_relu, conv_transpose1d, conv_transpose2d, conv_transpose3d)",
    );
    // A snake_case spelling of a name that is already one word is not invented: 'leaky_relu' is, 'sig_moid' is not.
    expect(() => calculateGain('sig_moid' as 'sigmoid')).toThrow("unknown nonlinearity 'sig_moid'");
  });

  it('orthogonal gives orthonormal rows (wide) or columns (tall), with gain', () => {
    for (const [rows, cols] of [[6, 10], [12, 4], [5, 5]]) {
      const w = init.orthogonal(zeros([rows, cols]), { gain: 2, generator: g() }).toTypedArray();
      const tall = rows >= cols;
      const n = tall ? cols : rows;
      const len = tall ? rows : cols;
      const at = (v: number, i: number) => (tall ? w[i * cols + v] : w[v * cols + i]);
      for (let a = 0; a < n; a++) {
        for (let b = 0; b < n; b++) {
          let dot = 0;
          for (let i = 0; i < len; i++) dot += at(a, i) * at(b, i);
          expect(Math.abs(dot - (a === b ? 4 : 0))).toBeLessThan(1e-5);
        }
      }
    }
    expect(() => init.orthogonal(zeros([4]))).toThrow(/at least 2 dimensions/);
  });

  it('refuses unknown option keys and empty ranges instead of falling back to the defaults', () => {
    // Before: PyTorch's spelling init.uniform(w, { a: -0.1, b: 0.1 }) silently filled U(0, 1), and { stdev } gave std 1.
    const u = { a: -0.1, b: 0.1 } as unknown as { low: number; high: number };
    expect(() => init.uniform(zeros([2, 2]), u)).toThrow("init.uniform: unknown options 'a', 'b'; known options: low, high, generator");
    expect(() => init.normal(zeros([2, 2]), { stdev: 0.02 } as unknown as { std: number })).toThrow("init.normal: unknown option 'stdev' (did you mean 'std'?); known options: mean, std, generator");
    expect(() => init.xavierUniform(zeros([2, 2]), { gian: 2 } as unknown as { gain: number })).toThrow(/^init.xavierUniform: unknown option 'gian'/);
    expect(() => init.kaimingNormal(zeros([2, 2]), { negative_slope: 0.1 } as never)).toThrow(/init.kaimingNormal: unknown option 'negative_slope'/);
    expect(() => init.orthogonal(zeros([2, 2]), { gain: 1, seed: 3 } as never)).toThrow(/init.orthogonal: unknown option 'seed'/);
    expect(() => init.uniform(zeros([2]), { low: 1, high: 0 })).toThrow('init.uniform: low must be ≤ high, got low 1 and high 0');
    expect(() => init.normal(zeros([2]), { std: -1 })).toThrow('init.normal: std must be a finite number ≥ 0, got -1');
  });

  it('refuses NaN, Infinity and strings for gains, slopes and bounds, naming the initialiser and the option', () => {
    const w = (): ReturnType<typeof zeros> => zeros([3, 2]);
    const cases: [() => unknown, string][] = [
      [() => init.xavierUniform(w(), { gain: NaN }), 'init.xavierUniform: gain must be a finite number ≥ 0, got NaN'],
      [() => init.xavierUniform(w(), { gain: Infinity }), 'init.xavierUniform: gain must be a finite number ≥ 0, got Infinity'],
      [() => init.xavierNormal(w(), { gain: -1 }), 'init.xavierNormal: gain must be a finite number ≥ 0, got -1'],
      [() => init.orthogonal(w(), { gain: NaN }), 'init.orthogonal: gain must be a finite number, got NaN'],
      [() => init.kaimingUniform(w(), { a: NaN }), 'init.kaimingUniform: a must be a finite number, got NaN'],
      [() => init.kaimingNormal(w(), { nonlinearity: 'swish' as 'relu' }), "init.kaimingNormal: unknown nonlinearity 'swish'"],
      [() => calculateGain('leaky_relu', NaN), 'calculateGain: param must be a finite number, got NaN'],
      [() => calculateGain('leaky_relu', 'x' as unknown as number), 'calculateGain: param must be a finite number, got "x"'],
      [() => init.uniform(w(), { low: -Infinity }), 'init.uniform: low must be a finite number, got -Infinity'],
      [() => init.normal(w(), { mean: NaN }), 'init.normal: mean must be a finite number, got NaN'],
      [() => init.normal(w(), { std: Infinity }), 'init.normal: std must be a finite number ≥ 0, got Infinity'],
      [() => init.constant(w(), '2' as unknown as number), 'init.constant: value must be a number, got "2"'],
      [() => computeFans([-1, 2]), 'computeFans: shape must be an array of integers ≥ 0, got [-1, 2]'],
    ];
    for (const [run, message] of cases) expect(run).toThrow(message);
    // Gain 0 is allowed (all zeros), as in PyTorch.
    expect(Array.from(init.xavierUniform(w(), { gain: 0 }).storage).every((v) => v === 0)).toBe(true);
  });

  it('constant, zeros, ones fill in place and the same seed gives the same draws', () => {
    const t = zeros([2, 2]);
    expect(init.constant(t, 7)).toBe(t);
    expect(Array.from(t.storage)).toEqual([7, 7, 7, 7]);
    expect(Array.from(init.ones(zeros([2])).storage)).toEqual([1, 1]);
    expect(Array.from(init.zeros(init.ones(zeros([2]))).storage)).toEqual([0, 0]);
    const a = init.kaimingUniform(zeros([4, 4]), { generator: new Generator(5) });
    const b = init.kaimingUniform(zeros([4, 4]), { generator: new Generator(5) });
    expect(Array.from(a.storage)).toEqual(Array.from(b.storage));
  });

  it('layer defaults follow PyTorch: weight and bias in U(±1/√fan_in)', () => {
    const lin = new Linear({ inFeatures: 64, outFeatures: 300, generator: g() });
    const bound = 1 / Math.sqrt(64);
    const ws = stats(lin.weight);
    expect(ws.max).toBeLessThanOrEqual(bound);
    expect(ws.min).toBeGreaterThanOrEqual(-bound);
    expect(Math.abs(ws.std / (bound / Math.sqrt(3)) - 1)).toBeLessThan(0.05);
    expect(stats(lin.bias!).max).toBeLessThanOrEqual(bound);
    const conv = new Conv2d({ inChannels: 4, outChannels: 32, kernelSize: 3, groups: 2, generator: g() });
    const cb = 1 / Math.sqrt(2 * 9);
    expect(Math.max(stats(conv.weight).max, -stats(conv.weight).min)).toBeLessThanOrEqual(cb);
    expect(Math.max(stats(conv.bias!).max, -stats(conv.bias!).min)).toBeLessThanOrEqual(cb);
    expect(stats(conv.weight).max).toBeGreaterThan(cb * 0.9);
  });
});
