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

  it('kaiming rejects an unknown mode (PyTorch\'s spelling fan_in used to mean fanOut silently)', () => {
    expect(() => init.kaimingUniform(zeros([4, 3]), { mode: 'fan_in' as 'fanIn' })).toThrow("mode must be 'fanIn' or 'fanOut', got 'fan_in'");
    expect(() => init.kaimingNormal(zeros([4, 3]), { mode: 'fan_out' as 'fanOut' })).toThrow("got 'fan_out'");
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
