import { describe, expect, it } from 'vitest';
import {
  abs, cos, erf, exp, flip, gelu, leakyRelu, log, log1p, neg, relu, rsqrt, sigmoid, silu, sin, softplus, sqrt, square, tanh, tensor,
  unaryWith, type Tensor,
} from '@tensorkit/core';
import { expectClose, expectGrad, f64 } from './helpers.js';

const E = Math.E;
const PI = Math.PI;

// [op, input, expected output]; expected values are closed forms or (for the
// transcendental ones) 9+ significant digits of the textbook values.
const FORWARD: [string, (x: Tensor) => Tensor, number[], number[]][] = [
  ['neg', neg, [1, -2, 0], [-1, 2, 0]],
  ['abs', abs, [-1.5, 2, 0], [1.5, 2, 0]],
  ['exp', exp, [0, 1, -1], [1, E, 1 / E]],
  ['log', log, [1, E, 0.5], [0, 1, -Math.LN2]],
  ['log1p', log1p, [0, E - 1, -0.5], [0, 1, -Math.LN2]],
  ['sqrt', sqrt, [4, 2.25, 0], [2, 1.5, 0]],
  ['rsqrt', rsqrt, [4, 0.25, 1], [0.5, 2, 1]],
  ['square', square, [-3, 0.5, 0], [9, 0.25, 0]],
  ['sin', sin, [0, PI / 2, PI / 6], [0, 1, 0.5]],
  ['cos', cos, [0, PI, PI / 3], [1, -1, 0.5]],
  ['tanh', tanh, [0, 0.5, -1], [0, 0.462117157, -0.761594156]],
  // sigmoid(2) = 1/(1+e^-2) = 1/1.135335283 = 0.880797078; sigmoid(-2) = 1 - that.
  ['sigmoid', sigmoid, [0, 2, -2], [0.5, 0.880797078, 0.119202922]],
  ['relu', relu, [-1, 0, 2], [0, 0, 2]],
  // gelu(x) = x·Φ(x): Φ(1) = 0.841344746, Φ(-1) = 0.158655254, Φ(2) = 0.977249868.
  ['gelu', (x) => gelu(x), [1, -1, 2], [0.841344746, -0.158655254, 1.954499736]],
  // silu(x) = x·sigmoid(x): sigmoid(1) = 0.731058579.
  ['silu', silu, [0, 1, -1], [0, 0.731058579, -0.268941421]],
  // softplus: ln 2, ln(1+e) = 1.313261687, ln(1+1/e) = 0.313261687, linear above the threshold.
  ['softplus', (x) => softplus(x), [0, 1, -1, 30], [Math.LN2, 1.313261687, 0.313261687, 30]],
];

describe('unary forward', () => {
  for (const [name, fn, input, expected] of FORWARD) {
    it(`${name} matches hand values (float32 and float64)`, () => {
      expectClose(fn(tensor(input)), expected, 1e-6);
      const y = fn(tensor(input, { dtype: 'float64' }));
      expect(y.dtype).toBe('float64');
      expectClose(y, expected, 1e-9);
    });
  }

  it('methods match functions', () => {
    const x = tensor([0.5, 1.5]);
    expect(x.exp().toArray()).toEqual(exp(x).toArray());
    expect(x.sigmoid().toArray()).toEqual(sigmoid(x).toArray());
    expect(x.gelu('tanh').toArray()).toEqual(gelu(x, 'tanh').toArray());
    expect(x.softplus(2).toArray()).toEqual(softplus(x, 2).toArray());
    expect(x.leakyRelu(0.2).toArray()).toEqual(leakyRelu(x, 0.2).toArray());
  });

  it('parameterised variants', () => {
    expectClose(leakyRelu(tensor([-2, 3]), 0.1), [-0.2, 3]);
    expectClose(leakyRelu(tensor([-2, 3])), [-0.02, 3]);
    // 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715x³))): x=1 → 0.841191991, x=-1 → -0.158808009.
    expectClose(gelu(tensor([1, -1], { dtype: 'float64' }), 'tanh'), [0.841191991, -0.158808009], 1e-8);
    // softplus(1, beta=2) = ln(1 + e²)/2 = 2.126928011/2.
    expectClose(softplus(tensor([1], { dtype: 'float64' }), 2), [1.063464006], 1e-8);
    // beta·x = 2·15 = 30 > threshold 20: linear.
    expectClose(softplus(tensor([15]), 2), [15]);
  });

  it('erf is accurate in the series and continued-fraction ranges', () => {
    expect(erf(0)).toBe(0);
    expect(erf(0.5)).toBeCloseTo(0.5204998778130465, 14);
    expect(erf(1)).toBeCloseTo(0.8427007929497149, 14);
    expect(erf(-2)).toBeCloseTo(-0.9953222650189527, 14);
    expect(erf(3)).toBeCloseTo(0.9999779095030014, 14);
    expect(erf(4.5)).toBeCloseTo(0.9999999998033839, 14);
    expect(erf(10)).toBe(1);
  });

  it('reads non-contiguous inputs in logical order', () => {
    const x = tensor([[1, 4], [9, 16]]);
    expectClose(sqrt(x.T), [[1, 3], [2, 4]]);
    expectClose(x.slice(1, 1).sqrt(), [[2], [4]]);
    expectClose(tensor([0, 1]).expand(2, 2).exp(), [[1, E], [1, E]]);
    expectClose(flip(x, 0).neg(), [[-9, -16], [-1, -4]]);
  });

  it('promotes integer and bool inputs to float32', () => {
    const y = sqrt(tensor([4, 9], { dtype: 'int32' }));
    expect(y.dtype).toBe('float32');
    expect(y.toArray()).toEqual([2, 3]);
    expect(exp(tensor([false, true])).toArray()).toEqual([1, Math.fround(E)]);
  });

  it('abs, neg, square and relu keep an integer dtype, wrapping as the C type does (PyTorch); bool still promotes', () => {
    const i = tensor([-3, 0, 5, -2147483648], { dtype: 'int32' });
    const ints = (t: Tensor) => [t.dtype, Array.from(t.toTypedArray())];
    expect(ints(i.abs())).toEqual(['int32', [3, 0, 5, -2147483648]]);
    expect(ints(i.neg())).toEqual(['int32', [3, 0, -5, -2147483648]]);
    expect(ints(i.square())).toEqual(['int32', [9, 0, 25, 0]]);
    expect(ints(i.relu())).toEqual(['int32', [0, 0, 5, 0]]);
    const u = tensor([0, 1, 200], { dtype: 'uint8' });
    expect(ints(u.neg())).toEqual(['uint8', [0, 255, 56]]);
    expect(ints(u.square())).toEqual(['uint8', [0, 1, 64]]);
    expect(ints(u.abs())).toEqual(['uint8', [0, 1, 200]]);
    expect(ints(u.relu())).toEqual(['uint8', [0, 1, 200]]);
    expect(tensor([true, false]).abs().dtype).toBe('float32');
    expect(i.exp().dtype).toBe('float32');
  });

  it('keeps special values', () => {
    expectClose(log(tensor([0, -1])), [-Infinity, NaN]);
    expectClose(exp(tensor([-Infinity, Infinity])), [0, Infinity]);
    expectClose(sigmoid(tensor([-1000, 1000], { dtype: 'float64' })), [0, 1]);
    expectClose(softplus(tensor([-1000], { dtype: 'float64' })), [0]);
  });
});

describe('unary gradients (float64 gradcheck)', () => {
  // Inputs avoid kinks (0 for relu/abs/leakyRelu) and stay in the domain (positive for log/sqrt/rsqrt).
  const mixed = () => f64([[-1.3, 0.4, 2.1], [0.7, -0.6, -2.2]]);
  const positive = () => f64([[0.3, 1.2, 2.5], [0.8, 1.7, 0.45]]);
  const cases: [string, (x: Tensor) => Tensor, () => Tensor][] = [
    ['neg', neg, mixed], ['abs', abs, mixed], ['exp', exp, mixed], ['log', log, positive], ['log1p', log1p, positive],
    ['sqrt', sqrt, positive], ['rsqrt', rsqrt, positive], ['square', square, mixed], ['sin', sin, mixed], ['cos', cos, mixed],
    ['tanh', tanh, mixed], ['sigmoid', sigmoid, mixed], ['relu', relu, mixed], ['leakyRelu', (x) => leakyRelu(x, 0.2), mixed],
    ['gelu', (x) => gelu(x), mixed], ['gelu tanh', (x) => gelu(x, 'tanh'), mixed], ['silu', silu, mixed],
    ['softplus', (x) => softplus(x), mixed], ['softplus beta=3', (x) => softplus(x, 3), mixed],
  ];
  for (const [name, fn, input] of cases) {
    it(name, () => expectGrad(fn, [input()]));
  }

  it('through a transposed view', () => {
    expectGrad((x) => tanh(x.T).mul(sigmoid(x.T)), [mixed()]);
  });

  it('hand-checked gradients', () => {
    const x = f64([-2, 3]);
    relu(x).sum().backward();
    expect(x.grad!.toArray()).toEqual([0, 1]);
    const y = f64([4]);
    sqrt(y).backward();
    expect(y.grad!.toArray()).toEqual([0.25]); // 1/(2√4)
  });
});

describe('unary gradients: broadcast views, saturation, softplus threshold', () => {
  it('through a broadcast (stride-0) view: the repeated reads add up', () => {
    expectGrad((x) => sigmoid(x.expand(3, 3)).mul(x.expand(3, 3).T), [f64([[-0.4, 0.9, 1.6]])]);
    expectGrad((x) => gelu(x.expand(2, 2, 2), 'tanh'), [f64([[0.3], [-1.1]])]);
  });

  it('saturated inputs keep finite, exact gradients', () => {
    const big = () => f64([-40, -8, 8, 39]);
    for (const fn of [sigmoid, silu, tanh, (x: Tensor) => softplus(x, 0.5), (x: Tensor) => gelu(x), (x: Tensor) => gelu(x, 'tanh')]) expectGrad(fn, [big()]);
    // No NaN from exp overflow: at ±1000 the gradients are 0 (sigmoid, tanh) or the slope of the line (silu, softplus).
    const x = f64([-1000, 1000]);
    sigmoid(x).add(tanh(x)).add(silu(x)).add(softplus(x)).sum().backward();
    expect(x.grad!.toArray()).toEqual([0, 2]);
  });

  it('softplus is the identity (gradient 1) above threshold/beta', () => {
    // beta 2, threshold 2: x = 1.6 and 2.5 are past 2/2 = 1; softplus(0.4) = ln(1 + e^0.8)/2 = 1.171100666/2
    const y = softplus(tensor([0.4, 1.6, 2.5], { dtype: 'float64' }), 2, 2);
    expectClose(y, [0.585550333, 1.6, 2.5], 1e-8);
    const x = f64([0.4, 1.6, 2.5]);
    softplus(x, 2, 2).sum().backward();
    // d/dx = sigmoid(2x) below the threshold: sigmoid(0.8) = 0.689974481
    expectClose(x.grad!, [0.689974481, 1, 1], 1e-8);
    expectGrad((v) => softplus(v, 2, 2), [f64([[-1.3, 0.4], [1.6, 2.5]])]);
    expectGrad((v) => softplus(v.T, 0.5, 1), [f64([[-3, 0.7], [1.5, 4]])]);
  });
});

describe('unaryWith (a custom elementwise op from f and its local derivative)', () => {
  // f(x) = x³ with f'(x) = 3x² from the input; g(x) = eˣ with g'(x) read from the output y.
  const cube = (x: Tensor) => unaryWith('cube', x, (v) => v * v * v, (v) => 3 * v * v);
  const expFromY = (x: Tensor) => unaryWith('expFromY', x, Math.exp, (_v, y) => y);

  it('forward by hand, also on a transposed view and an int input', () => {
    expectClose(cube(tensor([[1, -2], [0.5, 3]]).T), [[1, 0.125], [-8, 27]]);
    expectClose(expFromY(tensor([0, 1], { dtype: 'float64' })), [1, E], 1e-12);
    const i = cube(tensor([2, -3], { dtype: 'int32' }));
    expect([i.dtype, i.toArray()]).toEqual(['float32', [8, -27]]);
  });

  it('gradients by hand and by float64 gradcheck (contiguous, transposed, broadcast)', () => {
    const x = f64([2, -1]);
    cube(x).sum().backward();
    expect(x.grad!.toArray()).toEqual([12, 3]);
    expectGrad(cube, [f64([[-1.3, 0.4, 2.1], [0.7, -0.6, -2.2]])]);
    expectGrad((v) => expFromY(v.T), [f64([[-1.3, 0.4, 2.1], [0.7, -0.6, -2.2]])]);
    expectGrad((v) => cube(v.expand(2, 3)), [f64([0.5, -1.5, 1.2])]);
  });
});
