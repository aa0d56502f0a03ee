import { describe, expect, it } from 'vitest';
import { Generator, gradcheck, randn, Tensor, tensor } from '@tensorkit/core';
import { ctcAlignable, ctcLoss, ctcMinInputLength } from '../src/losses/index.js';
import { bruteForceCtcNll, randomLogProbs } from './ctc-reference.js';

describe('ctcLoss forward', () => {
  it('matches brute-force path enumeration on every tiny case (T ≤ 5, C ≤ 3, S ≤ 2)', () => {
    const g = new Generator(7);
    let checked = 0;
    for (const C of [2, 3]) {
      for (let T = 1; T <= 5; T++) {
        const targets: number[][] = [[]];
        for (let a = 1; a < C; a++) {
          targets.push([a]);
          for (let b = 1; b < C; b++) targets.push([a, b]);
        }
        const feasible = targets.filter((y) => ctcAlignable(y, T));
        const B = feasible.length;
        const lp = randomLogProbs(T, B, C, g.randint(0, 1 << 30));
        const padded = tensor(feasible.map((y) => [...y, 1, 1].slice(0, 2)), { dtype: 'int32' });
        const losses = ctcLoss(lp, padded, new Array(B).fill(T), feasible.map((y) => y.length), { reduction: 'none' });
        const got = losses.toTypedArray();
        feasible.forEach((y, b) => {
          expect(got[b]).toBeCloseTo(bruteForceCtcNll(lp, b, T, y), 9);
          checked++;
        });
      }
    }
    expect(checked).toBeGreaterThan(40);
  });

  it('ignores frames past each input length', () => {
    const lp = randomLogProbs(5, 2, 3, 11);
    const losses = ctcLoss(lp, tensor([[1, 2], [2, 2]], { dtype: 'int32' }), [3, 5], [2, 2], { reduction: 'none' }).toTypedArray();
    expect(losses[0]).toBeCloseTo(bruteForceCtcNll(lp, 0, 3, [1, 2]), 9);
    expect(losses[1]).toBeCloseTo(bruteForceCtcNll(lp, 1, 5, [2, 2]), 9);
  });

  it('repeated labels need a blank between them', () => {
    expect(ctcMinInputLength([1, 1])).toBe(3);
    expect(ctcAlignable([1, 1], 2)).toBe(false);
    expect(ctcAlignable([1, 1], 3)).toBe(true);
    expect(ctcAlignable([1, 2], 2)).toBe(true);
    // With T = 3 the only path for "aa" is a-blank-a.
    const lp = randomLogProbs(3, 1, 3, 5);
    const d = lp.toTypedArray();
    const loss = ctcLoss(lp, tensor([[1, 1]], { dtype: 'int32' }), [3], [2], { reduction: 'none' }).item();
    expect(loss).toBeCloseTo(-(d[1] + d[3] + d[7]), 12);
  });

  it('empty targets and zero-length inputs', () => {
    const lp = randomLogProbs(4, 2, 3, 3);
    const d = lp.toTypedArray();
    const losses = ctcLoss(lp, tensor([[0], [0]], { dtype: 'int32' }), [4, 0], [0, 0], { reduction: 'none' }).toTypedArray();
    expect(losses[0]).toBeCloseTo(-(d[0] + d[6] + d[12] + d[18]), 12);
    expect(losses[1]).toBe(0);
  });

  it('reductions follow PyTorch (mean divides by target length, then averages)', () => {
    const lp = randomLogProbs(6, 3, 4, 21);
    const targets = tensor([[1, 2, 3], [2, 0, 0], [3, 3, 0]], { dtype: 'int32' });
    const args = [targets, [6, 5, 4], [3, 1, 2]] as const;
    const none = ctcLoss(lp, ...args, { reduction: 'none' }).toTypedArray();
    expect(ctcLoss(lp, ...args, { reduction: 'sum' }).item()).toBeCloseTo(none[0] + none[1] + none[2], 12);
    expect(ctcLoss(lp, ...args).item()).toBeCloseTo((none[0] / 3 + none[1] / 1 + none[2] / 2) / 3, 12);
    // An empty target divides by 1, not 0.
    const empty = ctcLoss(lp, targets, [6, 5, 4], [3, 0, 2]);
    expect(Number.isFinite(empty.item())).toBe(true);
  });

  it('batch-first layout and concatenated targets give the same losses', () => {
    const lp = randomLogProbs(5, 3, 4, 8);
    const ref = ctcLoss(lp, tensor([[1, 2], [3, 0], [2, 2]], { dtype: 'int32' }), [5, 4, 5], [2, 1, 2], { reduction: 'none' }).toTypedArray();
    const concat = ctcLoss(lp, [1, 2, 3, 2, 2], [5, 4, 5], [2, 1, 2], { reduction: 'none' }).toTypedArray();
    const bf = ctcLoss(lp.permute([1, 0, 2]), [1, 2, 3, 2, 2], [5, 4, 5], [2, 1, 2], { reduction: 'none', batchFirst: true }).toTypedArray();
    for (let b = 0; b < 3; b++) {
      expect(concat[b]).toBe(ref[b]);
      expect(bf[b]).toBe(ref[b]);
    }
  });

  it('float32 input agrees with float64', () => {
    const lp = randomLogProbs(8, 2, 5, 4);
    const args = [tensor([[1, 2, 3], [4, 4, 1]], { dtype: 'int32' }), [8, 7], [3, 3]] as const;
    const l64 = ctcLoss(lp, ...args, { reduction: 'none' }).toTypedArray();
    const l32 = ctcLoss(lp.float(), ...args, { reduction: 'none' });
    expect(l32.dtype).toBe('float32');
    l32.toTypedArray().forEach((v, b) => expect(v).toBeCloseTo(l64[b], 4));
  });
});

/** Burn's deterministic test logits: sin((t·7 + n·13 + c·3)·0.1), shape [T, N, C]. */
function sineLogits(T: number, N: number, C: number): Tensor {
  const d = new Float64Array(T * N * C);
  for (let t = 0; t < T; t++) for (let n = 0; n < N; n++) for (let c = 0; c < C; c++) d[(t * N + n) * C + c] = Math.sin((t * 7 + n * 13 + c * 3) * 0.1);
  return new Tensor(d, [T, N, C], 'float64');
}

describe('ctcLoss parity with PyTorch', () => {
  // Reference values produced by torch.nn.functional.ctc_loss (reduction='none'), and the
  // gradient of their sum w.r.t. the logits through log_softmax, as published in the tests
  // of tracel-ai/burn#4529 (crates/burn-nn/src/loss/ctc.rs).
  it('T=5, N=3, C=4: losses and logits gradient', () => {
    const logits = sineLogits(5, 3, 4).requiresGrad_();
    const targets = tensor([[1, 2, 0], [1, 0, 0], [3, 2, 1]], { dtype: 'int32' });
    const losses = ctcLoss(logits.logSoftmax(-1), targets, [5, 5, 5], [2, 1, 3], { reduction: 'none' });
    [3.5236570835113525, 3.495313882827759, 4.262677192687988].forEach((v, b) => expect(losses.toTypedArray()[b]).toBeCloseTo(v, 5));
    losses.sum().backward();
    const expected = [
      -0.1679008007, -0.4595540464, 0.2795598209, 0.3478950262, -0.3913056254, -0.0832268298, 0.2535884976, 0.2209439576,
      -0.0502742566, 0.2766197622, 0.2054125518, -0.4317580462, -0.0544800088, -0.314455092, 0.0847885981, 0.2841464877,
      -0.1844545156, -0.2063435912, 0.2222184092, 0.1685796976, 0.0278018005, 0.2657383382, -0.0336986706, -0.2598414719,
      -0.0482986756, -0.009876716, -0.1533526182, 0.2115280181, -0.1380317956, -0.21986866, 0.2042596638, 0.1536407918,
      0.0534787849, 0.181923002, -0.2805589139, 0.0451571345, -0.0895631388, 0.1996460557, -0.2741115987, 0.1640286744,
      -0.2200077325, -0.1693530381, 0.2101601064, 0.1792006642, 0.0398471877, -0.1131042913, -0.2363226712, 0.3095797896,
      -0.2163617164, 0.2740726173, -0.2124865055, 0.1547756046, -0.4312027395, -0.0446923785, 0.2330704331, 0.2428246588,
      -0.0050083841, -0.6256869435, 0.2689785957, 0.3617166877,
    ];
    logits.grad!.toTypedArray().forEach((v, i) => expect(Math.abs(v - expected[i])).toBeLessThan(1e-6));
  });

  it('T=8, N=4, C=6 with a repeated label: losses', () => {
    const targets = tensor([[1, 1, 2, 0], [2, 3, 2, 1], [5, 0, 0, 0], [1, 2, 3, 4]], { dtype: 'int32' });
    const losses = ctcLoss(sineLogits(8, 4, 6).logSoftmax(-1), targets, [8, 8, 8, 8], [3, 4, 1, 4], { reduction: 'none' }).toTypedArray();
    [8.84203052520752, 9.023029327392578, 9.398024559020996, 9.008068084716797].forEach((v, b) => expect(losses[b]).toBeCloseTo(v, 5));
  });
});

describe('ctcLoss gradient', () => {
  const targets = tensor([[1, 2, 2], [2, 1, 0], [1, 0, 0]], { dtype: 'int32' });

  it('passes gradcheck with logSoftmax in front (float64)', () => {
    const logits = randn([6, 3, 3], { dtype: 'float64', generator: new Generator(2), requiresGrad: true });
    for (const reduction of ['mean', 'sum', 'none'] as const) {
      const r = gradcheck((x) => ctcLoss(x.logSoftmax(-1), targets, [6, 5, 3], [3, 2, 1], { reduction }), [logits]);
      expect(r.ok).toBe(true);
    }
  });

  it('passes gradcheck directly on the log-prob input (exact partials) and batch-first', () => {
    const lp = randomLogProbs(5, 3, 3, 9).permute([1, 0, 2]).contiguous().requiresGrad_();
    const r = gradcheck((x) => ctcLoss(x, targets, [5, 5, 2], [3, 2, 1], { reduction: 'sum', batchFirst: true }), [lp]);
    expect(r.ok).toBe(true);
  });

  it('per-frame gradients are minus occupation probabilities: each valid frame sums to -1, padding frames are 0', () => {
    const lp = randomLogProbs(7, 2, 4, 13).requiresGrad_();
    ctcLoss(lp, tensor([[1, 3], [2, 2]], { dtype: 'int32' }), [7, 4], [2, 2], { reduction: 'sum' }).backward();
    const g = lp.grad!.toTypedArray();
    for (let t = 0; t < 7; t++) {
      for (let b = 0; b < 2; b++) {
        let s = 0;
        for (let k = 0; k < 4; k++) s += g[(t * 2 + b) * 4 + k];
        expect(s).toBeCloseTo(b === 1 && t >= 4 ? 0 : -1, 12);
      }
    }
  });
});

describe('ctcLoss impossible alignments', () => {
  const lp = () => randomLogProbs(4, 2, 3, 17).requiresGrad_();
  const targets = tensor([[1, 2], [1, 1]], { dtype: 'int32' });

  it('the pre-flight check names the sample', () => {
    expect(() => ctcLoss(lp(), targets, [4, 2], [2, 2])).toThrow(
      'ctcLoss: sample 1 cannot be aligned: input length 2 < target length 2 + 1 repeated labels',
    );
  });

  it('gives +Infinity (never NaN) with finite zero gradient when the check is off', () => {
    const x = lp();
    const losses = ctcLoss(x, targets, [4, 2], [2, 2], { reduction: 'none', checkLengths: false });
    expect(losses.toTypedArray()[1]).toBe(Infinity);
    expect(Number.isFinite(losses.toTypedArray()[0])).toBe(true);
    losses.sum().backward();
    const g = x.grad!.toTypedArray();
    expect(g.every((v) => Number.isFinite(v))).toBe(true);
    for (let t = 0; t < 4; t++) for (let k = 0; k < 3; k++) expect(g[(t * 2 + 1) * 3 + k]).toBe(0);
    expect(ctcLoss(lp(), targets, [4, 2], [2, 2], { checkLengths: false }).item()).toBe(Infinity);
  });

  it('gives 0 loss and zero gradient with zeroInfinity', () => {
    const x = lp();
    const losses = ctcLoss(x, targets, [4, 2], [2, 2], { reduction: 'none', zeroInfinity: true });
    expect(losses.toTypedArray()[1]).toBe(0);
    ctcLoss(x, targets, [4, 2], [2, 2], { zeroInfinity: true }).backward();
    const g = x.grad!.toTypedArray();
    for (let t = 0; t < 4; t++) for (let k = 0; k < 3; k++) expect(g[(t * 2 + 1) * 3 + k]).toBe(0);
    expect(g.some((v) => v !== 0)).toBe(true);
  });

  it('zero-probability labels give +Infinity, not NaN', () => {
    const data = randomLogProbs(3, 1, 3, 1).toTypedArray().slice();
    for (let t = 0; t < 3; t++) data[t * 3 + 2] = -Infinity;
    const x = tensor(data, { shape: [3, 1, 3], requiresGrad: true });
    const loss = ctcLoss(x, [2], [3], [1], { reduction: 'sum' });
    expect(loss.item()).toBe(Infinity);
    loss.backward();
    expect(x.grad!.toTypedArray().every((v) => v === 0)).toBe(true);
    expect(ctcLoss(x, [2], [3], [1], { zeroInfinity: true }).item()).toBe(0);
    // -inf entries elsewhere must not poison a feasible sample.
    const ok = ctcLoss(x, [1], [3], [1], { reduction: 'sum' });
    ok.backward();
    expect(Number.isFinite(ok.item())).toBe(true);
    expect(x.grad!.toTypedArray().every((v) => Number.isFinite(v))).toBe(true);
  });
});

describe('ctcLoss validation', () => {
  const lp = randomLogProbs(4, 2, 3, 1);
  it.each([
    ['blank in targets', () => ctcLoss(lp, tensor([[1, 0], [1, 2]], { dtype: 'int32' }), [4, 4], [2, 2]), 'sample 0: target[1] is the blank label 0'],
    ['label out of range', () => ctcLoss(lp, tensor([[1, 2], [3, 1]], { dtype: 'int32' }), [4, 4], [2, 2]), 'sample 1: target[0] = 3 is out of range [0, 3)'],
    ['input length > T', () => ctcLoss(lp, [1, 2], [4, 5], [1, 1]), 'sample 1: input length 5 is outside [0, 4]'],
    ['target length > width', () => ctcLoss(lp, tensor([[1], [2]], { dtype: 'int32' }), [4, 4], [1, 2]), 'sample 1: target length 2 exceeds the padded target width 1'],
    ['concatenated length mismatch', () => ctcLoss(lp, [1, 2, 1], [4, 4], [1, 1]), 'concatenated targets have 3 labels but targetLengths sum to 2'],
    ['float targets', () => ctcLoss(lp, tensor([[1], [2]]), [4, 4], [1, 1]), 'targets must be an integer tensor'],
    ['nested-array targets', () => ctcLoss(lp, [[1, 2], [2]] as never, [4, 4], [2, 1]), 'ctcLoss: targets must be concatenated label ids (number[], Int32Array or 1-D int32 tensor) with targetLengths giving each sample\'s count, or a padded [B, S] int32 tensor; got a nested array (pass targets.flat() and the per-sample lengths)'],
    ['batch size mismatch', () => ctcLoss(lp, [1], [4], [1]), 'inputLengths has 1 entries but the batch has 2 samples'],
    ['blank out of range', () => ctcLoss(lp, [1, 1], [4, 4], [1, 1], { blank: 3 }), 'blank = 3 is out of range [0, 3)'],
  ])('%s', (_name, fn, message) => {
    expect(fn).toThrow(message);
  });
});

describe('ctcLoss gradient: edges', () => {
  it('mean over an empty target, and an impossible sample zeroed by zeroInfinity (float64 gradcheck)', () => {
    const logits = randn([4, 3, 3], { dtype: 'float64', generator: new Generator(12), requiresGrad: true });
    // sample 1 has an empty target (divided by 1); sample 2 needs 3 frames for [1, 1] but has 2
    const r = gradcheck((x) => ctcLoss(x.logSoftmax(-1), [2, 1, 1], [4, 3, 2], [1, 0, 2], { zeroInfinity: true }), [logits], { raise: false });
    expect(r.ok, r.message).toBe(true);
    // a strided batch-first view of time-major logits
    const s = gradcheck((x) => ctcLoss(x.permute([1, 0, 2]).logSoftmax(-1), [1, 2, 2], [4, 3], [2, 1], { batchFirst: true, reduction: 'none' }), [randn([4, 2, 3], { dtype: 'float64', generator: new Generator(13), requiresGrad: true })], { raise: false });
    expect(s.ok, s.message).toBe(true);
  });
});

describe('ctcLoss options', () => {
  it('an unknown key is refused with a did-you-mean (zero_infinity used to be ignored)', () => {
    const lp = tensor([[[Math.log(0.5), Math.log(0.5)]]]);
    expect(() => ctcLoss(lp, [1], [1], [1], { zero_infinity: true } as never)).toThrow(
      "ctcLoss: unknown option 'zero_infinity' (did you mean 'zeroInfinity'?); known options: blank, reduction, zeroInfinity, batchFirst, checkLengths, labelWindows",
    );
  });
});

describe('ctcLoss on one unbatched [T, C] sample (as PyTorch)', () => {
  it('equals the batch of one, with scalar or one-element lengths; reduction none gives a scalar', () => {
    const lp = randomLogProbs(5, 1, 3, 17);
    const single = lp.reshape([5, 3]);
    const want = bruteForceCtcNll(lp, 0, 5, [1, 2]);
    const none = ctcLoss(single, [1, 2], 5, 2, { reduction: 'none' });
    expect(none.shape).toEqual([]);
    expect(none.item()).toBeCloseTo(want, 9);
    expect(ctcLoss(single, tensor([1, 2], { dtype: 'int32' }), [5], tensor(2, { dtype: 'int32' })).item()).toBeCloseTo(want / 2, 9);
    expect(ctcLoss(single, [1, 2], 5, 2, { reduction: 'sum' }).item()).toBeCloseTo(want, 9);
  });

  it('passes a float64 gradcheck', () => {
    const logits = randn([6, 4], { dtype: 'float64', generator: new Generator(19), requiresGrad: true });
    const r = gradcheck((x) => ctcLoss(x.logSoftmax(-1), [3, 1, 3], 6, 3), [logits], { raise: false });
    expect(r.ok, r.message).toBe(true);
  });

  it('refuses two lengths for one sample, and plain-number lengths for a batch', () => {
    const lp = randomLogProbs(4, 2, 3, 1);
    expect(() => ctcLoss(lp.select(1, 0), [1], [4, 4], 1)).toThrow('ctcLoss: an unbatched [T, C] sample takes one inputLengths, got 2');
    expect(() => ctcLoss(lp, [1, 2], 4, [1, 1])).toThrow('lengths may be plain numbers only for one unbatched [T, C] sample');
  });
});
