/** Transformer encoder layer (post-norm by default, pre-norm with normFirst) and encoder stack. */
import { gelu, relu, showValue, type Tensor } from '@tensorkit/core';
import type { ModuleConfig, ModuleOptions } from '../config.js';
import { Module } from '../module.js';
import { MultiheadAttention } from './attention.js';
import { Dropout } from './dropout.js';
import { LayerNorm, type LayerNormConfig } from './layernorm.js';
import { Linear } from './linear.js';
import { ModuleList } from './sequential.js';
import { checkOptionKeys } from '../options.js';
import { checkPositiveInt, layerOptions } from './util.js';

export interface TransformerEncoderLayerConfig extends ModuleConfig {
  type: 'TransformerEncoderLayer';
  dModel: number;
  nHead: number;
  /** Default 2048. */
  dimFeedforward?: number;
  /** Default 0.1. */
  dropout?: number;
  /** Default 'relu'. */
  activation?: 'relu' | 'gelu';
  /** Default 1e-5. */
  layerNormEps?: number;
  /** Default false ([S, N, E]). */
  batchFirst?: boolean;
  /** Pre-norm (x + f(norm(x))) instead of post-norm (norm(x + f(x))); default false. */
  normFirst?: boolean;
  /** Default true. */
  bias?: boolean;
}

const ENCODER_FORWARD_KEYS = ['srcKeyPaddingMask', 'srcMask'];

export interface EncoderForwardOptions {
  /** [N, S] boolean (true = padding position, ignored as a key) or float (added to the scores). */
  srcKeyPaddingMask?: Tensor | null;
  /** [S, S] boolean (true = masked) or float additive mask. */
  srcMask?: Tensor | null;
}

export class TransformerEncoderLayer extends Module {
  readonly config: Required<TransformerEncoderLayerConfig>;

  constructor(opts: ModuleOptions<TransformerEncoderLayerConfig>) {
    super();
    layerOptions('TransformerEncoderLayer', opts);
    const c: Required<TransformerEncoderLayerConfig> = {
      type: 'TransformerEncoderLayer',
      dModel: checkPositiveInt('TransformerEncoderLayer', 'dModel', opts.dModel),
      nHead: checkPositiveInt('TransformerEncoderLayer', 'nHead', opts.nHead),
      dimFeedforward: checkPositiveInt('TransformerEncoderLayer', 'dimFeedforward', opts.dimFeedforward ?? 2048),
      dropout: opts.dropout ?? 0.1,
      activation: opts.activation ?? 'relu',
      layerNormEps: opts.layerNormEps ?? 1e-5,
      batchFirst: opts.batchFirst ?? false,
      normFirst: opts.normFirst ?? false,
      bias: opts.bias ?? true,
    };
    if (c.activation !== 'relu' && c.activation !== 'gelu') throw new Error(`TransformerEncoderLayer: activation must be 'relu' or 'gelu', got '${String(c.activation)}'`);
    this.config = c;
    this.checkOptions(opts);
    const generator = opts.generator;
    // PyTorch's child names, so state dicts line up.
    this.addModule('self_attn', new MultiheadAttention({ embedDim: c.dModel, numHeads: c.nHead, dropout: c.dropout, bias: c.bias, batchFirst: c.batchFirst, generator }));
    this.addModule('linear1', new Linear({ inFeatures: c.dModel, outFeatures: c.dimFeedforward, bias: c.bias, generator }));
    this.addModule('dropout', new Dropout({ p: c.dropout, generator }));
    this.addModule('linear2', new Linear({ inFeatures: c.dimFeedforward, outFeatures: c.dModel, bias: c.bias, generator }));
    this.addModule('norm1', new LayerNorm({ normalizedShape: c.dModel, eps: c.layerNormEps, bias: c.bias }));
    this.addModule('norm2', new LayerNorm({ normalizedShape: c.dModel, eps: c.layerNormEps, bias: c.bias }));
    this.addModule('dropout1', new Dropout({ p: c.dropout, generator }));
    this.addModule('dropout2', new Dropout({ p: c.dropout, generator }));
  }

  private child<M extends Module>(name: string): M {
    return this.getSubmodule(name) as M;
  }

  private selfAttention(x: Tensor, opts: EncoderForwardOptions): Tensor {
    const { output } = this.child<MultiheadAttention>('self_attn').forward(x, x, x, { keyPaddingMask: opts.srcKeyPaddingMask, attnMask: opts.srcMask, needWeights: false });
    return this.child<Dropout>('dropout1').forward(output);
  }

  private feedForward(x: Tensor): Tensor {
    const hidden = this.child<Linear>('linear1').forward(x);
    const act = this.config.activation === 'gelu' ? gelu(hidden) : relu(hidden);
    return this.child<Dropout>('dropout2').forward(this.child<Linear>('linear2').forward(this.child<Dropout>('dropout').forward(act)));
  }

  /** src [S, N, E] (or [N, S, E] when batchFirst) → same shape. */
  forward(src: Tensor, opts: EncoderForwardOptions = {}): Tensor {
    // An unknown key (PyTorch's src_key_padding_mask) would otherwise be ignored: attention without the mask.
    checkOptionKeys('TransformerEncoderLayer.forward', opts, ENCODER_FORWARD_KEYS);
    const norm1 = this.child<LayerNorm>('norm1');
    const norm2 = this.child<LayerNorm>('norm2');
    let x = this.tensorInput(src, 'src');
    if (this.config.normFirst) {
      x = x.add(this.selfAttention(norm1.forward(x), opts));
      return x.add(this.feedForward(norm2.forward(x)));
    }
    x = norm1.forward(x.add(this.selfAttention(x, opts)));
    return norm2.forward(x.add(this.feedForward(x)));
  }
}

export interface TransformerEncoderConfig extends ModuleConfig {
  type: 'TransformerEncoder';
  layer: TransformerEncoderLayerConfig;
  numLayers: number;
  /** Final LayerNorm (useful with normFirst layers); default none. */
  norm?: LayerNormConfig | null;
}

/** numLayers independent copies of one layer config ("layers.0.…", as PyTorch). */
export class TransformerEncoder extends Module {
  readonly config: Required<TransformerEncoderConfig>;

  constructor(opts: ModuleOptions<TransformerEncoderConfig>) {
    super();
    layerOptions('TransformerEncoder', opts);
    const n = checkPositiveInt('TransformerEncoder', 'numLayers', opts.numLayers);
    const normType: unknown = opts.norm?.type;
    if (normType !== undefined && normType !== 'LayerNorm') throw new Error(`TransformerEncoder: norm must be a LayerNorm config ({type: 'LayerNorm', normalizedShape, …}) or null, got type ${showValue(normType)}`);
    const layers = Array.from({ length: n }, () => new TransformerEncoderLayer({ ...opts.layer, generator: opts.generator }));
    this.addModule('layers', new ModuleList(layers));
    const norm = opts.norm ? this.addModule('norm', new LayerNorm(opts.norm)) : null;
    // The built children's configs (defaults filled in) rather than the given ones: buildModule checks a
    // nested config's keys against them, so a misspelt key inside `layer` or `norm` is caught too.
    this.config = { type: 'TransformerEncoder', layer: { ...layers[0].config }, numLayers: n, norm: norm ? { ...norm.config } : null };
    this.checkOptions(opts);
  }

  forward(src: Tensor, opts: EncoderForwardOptions = {}): Tensor {
    checkOptionKeys('TransformerEncoder.forward', opts, ENCODER_FORWARD_KEYS);
    let x = this.tensorInput(src, 'src');
    for (const layer of this.getSubmodule('layers') as ModuleList<TransformerEncoderLayer>) x = layer.forward(x, opts);
    const norm = this.config.norm ? (this.getSubmodule('norm') as LayerNorm) : null;
    return norm ? norm.forward(x) : x;
  }
}
