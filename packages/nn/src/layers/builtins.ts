/** Registers every built-in layer with buildModule (imported once by the layers barrel). */
import { buildModule, registerModule, type AnyModuleConfig, type InitOptions, type ModuleConfig } from '../config.js';
import type { Module, TensorModule } from '../module.js';
import {
  GELU, LeakyReLU, LogSoftmax, ReLU, SiLU, Sigmoid, Softmax, Softplus, Tanh,
  type GELUConfig, type LeakyReLUConfig, type LogSoftmaxConfig, type ReLUConfig, type SiLUConfig, type SigmoidConfig, type SoftmaxConfig, type SoftplusConfig, type TanhConfig,
} from './activation.js';
import { AdaptiveAvgPool1d, AdaptiveAvgPool2d, GlobalAvgPool, type AdaptiveAvgPool1dConfig, type AdaptiveAvgPool2dConfig, type GlobalAvgPoolConfig } from './adaptive-pool.js';
import { MultiheadAttention, type MultiheadAttentionConfig } from './attention.js';
import { BatchNorm1d, BatchNorm2d, type BatchNorm1dConfig, type BatchNorm2dConfig } from './batchnorm.js';
import { Conv1d, Conv2d, type Conv1dConfig, type Conv2dConfig } from './conv.js';
import { ConvTranspose1d, ConvTranspose2d, type ConvTranspose1dConfig, type ConvTranspose2dConfig } from './conv-transpose.js';
import { Dropout, type DropoutConfig } from './dropout.js';
import { Embedding, EmbeddingBag, type EmbeddingBagConfig, type EmbeddingConfig } from './embedding.js';
import { GroupNorm, type GroupNormConfig } from './groupnorm.js';
import { LayerNorm, type LayerNormConfig } from './layernorm.js';
import { Linear, type LinearConfig } from './linear.js';
import { AvgPool1d, AvgPool2d, MaxPool1d, MaxPool2d, type AvgPool1dConfig, type AvgPool2dConfig, type MaxPool1dConfig, type MaxPool2dConfig } from './pool.js';
import { Flatten, Identity, type FlattenConfig, type IdentityConfig } from './reshape.js';
import { GRU, type GRUConfig } from './rnn/gru.js';
import { LSTM, type LSTMConfig } from './rnn/lstm.js';
import { ModuleList, Sequential, type ModuleListConfig, type SequentialConfig } from './sequential.js';
import { Upsample, type UpsampleConfig } from './upsample.js';
import { TransformerEncoder, TransformerEncoderLayer, type TransformerEncoderConfig, type TransformerEncoderLayerConfig } from './transformer.js';

declare module '../config.js' {
  interface ModuleConfigRegistry {
    Linear: LinearConfig; Conv1d: Conv1dConfig; Conv2d: Conv2dConfig; ConvTranspose1d: ConvTranspose1dConfig; ConvTranspose2d: ConvTranspose2dConfig;
    MaxPool1d: MaxPool1dConfig; MaxPool2d: MaxPool2dConfig;
    AvgPool1d: AvgPool1dConfig; AvgPool2d: AvgPool2dConfig; AdaptiveAvgPool1d: AdaptiveAvgPool1dConfig; AdaptiveAvgPool2d: AdaptiveAvgPool2dConfig;
    GlobalAvgPool: GlobalAvgPoolConfig; BatchNorm1d: BatchNorm1dConfig; BatchNorm2d: BatchNorm2dConfig; LayerNorm: LayerNormConfig; GroupNorm: GroupNormConfig;
    Dropout: DropoutConfig; Embedding: EmbeddingConfig; EmbeddingBag: EmbeddingBagConfig; GRU: GRUConfig; LSTM: LSTMConfig;
    MultiheadAttention: MultiheadAttentionConfig; TransformerEncoderLayer: TransformerEncoderLayerConfig; TransformerEncoder: TransformerEncoderConfig;
    ReLU: ReLUConfig; LeakyReLU: LeakyReLUConfig; GELU: GELUConfig; SiLU: SiLUConfig; Sigmoid: SigmoidConfig; Tanh: TanhConfig;
    Softplus: SoftplusConfig; Softmax: SoftmaxConfig; LogSoftmax: LogSoftmaxConfig; Flatten: FlattenConfig; Identity: IdentityConfig; Upsample: UpsampleConfig;
    Sequential: SequentialConfig; ModuleList: ModuleListConfig;
  }
}

/** Classes constructed as `new X({...config, generator})`. */
const simple: Record<string, new (opts: any) => Module> = {
  Linear, Conv1d, Conv2d, ConvTranspose1d, ConvTranspose2d, MaxPool1d, MaxPool2d, AvgPool1d, AvgPool2d, AdaptiveAvgPool1d, AdaptiveAvgPool2d, GlobalAvgPool,
  BatchNorm1d, BatchNorm2d, LayerNorm, GroupNorm, Dropout, Embedding, EmbeddingBag, GRU, LSTM, MultiheadAttention,
  TransformerEncoderLayer, TransformerEncoder, ReLU, LeakyReLU, GELU, SiLU, Sigmoid, Tanh, Softplus, Softmax, LogSoftmax,
  Flatten, Identity, Upsample,
};

for (const [type, Ctor] of Object.entries(simple)) {
  registerModule(type, (config: ModuleConfig, opts: InitOptions) => new Ctor({ ...config, ...opts }));
}

/** A container config's child configs (a hand-edited or truncated config must not fail with a TypeError). */
function childConfigs(c: SequentialConfig | ModuleListConfig): AnyModuleConfig[] {
  if (!Array.isArray(c.modules)) throw new Error(`buildModule: ${c.type} config needs a 'modules' array of child configs, got ${JSON.stringify(c.modules)}`);
  return c.modules;
}

registerModule<SequentialConfig>('Sequential', (c, opts) => new Sequential(...childConfigs(c).map((m) => buildModule<TensorModule>(m, opts))));
registerModule<ModuleListConfig>('ModuleList', (c, opts) => new ModuleList(childConfigs(c).map((m) => buildModule(m, opts))));
