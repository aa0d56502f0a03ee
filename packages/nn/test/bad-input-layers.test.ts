/**
 * Bad input to layers, functional ops, checkpoints and LogProbMatrix: each is refused with a
 * message naming the function or layer, the argument and what was expected — not silently
 * wrong output, a NaN, or a TypeError from deep inside.
 */
import { describe, expect, it } from 'vitest';
import { Generator, ones, randn, tensor, zeros, type Tensor } from '@tensorkit/core';
import {
  accumulateSparseGrad, adaptiveAvgPool2d, MultiheadAttention, Sequential, AdaptiveAvgPool2d, BatchNorm1d, BatchNorm2d, Conv1d, Conv2d, ConvTranspose2d, Embedding, embedding,
  embeddingBag, Flatten, GRU, LayerNorm, layerNorm, LeakyReLU, Linear, ReLU, linear, MaxPool2d, scaledDotProductAttention, Softplus, TransformerEncoder,
} from '../src/layers/index.js';
import { decodeCheckpoint, decodeSafetensors, encodeCheckpoint, encodeSafetensors, restoreCheckpoint } from '../src/checkpoint/index.js';
import { Adam } from '../src/optim/index.js';
import { ctcPrefixBeamSearch } from '../src/losses/ctc-beam-search.js';
import { LogProbMatrix } from '../src/losses/log-prob-matrix.js';

const table = (): Tensor => ones([4, 2], { requiresGrad: true });

describe('embedding paddingIdx and options', () => {
  it('functional embedding reads paddingIdx -1 as the last row (no gradient there), as PyTorch', () => {
    const w = table();
    embedding(w, [3, 1], { paddingIdx: -1 }).sum().backward();
    expect(w.grad!.toArray()).toEqual([[0, 0], [1, 1], [0, 0], [0, 0]]);
  });

  it('functional embeddingBag skips paddingIdx -1 (the last row)', () => {
    expect(embeddingBag(table(), [3, 3], [0], { paddingIdx: -1, mode: 'sum' }).toArray()).toEqual([[0, 0]]);
  });

  it('refuses an out-of-range or fractional paddingIdx and unknown option keys', () => {
    const msg = 'paddingIdx must be an integer in [-4, 4) (negative counts from the end) for 4 embeddings, got';
    expect(() => embedding(table(), [1], { paddingIdx: 9 })).toThrow(`embedding: ${msg} 9`);
    expect(() => embedding(table(), [1], { paddingIdx: 1.5 })).toThrow(`embedding: ${msg} 1.5`);
    expect(() => embeddingBag(table(), [1], [0], { paddingIdx: -5 })).toThrow(`embeddingBag: ${msg} -5`);
    expect(() => new Embedding({ numEmbeddings: 4, embeddingDim: 2, paddingIdx: NaN })).toThrow(`Embedding: ${msg} NaN`);
    expect(() => embedding(table(), [1], { maxNorm: 1 } as never)).toThrow("embedding: unknown option 'maxNorm'");
    expect(() => embeddingBag(table(), [1], [0], { padding_idx: 1 } as never)).toThrow("embeddingBag: unknown option 'padding_idx' (did you mean 'paddingIdx'?)");
  });

  it('refuses ids that are a bare number (it used to return an empty [0, D] tensor)', () => {
    const emb = new Embedding({ numEmbeddings: 4, embeddingDim: 2 });
    expect(() => emb.forward(2 as never)).toThrow('embedding: ids must be an int32 Tensor, an Int32Array or an array of integers, got a number (2)');
  });

  it('EmbeddingBag refuses float or 2-D offsets and per-sample weights of another shape or dtype', () => {
    const w = table();
    expect(() => embeddingBag(w, [1, 2], tensor([0, 1]))).toThrow('embeddingBag: offsets must be a 1-D int32 tensor, got float32 [2]');
    expect(() => embeddingBag(w, [1, 2], tensor([[0, 1]], { dtype: 'int32' }))).toThrow('embeddingBag: offsets must be a 1-D int32 tensor, got int32 [1,2]');
    expect(() => embeddingBag(w, [1, 2], [0], { mode: 'sum', perSampleWeights: ones([2, 1]) })).toThrow("embeddingBag: perSampleWeights must have the ids' shape [2], got [2,1]");
    expect(() => embeddingBag(w, [1, 2], [0], { mode: 'sum', perSampleWeights: [1, 2] as never })).toThrow('embeddingBag: perSampleWeights must be a Tensor, got an array');
    expect(() => embeddingBag(w, [1, 2], [0], { mode: 'sum', perSampleWeights: tensor([1, 2], { dtype: 'int32' }) })).toThrow('embeddingBag: perSampleWeights must be float32 like the weight, got int32');
  });
});

describe('scaledDotProductAttention options and shapes', () => {
  const q = randn([1, 3, 4], { generator: new Generator(1) });

  it('refuses unknown option keys (attnMask used to be ignored)', () => {
    expect(() => scaledDotProductAttention(q, q, q, { attnMask: ones([3, 3]) } as never)).toThrow("scaledDotProductAttention: unknown option 'attnMask'");
  });

  it('isCausal masks the keys after each query; scale replaces 1/√d', () => {
    const causal = scaledDotProductAttention(q, q, q, { isCausal: true }).weights.toArray() as number[][][];
    expect(causal[0][0]).toEqual([1, 0, 0]);
    expect(causal[0][1][2]).toBe(0);
    const upper = tensor([[0, 1, 1], [0, 0, 1], [0, 0, 0]], { dtype: 'bool' });
    expect(causal).toEqual(scaledDotProductAttention(q, q, q, { mask: upper }).weights.toArray());
    const scaled = scaledDotProductAttention(q, q, q, { scale: 0 }).weights.toArray() as number[][][];
    scaled[0].forEach((row) => row.forEach((v) => expect(v).toBeCloseTo(1 / 3, 6)));
  });

  it('names itself and the shapes when query, key and value disagree', () => {
    expect(() => scaledDotProductAttention(q, randn([1, 3, 5]), q)).toThrow(
      'scaledDotProductAttention: expected query [..., L, d], key [..., S, d] and value [..., S, dv] (same d, same S), got query [1, 3, 4], key [1, 3, 5], value [1, 3, 4]',
    );
  });
});

describe('tuple sizes of conv and pool layers', () => {
  it('refuses tuples of the wrong length, naming the option', () => {
    const pair = 'must be a positive integer or a pair of them [height, width], got';
    expect(() => new Conv2d({ inChannels: 3, outChannels: 4, kernelSize: [3, 3, 3] as never })).toThrow(`Conv2d: kernelSize ${pair} [3, 3, 3]`);
    expect(() => new Conv2d({ inChannels: 3, outChannels: 4, kernelSize: 3, stride: [1, 2, 5] as never })).toThrow(`Conv2d: stride ${pair} [1, 2, 5]`);
    expect(() => new MaxPool2d({ kernelSize: [2, 2, 2] as never })).toThrow(`MaxPool2d: kernelSize ${pair} [2, 2, 2]`);
    expect(() => new ConvTranspose2d({ inChannels: 3, outChannels: 4, kernelSize: [3, 3, 9] as never })).toThrow(`ConvTranspose2d: kernelSize ${pair} [3, 3, 9]`);
    expect(() => new Conv1d({ inChannels: 1, outChannels: 1, kernelSize: 3, stride: [2, 2] as never })).toThrow('Conv1d: stride must be a positive integer, got [2, 2]');
    const adaptive = 'outputSize must be a positive integer or a pair [height, width] of them (null keeps that side of the input), got';
    expect(() => new AdaptiveAvgPool2d({ outputSize: [2] as never })).toThrow(`AdaptiveAvgPool2d: ${adaptive} [2]`);
    expect(() => adaptiveAvgPool2d(ones([1, 1, 4, 4]), [2, 2, 2] as never)).toThrow(`adaptiveAvgPool2d: ${adaptive} [2, 2, 2]`);
  });

  it('shows NaN and strings as such in size messages', () => {
    expect(() => new Conv2d({ inChannels: 1, outChannels: 1, kernelSize: 3, stride: NaN })).toThrow('Conv2d: stride must be a positive integer or a pair of them [height, width], got NaN');
    expect(() => new MaxPool2d({ kernelSize: '3' as never })).toThrow('MaxPool2d: kernelSize must be a positive integer or a pair of them [height, width], got "3"');
    expect(() => new Flatten({ startDim: '3' as never })).toThrow('Flatten: startDim must be an integer (negative counts from the end), got "3"');
    expect(() => new GRU({ inputSize: 2, hiddenSize: NaN })).toThrow('GRU: hiddenSize must be a positive integer, got NaN');
  });
});

describe('norm and activation constants', () => {
  it('refuses eps that is not a positive finite number', () => {
    for (const eps of [-1, NaN, 0]) {
      expect(() => new LayerNorm({ normalizedShape: 4, eps })).toThrow(`LayerNorm: eps must be a finite number > 0, got ${eps}`);
      expect(() => new BatchNorm2d({ numFeatures: 2, eps })).toThrow(`BatchNorm2d: eps must be a finite number > 0, got ${eps}`);
    }
    expect(() => new BatchNorm1d({ numFeatures: 2, eps: '3' as never })).toThrow('BatchNorm1d: eps must be a finite number > 0, got "3"');
    expect(() => layerNorm(ones([2, 4]), [4], null, null, -1)).toThrow('layerNorm: eps must be a finite number > 0, got -1');
  });

  it('refuses a momentum outside [0, 1]; null (cumulative average) stays allowed', () => {
    for (const momentum of [NaN, Infinity, -1, 2.5]) {
      expect(() => new BatchNorm1d({ numFeatures: 2, momentum })).toThrow(`BatchNorm1d: momentum must be in [0, 1], got ${momentum}`);
    }
    expect(new BatchNorm1d({ numFeatures: 2, momentum: null }).config.momentum).toBeNull();
  });

  it('refuses Softplus beta 0 and a NaN LeakyReLU slope', () => {
    expect(() => new Softplus({ beta: 0 })).toThrow('Softplus: beta must be a finite number > 0, got 0');
    expect(() => new LeakyReLU({ negativeSlope: NaN })).toThrow('LeakyReLU: negativeSlope must be a finite number, got NaN');
  });

  it('layerNorm names a weight of the wrong shape', () => {
    expect(() => layerNorm(ones([2, 4]), [4], ones([3]), null)).toThrow('layerNorm: weight must have the normalized shape [4], got [3]');
  });
});

describe('accumulateSparseGrad', () => {
  it('refuses fractional or out-of-range rows and a wrong row size', () => {
    const w = zeros([4, 2]);
    const values = new Float32Array(4);
    expect(() => accumulateSparseGrad(w, { rows: [1, 2.5] as never, values, rowSize: 2 })).toThrow('accumulateSparseGrad: grad.rows[1] must be an integer in [0, 4), got 2.5');
    expect(() => accumulateSparseGrad(w, { rows: new Int32Array([1, 4]), values, rowSize: 2 })).toThrow('accumulateSparseGrad: grad.rows[1] must be an integer in [0, 4), got 4');
    expect(() => accumulateSparseGrad(w, { rows: new Int32Array([1]), values, rowSize: 4 })).toThrow('accumulateSparseGrad: grad.rowSize must be 2');
    expect(w.sparseGrad).toBeNull();
    accumulateSparseGrad(w, { rows: [1, 2] as never, values, rowSize: 2 });
    expect(w.sparseGrad!.rows).toEqual(new Int32Array([1, 2]));
  });
});

describe('layer inputs and constructor options', () => {
  const lin = new Linear({ inFeatures: 4, outFeatures: 2 });

  it('forward refuses a non-Tensor input, naming the layer', () => {
    expect(() => lin.forward([[1, 2, 3, 4]] as never)).toThrow('Linear.forward: input must be a Tensor, got an array');
    expect(() => lin.forward(null as never)).toThrow('Linear.forward: input must be a Tensor, got null');
    expect(() => new Conv2d({ inChannels: 1, outChannels: 1, kernelSize: 1 }).forward(undefined as never)).toThrow('Conv2d.forward: input must be a Tensor, got undefined');
    expect(() => new Flatten().forward([1] as never)).toThrow('Flatten.forward: input must be a Tensor, got an array');
  });

  it('linear names a weight that is not [out, in]', () => {
    expect(() => linear(ones([2, 4]), ones([4]))).toThrow('linear: weight must be 2-D [outFeatures, inFeatures], got [4]');
  });

  it('refuses a missing options object, a bogus generator, and a non-LayerNorm encoder norm', () => {
    expect(() => new (Linear as unknown as new () => Linear)()).toThrow('Linear: expected an options object, got undefined');
    expect(() => new Linear({ inFeatures: 2, outFeatures: 2, generator: {} as never })).toThrow('Linear: generator must be a Generator (new Generator(seed)), got an object');
    expect(() => new TransformerEncoder({ layer: { dModel: 4, nHead: 2 } as never, numLayers: 1, norm: { type: 'ReLU' } as never })).toThrow(
      "TransformerEncoder: norm must be a LayerNorm config ({type: 'LayerNorm', normalizedShape, …}) or null, got type \"ReLU\"",
    );
  });

  it('MultiheadAttention names a dtype mismatch; a module cannot be added inside itself', () => {
    const mha = new MultiheadAttention({ embedDim: 4, numHeads: 2 });
    const x = zeros([2, 1, 4], { dtype: 'float64' });
    expect(() => mha.forward(x, x, x)).toThrow("MultiheadAttention: query/key/value are float64/float64/float64 but the parameters are float32 (convert the inputs, or the module with .to('float64'))");
    const seq = new Sequential(new Linear({ inFeatures: 2, outFeatures: 2 }));
    expect(() => seq.addModule('self', seq)).toThrow("Sequential.addModule('self'): the module contains this Sequential (a module cannot be its own descendant)");
    const outer = new Sequential(seq);
    expect(() => seq.append(outer)).toThrow("Sequential.addModule('1'): the module contains this Sequential");
    const layers = [new Linear({ inFeatures: 2, outFeatures: 2 }), new ReLU()];
    expect(() => new Sequential(layers as never)).toThrow(
      "Sequential.addModule('0'): expected a Module, got an array (an array of modules: pass them as separate arguments, e.g. new Sequential(...layers))",
    );
    expect(() => seq.addModule('x', 'relu' as never)).toThrow("Sequential.addModule('x'): expected a Module, got a string (\"relu\")");
    expect(new Sequential(...layers).length).toBe(2);
  });

  it('loadStateDict and train refuse non-objects and non-booleans', () => {
    expect(() => lin.loadStateDict(null as never)).toThrow('Linear.loadStateDict: expected a state dict (an object or Map of name → Tensor), got null');
    expect(() => lin.loadStateDict(lin.stateDict(), { strict: 'no' as never })).toThrow('Linear.loadStateDict: strict must be true or false, got "no"');
    expect(() => lin.train('no' as never)).toThrow('Linear.train: mode must be true or false, got "no"');
    expect(lin.training).toBe(true);
  });
});

describe('safetensors and checkpoints', () => {
  const t = tensor([1, 2]);

  it('encodes a Map of tensors and a Map of metadata (they used to be written as an empty file)', () => {
    const out = decodeSafetensors(encodeSafetensors(new Map([['a', t]]), { metadata: new Map([['k', 'v']]) }));
    expect(out.tensors.a.toArray()).toEqual([1, 2]);
    expect({ ...out.metadata }).toEqual({ k: 'v' });
  });

  it('refuses unknown options, a storeAs that is neither a dtype nor a record, and tensors that are not a record or Map', () => {
    expect(() => encodeSafetensors({ a: t }, { store_as: 'F16' } as never)).toThrow("encodeSafetensors: unknown option 'store_as' (did you mean 'storeAs'?)");
    expect(() => encodeSafetensors({ a: t }, { storeAs: 16 as never })).toThrow('encodeSafetensors: storeAs must be an object or a Map of name → value, got a number (16)');
    expect(() => encodeSafetensors([t] as never)).toThrow('encodeSafetensors: tensors must be an object or a Map of name → value, got an array');
  });

  it('decodes an ArrayBuffer and refuses other non-byte input', () => {
    const bytes = encodeSafetensors({ a: t });
    expect(decodeSafetensors(bytes.slice().buffer).tensors.a.toArray()).toEqual([1, 2]);
    const msg = "decodeSafetensors: expected the file's bytes as a Uint8Array, Buffer or ArrayBuffer, got";
    expect(() => decodeSafetensors(Array.from(bytes) as never)).toThrow(`${msg} an array`);
    expect(() => decodeSafetensors(null as never)).toThrow(`${msg} null`);
  });

  const model = new Linear({ inFeatures: 2, outFeatures: 1, generator: new Generator(1) });
  const opt = new Adam(model.parameters());
  const roundTrip = () => {
    const { tensors, metadata } = encodeCheckpoint({ model, optimizer: opt, epoch: 0, step: 0 });
    return decodeCheckpoint(decodeSafetensors(encodeSafetensors(tensors, { metadata })));
  };

  it('refuses misspelt parts and targets, and a non-boolean strict', () => {
    expect(() => encodeCheckpoint({ model, optimiser: opt, epoch: 0, step: 0 } as never)).toThrow("encodeCheckpoint: unknown part 'optimiser' (did you mean 'optimizer'?)");
    const ckpt = roundTrip();
    expect(() => restoreCheckpoint(ckpt, { model, optimiser: opt } as never)).toThrow("restoreCheckpoint: unknown target 'optimiser' (did you mean 'optimizer'?)");
    expect(() => restoreCheckpoint(ckpt, { model, strict: 'no' as never })).toThrow('restoreCheckpoint: strict must be true or false, got "no"');
    expect(() => restoreCheckpoint(ckpt, { optimizer: {} as never })).toThrow('restoreCheckpoint: optimizer must be an object with loadStateDict(), got an object');
  });

  it('refuses a null checkpoint, decode input that is not decoded safetensors, and a non-canonical format version', () => {
    expect(() => restoreCheckpoint(null as never, { model })).toThrow('restoreCheckpoint: expected a loaded checkpoint (from loadCheckpoint or decodeCheckpoint), got null');
    expect(() => decodeCheckpoint({} as never)).toThrow("decodeCheckpoint: expected decodeSafetensors' result {tensors, metadata}");
    const { tensors, metadata } = encodeCheckpoint({ model, epoch: 0, step: 0 });
    for (const v of ['1.0', ' 1 ', '0x1']) {
      const contents = decodeSafetensors(encodeSafetensors(tensors, { metadata: { ...metadata, format_version: v } }));
      expect(() => decodeCheckpoint(contents)).toThrow(`format version ${v} is not supported`);
    }
  });
});

describe('LogProbMatrix and the beam search', () => {
  const lp = new Float64Array([Math.log(0.5), Math.log(0.5)]);

  it('refuses a NaN or negative tolerance instead of blaming the data', () => {
    expect(() => LogProbMatrix.fromLogProbs(lp, 1, 2, { tolerance: NaN })).toThrow('LogProbMatrix: tolerance must be a non-negative number, got NaN');
    expect(() => LogProbMatrix.fromLogProbs(lp, 1, 2, { tolerance: -1 })).toThrow('LogProbMatrix: tolerance must be a non-negative number, got -1');
  });

  it('refuses a plain array at construction (decoders would refuse it later)', () => {
    expect(() => LogProbMatrix.fromLogProbs(Array.from(lp) as never, 1, 2)).toThrow('LogProbMatrix: data must be a Float32Array or Float64Array, got an array');
  });

  it('ctcPrefixBeamSearch refuses an allowToken that is not a function', () => {
    expect(() => ctcPrefixBeamSearch(LogProbMatrix.fromLogProbs(lp, 1, 2), { allowToken: true as never })).toThrow(
      'ctcPrefixBeamSearch: allowToken must be a function (prefix, token) => boolean, got a boolean (true)',
    );
  });
});
