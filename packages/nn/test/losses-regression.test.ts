import { describe, expect, it } from 'vitest';
import { tensor, type Tensor } from '@tensorkit/core';
import { bceLoss, cosineSimilarity, huberLoss, klDivLoss, l1Loss, smoothL1Loss } from '../src/losses/index.js';
import { expectGrad, rnd } from '../../core/test/helpers.js';

const f64 = (x: number[] | number[][] | number[][][]) => tensor(x, { dtype: 'float64' });
const values = (t: Tensor) => Array.from(t.toTypedArray());
const expectValues = (t: Tensor, expected: number[], digits = 14) => {
  const got = values(t);
  expect(got).toHaveLength(expected.length);
  got.forEach((v, i) => expect(v).toBeCloseTo(expected[i], digits));
};
const REDUCTIONS = ['mean', 'sum', 'none'] as const;

// d = input - target = [-0.5, 2, 0]
const A = [1, 2, 3];
const B = [1.5, 0, 3];

describe('l1Loss', () => {
  it('matches |d| by hand for every reduction; the gradient at d = 0 is 0 (PyTorch\'s sign)', () => {
    expectValues(l1Loss(f64(A), f64(B), { reduction: 'none' }), [0.5, 2, 0]);
    expect(l1Loss(f64(A), f64(B), { reduction: 'sum' }).item()).toBe(2.5);
    expect(l1Loss(f64(A), f64(B)).item()).toBeCloseTo(2.5 / 3, 14);
    const a = tensor(A, { dtype: 'float64', requiresGrad: true });
    const b = tensor(B, { dtype: 'float64', requiresGrad: true });
    l1Loss(a, b, { reduction: 'sum' }).backward();
    expect(a.grad!.toArray()).toEqual([-1, 1, 0]);
    expect(b.grad!.toArray()).toEqual([1, -1, -0]);
  });

  it('float32 in, float32 out; refuses silent broadcasting and bad reductions', () => {
    const out = l1Loss(tensor(A), tensor(B));
    expect(out.dtype).toBe('float32');
    expect(out.item()).toBeCloseTo(2.5 / 3, 6);
    expect(() => l1Loss(f64(A), f64([B]))).toThrow('l1Loss: input shape [3] and target shape [1, 3] must be equal');
    expect(() => l1Loss(f64(A), f64(B), { reduction: 'avg' as 'mean' })).toThrow("l1Loss: reduction must be 'mean', 'sum' or 'none'");
  });

  it('gradcheck for input and target, every reduction, a transposed input', () => {
    for (const reduction of REDUCTIONS) expectGrad((x, y) => l1Loss(x.T, y, { reduction }), [rnd([3, 2], 1), rnd([2, 3], 2)]);
  });
});

describe('smoothL1Loss / huberLoss', () => {
  it('smoothL1Loss: 0.5·d²/β inside |d| < β, |d| - 0.5·β outside; β = 0 is l1Loss', () => {
    // PyTorch: F.smooth_l1_loss(tensor([1., 2, 3]), tensor([1.5, 0, 3])) = (0.125 + 1.5 + 0) / 3
    expectValues(smoothL1Loss(f64(A), f64(B), { reduction: 'none' }), [0.125, 1.5, 0]);
    expect(smoothL1Loss(f64(A), f64(B)).item()).toBeCloseTo(1.625 / 3, 14);
    // β = 0.5: |d| = 0.5 is on the linear side: 0.5 - 0.25
    expectValues(smoothL1Loss(f64(A), f64(B), { beta: 0.5, reduction: 'none' }), [0.25, 1.75, 0]);
    expect(smoothL1Loss(f64(A), f64(B), { beta: 0, reduction: 'sum' }).item()).toBe(2.5);
    expect(() => smoothL1Loss(f64(A), f64(B), { beta: -1 })).toThrow('smoothL1Loss: beta must be a finite number ≥ 0, got -1');
  });

  it('huberLoss: 0.5·d² inside |d| < δ, δ·(|d| - 0.5·δ) outside; equals δ·smoothL1Loss(β = δ)', () => {
    expectValues(huberLoss(f64(A), f64(B), { reduction: 'none' }), [0.125, 1.5, 0]);
    expectValues(huberLoss(f64(A), f64(B), { delta: 0.5, reduction: 'none' }), [0.125, 0.875, 0]);
    expectValues(huberLoss(f64(A), f64(B), { delta: 3, reduction: 'none' }), [0.125, 2, 0]);
    expect(huberLoss(f64(A), f64(B), { delta: 0.5, reduction: 'sum' }).item()).toBeCloseTo(0.5 * smoothL1Loss(f64(A), f64(B), { beta: 0.5, reduction: 'sum' }).item(), 14);
    expect(() => huberLoss(f64(A), f64(B), { delta: 0 })).toThrow('huberLoss: delta must be a finite number > 0, got 0');
  });

  it('gradients by hand: d/β inside, ±1 (smoothL1) or ±δ (huber) outside', () => {
    const x = tensor([0, 0.2, 3, -3], { dtype: 'float64', requiresGrad: true });
    smoothL1Loss(x, f64([0, 0, 0, 0]), { beta: 0.5, reduction: 'sum' }).backward();
    expect(x.grad!.toArray()).toEqual([0, 0.4, 1, -1]);
    const y = tensor([0, 0.2, 3, -3], { dtype: 'float64', requiresGrad: true });
    huberLoss(y, f64([0, 0, 0, 0]), { delta: 0.5, reduction: 'sum' }).backward();
    expect(y.grad!.toArray()).toEqual([0, 0.2, 0.5, -0.5]);
  });

  it('gradcheck on both branches (std 2 puts elements on each side of β = δ = 0.7), every reduction', () => {
    for (const reduction of REDUCTIONS) {
      expectGrad((x, y) => smoothL1Loss(x, y, { beta: 0.7, reduction }), [rnd([3, 4], 3, { std: 2 }), rnd([3, 4], 4)]);
      expectGrad((x, y) => huberLoss(x.T, y, { delta: 0.7, reduction }), [rnd([4, 3], 5, { std: 2 }), rnd([3, 4], 6)]);
    }
  });
});

describe('klDivLoss', () => {
  // Two rows: q = [1/4, 3/4] against p = [1/2, 1/2], and q = [1/2, 1/2] against p = [1, 0].
  const logQ = () => f64([[Math.log(0.25), Math.log(0.75)], [Math.log(0.5), Math.log(0.5)]]);
  const P = [[0.5, 0.5], [1, 0]];
  const kl0 = 0.5 * Math.log(4 / 3); // 0.5·ln(0.5/0.25) + 0.5·ln(0.5/0.75)
  const kl1 = Math.log(2);

  it('pointwise t·(log t - x), 0 where t = 0; reductions incl. batchmean', () => {
    expectValues(klDivLoss(logQ(), f64(P), { reduction: 'none' }), [0.5 * Math.log(2), 0.5 * Math.log(2 / 3), Math.log(2), 0]);
    expect(klDivLoss(logQ(), f64(P), { reduction: 'sum' }).item()).toBeCloseTo(kl0 + kl1, 14);
    expect(klDivLoss(logQ(), f64(P), { reduction: 'batchmean' }).item()).toBeCloseTo((kl0 + kl1) / 2, 14);
    expect(klDivLoss(logQ(), f64(P)).item()).toBeCloseTo((kl0 + kl1) / 4, 14);
    // PyTorch leaves a 0-d input's sum undivided.
    const scalar = (v: number) => tensor(v, { dtype: 'float64' });
    expect(klDivLoss(scalar(Math.log(0.5)), scalar(1), { reduction: 'batchmean' }).item()).toBeCloseTo(Math.log(2), 14);
  });

  it('logTarget gives the same values from log-probabilities (a -inf log target is NaN, as PyTorch\'s exp(t)·(t - x))', () => {
    const logP = f64([[Math.log(0.5), Math.log(0.5)], [Math.log(0.25), Math.log(0.75)]]);
    const row1 = [0.25 * Math.log(0.5), 0.75 * Math.log(1.5)];
    expectValues(klDivLoss(logQ(), logP, { logTarget: true, reduction: 'none' }), [0.5 * Math.log(2), 0.5 * Math.log(2 / 3), ...row1]);
    expect(klDivLoss(logQ(), logP, { logTarget: true, reduction: 'batchmean' }).item()).toBeCloseTo((kl0 + row1[0] + row1[1]) / 2, 14);
    expect(klDivLoss(logQ(), f64([[0, -Infinity], [0, 0]]), { logTarget: true, reduction: 'none' }).toArray()).toEqual([[Math.log(4), NaN], [Math.log(2), Math.log(2)]]);
  });

  it('input gradient is -t (or -exp(t)); rejects bad reductions and shapes', () => {
    const x = logQ().requiresGrad_();
    klDivLoss(x, f64(P), { reduction: 'sum' }).backward();
    expect(x.grad!.toArray()).toEqual([[-0.5, -0.5], [-1, -0]]);
    expect(() => klDivLoss(logQ(), f64(P), { reduction: 'batch' as 'sum' })).toThrow("klDivLoss: reduction must be 'mean', 'sum', 'none' or 'batchmean'");
    expect(() => klDivLoss(logQ(), f64([0.5, 0.5]))).toThrow('klDivLoss: input shape [2, 2] and target shape [2] must be equal');
  });

  it('gradcheck for input and (positive) target, with and without logTarget, every reduction', () => {
    const target = () => rnd([3, 4], 8).detach().softmax(-1).requiresGrad_();
    for (const reduction of [...REDUCTIONS, 'batchmean'] as const) {
      expectGrad((x, t) => klDivLoss(x, t, { reduction }), [rnd([3, 4], 7).detach().logSoftmax(-1).requiresGrad_(), target()]);
      expectGrad((x, t) => klDivLoss(x.T, t, { reduction, logTarget: true }), [rnd([4, 3], 9), rnd([3, 4], 10)]);
    }
  });
});

describe('bceLoss', () => {
  it('matches -(y·log x + (1 - y)·log(1 - x)) by hand, with weights; 0/1 inputs give finite loss (log clamped at -100)', () => {
    const x = f64([0.2, 0.9, 0.6, 0, 1, 0, 1]);
    const y = f64([0, 1, 0.3, 0, 1, 1, 0]);
    const expected = [-Math.log(0.8), -Math.log(0.9), -(0.3 * Math.log(0.6) + 0.7 * Math.log(0.4)), 0, 0, 100, 100];
    expectValues(bceLoss(x, y, { reduction: 'none' }), expected);
    expect(bceLoss(x, y, { reduction: 'sum' }).item()).toBeCloseTo(expected.reduce((s, v) => s + v, 0), 12);
    const w = [1, 2, 0.5, 1, 1, 3, 1];
    expect(bceLoss(x, y, { weight: f64(w) }).item()).toBeCloseTo(expected.reduce((s, v, i) => s + w[i] * v, 0) / 7, 12);
    const xr = f64([[0.2, 0.9], [0.6, 0.5]]);
    const yr = f64([[0, 1], [0.3, 1]]);
    const colW = f64([2, 3]);
    expectValues(bceLoss(xr, yr, { weight: colW, reduction: 'none' }), [-2 * Math.log(0.8), -3 * Math.log(0.9), -2 * (0.3 * Math.log(0.6) + 0.7 * Math.log(0.4)), -3 * Math.log(0.5)]);
  });

  it('gradient is (x - y) / max(x(1 - x), 1e-12), finite at 0 and 1; rejects non-probabilities', () => {
    const x = tensor([0.25, 0, 1], { dtype: 'float64', requiresGrad: true });
    bceLoss(x, f64([1, 1, 1]), { reduction: 'sum' }).backward();
    expect(x.grad!.toArray()).toEqual([-0.75 / 0.1875, -1e12, 0]);
    expect(() => bceLoss(f64([0.5, 1.5]), f64([0, 1]))).toThrow('bceLoss: every input element must be a probability in [0, 1], got 1.5');
    expect(() => bceLoss(f64([0.5, NaN]), f64([0, 1]))).toThrow('got NaN');
    expect(() => bceLoss(f64([0.5]), f64([0, 1]))).toThrow('bceLoss: input shape [1] and target shape [2] must be equal');
    expect(() => bceLoss(f64([0.5, 0.5]), f64([0, 1]), { weight: f64([1, 2, 3]) })).toThrow('weight of shape [3] cannot broadcast');
  });

  it('gradcheck for input and target, weights broadcast over rows, every reduction', () => {
    const w = f64([[1], [2], [0.5]]);
    for (const reduction of REDUCTIONS) {
      expectGrad((x, y) => bceLoss(x, y, { weight: w, reduction }), [rnd([3, 4], 11).detach().sigmoid().requiresGrad_(), rnd([3, 4], 12).detach().sigmoid().requiresGrad_()]);
    }
  });
});

describe('cosineSimilarity', () => {
  it('along dim 1 (default), dim 0, and broadcast along dim -1', () => {
    const x1 = f64([[1, 0], [3, 4]]);
    const x2 = f64([[0, 1], [4, 3]]);
    expectValues(cosineSimilarity(x1, x2), [0, 24 / 25]);
    expectValues(cosineSimilarity(x1, x2, { dim: 0 }), [3 / Math.sqrt(10), 3 / Math.sqrt(10)]);
    const out = cosineSimilarity(f64([3, 4]), f64([[3, 4], [-4, 3], [-6, -8]]), { dim: -1 });
    expect(out.shape).toEqual([3]);
    expectValues(out, [1, 0, -1]);
    expect(cosineSimilarity(f64([[[1, 2]]]), f64([[[2, 4]]]), { dim: 2 }).shape).toEqual([1, 1]);
  });

  it('clamps each norm at eps (a zero vector gives 0, not NaN); rejects bad dims and shapes', () => {
    expectValues(cosineSimilarity(f64([[0, 0]]), f64([[1, 1]])), [0]);
    // ‖x1‖ = 1e-3 is floored to eps = 0.1: (1e-3 · 1) / (0.1 · 1)
    expectValues(cosineSimilarity(f64([[1e-3, 0]]), f64([[1, 0]]), { eps: 0.1 }), [1e-2]);
    expect(() => cosineSimilarity(f64([1, 2]), f64([1, 2]))).toThrow('cosineSimilarity: dim 1 is out of range for inputs of rank 1');
    expect(() => cosineSimilarity(f64([1, 2]), f64([1, 2, 3]), { dim: 0 })).toThrow('cosineSimilarity: x1 shape [2] and x2 shape [3] do not broadcast');
  });

  it('promotes integer and bool inputs as PyTorch (float32, or float64 beside a float64); a non-integer dim is named as such', () => {
    // Integer inputs used to throw ('x1 must be float32 or float64'); PyTorch accepts and promotes them.
    const i = cosineSimilarity(tensor([[3, 4]], { dtype: 'int32' }), tensor([[4, 3]], { dtype: 'int32' }));
    expect(i.dtype).toBe('float32');
    expect(i.item()).toBeCloseTo(24 / 25, 6);
    const m = cosineSimilarity(tensor([[3, 4]], { dtype: 'int32' }), f64([[4, 3]]));
    expect(m.dtype).toBe('float64');
    expectValues(m, [24 / 25]);
    expectValues(cosineSimilarity(tensor([[true, false]]), f64([[1, 1]])), [Math.SQRT1_2]);
    expect(() => cosineSimilarity(f64([[1, 2]]), f64([[1, 2]]), { dim: 0.5 })).toThrow('cosineSimilarity: dim must be an integer, got 0.5');
  });

  it('gradient by hand: d cos / d x1 = x2/(‖x1‖‖x2‖) - cos·x1/‖x1‖²', () => {
    const a = tensor([[3, 4]], { dtype: 'float64', requiresGrad: true });
    cosineSimilarity(a, f64([[4, 3]])).sum().backward();
    const cos = 24 / 25;
    expectValues(a.grad!, [4 / 25 - (cos * 3) / 25, 3 / 25 - (cos * 4) / 25]);
  });

  it('gradcheck for both inputs: dims 1, 0 and -1, broadcasting, a transposed input', () => {
    expectGrad((a, b) => cosineSimilarity(a, b), [rnd([3, 4], 13), rnd([3, 4], 14)]);
    expectGrad((a, b) => cosineSimilarity(a.T, b, { dim: 0 }), [rnd([2, 4, 3], 15).select(0, 1), rnd([3, 4], 16)]);
    expectGrad((a, b) => cosineSimilarity(a, b, { dim: -1 }), [rnd([4], 17), rnd([2, 3, 4], 18)]);
  });
});

describe('regression loss option keys', () => {
  it('an unknown key is refused, naming the function and the known keys', () => {
    const x = f64([0.2, 0.7]);
    expect(() => huberLoss(x, x, { beta: 2 } as never)).toThrow("huberLoss: unknown option 'beta'; known options: reduction, delta");
    expect(() => smoothL1Loss(x, x, { delta: 2 } as never)).toThrow("smoothL1Loss: unknown option 'delta'; known options: reduction, beta");
    expect(() => l1Loss(x, x, { reductions: 'sum' } as never)).toThrow("l1Loss: unknown option 'reductions' (did you mean 'reduction'?)");
    expect(() => klDivLoss(x, x, { log_target: true } as never)).toThrow("klDivLoss: unknown option 'log_target' (did you mean 'logTarget'?)");
    expect(() => bceLoss(x, x, { pos_weight: x } as never)).toThrow("bceLoss: unknown option 'pos_weight'; known options: weight, reduction");
    expect(() => cosineSimilarity(x, x, { axis: 0 } as never)).toThrow("cosineSimilarity: unknown option 'axis'; known options: dim, eps");
  });
});
