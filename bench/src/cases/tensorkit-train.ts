/**
 * tensorkit training steps for the four benchmark models, mirroring the tfjs
 * models in tfjs.ts: forward, cross-entropy, backward, Adam (lr 1e-3).
 */
import { Generator, rand, randint, type Tensor } from '@tensorkit/core';
import { Adam, Conv2d, crossEntropy, EmbeddingBag, Flatten, GRU, Linear, MaxPool2d, Module, ReLU, Sequential, type TensorModule } from '@tensorkit/nn';
import type { TrainCase } from './types.js';

class TextModel extends Module {
  readonly config = { type: 'BenchText' };
  readonly bag: EmbeddingBag;
  readonly head: Linear;
  constructor(generator: Generator) {
    super();
    this.bag = this.addModule('bag', new EmbeddingBag({ numEmbeddings: 20000, embeddingDim: 64, mode: 'mean', generator }));
    this.head = this.addModule('head', new Linear({ inFeatures: 64, outFeatures: 4, generator }));
  }
  forward(ids: Int32Array, offsets: Int32Array): Tensor {
    return this.head.forward(this.bag.forward(ids, offsets));
  }
}

class GruModel extends Module {
  readonly config = { type: 'BenchGru' };
  readonly gru: GRU;
  readonly head: Linear;
  constructor(generator: Generator) {
    super();
    this.gru = this.addModule('gru', new GRU({ inputSize: 40, hiddenSize: 128, batchFirst: true, generator }));
    this.head = this.addModule('head', new Linear({ inFeatures: 128, outFeatures: 10, generator }));
  }
  forward(x: Tensor): Tensor {
    const { hidden } = this.gru.forward(x);
    return this.head.forward(hidden.select(0, 0));
  }
}

export function buildTrainStep(which: TrainCase): { step: () => void; batch: number } {
  const g = new Generator(0);
  if (which === 'train-text') {
    const model = new TextModel(g);
    const opt = new Adam(model.parameters(), { lr: 1e-3 });
    const ids = randint(0, 20000, [64 * 64], { generator: g }).toTypedArray() as Int32Array;
    const offsets = Int32Array.from({ length: 64 }, (_, i) => i * 64);
    const y = randint(0, 4, [64], { generator: g });
    return {
      batch: 64,
      step: () => {
        opt.zeroGrad();
        crossEntropy(model.forward(ids, offsets), y).backward();
        opt.step();
      },
    };
  }
  if (which === 'train-gru') {
    const model = new GruModel(g);
    const opt = new Adam(model.parameters(), { lr: 1e-3 });
    const x = rand([32, 100, 40], { generator: g });
    const y = randint(0, 10, [32], { generator: g });
    return {
      batch: 32,
      step: () => {
        opt.zeroGrad();
        crossEntropy(model.forward(x), y).backward();
        opt.step();
      },
    };
  }
  const layers: TensorModule[] =
    which === 'train-mlp'
      ? [new Flatten(), new Linear({ inFeatures: 784, outFeatures: 128, generator: g }), new ReLU(), new Linear({ inFeatures: 128, outFeatures: 10, generator: g })]
      : [
          new Conv2d({ inChannels: 1, outChannels: 32, kernelSize: 3, padding: 'same', generator: g }), new ReLU(), new MaxPool2d({ kernelSize: 2 }),
          new Conv2d({ inChannels: 32, outChannels: 64, kernelSize: 3, padding: 'same', generator: g }), new ReLU(), new MaxPool2d({ kernelSize: 2 }),
          new Flatten(), new Linear({ inFeatures: 64 * 7 * 7, outFeatures: 128, generator: g }), new ReLU(), new Linear({ inFeatures: 128, outFeatures: 10, generator: g }),
        ];
  const model = new Sequential(...layers);
  const opt = new Adam(model.parameters(), { lr: 1e-3 });
  const x = rand([64, 1, 28, 28], { generator: g });
  const y = randint(0, 10, [64], { generator: g });
  return {
    batch: 64,
    step: () => {
      opt.zeroGrad();
      crossEntropy(model.forward(x), y).backward();
      opt.step();
    },
  };
}
