/**
 * The two classifiers. Both are linear in the bag of features, which is what
 * makes `explain` exact: each feature occurrence adds a fixed vector to the
 * logits.
 *
 *   fasttext: hashed word n-grams → EmbeddingBag(mean, dim) → Linear(dim, C)
 *   linear:   hashed word + char n-grams → TF-IDF (sublinear, L2) →
 *             EmbeddingBag(sum, per-sample weights, dim = C) + bias
 *             (a multinomial logistic regression on TF-IDF n-grams, optionally
 *             blended with a complement naive Bayes on the same features).
 */
import { getDefaultGenerator, noGrad, Tensor, tensor, zeros, type Generator } from '@tensorkit/core';
import { checkOptionKeys, EmbeddingBag, embeddingBag, Linear, Module, type ModuleConfig } from '@tensorkit/nn';
import { documentBag, encodeTokens, streamedBag, textTokens, tfidfValues, wordEncoder, type FeatureConfig } from './features.js';
import { vocabularyIds } from './word-vectors.js';

export type ModelType = 'fasttext' | 'linear';
export const MODEL_TYPES: readonly ModelType[] = ['fasttext', 'linear'];

export interface NetConfig extends ModuleConfig {
  type: 'NewsFastText' | 'NewsLinear';
  buckets: number;
  numClasses: number;
  /** Embedding size (fasttext only). */
  dim?: number;
  /** Linear model: rows of the folded word-vector table (word-vectors.ts), absent without one. */
  vectorWords?: number;
}

/** A batch of documents as one EmbeddingBag input. */
export interface Batch {
  ids: Int32Array;
  offsets: Int32Array;
  /** Per-id weights (linear model: tf-idf values). */
  weights?: Float32Array;
  /** Linear model with a word-vector table: its rows per document, averaged. */
  vecIds?: Int32Array;
  vecOffsets?: Int32Array;
}

export abstract class NewsNet extends Module {
  abstract override readonly config: NetConfig;
  abstract override forward(batch: Batch): Tensor;
  /**
   * The logit vector one occurrence of `bucket` adds when it has weight `w`
   * in a bag (fasttext: w = 1/n of the mean; linear: its tf-idf value).
   */
  abstract featureLogits(bucket: number, w: number): Float64Array;
  abstract biasLogits(): Float64Array;
  /**
   * Logits of bags given as occurrences with explicit weights (sum pooling):
   * the input integrated gradients scales from the empty bag to the document.
   * For a document, weights are its tf-idf values (linear) or 1/n (fasttext's mean).
   */
  abstract forwardWeighted(ids: Int32Array, offsets: Int32Array, weights: Tensor): Tensor;
}

export class FastTextNet extends NewsNet {
  readonly config: NetConfig;
  readonly bag: EmbeddingBag;
  readonly fc: Linear;

  constructor(cfg: { buckets: number; numClasses: number; dim: number }, generator?: Generator) {
    super();
    // A misspelt key (say, spread from a file) would otherwise leave a field undefined and fail deep in a layer.
    checkOptionKeys('FastTextNet', cfg, ['buckets', 'numClasses', 'dim']);
    this.config = { type: 'NewsFastText', buckets: cfg.buckets, numClasses: cfg.numClasses, dim: cfg.dim };
    this.bag = this.addModule('bag', new EmbeddingBag({ numEmbeddings: cfg.buckets, embeddingDim: cfg.dim, mode: 'mean', sparse: true, generator }));
    this.fc = this.addModule('fc', new Linear({ inFeatures: cfg.dim, outFeatures: cfg.numClasses, generator }));
    // fastText's init: small uniform embeddings (N(0,1) rows would swamp a mean of few words).
    const w = this.bag.weight.storage;
    const g = generator ?? getDefaultGenerator();
    const r = 1 / cfg.dim;
    for (let i = 0; i < w.length; i++) w[i] = (g.uniform() * 2 - 1) * r;
  }

  forward(batch: Batch): Tensor {
    return this.fc.forward(this.bag.forward(batch.ids, batch.offsets));
  }

  forwardWeighted(ids: Int32Array, offsets: Int32Array, weights: Tensor): Tensor {
    return this.fc.forward(embeddingBag(this.bag.weight, ids, offsets, { mode: 'sum', perSampleWeights: weights }));
  }

  featureLogits(bucket: number, w: number): Float64Array {
    const D = this.config.dim!;
    const C = this.config.numClasses;
    const e = this.bag.weight.storage;
    const W = this.fc.weight.storage;
    const out = new Float64Array(C);
    for (let c = 0; c < C; c++) {
      let s = 0;
      for (let j = 0; j < D; j++) s += W[c * D + j] * e[bucket * D + j];
      out[c] = s * w;
    }
    return out;
  }

  biasLogits(): Float64Array {
    return Float64Array.from(this.fc.bias!.storage);
  }
}

export class LinearBagNet extends NewsNet {
  readonly config: NetConfig;
  readonly bag: EmbeddingBag;
  /** Vocabulary of the word-vector table (row of each word), or null without one. */
  vectorIndex: Map<string, number> | null = null;

  constructor(cfg: { buckets: number; numClasses: number; vectorWords?: number }, generator?: Generator) {
    super();
    checkOptionKeys('LinearBagNet', cfg, ['buckets', 'numClasses', 'vectorWords']);
    this.config = { type: 'NewsLinear', buckets: cfg.buckets, numClasses: cfg.numClasses, ...(cfg.vectorWords ? { vectorWords: cfg.vectorWords } : {}) };
    this.bag = this.addModule('bag', new EmbeddingBag({ numEmbeddings: cfg.buckets, embeddingDim: cfg.numClasses, mode: 'sum', sparse: true, generator }));
    // A convex model: start from zero so the result depends on data and schedule only.
    this.bag.weight.storage.fill(0);
    this.registerParameter('bias', zeros([cfg.numClasses]));
    // idf is part of the feature pipeline, not trained: a persistent buffer saved with the weights.
    this.registerBuffer('idf', zeros([cfg.buckets]));
    // The folded word-vector model (fixed while the bag trains): per-word logits, averaged over a document's known words.
    if (cfg.vectorWords) this.registerBuffer('vectors', zeros([cfg.vectorWords, cfg.numClasses]));
  }

  /** The [vectorWords × C] table, or null. */
  get vectors(): Tensor | null {
    return this.buffer('vectors') ?? null;
  }

  /** Installs a folded word-vector table (word-vectors.ts) and its vocabulary. */
  setVectors(words: readonly string[], table: Float32Array): void {
    const C = this.config.numClasses;
    if (this.config.vectorWords !== words.length || table.length !== words.length * C) {
      throw new Error(`LinearBagNet: vector table for ${words.length} words does not match the net's ${this.config.vectorWords ?? 0} × ${C}`);
    }
    (this.vectors!.storage as Float32Array).set(table);
    this.setVectorWords(words);
  }

  /** The vocabulary of a table already in place (a loaded model's buffer); the table takes part from now on. */
  setVectorWords(words: readonly string[]): void {
    if (this.config.vectorWords !== words.length) throw new Error(`LinearBagNet: ${words.length} vector words for a ${this.config.vectorWords ?? 0}-row table`);
    this.vectorIndex = new Map(words.map((w, i) => [w, i]));
  }

  /** A document's rows in the word-vector table (empty without one). */
  vectorIds(tokens: readonly string[]): Int32Array | undefined {
    return this.vectorIndex ? vocabularyIds(tokens, this.vectorIndex) : undefined;
  }

  /** The logits one known word adds with weight w (1/#known words of its document). */
  vectorLogits(row: number, w: number): Float64Array {
    const C = this.config.numClasses;
    const V = this.vectors!.storage;
    const out = new Float64Array(C);
    for (let c = 0; c < C; c++) out[c] = V[row * C + c] * w;
    return out;
  }

  get bias(): Tensor {
    return this.param('bias');
  }

  get idf(): Float32Array {
    return this.buffer('idf')!.storage as Float32Array;
  }

  setIdf(idf: Float32Array): void {
    this.registerBuffer('idf', tensor(idf));
  }

  forward(batch: Batch): Tensor {
    if (!batch.weights) throw new Error('LinearBagNet: batch needs tf-idf weights');
    const psw = new Tensor(batch.weights, [batch.weights.length], 'float32');
    const logits = this.bag.forward(batch.ids, batch.offsets, psw).add(this.bias);
    // The table joins once it is installed: not while the n-gram weights train beside a still-empty one.
    if (!this.vectorIndex || !batch.vecIds) return logits;
    return logits.add(embeddingBag(this.vectors!, batch.vecIds, batch.vecOffsets!, { mode: 'mean' }));
  }

  forwardWeighted(ids: Int32Array, offsets: Int32Array, weights: Tensor): Tensor {
    return this.bag.forward(ids, offsets, weights).add(this.bias);
  }

  featureLogits(bucket: number, w: number): Float64Array {
    const C = this.config.numClasses;
    const W = this.bag.weight.storage;
    const out = new Float64Array(C);
    for (let c = 0; c < C; c++) out[c] = W[bucket * C + c] * w;
    return out;
  }

  biasLogits(): Float64Array {
    return Float64Array.from(this.bias.storage);
  }
}

export function createNet(type: ModelType, buckets: number, numClasses: number, dim: number, generator?: Generator, vectorWords?: number): NewsNet {
  return type === 'fasttext' ? new FastTextNet({ buckets, numClasses, dim }, generator) : new LinearBagNet({ buckets, numClasses, vectorWords }, generator);
}

/** Above this many tokens encodeDoc counts the linear model's bag by streaming (same bag; see streamedBag). */
export const STREAM_TOKENS = 20_000;

/** A document ready for the net: bucket ids (and tf-idf weights for the linear model). */
export interface EncodedDoc {
  ids: Int32Array;
  weights?: Float32Array;
  /** Rows of the linear model's word-vector table (its known words), when it has one. */
  vecIds?: Int32Array;
}

/** Encodes token lists for a net; the linear model needs its idf (set before calling). */
export function encodeDoc(tokens: readonly string[], features: FeatureConfig, net: NewsNet, enc = wordEncoder(features)): EncodedDoc {
  if (net instanceof FastTextNet) return { ids: encodeTokens(tokens, features, enc) };
  const lin = net as LinearBagNet;
  // A long document's bag is counted while its features stream by: encodeTokens' array of every
  // occurrence (~35 per word with character n-grams, first as a JS array) took ~900 MB for 8 MB of text.
  const bag = tokens.length > STREAM_TOKENS ? streamedBag(tokens, features).bag : documentBag(encodeTokens(tokens, features, enc), tokens.length, features);
  return { ids: bag.ids, weights: tfidfValues(bag, lin.idf), vecIds: lin.vectorIds(tokens) };
}

export function encodeText(text: string, features: FeatureConfig, net: NewsNet): EncodedDoc {
  return encodeDoc(textTokens(text, features), features, net);
}

/** Concatenates documents into one batch. */
export function makeBatch(docs: readonly EncodedDoc[]): Batch {
  let n = 0;
  for (const d of docs) n += d.ids.length;
  const ids = new Int32Array(n);
  const offsets = new Int32Array(docs.length);
  const weighted = docs.length > 0 && docs[0].weights !== undefined;
  const weights = weighted ? new Float32Array(n) : undefined;
  let pos = 0;
  docs.forEach((d, i) => {
    offsets[i] = pos;
    ids.set(d.ids, pos);
    if (weights) weights.set(d.weights!, pos);
    pos += d.ids.length;
  });
  if (docs.length === 0 || !docs[0].vecIds) return { ids, offsets, weights };
  const vecOffsets = new Int32Array(docs.length);
  let nv = 0;
  docs.forEach((d, i) => {
    vecOffsets[i] = nv;
    nv += d.vecIds!.length;
  });
  const vecIds = new Int32Array(nv);
  docs.forEach((d, i) => vecIds.set(d.vecIds!, vecOffsets[i]));
  return { ids, offsets, weights, vecIds, vecOffsets };
}

/** Logits of every document, computed in batches without gradients. */
export function predictLogits(net: NewsNet, docs: readonly EncodedDoc[], batchSize = 256): Float32Array {
  const C = net.config.numClasses;
  const out = new Float32Array(docs.length * C);
  net.eval();
  noGrad(() => {
    for (let s = 0; s < docs.length; s += batchSize) {
      const y = net.forward(makeBatch(docs.slice(s, s + batchSize)));
      out.set(y.toTypedArray() as Float32Array, s * C);
    }
  });
  return out;
}

