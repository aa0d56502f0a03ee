/**
 * Guard for the standard "every op has forward tests against hand-checked values and a
 * float64 finite-difference gradcheck": every export of @tensorkit/nn — functional ops,
 * losses and layer classes — must be decided here: covered (with the test file that holds
 * both) or non-differentiable (with the reason). Adding an op or a layer without a
 * decision fails this test; a layer (a Module subclass with a forward) must be covered.
 */
import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import * as nn from '../src/index.js';
import { Module, ModuleList } from '../src/index.js';
import { coverageProblems, type CoverageLists } from '../../core/test/coverage-guard.js';

const TEST_DIR = fileURLToPath(new URL('.', import.meta.url));

/** Differentiable functions and layers → the test file with their hand-checked forward tests and float64 gradchecks. */
const COVERED: CoverageLists['covered'] = {
  'layers-basic.test.ts': [
    'linear', 'adaptiveAvgPool1d', 'adaptiveAvgPool2d', 'Linear', 'Conv1d', 'Conv2d', 'MaxPool1d', 'MaxPool2d', 'AvgPool1d', 'AvgPool2d',
    'AdaptiveAvgPool1d', 'AdaptiveAvgPool2d', 'GlobalAvgPool', 'ReLU', 'LeakyReLU', 'GELU', 'SiLU', 'Sigmoid', 'Tanh', 'Softplus', 'Softmax',
    'LogSoftmax', 'Flatten', 'Identity', 'Sequential',
  ],
  'layers-conv-transpose.test.ts': ['ConvTranspose1d', 'ConvTranspose2d'],
  'layers-upsample.test.ts': ['Upsample'],
  'layers-norm.test.ts': ['layerNorm', 'LayerNorm', 'groupNorm', 'GroupNorm', 'BatchNorm1d', 'BatchNorm2d', 'dropout', 'Dropout'],
  'layers-attention.test.ts': ['scaledDotProductAttention', 'MultiheadAttention', 'TransformerEncoderLayer', 'TransformerEncoder'],
  'layers-embedding.test.ts': ['embedding', 'embeddingBag', 'Embedding', 'EmbeddingBag'],
  'layers-rnn.test.ts': ['gruSequence', 'lstmSequence', 'GRU', 'LSTM', 'RNNBase'],
  'losses-basic.test.ts': ['crossEntropy', 'nllLoss', 'mseLoss', 'bceWithLogits'],
  'losses-ctc.test.ts': ['ctcLoss'],
  'losses-regression.test.ts': ['l1Loss', 'smoothL1Loss', 'huberLoss', 'klDivLoss', 'bceLoss', 'cosineSimilarity'],
};

/** Exports that carry no gradient, by reason. */
const NON_DIFFERENTIABLE: CoverageLists['nonDifferentiable'] = {
  'module machinery: the base class, a container without a forward, parameters, configs': [
    'Module', 'ModuleList', 'asParameter', 'functionalCall', 'buildModule', 'registerModule', 'registeredModuleTypes',
  ],
  'parameter initialisation': ['init', 'calculateGain', 'computeFans'],
  'optimizers, schedulers and gradient bookkeeping (they consume gradients)': [
    'Optimizer', 'SGD', 'Adam', 'AdamW', 'AdamBase', 'RMSprop', 'Adagrad', 'StepLR', 'ExponentialLR', 'CosineWarmupLR', 'CosineAnnealingLR',
    'LinearLR', 'OneCycleLR', 'ReduceLROnPlateau', 'SequentialLR', 'ChainedScheduler',
    'ClosedFormScheduler', 'clipGradNorm', 'coalesceRows', 'accumulateSparseGrad',
  ],
  'CTC decoding and alignment checks (label sequences, booleans, lengths)': [
    'ctcGreedyDecode', 'ctcPrefixBeamSearch', 'ctcAlignable', 'ctcMinInputLength', 'ctcRepeats', 'LogProbMatrix',
  ],
  'checkpoints and number formats': [
    'CHECKPOINT_FORMAT', 'CHECKPOINT_VERSION', 'MAX_HEADER_BYTES', 'encodeCheckpoint', 'decodeCheckpoint', 'saveCheckpoint', 'loadCheckpoint',
    'restoreCheckpoint', 'encodeSafetensors', 'decodeSafetensors', 'saveSafetensors', 'saveSafetensorsSync', 'loadSafetensors',
    'loadSafetensorsSync', 'toHalfBits', 'fromHalfBits', 'toBFloat16Bits', 'fromBFloat16Bits',
  ],
  'option checking (unknown keys, "did you mean")': ['checkOptionKeys', 'closestKey'],
};

describe('op coverage guard (@tensorkit/nn)', () => {
  it('every export is covered by a gradchecking test file that mentions it, or listed as non-differentiable', () => {
    const problems = coverageProblems(Object.keys(nn), { covered: COVERED, nonDifferentiable: NON_DIFFERENTIABLE }, TEST_DIR);
    expect(problems, problems.join('\n')).toEqual([]);
  });

  it('every exported layer is covered: the only Module subclass listed as non-differentiable has no forward', () => {
    const covered = new Set(Object.values(COVERED).flat());
    const layers = Object.entries(nn).filter(([, v]) => typeof v === 'function' && v.prototype instanceof Module).map(([name]) => name);
    expect(layers.length).toBeGreaterThan(30);
    expect(layers.filter((name) => !covered.has(name))).toEqual(['ModuleList']);
    expect(() => new ModuleList().forward()).toThrow('ModuleList has no forward');
  });
});
