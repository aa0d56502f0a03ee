/** Multi-head attention with PyTorch's parameters (in_proj_weight/in_proj_bias/out_proj) and masks. */
import { Tensor, zeros } from '@tensorkit/core';
import type { ModuleConfig, ModuleOptions } from '../config.js';
import { init } from '../init.js';
import { Module } from '../module.js';
import { orMasks, scaledDotProductAttention } from './functional/attention.js';
import { checkOptionKeys } from '../options.js';
import { linear, Linear } from './linear.js';
import { checkPositiveInt, checkProbability, generatorOf, layerOptions, shapeStr } from './util.js';
import type { Generator } from '@tensorkit/core';

export interface MultiheadAttentionConfig extends ModuleConfig {
  type: 'MultiheadAttention';
  embedDim: number;
  numHeads: number;
  /** Dropout on the attention weights in training (default 0). */
  dropout?: number;
  /** Default true. */
  bias?: boolean;
  /** Inputs/outputs as [N, L, E] instead of [L, N, E] (default false). */
  batchFirst?: boolean;
}

export interface AttentionForwardOptions {
  /** [N, S] boolean (true = this key is padding and gets zero weight) or float (added to the scores). */
  keyPaddingMask?: Tensor | null;
  /** [L, S] or [N·heads, L, S]: boolean (true = masked) or float (added to the scores). */
  attnMask?: Tensor | null;
  /** Also return the attention weights (default true, as in PyTorch). */
  needWeights?: boolean;
  /** Average the weights over heads → [N, L, S] (default true); else [N, heads, L, S]. */
  averageAttnWeights?: boolean;
}

export interface AttentionOutput {
  /** [L, N, E] (or [N, L, E] when batchFirst). */
  output: Tensor;
  weights: Tensor | null;
}

function isBoolMask(t: Tensor): boolean {
  return t.dtype === 'bool' || t.dtype === 'uint8' || t.dtype === 'int32';
}

/** An integer 0/1 mask (PyTorch's older uint8 masks) as the bool mask attention takes. */
function asBoolMask(t: Tensor): Tensor {
  return t.dtype === 'bool' ? t : t.ne(0);
}

export class MultiheadAttention extends Module {
  readonly config: Required<MultiheadAttentionConfig>;
  /** Stream for attention-weight dropout (null: the default generator at call time). */
  generator: Generator | null;

  constructor(opts: ModuleOptions<MultiheadAttentionConfig>) {
    super();
    layerOptions('MultiheadAttention', opts);
    const E = checkPositiveInt('MultiheadAttention', 'embedDim', opts.embedDim);
    const h = checkPositiveInt('MultiheadAttention', 'numHeads', opts.numHeads);
    if (E % h !== 0) throw new Error(`MultiheadAttention: embedDim ${E} must be divisible by numHeads ${h}`);
    this.config = { type: 'MultiheadAttention', embedDim: E, numHeads: h, dropout: checkProbability('MultiheadAttention', 'dropout', opts.dropout ?? 0), bias: opts.bias ?? true, batchFirst: opts.batchFirst ?? false };
    this.checkOptions(opts);
    const g = generatorOf(opts);
    this.generator = opts.generator ?? null;
    this.registerParameter('in_proj_weight', init.xavierUniform(zeros([3 * E, E]), { generator: g }));
    this.registerParameter('in_proj_bias', this.config.bias ? zeros([3 * E]) : null);
    const out = this.addModule('out_proj', new Linear({ inFeatures: E, outFeatures: E, bias: this.config.bias, generator: g }));
    if (out.bias) out.bias.storage.fill(0);
  }

  get outProj(): Linear {
    return this.getSubmodule('out_proj') as Linear;
  }

  forward(query: Tensor, key: Tensor, value: Tensor, opts: AttentionForwardOptions = {}): AttentionOutput {
    // An unknown key (PyTorch's key_padding_mask) would otherwise be ignored: attention without the mask.
    checkOptionKeys('MultiheadAttention.forward', opts, ['keyPaddingMask', 'attnMask', 'needWeights', 'averageAttnWeights']);
    const { embedDim: E, numHeads: h, batchFirst } = this.config;
    for (const [nm, t] of [['query', query], ['key', key], ['value', value]] as const) {
      this.tensorInput(t, nm);
      if (t.rank !== 3 || t.shape[2] !== E) throw new Error(`MultiheadAttention: ${nm} must be ${batchFirst ? '[N, L, E]' : '[L, N, E]'} with E = ${E}, got ${shapeStr(t)}`);
    }
    const toBatchFirst = (t: Tensor) => (batchFirst ? t : t.transpose(0, 1));
    const q = toBatchFirst(query);
    const k = toBatchFirst(key);
    const v = toBatchFirst(value);
    const [N, L] = q.shape;
    const S = k.shape[1];
    if (k.shape[0] !== N || v.shape[0] !== N || v.shape[1] !== S) throw new Error(`MultiheadAttention: query/key/value batch or key/value lengths disagree: ${shapeStr(query)}, ${shapeStr(key)}, ${shapeStr(value)}`);
    const W = this.param('in_proj_weight');
    // Checked here so the error names the layer and the fix, as the recurrent layers do.
    if (query.dtype !== W.dtype || key.dtype !== W.dtype || value.dtype !== W.dtype) {
      throw new Error(`MultiheadAttention: query/key/value are ${query.dtype}/${key.dtype}/${value.dtype} but the parameters are ${W.dtype} (convert the inputs, or the module with .to('${query.dtype}'))`);
    }
    const b = this.optionalParam('in_proj_bias');
    let qp: Tensor, kp: Tensor, vp: Tensor;
    if (query === key && key === value) {
      // Self-attention: one projection GEMM for q, k and v.
      const qkv = linear(q, W, b);
      [qp, kp, vp] = [0, 1, 2].map((i) => qkv.slice(2, i * E, (i + 1) * E));
    } else {
      const part = (t: Tensor, i: number) => linear(t, W.slice(0, i * E, (i + 1) * E), b ? b.slice(0, i * E, (i + 1) * E) : null);
      [qp, kp, vp] = [part(q, 0), part(k, 1), part(v, 2)];
    }
    const d = E / h;
    const heads = (t: Tensor, len: number) => t.reshape([N, len, h, d]).permute(0, 2, 1, 3);
    let mask: Tensor | null = null;
    let additive: Tensor | null = null;
    if (opts.keyPaddingMask) {
      const m = opts.keyPaddingMask;
      if (m.rank !== 2 || m.shape[0] !== N || m.shape[1] !== S) throw new Error(`MultiheadAttention: keyPaddingMask must be [${N}, ${S}], got ${shapeStr(m)}`);
      // A float mask is added to the scores, as PyTorch's: reading it as boolean would mask every key with a nonzero bias.
      if (isBoolMask(m)) mask = asBoolMask(m).reshape([N, 1, 1, S]);
      else additive = m.reshape([N, 1, 1, S]);
    }
    if (opts.attnMask) {
      const a = opts.attnMask;
      // Check the shape itself: a reshape would accept any mask with the right element count (e.g. [L·N·h, S]).
      const okShape = a.rank === 2 ? a.shape[0] === L && a.shape[1] === S : a.rank === 3 && a.shape[0] === N * h && a.shape[1] === L && a.shape[2] === S;
      if (!okShape) throw new Error(`MultiheadAttention: attnMask must be [${L}, ${S}] or [${N * h}, ${L}, ${S}] (N·numHeads, L, S), got ${shapeStr(a)}`);
      const shaped = a.rank === 2 ? a.reshape([1, 1, L, S]) : a.reshape([N, h, L, S]);
      if (isBoolMask(a)) mask = orMasks(mask, asBoolMask(shaped));
      else additive = additive ? additive.add(shaped) : shaped;
    }
    const att = scaledDotProductAttention(heads(qp, L), heads(kp, S), heads(vp, S), {
      mask, additiveMask: additive, dropoutP: this.config.dropout, training: this.training, generator: this.generator ?? undefined,
    });
    const merged = att.output.permute(0, 2, 1, 3).reshape([N, L, E]);
    const out = this.outProj.forward(merged);
    let weights: Tensor | null = null;
    if (opts.needWeights ?? true) weights = (opts.averageAttnWeights ?? true) ? att.weights.mean(1) : att.weights;
    return { output: batchFirst ? out : out.transpose(0, 1), weights };
  }
}
