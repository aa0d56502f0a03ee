import { describe, expect, it } from 'vitest';
import { assignInto, Generator, gradcheck, noGrad, randn, tensor, zeros } from '@tensorkit/core';
import { bceWithLogits, crossEntropy, mseLoss, nllLoss } from '../src/losses/index.js';
import { expectGrad, rnd } from '../../core/test/helpers.js';

/** Plain-JS log-softmax of one row, the hand computation every expectation below is built from. */
function logSoftmaxRow(row: number[]): number[] {
  const m = Math.max(...row);
  const lse = m + Math.log(row.reduce((s, v) => s + Math.exp(v - m), 0));
  return row.map((v) => v - lse);
}

const LOGITS = [[1, 2, 3], [1, 0, -1], [0.5, -0.5, 2]];
const LP = LOGITS.map(logSoftmaxRow);
const W = [0.2, 1, 3];
const f64 = (x: number[][]) => tensor(x, { dtype: 'float64' });

describe('crossEntropy', () => {
  it('uniform logits give log(C)', () => {
    expect(crossEntropy(zeros([4, 5]), [0, 1, 2, 3]).item()).toBeCloseTo(Math.log(5), 6);
  });

  it('mean / sum / none without options', () => {
    const y = [2, 0, 1];
    const nll = y.map((c, i) => -LP[i][c]);
    expect(crossEntropy(f64(LOGITS), y).item()).toBeCloseTo((nll[0] + nll[1] + nll[2]) / 3, 12);
    expect(crossEntropy(f64(LOGITS), y, { reduction: 'sum' }).item()).toBeCloseTo(nll[0] + nll[1] + nll[2], 12);
    const none = crossEntropy(f64(LOGITS), tensor(y, { dtype: 'int32' }), { reduction: 'none' });
    expect(none.shape).toEqual([3]);
    none.toTypedArray().forEach((v, i) => expect(v).toBeCloseTo(nll[i], 12));
  });

  it('class weights use the weighted mean (divide by Σ w[y])', () => {
    const y = [2, 0, 2];
    const num = y.reduce((s, c, i) => s - W[c] * LP[i][c], 0);
    const den = y.reduce((s, c) => s + W[c], 0);
    expect(crossEntropy(f64(LOGITS), y, { weight: W }).item()).toBeCloseTo(num / den, 12);
    expect(crossEntropy(f64(LOGITS), y, { weight: tensor(W), reduction: 'sum' }).item()).toBeCloseTo(num, 6);
  });

  it('ignoreIndex rows count neither in the loss nor in the denominator', () => {
    const got = crossEntropy(f64(LOGITS), [2, -100, 1], { weight: W }).item();
    expect(got).toBeCloseTo((-W[2] * LP[0][2] - W[1] * LP[2][1]) / (W[2] + W[1]), 12);
    const custom = crossEntropy(f64(LOGITS), [2, 7, 1], { ignoreIndex: 7, reduction: 'none' }).toTypedArray();
    expect(custom[1]).toBe(0);
    expect(Number.isNaN(crossEntropy(f64(LOGITS), [-100, -100, -100]).item())).toBe(true); // PyTorch: 0/0
  });

  it('label smoothing matches PyTorch\'s formula, with weights and ignored rows', () => {
    const eps = 0.1;
    const C = 3;
    const y = [2, -100, 0];
    let nll = 0;
    let smooth = 0;
    let den = 0;
    const none: number[] = [];
    y.forEach((c, i) => {
      if (c === -100) return none.push(0);
      const n = -W[c] * LP[i][c];
      const s = -LP[i].reduce((acc, v, k) => acc + W[k] * v, 0);
      nll += n;
      smooth += s;
      den += W[c];
      none.push((1 - eps) * n + (eps / C) * s);
    });
    const opts = { weight: W, labelSmoothing: eps };
    expect(crossEntropy(f64(LOGITS), y, opts).item()).toBeCloseTo(((1 - eps) * nll + (eps / C) * smooth) / den, 12);
    expect(crossEntropy(f64(LOGITS), y, { ...opts, reduction: 'sum' }).item()).toBeCloseTo((1 - eps) * nll + (eps / C) * smooth, 12);
    crossEntropy(f64(LOGITS), y, { ...opts, reduction: 'none' }).toTypedArray().forEach((v, i) => expect(v).toBeCloseTo(none[i], 12));
  });

  it('probability targets (with smoothing) divide the mean by the number of rows', () => {
    const P = [[0.2, 0.3, 0.5], [1, 0, 0], [0, 0.5, 0.5]];
    const eps = 0.2;
    const expected = P.reduce((s, row, i) => s - row.reduce((a, p, k) => a + W[k] * (p * (1 - eps) + eps / 3) * LP[i][k], 0), 0) / 3;
    expect(crossEntropy(f64(LOGITS), f64(P), { weight: W, labelSmoothing: eps }).item()).toBeCloseTo(expected, 12);
  });

  it('handles [N, C, d] inputs with classes on dim 1', () => {
    const x = randn([2, 3, 4], { dtype: 'float64', generator: new Generator(1) });
    const y = tensor([[0, 1, 2, 1], [2, 2, 0, 1]], { dtype: 'int32' });
    const none = crossEntropy(x, y, { reduction: 'none' });
    expect(none.shape).toEqual([2, 4]);
    const xd = x.toArray() as number[][][];
    const yd = y.toArray() as number[][];
    for (let n = 0; n < 2; n++) {
      for (let d = 0; d < 4; d++) {
        const lp = logSoftmaxRow([0, 1, 2].map((c) => xd[n][c][d]));
        expect((none.toArray() as number[][])[n][d]).toBeCloseTo(-lp[yd[n][d]], 12);
      }
    }
  });

  it('passes gradcheck with weights, smoothing and ignored rows; and with probability targets', () => {
    const g = new Generator(5);
    const x = randn([4, 3], { dtype: 'float64', generator: g, requiresGrad: true });
    expect(gradcheck((a) => crossEntropy(a, [0, 2, -100, 1], { weight: W, labelSmoothing: 0.15 }), [x]).ok).toBe(true);
    const p = randn([4, 3], { dtype: 'float64', generator: g }).softmax(-1).requiresGrad_();
    expect(gradcheck((a, t) => crossEntropy(a, t, { labelSmoothing: 0.1, reduction: 'sum' }), [x, p]).ok).toBe(true);
  });

  it('rejects bad targets clearly', () => {
    expect(() => crossEntropy(f64(LOGITS), [0, 3, 1])).toThrow('crossEntropy: target[1] = 3 is out of range [0, 3)');
    expect(() => crossEntropy(f64(LOGITS), [0, 1])).toThrow('does not match');
    expect(() => crossEntropy(f64(LOGITS), [0, 1, 1], { weight: [1, 2] })).toThrow('weight must have shape [3]');
    expect(() => crossEntropy(f64(LOGITS), [0, 1, 1], { labelSmoothing: 2 })).toThrow('labelSmoothing');
  });
});

describe('nllLoss', () => {
  it('on log-softmax output equals crossEntropy on logits', () => {
    const x = f64(LOGITS);
    const opts = { weight: W, ignoreIndex: 1 };
    expect(nllLoss(x.logSoftmax(-1), [2, 1, 0], opts).item()).toBeCloseTo(crossEntropy(x, [2, 1, 0], opts).item(), 14);
  });
});

describe('mseLoss', () => {
  it('matches hand-computed values and refuses silent broadcasting', () => {
    const a = tensor([1, 2, 3], { dtype: 'float64' });
    const b = tensor([1.5, 0, 3], { dtype: 'float64' });
    expect(mseLoss(a, b).item()).toBeCloseTo((0.25 + 4) / 3, 14);
    expect(mseLoss(a, b, { reduction: 'sum' }).item()).toBeCloseTo(4.25, 14);
    expect(mseLoss(a, b, { reduction: 'none' }).toArray()).toEqual([0.25, 4, 0]);
    expect(() => mseLoss(a, b.reshape([3, 1]))).toThrow('must be equal');
  });

  it('refuses an integer input, as the other pointwise losses and PyTorch do (int32 squared in int32 gave a negative loss)', () => {
    const ints = (v: number[]) => tensor(v, { dtype: 'int32' });
    expect(() => mseLoss(ints([0, 3]), ints([50000, 0]))).toThrow('mseLoss: input must be float32 or float64, got int32');
    expect(mseLoss(tensor([0, 3], { dtype: 'float64' }), ints([50000, 0])).item()).toBe((50000 ** 2 + 9) / 2);
  });
});

describe('bceWithLogits', () => {
  it('a weight changed in place after the forward is caught at backward, as the logits would be (its backward reads it)', () => {
    const x = tensor([0.5, -1], { requiresGrad: true });
    const weight = tensor([1, 2]);
    const loss = bceWithLogits(x, tensor([1, 0]), { weight });
    noGrad(() => assignInto(weight, tensor([3, 3])));
    expect(() => loss.backward()).toThrow("backward: a tensor used by 'bceWithLogits' (shape [2]) was modified in place");
  });

  const sig = (x: number) => 1 / (1 + Math.exp(-x));
  const X = [-2, -0.5, 0, 0.7, 3];
  const Y = [0, 1, 1, 0, 0.3];

  it('matches the naive formula, with posWeight and weight', () => {
    const pw = 2.5;
    const w = [1, 0.5, 2, 1, 3];
    const naive = X.map((x, i) => -w[i] * (pw * Y[i] * Math.log(sig(x)) + (1 - Y[i]) * Math.log(1 - sig(x))));
    const got = bceWithLogits(tensor(X, { dtype: 'float64' }), tensor(Y, { dtype: 'float64' }), {
      posWeight: tensor([pw], { dtype: 'float64' }), weight: tensor(w, { dtype: 'float64' }), reduction: 'none',
    }).toTypedArray();
    got.forEach((v, i) => expect(v).toBeCloseTo(naive[i], 12));
    const mean = bceWithLogits(tensor(X), tensor(Y)).item();
    expect(mean).toBeCloseTo(X.reduce((s, x, i) => s - (Y[i] * Math.log(sig(x)) + (1 - Y[i]) * Math.log(1 - sig(x))), 0) / 5, 5);
  });

  it('is stable for huge logits and has the right gradient at 0', () => {
    const x = tensor([-1000, 1000, 0], { dtype: 'float64', requiresGrad: true });
    const loss = bceWithLogits(x, tensor([1, 0, 1], { dtype: 'float64' }), { reduction: 'none' });
    expect(loss.toArray()).toEqual([1000, 1000, Math.log(2)]);
    loss.sum().backward();
    expect(x.grad!.toArray()).toEqual([-1, 1, -0.5]);
  });

  it('passes gradcheck for logits and targets, with posWeight broadcast over classes', () => {
    const g = new Generator(8);
    const x = randn([3, 4], { dtype: 'float64', generator: g, requiresGrad: true });
    const y = randn([3, 4], { dtype: 'float64', generator: g }).sigmoid().requiresGrad_();
    const pw = tensor([0.5, 1, 2, 4], { dtype: 'float64' });
    expect(gradcheck((a, b) => bceWithLogits(a, b, { posWeight: pw }), [x, y]).ok).toBe(true);
  });
});

describe('loss gradients: reductions, [N, C, d] layouts, strided inputs (float64 gradcheck)', () => {
  const ids = (d: number[][]) => tensor(d, { dtype: 'int32' });
  // [N=2, C=3, d=2] log-probabilities x[n][c][k] = -(6n + 2c + k + 1)
  const X = [[[-1, -2], [-3, -4], [-5, -6]], [[-7, -8], [-9, -10], [-11, -12]]];

  it('nllLoss by hand: a 1-D input, and weights with ignoreIndex over [N, C, d]', () => {
    expect(nllLoss(tensor([-0.5, -1.5, -2], { dtype: 'float64' }), [1]).item()).toBe(1.5);
    // rows (n, k) → class: (0,0)→0, (0,1)→2, (1,0)→1, (1,1) ignored; weights [1, 2, 0.5]
    // losses 1·1, 0.5·6, 2·9 → sum 22, weighted mean 22 / (1 + 0.5 + 2)
    const opts = { weight: [1, 2, 0.5], ignoreIndex: -100 };
    const y = ids([[0, 2], [1, -100]]);
    expect(nllLoss(tensor(X, { dtype: 'float64' }), y, { ...opts, reduction: 'none' }).toArray()).toEqual([[1, 3], [18, 0]]);
    expect(nllLoss(tensor(X, { dtype: 'float64' }), y, { ...opts, reduction: 'sum' }).item()).toBe(22);
    expect(nllLoss(tensor(X, { dtype: 'float64' }), y, opts).item()).toBeCloseTo(22 / 3.5, 14);
  });

  it('nllLoss gradcheck: every reduction, weights, ignored rows, a strided [N, C, d] input, a 1-D input', () => {
    const y = ids([[0, 2], [1, -100]]);
    for (const reduction of ['mean', 'sum', 'none'] as const) {
      expectGrad((x) => nllLoss(x.transpose(1, 2), y, { weight: [1, 2, 0.5], reduction }), [rnd([2, 2, 3], 1)]);
    }
    expectGrad((x) => nllLoss(x, [2]), [rnd([3], 2)]);
  });

  it('mseLoss gradcheck for input and target, every reduction, transposed operands', () => {
    for (const reduction of ['mean', 'sum', 'none'] as const) expectGrad((a, b) => mseLoss(a.T, b, { reduction }), [rnd([3, 2], 3), rnd([2, 3], 4)]);
    const a = tensor([1, 2], { dtype: 'float64', requiresGrad: true });
    mseLoss(a, tensor([0, 4], { dtype: 'float64' })).backward();
    expect(a.grad!.toArray()).toEqual([1, -2]); // 2(a - b)/n
  });

  it('crossEntropy: a 1-D input by hand; gradcheck over [N, C, d] (smoothing, none) and strided soft targets', () => {
    // softmax([0, ln 3]) = [1/4, 3/4]: the loss of class 1 is ln(4/3)
    expect(crossEntropy(tensor([0, Math.log(3)], { dtype: 'float64' }), [1]).item()).toBeCloseTo(Math.log(4 / 3), 14);
    expectGrad((x) => crossEntropy(x, [1]), [rnd([3], 5)]);
    expectGrad((x) => crossEntropy(x.transpose(1, 2), ids([[0, 2], [1, -100]]), { reduction: 'none', labelSmoothing: 0.2, weight: [1, 2, 0.5] }), [rnd([2, 2, 3], 6)]);
    const soft = rnd([2, 2, 3], 7).detach().softmax(2).transpose(1, 2).requiresGrad_();
    expectGrad((x, t) => crossEntropy(x, t, { weight: [1, 2, 3], reduction: 'sum' }), [rnd([2, 3, 2], 8), soft]);
  });

  it('bceWithLogits gradcheck with weight and posWeight broadcast, transposed logits, every reduction', () => {
    const w = tensor([[1], [2]], { dtype: 'float64' });
    const pw = tensor([3, 0.5, 1], { dtype: 'float64' });
    for (const reduction of ['mean', 'sum', 'none'] as const) {
      expectGrad((x, y) => bceWithLogits(x.T, y, { weight: w, posWeight: pw, reduction }), [rnd([3, 2], 9), rnd([2, 3], 10).detach().sigmoid().requiresGrad_()]);
    }
  });
});

describe('loss option keys', () => {
  it('an unknown key is refused with a did-you-mean (label_smoothing used to be ignored: no smoothing)', () => {
    const logits = tensor([[1, 2, 3]]);
    expect(() => crossEntropy(logits, [0], { label_smoothing: 0.3 } as never)).toThrow(
      "crossEntropy: unknown option 'label_smoothing' (did you mean 'labelSmoothing'?); known options: weight, ignoreIndex, labelSmoothing, reduction",
    );
    expect(() => nllLoss(logits, [0], { ignore_index: -100 } as never)).toThrow("nllLoss: unknown option 'ignore_index' (did you mean 'ignoreIndex'?)");
    expect(() => mseLoss(logits, logits, { reduce: 'sum' } as never)).toThrow("mseLoss: unknown option 'reduce'; known options: reduction");
    expect(() => bceWithLogits(logits, logits, { pos_weight: logits } as never)).toThrow("bceWithLogits: unknown option 'pos_weight' (did you mean 'posWeight'?)");
    expect(() => crossEntropy(logits, [0], 'sum' as never)).toThrow('crossEntropy: options must be an object, got a string ("sum")');
  });
});
