/**
 * The two architectures: a small VGG-style CNN (the shipped model) and an MLP
 * baseline. Both are plain Sequentials of registered modules, so the config
 * stored in the model file rebuilds them with `buildModule`.
 */
import type { Generator } from '@tensorkit/core';
import { Conv2d, Dropout, Flatten, Linear, MaxPool2d, ReLU, Sequential, buildModule, type ModuleConfig, type TensorModule } from '@tensorkit/nn';
import { BatchNormReLU } from './bn-relu.js';

export type Arch = 'cnn' | 'mlp';
export const ARCHS: readonly Arch[] = ['cnn', 'mlp'];

export const NUM_CLASSES = 10;
export const IMAGE_SIZE = 28;

export interface CnnSpec {
  /** Output channels of each 3×3 conv; 'M' is a 2×2 max-pool. */
  layers: (number | 'M')[];
  /** Hidden width of the classifier head (0 = straight to the 10 logits). */
  hidden: number;
  dropout: number;
  /** Pool odd-sized maps with ceil mode, so a 7×7 map keeps its last row and column (4×4, not 3×3). */
  ceilPool?: boolean;
}

/**
 * 28² → conv 32 → pool 14² → conv 64 → pool 7² → conv 128 → pool 4² → 256 → 10,
 * batch norm + ReLU after each pool. Three 3×3 convs with the work at 14×14 and
 * below keep a training step cheap on a CPU (about 7.7M multiply-adds per image
 * forward); a second conv at 28² or 14² would double the step for a few
 * hundredths of a percent.
 */
export const DEFAULT_CNN: CnnSpec = { layers: [32, 'M', 64, 'M', 128, 'M'], hidden: 256, dropout: 0.25, ceilPool: true };

export const DEFAULT_MLP = { hidden: [512, 256], dropout: 0.2 };

function cnn(spec: CnnSpec, g: Generator): Sequential {
  const mods: TensorModule[] = [];
  let ch = 1;
  let size = IMAGE_SIZE;
  spec.layers.forEach((l, k) => {
    if (l === 'M') {
      mods.push(new MaxPool2d({ kernelSize: 2, ceilMode: !!spec.ceilPool && size % 2 === 1 }));
      size = spec.ceilPool ? Math.ceil(size / 2) : Math.floor(size / 2);
      if (spec.layers[k - 1] !== 'M' && k > 0) mods.push(new BatchNormReLU({ numFeatures: ch }));
      return;
    }
    // No conv bias: the batch norm after it has its own shift.
    mods.push(new Conv2d({ inChannels: ch, outChannels: l, kernelSize: 3, padding: 1, bias: false, generator: g }));
    ch = l;
    // A conv followed by a pool gets its batch norm + ReLU after the pool, on a quarter of
    // the values (max-pooling commutes with the per-channel monotone map when the scale is
    // positive, and the network trains as well either way).
    if (spec.layers[k + 1] !== 'M') mods.push(new BatchNormReLU({ numFeatures: l }));
  });
  mods.push(new Flatten());
  const flat = ch * size * size;
  if (spec.hidden > 0) {
    mods.push(new Dropout({ p: spec.dropout, generator: g }));
    mods.push(new Linear({ inFeatures: flat, outFeatures: spec.hidden, bias: false, generator: g }));
    mods.push(new BatchNormReLU({ numFeatures: spec.hidden }));
    mods.push(new Dropout({ p: spec.dropout, generator: g }));
    mods.push(new Linear({ inFeatures: spec.hidden, outFeatures: NUM_CLASSES, generator: g }));
  } else {
    mods.push(new Dropout({ p: spec.dropout, generator: g }));
    mods.push(new Linear({ inFeatures: flat, outFeatures: NUM_CLASSES, generator: g }));
  }
  return new Sequential(...mods);
}

function mlp(hidden: number[], dropout: number, g: Generator): Sequential {
  const mods: TensorModule[] = [new Flatten()];
  let width = IMAGE_SIZE * IMAGE_SIZE;
  for (const h of hidden) {
    mods.push(new Linear({ inFeatures: width, outFeatures: h, generator: g }), new ReLU(), new Dropout({ p: dropout, generator: g }));
    width = h;
  }
  mods.push(new Linear({ inFeatures: width, outFeatures: NUM_CLASSES, generator: g }));
  return new Sequential(...mods);
}

/** A fresh model; `g` draws the initial weights and, afterwards, the dropout masks. */
export function createModel(arch: Arch, g: Generator, spec: CnnSpec = DEFAULT_CNN): Sequential {
  return arch === 'cnn' ? cnn(spec, g) : mlp(DEFAULT_MLP.hidden, DEFAULT_MLP.dropout, g);
}

/** Rebuilds a model from the config stored in a model file or checkpoint. */
export function modelFromConfig(config: ModuleConfig, g?: Generator): Sequential {
  const m = buildModule<Sequential>(config, g ? { generator: g } : {});
  if (!(m instanceof Sequential)) throw new Error(`expected a Sequential model config, got '${config.type}'`);
  return m;
}

/**
 * Dropout layers keep the generator they were built with; after rebuilding a
 * model for resumption they must draw from the run's dropout stream again.
 */
export function setDropoutGenerator(model: Sequential, g: Generator): void {
  for (const m of model.modules()) if (m instanceof Dropout) m.generator = g;
}
