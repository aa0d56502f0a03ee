import { describe, expect, it } from 'vitest';
import { Generator, randn, tensor, Tensor, zeros } from '@tensorkit/core';
import { functionalCall, Module } from '../src/module.js';
import { buildModule, registerModule, registeredModuleTypes, type AnyModuleConfig, type ModuleConfig, type ModuleOptions } from '../src/config.js';
import { BatchNorm1d, Conv1d, Dropout, Embedding, Flatten, GRU, Linear, ReLU, Sequential, ModuleList } from '../src/layers/index.js';

interface TinyNetConfig extends ModuleConfig {
  type: 'TinyNet';
  hidden: number;
}

// Typed config literals for the app's own module type (see ModuleConfigRegistry).
declare module '../src/config.js' {
  interface ModuleConfigRegistry {
    TinyNet: TinyNetConfig;
  }
}

/** A user-defined model: children are registered explicitly, config rebuilds it. */
class TinyNet extends Module {
  readonly config: TinyNetConfig;
  constructor(opts: ModuleOptions<TinyNetConfig>) {
    super();
    this.config = { type: 'TinyNet', hidden: opts.hidden };
    this.addModule('conv1', new Conv1d({ inChannels: 2, outChannels: opts.hidden, kernelSize: 3, padding: 'same', generator: opts.generator }));
    this.addModule('bn', new BatchNorm1d({ numFeatures: opts.hidden }));
    this.addModule('head', new Sequential(new Flatten(), new ReLU(), new Linear({ inFeatures: opts.hidden * 4, outFeatures: 3, generator: opts.generator })));
    this.registerParameter('scale', tensor([1]));
  }
  forward(x: Tensor): Tensor {
    const c = this.getSubmodule('conv1') as Conv1d;
    const bn = this.getSubmodule('bn') as BatchNorm1d;
    const head = this.getSubmodule('head') as Sequential;
    return head.forward(bn.forward(c.forward(x))).mul(this.param('scale'));
  }
}
registerModule<TinyNetConfig>('TinyNet', (c, o) => new TinyNet({ ...c, ...o }));

const sameValues = (a: Tensor, b: Tensor) => expect(Array.from(a.toTypedArray())).toEqual(Array.from(b.toTypedArray()));

describe('Module registry and traversal', () => {
  const net = new TinyNet({ hidden: 2, generator: new Generator(1) });

  it('names parameters with dotted paths in deterministic registration order', () => {
    expect(net.namedParameters().map(([n]) => n)).toEqual(['scale', 'conv1.weight', 'conv1.bias', 'bn.weight', 'bn.bias', 'head.2.weight', 'head.2.bias']);
    expect(net.namedBuffers().map(([n]) => n)).toEqual(['bn.running_mean', 'bn.running_var', 'bn.num_batches_tracked']);
    expect(net.namedModules().map(([n]) => n)).toEqual(['', 'conv1', 'bn', 'head', 'head.0', 'head.1', 'head.2']);
    expect(net.children().length).toBe(3);
    expect(net.numParameters()).toBe(1 + 2 * 2 * 3 + 2 + 2 + 2 + 8 * 3 + 3);
  });

  it('parameters are contiguous float32 leaves that own their storage and require grad', () => {
    for (const p of net.parameters()) {
      expect(p.dtype).toBe('float32');
      expect(p.isLeaf && p.requiresGrad && p.isContiguous() && p.offset === 0 && p.storage.length === p.size).toBe(true);
    }
    // A view handed to registerParameter is copied, so optimizers can never write past it.
    const m = new Linear({ inFeatures: 2, outFeatures: 2 });
    const big = zeros([4, 2]);
    m.registerParameter('weight', big.slice(0, 0, 2));
    expect(m.weight.storage).not.toBe(big.storage);
  });

  it('train()/eval() propagate to every descendant', () => {
    net.eval();
    expect(net.modules().every((m) => !m.training)).toBe(true);
    net.train();
    expect(net.modules().every((m) => m.training)).toBe(true);
  });

  it('zeroGrad clears dense and sparse gradients', () => {
    const emb = new Embedding({ numEmbeddings: 5, embeddingDim: 2, sparse: true });
    const lin = new Linear({ inFeatures: 2, outFeatures: 1 });
    const model = new Sequential(lin);
    model.addModule('emb', emb);
    lin.forward(emb.forward([1, 3])).sum().backward();
    expect(lin.weight.grad).not.toBeNull();
    expect(emb.weight.sparseGrad).not.toBeNull();
    model.zeroGrad();
    expect(lin.weight.grad).toBeNull();
    expect(emb.weight.sparseGrad).toBeNull();
  });

  it('rejects clashing or dotted names', () => {
    const m = new Linear({ inFeatures: 1, outFeatures: 1 });
    expect(() => m.registerBuffer('weight', zeros([1]))).toThrow(/a parameter with that name exists/);
    expect(() => m.addModule('a.b', new ReLU())).toThrow(/without dots/);
  });

  it('prints a PyTorch-like tree', () => {
    expect(new Sequential(new Linear({ inFeatures: 2, outFeatures: 3 }), new ReLU()).toString()).toBe(
      'Sequential(\n  (0): Linear(inFeatures=2, outFeatures=3, bias=true)\n  (1): ReLU()\n)',
    );
  });
});

describe('stateDict / loadStateDict', () => {
  it('loadStateDict marks the weights it overwrites, so a backward through an older graph is refused', () => {
    const a = new Linear({ inFeatures: 2, outFeatures: 1, generator: new Generator(1) });
    const b = new Linear({ inFeatures: 2, outFeatures: 1, generator: new Generator(2) });
    const loss = a.forward(tensor([[1, 2]])).sum();
    a.loadStateDict(b.stateDict());
    expect(() => loss.backward()).toThrow(/^backward: a tensor used by 'matmul' \(shape \[[12],[12]\]\) was modified in place after it was used \(version (\d+) → (?!\1)\d+\)/);
  });

  it('round-trips parameters and buffers, writing in place', () => {
    const a = new TinyNet({ hidden: 2, generator: new Generator(1) });
    const b = new TinyNet({ hidden: 2, generator: new Generator(2) });
    a.forward(randn([3, 2, 4])); // moves the running stats
    const before = b.parameters();
    const res = b.loadStateDict(a.stateDict());
    expect(res).toEqual({ missingKeys: [], unexpectedKeys: [] });
    b.parameters().forEach((p, i) => expect(p).toBe(before[i])); // same objects: optimizer references stay valid
    for (const [k, t] of Object.entries(a.stateDict())) sameValues(b.stateDict()[k], t);
    expect((b.getSubmodule('bn') as BatchNorm1d).numBatchesTracked).toBe(1);
  });

  it('lists every missing key, unexpected key and shape mismatch in one error', () => {
    const m = new TinyNet({ hidden: 2 });
    const sd = m.stateDict();
    delete sd['conv1.bias'];
    delete sd['bn.running_var'];
    sd['extra.weight'] = zeros([1]);
    sd['head.2.weight'] = zeros([3, 7]);
    let msg = '';
    try {
      m.loadStateDict(sd);
    } catch (e) {
      msg = (e as Error).message;
    }
    expect(msg).toContain('missing keys (2): conv1.bias, bn.running_var');
    expect(msg).toContain('unexpected keys (1): extra.weight');
    expect(msg).toContain('head.2.weight: checkpoint shape [3,7] vs model shape [3,8]');
  });

  it('non-strict loading reports keys instead of throwing, but shape mismatches still throw', () => {
    const m = new Linear({ inFeatures: 2, outFeatures: 2 });
    const res = m.loadStateDict({ weight: tensor([[1, 2], [3, 4]]), junk: zeros([1]) }, { strict: false });
    expect(res).toEqual({ missingKeys: ['bias'], unexpectedKeys: ['junk'] });
    expect(Array.from(m.weight.storage)).toEqual([1, 2, 3, 4]);
    expect(() => m.loadStateDict({ weight: zeros([2, 3]) }, { strict: false })).toThrow(/weight: checkpoint shape \[2,3\] vs model shape \[2,2\]/);
  });

  it('a present key holding null/undefined is an error, and inherited names like constructor are unexpected keys', () => {
    const m = new Linear({ inFeatures: 2, outFeatures: 2 });
    const before = Array.from(m.weight.toTypedArray());
    // Used to be skipped silently: strict loading "succeeded" and kept the random weights.
    expect(() => m.loadStateDict({ weight: undefined as unknown as Tensor, bias: zeros([2]) })).toThrow('weight: expected a Tensor, got undefined');
    expect(() => m.loadStateDict({ weight: null as unknown as Tensor, bias: zeros([2]) }, { strict: false })).toThrow('weight: expected a Tensor, got null');
    expect(Array.from(m.weight.toTypedArray())).toEqual(before);
    const sd = { ...m.stateDict(), constructor: zeros([1]), toString: zeros([1]) };
    expect(() => m.loadStateDict(sd)).toThrow('unexpected keys (2): constructor, toString');
    expect(m.loadStateDict(sd, { strict: false }).unexpectedKeys).toEqual(['constructor', 'toString']);
  });

  it('non-persistent buffers stay out of the state dict', () => {
    const m = new ReLU();
    m.registerBuffer('cache', zeros([2]), { persistent: false });
    expect(m.namedBuffers().map(([n]) => n)).toEqual(['cache']);
    expect(Object.keys(m.stateDict())).toEqual([]);
  });
});

describe('configs and buildModule', () => {
  it('layer constructors refuse options they would ignore, as buildModule refuses config keys (new Linear({ biass }) kept its bias)', () => {
    expect(() => new Linear({ inFeatures: 1, outFeatures: 1, biass: false } as never)).toThrow(
      "Linear: unknown option 'biass' (did you mean 'bias'?); known options: inFeatures, outFeatures, bias, generator",
    );
    expect(() => new Conv1d({ inChannels: 1, outChannels: 1, kernelSize: 3, padding_mode: 'zeros' } as never)).toThrow("Conv1d: unknown option 'padding_mode'");
    expect(() => new GRU({ inputSize: 2, hiddenSize: 3, batch_first: true } as never)).toThrow("GRU: unknown option 'batch_first' (did you mean 'batchFirst'?)");
    expect(() => new Dropout({ prob: 0.1 } as never)).toThrow("Dropout: unknown option 'prob'; known options: p, generator");
    // The generator and a config's own `type` are fine.
    expect(new Linear({ type: 'Linear', inFeatures: 1, outFeatures: 1, generator: new Generator(1) } as never).config.bias).toBe(true);
  });

  it('buildModule refuses a config key the module does not have, suggesting the one meant', () => {
    expect(() => buildModule({ type: 'Linear', inFeatures: 1, outFeatures: 1, biass: false } as AnyModuleConfig)).toThrow(
      "buildModule: Linear config: unknown key 'biass' (did you mean 'bias'?); known keys: type, inFeatures, outFeatures, bias",
    );
    expect(() => buildModule({ type: 'Conv1d', inChannels: 1, outChannels: 1, kernel_size: 3, kernelSize: 3 } as AnyModuleConfig)).toThrow(
      "buildModule: Conv1d config: unknown key 'kernel_size' (did you mean 'kernelSize'?)",
    );
    // Inside a container, and inside a nested config object.
    expect(() => buildModule({ type: 'Sequential', modules: [{ type: 'ReLU' }, { type: 'Dropout', prob: 0.2 } as AnyModuleConfig] })).toThrow(
      "buildModule: Dropout config: unknown key 'prob'; known keys: type, p",
    );
    const layer = { type: 'TransformerEncoderLayer' as const, dModel: 4, nHead: 2 };
    expect(() => buildModule({ type: 'TransformerEncoder', layer, numLayers: 1, norm: { type: 'LayerNorm', normalizedShape: 4, epsilon: 1e-5 } as never })).toThrow(
      "buildModule: TransformerEncoder config.norm: unknown key 'epsilon' (did you mean 'eps'?); known keys: type, normalizedShape, eps, elementwiseAffine, bias",
    );
    expect(() => buildModule({ type: 'TransformerEncoder', layer: { ...layer, layer_norm_eps: 1e-6 } as never, numLayers: 1 })).toThrow(
      "buildModule: TransformerEncoder config.layer: unknown key 'layer_norm_eps' (did you mean 'layerNormEps'?)",
    );
    // Optional keys given as stored (null, defaults) are known.
    expect(() => buildModule({ type: 'Embedding', numEmbeddings: 3, embeddingDim: 2, paddingIdx: null, sparse: false })).not.toThrow();
  });

  it('config round trip through JSON rebuilds a model with identical outputs', () => {
    const net = new TinyNet({ hidden: 3, generator: new Generator(4) });
    const json = JSON.stringify(net.config);
    const rebuilt = buildModule<TinyNet>(JSON.parse(json));
    expect(rebuilt).toBeInstanceOf(TinyNet);
    rebuilt.loadStateDict(net.stateDict());
    const x = randn([2, 2, 4], { generator: new Generator(5) });
    net.eval();
    rebuilt.eval();
    sameValues(rebuilt.forward(x), net.forward(x));
  });

  it('Sequential of configs round trips, including nested containers', () => {
    const seq = new Sequential(
      new Linear({ inFeatures: 4, outFeatures: 3, bias: false }),
      new Dropout({ p: 0.25 }),
      new Sequential(new ReLU(), new Linear({ inFeatures: 3, outFeatures: 2 })),
    );
    const cfg = JSON.parse(JSON.stringify(seq.config));
    expect(cfg).toEqual({
      type: 'Sequential',
      modules: [
        { type: 'Linear', inFeatures: 4, outFeatures: 3, bias: false },
        { type: 'Dropout', p: 0.25 },
        { type: 'Sequential', modules: [{ type: 'ReLU' }, { type: 'Linear', inFeatures: 3, outFeatures: 2, bias: true }] },
      ],
    });
    const rebuilt = buildModule<Sequential>(cfg);
    rebuilt.loadStateDict(seq.stateDict());
    const x = randn([5, 4]);
    sameValues(rebuilt.eval().forward(x), seq.eval().forward(x));
    expect(buildModule(new ModuleList([new ReLU()]).config).namedModules().length).toBe(2);
  });

  it('a generator passed to buildModule fixes initialisation', () => {
    const cfg = { type: 'Linear', inFeatures: 3, outFeatures: 2 };
    const a = buildModule<Linear>(cfg, { generator: new Generator(11) });
    const b = buildModule<Linear>(cfg, { generator: new Generator(11) });
    sameValues(a.weight, b.weight);
  });

  it('unknown types and duplicate registrations fail clearly', () => {
    expect(() => buildModule({ type: 'Nope' })).toThrow(/unknown module type 'Nope' \(registered: .*Linear/);
    expect(() => registerModule('Linear', () => new ReLU())).toThrow(/already registered/);
    expect(() => buildModule({ type: 'Sequential' })).toThrow("buildModule: Sequential config needs a 'modules' array of child configs, got undefined");
    expect(() => buildModule({ type: 'ModuleList', modules: {} } as ModuleConfig)).toThrow("ModuleList config needs a 'modules' array");
    expect(registeredModuleTypes()).toEqual(expect.arrayContaining(['GRU', 'LSTM', 'MultiheadAttention', 'TransformerEncoderLayer', 'EmbeddingBag', 'Sequential']));
  });

  it('every built-in layer config is plain JSON and rebuilds to the same config', () => {
    for (const type of registeredModuleTypes()) {
      if (type === 'TinyNet') continue;
      const sample = SAMPLE_CONFIGS[type];
      expect(sample, `sample config for ${type}`).toBeDefined();
      const m = buildModule(sample);
      expect(JSON.parse(JSON.stringify(m.config))).toEqual(m.config);
      expect(buildModule(m.config).config).toEqual(m.config);
    }
  });
});

describe('to() and functionalCall', () => {
  it('to("float64") converts parameters and float buffers, keeping requiresGrad', () => {
    const net = new TinyNet({ hidden: 2 }).to('float64');
    expect(net.parameters().every((p) => p.dtype === 'float64' && p.requiresGrad)).toBe(true);
    expect(net.buffers().map((b) => b.dtype)).toEqual(['float64', 'float64', 'int32']);
  });

  it('to() refuses a non-float dtype instead of truncating the weights (PyTorch casts floating tensors only)', () => {
    const lin = new Linear({ inFeatures: 2, outFeatures: 2, generator: new Generator(0) });
    const before = Array.from(lin.weight.toTypedArray());
    expect(() => lin.to('int32' as 'float32')).toThrow(
      'Linear.to: dtype must be a floating-point dtype (\'float32\' or \'float64\'), got "int32"; parameters are always floating point, and integer or bool buffers are never converted',
    );
    expect(() => new Sequential(lin).to('bool' as 'float32')).toThrow('Sequential.to: dtype must be a floating-point dtype');
    expect(lin.weight.dtype).toBe('float32');
    expect(Array.from(lin.weight.toTypedArray())).toEqual(before);
  });

  it('functionalCall swaps tensors for one call and restores them', () => {
    const lin = new Linear({ inFeatures: 2, outFeatures: 1, bias: false });
    const original = lin.weight;
    const y = functionalCall(lin, { weight: tensor([[2, 3]]) }, () => lin.forward(tensor([[1, 1]])));
    expect(y.toArray()).toEqual([[5]]);
    expect(lin.weight).toBe(original);
  });

  it('functionalCall refuses an async function, whose awaited part would run with the original tensors', () => {
    const lin = new Linear({ inFeatures: 2, outFeatures: 1, bias: false });
    const original = lin.weight;
    const call = () => functionalCall(lin, { weight: tensor([[2, 3]]) }, async () => { await null; return lin.forward(tensor([[1, 1]])); });
    expect(call).toThrow(/functionalCall: the function returned a Promise.*call functionalCall around the synchronous part/);
    expect(lin.weight).toBe(original);
  });
});

const SAMPLE_CONFIGS: Record<string, AnyModuleConfig> = {
  Linear: { type: 'Linear', inFeatures: 2, outFeatures: 3 },
  Conv1d: { type: 'Conv1d', inChannels: 2, outChannels: 4, kernelSize: 3, padding: 'same', groups: 2 },
  Conv2d: { type: 'Conv2d', inChannels: 2, outChannels: 2, kernelSize: [3, 1], stride: [2, 1], dilation: 1 },
  ConvTranspose1d: { type: 'ConvTranspose1d', inChannels: 2, outChannels: 4, kernelSize: 3, stride: 2, outputPadding: 1, groups: 2 },
  ConvTranspose2d: { type: 'ConvTranspose2d', inChannels: 2, outChannels: 3, kernelSize: [3, 2], stride: [2, 1], padding: [1, 0], dilation: 1, bias: false },
  MaxPool1d: { type: 'MaxPool1d', kernelSize: 2 },
  MaxPool2d: { type: 'MaxPool2d', kernelSize: [2, 2], stride: 1 },
  AvgPool1d: { type: 'AvgPool1d', kernelSize: 3, padding: 1 },
  AvgPool2d: { type: 'AvgPool2d', kernelSize: 2 },
  AdaptiveAvgPool1d: { type: 'AdaptiveAvgPool1d', outputSize: 3 },
  AdaptiveAvgPool2d: { type: 'AdaptiveAvgPool2d', outputSize: [2, 3] },
  GlobalAvgPool: { type: 'GlobalAvgPool' },
  BatchNorm1d: { type: 'BatchNorm1d', numFeatures: 3, momentum: null },
  BatchNorm2d: { type: 'BatchNorm2d', numFeatures: 3, affine: false },
  LayerNorm: { type: 'LayerNorm', normalizedShape: [2, 3] },
  GroupNorm: { type: 'GroupNorm', numGroups: 2, numChannels: 4, affine: false },
  Dropout: { type: 'Dropout', p: 0.1 },
  Embedding: { type: 'Embedding', numEmbeddings: 5, embeddingDim: 2, paddingIdx: 0 },
  EmbeddingBag: { type: 'EmbeddingBag', numEmbeddings: 5, embeddingDim: 2, mode: 'sum' },
  GRU: { type: 'GRU', inputSize: 2, hiddenSize: 3, numLayers: 2, bidirectional: true },
  LSTM: { type: 'LSTM', inputSize: 2, hiddenSize: 3, batchFirst: true },
  MultiheadAttention: { type: 'MultiheadAttention', embedDim: 4, numHeads: 2 },
  TransformerEncoderLayer: { type: 'TransformerEncoderLayer', dModel: 4, nHead: 2, dimFeedforward: 8, activation: 'gelu', normFirst: true },
  TransformerEncoder: { type: 'TransformerEncoder', numLayers: 2, layer: { type: 'TransformerEncoderLayer', dModel: 4, nHead: 2, dimFeedforward: 8 }, norm: { type: 'LayerNorm', normalizedShape: 4 } },
  ReLU: { type: 'ReLU' },
  LeakyReLU: { type: 'LeakyReLU', negativeSlope: 0.2 },
  GELU: { type: 'GELU', approximate: 'tanh' },
  SiLU: { type: 'SiLU' },
  Sigmoid: { type: 'Sigmoid' },
  Tanh: { type: 'Tanh' },
  Softplus: { type: 'Softplus', beta: 2 },
  Softmax: { type: 'Softmax', dim: 1 },
  LogSoftmax: { type: 'LogSoftmax' },
  Flatten: { type: 'Flatten', startDim: 0 },
  Identity: { type: 'Identity' },
  Upsample: { type: 'Upsample', scaleFactor: 2, mode: 'bilinear', alignCorners: true },
  Sequential: { type: 'Sequential', modules: [{ type: 'Linear', inFeatures: 2, outFeatures: 2 }, { type: 'Tanh' }] },
  ModuleList: { type: 'ModuleList', modules: [{ type: 'ReLU' }] },
};
