/** Layers, their configs and the functional forms they are built on. */
// Registers the built-in layers with buildModule (and their config types with ModuleConfigRegistry).
import './builtins.js';

export * from './activation.js';
export * from './adaptive-pool.js';
export * from './attention.js';
export * from './batchnorm.js';
export * from './conv.js';
export * from './conv-transpose.js';
export * from './dropout.js';
export * from './embedding.js';
export * from './layernorm.js';
export * from './groupnorm.js';
export * from './linear.js';
export * from './pool.js';
export * from './reshape.js';
export * from './sequential.js';
export * from './transformer.js';
export * from './upsample.js';
export * from './rnn/gru.js';
export * from './rnn/lstm.js';
export { RNNBase, type RNNFields, type RNNForwardOptions } from './rnn/base.js';
export { gruSequence } from './rnn/gru-op.js';
export { lstmSequence, type LstmArgs } from './rnn/lstm-op.js';
export type { RecurrentArgs } from './rnn/kernels.js';
export { adaptiveAvgPool1d, adaptiveAvgPool2d, type AdaptiveSize2d } from './functional/adaptive-pool.js';
export { embedding, embeddingBag, type BagMode, type Ids, type EmbeddingOptions, type EmbeddingBagOptions } from './functional/embedding.js';
export { scaledDotProductAttention, type AttentionMaskOptions } from './functional/attention.js';
export { accumulateSparseGrad } from './functional/sparse-grad.js';
