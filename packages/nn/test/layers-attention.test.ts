import { describe, expect, it } from 'vitest';
import { Generator, randn, tensor, Tensor } from '@tensorkit/core';
import { MultiheadAttention, TransformerEncoder, TransformerEncoderLayer, scaledDotProductAttention } from '../src/layers/index.js';
import { expectClose, expectGrad } from '../../core/test/helpers.js';
import { gradcheckModule, maxAbsDiff } from './layers-helpers.js';

const f64 = (shape: number[], seed: number, requiresGrad = true) => randn(shape, { dtype: 'float64', generator: new Generator(seed), requiresGrad });
const boolMask = (rows: number[][]) => tensor(rows.map((r) => r.map((v) => v === 1)));

describe('MultiheadAttention', () => {
  it('registers PyTorch parameter names and shapes', () => {
    const mha = new MultiheadAttention({ embedDim: 4, numHeads: 2 });
    expect(mha.namedParameters().map(([n, p]) => [n, p.shape])).toEqual([
      ['in_proj_weight', [12, 4]], ['in_proj_bias', [12]], ['out_proj.weight', [4, 4]], ['out_proj.bias', [4]],
    ]);
    expect(() => new MultiheadAttention({ embedDim: 5, numHeads: 2 })).toThrow(/divisible/);
  });

  it('single head, identity projections: softmax(q·kᵀ/√d)·v by hand', () => {
    const mha = new MultiheadAttention({ embedDim: 2, numHeads: 1, bias: false, batchFirst: true });
    const eye2 = tensor([[1, 0], [0, 1]]);
    mha.loadStateDict({ in_proj_weight: tensor([[1, 0], [0, 1], [1, 0], [0, 1], [1, 0], [0, 1]]), 'out_proj.weight': eye2 });
    const x = tensor([[[1, 0], [0, 2]]]);
    const { output, weights } = mha.forward(x, x, x);
    const s = (a: number[], b: number[]) => (a[0] * b[0] + a[1] * b[1]) / Math.SQRT2;
    const rows = [[1, 0], [0, 2]];
    rows.forEach((q, i) => {
      const e = rows.map((k) => Math.exp(s(q, k)));
      const w = e.map((v) => v / (e[0] + e[1]));
      expect(weights!.toTypedArray()[i * 2]).toBeCloseTo(w[0], 5);
      expect(output.toTypedArray()[i * 2 + 1]).toBeCloseTo(w[1] * 2, 5);
    });
  });

  it('an integer 0/1 key-padding or attention mask (PyTorch’s older uint8 masks) masks like a bool one', () => {
    const mha = new MultiheadAttention({ embedDim: 4, numHeads: 2, generator: new Generator(1) });
    const x = randn([3, 2, 4], { generator: new Generator(2) });
    const rows = [[0, 0, 1], [0, 1, 0]];
    const causal = [[0, 1, 1], [0, 0, 1], [0, 0, 0]];
    const run = (keyPaddingMask?: Tensor, attnMask?: Tensor) => mha.forward(x, x, x, { keyPaddingMask, attnMask }).output.toArray();
    for (const dtype of ['uint8', 'int32'] as const) {
      const [kpm, am] = [tensor(rows, { dtype }), tensor(causal, { dtype })];
      expect(run(kpm)).toEqual(run(boolMask(rows)));
      expect(run(undefined, am)).toEqual(run(undefined, boolMask(causal)));
      expect(run(kpm, am)).toEqual(run(boolMask(rows), boolMask(causal)));
    }
  });

  it('masked keys get exactly zero weight; a fully masked query gets zeros, not NaN', () => {
    const mha = new MultiheadAttention({ embedDim: 4, numHeads: 2, generator: new Generator(1) });
    const x = randn([3, 2, 4], { generator: new Generator(2) }); // [L, N, E]
    const keyPaddingMask = boolMask([[0, 0, 1], [1, 1, 1]]);
    const { output, weights } = mha.forward(x, x, x, { keyPaddingMask, averageAttnWeights: false });
    expect(weights!.shape).toEqual([2, 2, 3, 3]);
    const w = weights!.toTypedArray();
    for (let h = 0; h < 2; h++) {
      for (let q = 0; q < 3; q++) {
        expect(w[(h * 3 + q) * 3 + 2]).toBe(0);
        expect(w[(h * 3 + q) * 3] + w[(h * 3 + q) * 3 + 1]).toBeCloseTo(1, 6);
        for (let k = 0; k < 3; k++) expect(w[((2 + h) * 3 + q) * 3 + k]).toBe(0); // batch 1: all keys masked
      }
    }
    expect(Array.from(output.toTypedArray()).every(Number.isFinite)).toBe(true);
  });

  it('a float keyPaddingMask is added to the scores, as PyTorch, like the same bias as an attnMask', () => {
    const mha = new MultiheadAttention({ embedDim: 4, numHeads: 2, batchFirst: true, generator: new Generator(7) });
    const x = randn([2, 3, 4], { generator: new Generator(8) });
    const bias = tensor([[0, -1, 0.5], [-2, 0, 0]]);
    const viaPadding = mha.forward(x, x, x, { keyPaddingMask: bias, averageAttnWeights: false });
    // The same per-key bias as a [N·h, L, S] attnMask (batch-major, as PyTorch).
    const asAttn = bias.reshape([2, 1, 1, 3]).expand([2, 2, 3, 3]).reshape([4, 3, 3]);
    const viaAttn = mha.forward(x, x, x, { attnMask: asAttn, averageAttnWeights: false });
    expect(maxAbsDiff(viaPadding.weights!, viaAttn.weights!)).toBeLessThan(1e-6);
    expect(maxAbsDiff(viaPadding.output, viaAttn.output)).toBeLessThan(1e-6);
    expect(viaPadding.weights!.toTypedArray()[1]).toBeGreaterThan(0); // a bias of -1 does not mask the key
  });

  it('forward refuses unknown option keys (PyTorch spellings) instead of ignoring the mask', () => {
    // Before: { key_padding_mask } / { src_key_padding_mask } were ignored and every key was attended to.
    const mha = new MultiheadAttention({ embedDim: 4, numHeads: 2, generator: new Generator(9) });
    const x = randn([3, 1, 4], { generator: new Generator(10) });
    const pad = tensor([[false, false, true]]);
    expect(() => mha.forward(x, x, x, { key_padding_mask: pad } as never)).toThrow(
      "MultiheadAttention.forward: unknown option 'key_padding_mask' (did you mean 'keyPaddingMask'?); known options: keyPaddingMask, attnMask, needWeights, averageAttnWeights",
    );
    const layer = new TransformerEncoderLayer({ dModel: 4, nHead: 2, dimFeedforward: 8, generator: new Generator(11) });
    expect(() => layer.forward(x, { src_key_padding_mask: pad } as never)).toThrow("TransformerEncoderLayer.forward: unknown option 'src_key_padding_mask' (did you mean 'srcKeyPaddingMask'?)");
    const stack = new TransformerEncoder({ layer: { type: 'TransformerEncoderLayer', dModel: 4, nHead: 2, dimFeedforward: 8 }, numLayers: 1 });
    expect(() => stack.forward(x, { mask: pad } as never)).toThrow(/^TransformerEncoder.forward: unknown option 'mask'/);
    expect(stack.forward(x, { srcKeyPaddingMask: pad }).shape).toEqual([3, 1, 4]);
  });

  it('padding values cannot leak into the outputs', () => {
    const mha = new MultiheadAttention({ embedDim: 4, numHeads: 2, batchFirst: true, generator: new Generator(3) });
    const x = randn([1, 4, 4], { generator: new Generator(4) });
    const keyPaddingMask = boolMask([[0, 0, 0, 1]]);
    const y1 = mha.forward(x, x, x, { keyPaddingMask }).output;
    const x2 = x.clone();
    x2.storage.fill(100, 12, 16); // change only the padded step
    const y2 = mha.forward(x2, x2, x2, { keyPaddingMask }).output;
    expect(maxAbsDiff(y1.slice(1, 0, 3), y2.slice(1, 0, 3))).toBeLessThan(1e-6);
  });

  it('self-attention (one fused projection) equals the separate q/k/v path', () => {
    const mha = new MultiheadAttention({ embedDim: 6, numHeads: 3, generator: new Generator(5) });
    const x = randn([4, 2, 6], { generator: new Generator(6) });
    const a = mha.forward(x, x, x);
    const b = mha.forward(x, x.clone(), x.clone());
    expect(maxAbsDiff(a.output, b.output)).toBeLessThan(1e-6);
    expect(maxAbsDiff(a.weights!, b.weights!)).toBeLessThan(1e-6);
  });

  it('checks the attnMask shape instead of reshaping any mask with the right element count', () => {
    const mha = new MultiheadAttention({ embedDim: 4, numHeads: 2, generator: new Generator(5) });
    const x = randn([3, 2, 4], { generator: new Generator(6) }); // L = S = 3, N = 2, 2 heads
    // [1, 12, 3] has the 36 elements of [N·h, L, S] = [4, 3, 3]: it used to be reshaped silently.
    expect(() => mha.forward(x, x, x, { attnMask: randn([1, 12, 3]) })).toThrow('MultiheadAttention: attnMask must be [3, 3] or [4, 3, 3] (N·numHeads, L, S), got [1,12,3]');
    expect(() => mha.forward(x, x, x, { attnMask: boolMask([[0, 1, 1, 1], [0, 0, 1, 1], [0, 0, 0, 1]]) })).toThrow('got [3,4]');
    expect(() => mha.forward(x, x, x, { attnMask: randn([2, 3, 3]) })).toThrow('got [2,3,3]');
    expect(mha.forward(x, x, x, { attnMask: randn([4, 3, 3]) }).output.shape).toEqual([3, 2, 4]);
  });

  it('passes gradcheck: self-attention with key padding, cross-attention with a causal bool mask and a float mask', () => {
    const mha = new MultiheadAttention({ embedDim: 4, numHeads: 2, generator: new Generator(7) });
    const x = f64([3, 2, 4], 8);
    const keyPaddingMask = boolMask([[0, 0, 1], [0, 0, 0]]);
    expect(gradcheckModule(mha, [x], (xi) => {
      const o = mha.forward(xi, xi, xi, { keyPaddingMask });
      return [o.output, o.weights!];
    }).ok).toBe(true);
    const cross = new MultiheadAttention({ embedDim: 4, numHeads: 2, batchFirst: true, generator: new Generator(9) });
    const causal = boolMask([[0, 1, 1], [0, 0, 1]]);
    const additive = randn([2, 3], { dtype: 'float64', generator: new Generator(10) });
    expect(gradcheckModule(cross, [f64([1, 2, 4], 11), f64([1, 3, 4], 12), f64([1, 3, 4], 13)], (q, k, v) => [
      cross.forward(q, k, v, { attnMask: causal, needWeights: false }).output,
      cross.forward(q, k, v, { attnMask: additive }).output,
    ]).ok).toBe(true);
  });
});

describe('TransformerEncoderLayer', () => {
  for (const normFirst of [false, true]) {
    it(`passes gradcheck with a key-padding mask (normFirst=${normFirst}, gelu)`, () => {
      const layer = new TransformerEncoderLayer({ dModel: 4, nHead: 2, dimFeedforward: 6, dropout: 0.1, activation: 'gelu', normFirst, batchFirst: true, generator: new Generator(20) }).eval();
      const mask = boolMask([[0, 0, 1]]);
      expect(gradcheckModule(layer, [f64([1, 3, 4], 21)], (x) => layer.forward(x, { srcKeyPaddingMask: mask })).ok).toBe(true);
    });
  }

  it('PyTorch child names; padded steps do not change valid outputs; dropout only in training', () => {
    const layer = new TransformerEncoderLayer({ dModel: 4, nHead: 2, dimFeedforward: 8, generator: new Generator(22) });
    expect(layer.namedChildren().map(([n]) => n)).toEqual(['self_attn', 'linear1', 'dropout', 'linear2', 'norm1', 'norm2', 'dropout1', 'dropout2']);
    layer.eval();
    const x = randn([3, 1, 4], { generator: new Generator(23) }); // [S, N, E]
    const mask = boolMask([[0, 0, 1]]);
    const y1 = layer.forward(x, { srcKeyPaddingMask: mask });
    const x2 = x.clone();
    x2.storage.fill(-50, 8, 12);
    const y2 = layer.forward(x2, { srcKeyPaddingMask: mask });
    expect(maxAbsDiff(y1.slice(0, 0, 2), y2.slice(0, 0, 2))).toBeLessThan(1e-5);
    expect(maxAbsDiff(layer.forward(x), layer.forward(x))).toBe(0);
    layer.train();
    expect(maxAbsDiff(layer.forward(x), layer.forward(x))).toBeGreaterThan(0);
  });

  it('TransformerEncoder stacks independent layers under PyTorch names', () => {
    const enc = new TransformerEncoder({ numLayers: 2, layer: { type: 'TransformerEncoderLayer', dModel: 4, nHead: 1, dimFeedforward: 4 }, norm: { type: 'LayerNorm', normalizedShape: 4 } });
    const names = enc.namedParameters().map(([n]) => n);
    expect(names).toContain('layers.1.self_attn.in_proj_weight');
    expect(names).toContain('norm.weight');
    const w0 = enc.getSubmodule('layers.0.linear1') as unknown as { weight: Tensor };
    const w1 = enc.getSubmodule('layers.1.linear1') as unknown as { weight: Tensor };
    expect(maxAbsDiff(w0.weight, w1.weight)).toBeGreaterThan(0);
    expect(enc.eval().forward(randn([2, 3, 4])).shape).toEqual([2, 3, 4]);
  });
});

describe('scaledDotProductAttention', () => {
  const q = () => tensor([[[1, 0]]], { dtype: 'float64' });
  const k = () => tensor([[[1, 0], [0, 1]]], { dtype: 'float64' });
  const v = () => tensor([[[1, 2], [3, 4]]], { dtype: 'float64' });

  it('by hand: plain, a masked key, a fully masked query, an additive mask', () => {
    // scores [1/√2, 0]: w0 = σ(1/√2), output w0·[1, 2] + (1 - w0)·[3, 4]
    const w0 = 1 / (1 + Math.exp(-Math.SQRT1_2));
    const plain = scaledDotProductAttention(q(), k(), v());
    expectClose(plain.weights, [[[w0, 1 - w0]]], 1e-12);
    expectClose(plain.output, [[[3 - 2 * w0, 4 - 2 * w0]]], 1e-12);
    expectClose(scaledDotProductAttention(q(), k(), v(), { mask: tensor([[false, true]]) }).output, [[[1, 2]]], 1e-12);
    const none = scaledDotProductAttention(q(), k(), v(), { mask: tensor([[true, true]]) });
    expect([none.weights.toArray(), none.output.toArray()]).toEqual([[[[0, 0]]], [[[0, 0]]]]);
    // an additive -1/√2 on key 0 makes the scores equal: the mean of the values
    expectClose(scaledDotProductAttention(q(), k(), v(), { additiveMask: tensor([[-Math.SQRT1_2, 0]], { dtype: 'float64' }) }).output, [[[2, 3]]], 1e-12);
  });

  it('−∞ in a float mask masks as true does: beside a bool mask, and for a whole row (zeros, not NaN)', () => {
    const inf = -Infinity;
    // key 0 taken out by the bool mask, key 1 by −∞: nothing is left, as with a bool mask on both
    const mixed = scaledDotProductAttention(q(), k(), v(), { mask: tensor([[true, false]]), additiveMask: tensor([[0, inf]], { dtype: 'float64' }) });
    expect([mixed.weights.toArray(), mixed.output.toArray()]).toEqual([[[[0, 0]]], [[[0, 0]]]]);
    const row = scaledDotProductAttention(q(), k(), v(), { additiveMask: tensor([[inf, inf]], { dtype: 'float64' }) });
    expect([row.weights.toArray(), row.output.toArray()]).toEqual([[[[0, 0]]], [[[0, 0]]]]);
    expectClose(scaledDotProductAttention(q(), k(), v(), { additiveMask: tensor([[inf, 0]], { dtype: 'float64' }) }).output, [[[3, 4]]], 1e-12);
  });

  it('MultiheadAttention: a float causal mask with a bool padding mask leaves no weight on a padded key', () => {
    const mha = new MultiheadAttention({ embedDim: 4, numHeads: 1, batchFirst: true, generator: new Generator(1) });
    const x = randn([1, 2, 4], { generator: new Generator(2) });
    const { weights } = mha.forward(x, x, x, { attnMask: tensor([[0, -Infinity], [0, 0]]), keyPaddingMask: tensor([[true, false]]) });
    expect(weights!.toArray()).toEqual([[[0, 0], [0, 1]]]);
  });

  it('a float mask is refused by name, pointing at additiveMask (core’s maskedFill would only say "mask")', () => {
    expect(() => scaledDotProductAttention(q(), k(), v(), { mask: tensor([[0, 1]]) })).toThrow(/scaledDotProductAttention: mask must be a bool tensor .*got dtype float32; pass a float mask as additiveMask/);
  });

  it('gradcheck with −∞ in the additive mask, one row fully masked by it', () => {
    const additive = tensor([[0, -Infinity, 0.3], [-Infinity, -Infinity, -Infinity]], { dtype: 'float64' });
    expectGrad((qq, kk, vv) => {
      const o = scaledDotProductAttention(qq, kk, vv, { additiveMask: additive });
      return [o.output, o.weights];
    }, [f64([2, 2, 2], 34), f64([2, 3, 2], 35), f64([2, 3, 2], 36)]);
  });

  it('gradcheck for q, k (a transposed view) and v with a broadcast mask holding a fully masked row and an additive mask', () => {
    const mask = tensor([[false, true, false], [true, true, true]]);
    const additive = randn([2, 3], { dtype: 'float64', generator: new Generator(30) });
    expectGrad((qq, kk, vv) => {
      const o = scaledDotProductAttention(qq, kk.transpose(-2, -1), vv, { mask, additiveMask: additive });
      return [o.output, o.weights];
    }, [f64([2, 2, 2], 31), f64([2, 2, 3], 32), f64([2, 3, 2], 33)]);
  });
});

describe('Transformer encoder: residual and norm wiring by hand, encoder gradcheck', () => {
  /** All weights zero and norms neutral: attention gives out_proj.bias (a), the feed-forward gives linear2.bias (b). */
  function wire(m: TransformerEncoderLayer | TransformerEncoder, a: number[], b: number[], prefix = ''): void {
    for (const [name, p] of m.namedParameters()) p.storage.fill(/norm\d?\.weight$/.test(name) ? 1 : 0);
    const named = Object.fromEntries(m.namedParameters());
    named[`${prefix}self_attn.out_proj.bias`].storage.set(a);
    named[`${prefix}linear2.bias`].storage.set(b);
  }
  const ln = (x: number[], eps = 1e-5) => {
    const m = x.reduce((s, t) => s + t, 0) / x.length;
    const v = x.reduce((s, t) => s + (t - m) ** 2, 0) / x.length;
    return x.map((t) => (t - m) / Math.sqrt(v + eps));
  };

  it('post-norm layer: LN(LN(x + a) + b); pre-norm encoder with a final norm: LN(x + a + b)', () => {
    const layer = new TransformerEncoderLayer({ dModel: 2, nHead: 1, dimFeedforward: 2, generator: new Generator(34) }).eval().to('float64');
    wire(layer, [0, 1], [1, 0]);
    const x = tensor([[[1, 3]]], { dtype: 'float64' }); // [S = 1, N = 1, E = 2]
    // x + a = [1, 4] → LN → ±1.5/√(2.25 + ε); + b, LN again
    expectClose(layer.forward(x), [[ln(ln([1, 4]).map((t, i) => t + [1, 0][i]))]], 1e-12);
    const enc = new TransformerEncoder({ numLayers: 1, layer: { type: 'TransformerEncoderLayer', dModel: 2, nHead: 1, dimFeedforward: 2, normFirst: true }, norm: { type: 'LayerNorm', normalizedShape: 2 }, generator: new Generator(35) }).eval().to('float64');
    wire(enc, [0, 1], [1, 0], 'layers.0.');
    expectClose(enc.forward(x), [[ln([2, 4])]], 1e-12);
  });

  it('TransformerEncoder (pre-norm, final norm, key padding) passes gradcheck', () => {
    const enc = new TransformerEncoder({ numLayers: 1, layer: { type: 'TransformerEncoderLayer', dModel: 4, nHead: 2, dimFeedforward: 4, normFirst: true, activation: 'gelu', batchFirst: true }, norm: { type: 'LayerNorm', normalizedShape: 4 }, generator: new Generator(36) }).eval();
    const r = gradcheckModule(enc, [f64([1, 2, 4], 37)], (x) => enc.forward(x, { srcKeyPaddingMask: boolMask([[0, 1]]) }));
    expect(r.ok, r.message).toBe(true);
  });
});
