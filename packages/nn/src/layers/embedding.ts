/** Embedding tables: Embedding (one row per id) and EmbeddingBag (sum/mean of rows per bag). */
import { getBackend, randn, Tensor } from '@tensorkit/core';
import type { ModuleConfig, ModuleOptions } from '../config.js';
import { Module } from '../module.js';
import { embedding, embeddingBag, paddingRow, type BagMode, type Ids } from './functional/embedding.js';
import { checkPositiveInt, generatorOf, layerOptions, shapeStr } from './util.js';

export interface EmbeddingConfig extends ModuleConfig {
  type: 'Embedding';
  numEmbeddings: number;
  embeddingDim: number;
  /** This row starts at zero and never receives gradient (negative counts from the end). */
  paddingIdx?: number | null;
  /** Row-sparse gradient in weight.sparseGrad (default false, as in PyTorch). */
  sparse?: boolean;
}

export interface EmbeddingBagConfig extends ModuleConfig {
  type: 'EmbeddingBag';
  numEmbeddings: number;
  embeddingDim: number;
  /** Default 'mean'. */
  mode?: BagMode;
  /** Ids equal to this are skipped (row starts at zero). */
  paddingIdx?: number | null;
  /**
   * Row-sparse gradient in weight.sparseGrad (default TRUE, unlike PyTorch:
   * bag tables are large and a backward pass should touch only used rows).
   * false gives an ordinary dense weight.grad (gradcheck, small tables).
   */
  sparse?: boolean;
}

/** N(0, 1) table (PyTorch's default) with the padding row zeroed. */
function makeTable(n: number, dim: number, pad: number | null, opts: ModuleOptions<ModuleConfig>, sparse: boolean): Tensor {
  const w = randn([n, dim], { generator: generatorOf(opts) });
  if (pad !== null) w.storage.fill(0, pad * dim, (pad + 1) * dim);
  // A lazily updated table is best kept in the fast backend's memory, where its
  // optimizer kernel updates the touched rows in place (same values either way).
  const resident = sparse && w.dtype === 'float32' ? getBackend().allocFloat32?.(n * dim) : null;
  if (!resident) return w;
  resident.set(w.storage as Float32Array);
  return new Tensor(resident, [n, dim], 'float32');
}

export class Embedding extends Module {
  readonly config: Required<EmbeddingConfig>;

  constructor(opts: ModuleOptions<EmbeddingConfig>) {
    super();
    layerOptions('Embedding', opts);
    const n = checkPositiveInt('Embedding', 'numEmbeddings', opts.numEmbeddings);
    const dim = checkPositiveInt('Embedding', 'embeddingDim', opts.embeddingDim);
    const pad = paddingRow('Embedding', opts.paddingIdx, n);
    this.config = { type: 'Embedding', numEmbeddings: n, embeddingDim: dim, paddingIdx: pad, sparse: opts.sparse ?? false };
    this.checkOptions(opts);
    this.registerParameter('weight', makeTable(n, dim, pad, opts, this.config.sparse));
  }

  get weight(): Tensor {
    return this.param('weight');
  }

  /** ids (int32, any shape) → [...ids.shape, embeddingDim]. */
  forward(ids: Ids): Tensor {
    return embedding(this.weight, ids, { paddingIdx: this.config.paddingIdx, sparse: this.config.sparse });
  }
}

export class EmbeddingBag extends Module {
  readonly config: Required<EmbeddingBagConfig>;

  constructor(opts: ModuleOptions<EmbeddingBagConfig>) {
    super();
    layerOptions('EmbeddingBag', opts);
    const n = checkPositiveInt('EmbeddingBag', 'numEmbeddings', opts.numEmbeddings);
    const dim = checkPositiveInt('EmbeddingBag', 'embeddingDim', opts.embeddingDim);
    const pad = paddingRow('EmbeddingBag', opts.paddingIdx, n);
    this.config = { type: 'EmbeddingBag', numEmbeddings: n, embeddingDim: dim, mode: opts.mode ?? 'mean', paddingIdx: pad, sparse: opts.sparse ?? true };
    this.checkOptions(opts);
    this.registerParameter('weight', makeTable(n, dim, pad, opts, this.config.sparse));
  }

  get weight(): Tensor {
    return this.param('weight');
  }

  /**
   * Flat `ids` with bag starts `offsets` (PyTorch convention) → [numBags, dim].
   * A 2-D ids tensor without offsets treats each row as one bag.
   */
  forward(ids: Ids, offsets?: Ids | null, perSampleWeights?: Tensor | null): Tensor {
    let offs = offsets;
    // As PyTorch: 2-D ids already say where the bags are, so offsets as well would be ambiguous (they used to
    // be applied to the flattened ids), and other ranks are neither form.
    if (ids instanceof Tensor && ids.rank === 2 && offs !== undefined && offs !== null) {
      throw new Error(`EmbeddingBag: offsets must be omitted when ids is a 2-D [bags, idsPerBag] tensor (each row is a bag), got ids ${shapeStr(ids)} and offsets`);
    }
    if (ids instanceof Tensor && ids.rank !== 1 && ids.rank !== 2) throw new Error(`EmbeddingBag: ids must be 1-D (with offsets) or 2-D [bags, idsPerBag], got ${shapeStr(ids)}`);
    if (offs === undefined || offs === null) {
      if (!(ids instanceof Tensor && ids.rank === 2)) throw new Error('EmbeddingBag: offsets are required unless ids is a 2-D [bags, idsPerBag] tensor');
      const [bags, per] = ids.shape;
      offs = Int32Array.from({ length: bags }, (_, b) => b * per);
    }
    const c = this.config;
    return embeddingBag(this.weight, ids, offs, { mode: c.mode, paddingIdx: c.paddingIdx, sparse: c.sparse, perSampleWeights });
  }
}
