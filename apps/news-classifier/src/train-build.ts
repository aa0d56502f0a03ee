/**
 * What `news train` fits on: every document encoded once (count bags for the linear model, raw
 * bucket ids for fasttext, word-vector ids), and a builder that makes a fresh net for a set of
 * training documents, with idf and the word-vector model fitted on those documents only.
 */
import type { Generator } from '@tensorkit/core';
import { createProgress } from '@tensorkit/train';
import type { TextDataset } from './data.js';
import { documentBag, encodeTokens, fitIdf, textTokens, tfidfValues, wordEncoder, type CountBag } from './features.js';
import { createNet, LinearBagNet, type EncodedDoc, type ModelType, type NewsNet } from './model.js';
import type { Recipe } from './recipe.js';
import type { TrainOptions } from './train-options.js';
import { fitVectorClassifier, foldVectorClassifier, meanVector, vocabularyIds, type WordVectors } from './word-vectors.js';

function encodeAll(ds: TextDataset, idx: readonly number[], recipe: Recipe, o: TrainOptions): string[][] {
  const bar = createProgress({ total: idx.length, label: 'tokenize', unit: 'docs', silent: o.quiet });
  const out = idx.map((i, k) => {
    if (k % 500 === 0) bar.update(k);
    return textTokens(ds.items[i].text, recipe.features);
  });
  bar.update(idx.length);
  bar.stop();
  return out;
}

/** Every document's features, by its index in the dataset. */
export interface EncodedCorpus {
  /** Linear model: the n-gram count bag. */
  bags: Map<number, CountBag>;
  /** fasttext: the hashed n-gram bucket ids. */
  rawIds: Map<number, Int32Array>;
  /** With word vectors: each token's row in the vector table. */
  vecIds: Map<number, Int32Array>;
}

export function labelsFor(ds: TextDataset, idx: readonly number[]): number[] {
  return idx.map((i) => ds.items[i].label);
}

/** Tokenizes and hashes the documents `idx` once. */
export function encodeCorpus(ds: TextDataset, idx: readonly number[], recipe: Recipe, wv: WordVectors | null, o: TrainOptions): EncodedCorpus {
  const tokens = encodeAll(ds, idx, recipe, o);
  const vecIds = new Map<number, Int32Array>();
  if (wv) idx.forEach((i, k) => vecIds.set(i, vocabularyIds(tokens[k], wv.index)));
  const enc = wordEncoder(recipe.features);
  const rawIds = new Map<number, Int32Array>();
  const bags = new Map<number, CountBag>();
  idx.forEach((i, k) => {
    const ids = encodeTokens(tokens[k], recipe.features, enc);
    if (o.modelType === 'linear') bags.set(i, documentBag(ids, tokens[k].length, recipe.features));
    else rawIds.set(i, ids);
  });
  return { bags, rawIds, vecIds };
}

export interface NetBuilderOptions {
  corpus: EncodedCorpus;
  recipe: Recipe;
  modelType: ModelType;
  numClasses: number;
  /** Each net draws its initial weights from root.split(1), so a refit starts as the first fit did. */
  root: Generator;
  wv: WordVectors | null;
  vectorScale: number;
  vectorL2: number;
  labelsOf: (idx: readonly number[]) => number[];
}

export interface BuiltNet {
  net: NewsNet;
  /** The documents as the net takes them (tf-idf weighted bags with the training documents' idf). */
  encode: (idx: readonly number[]) => EncodedDoc[];
  /** Adds the word-vector model fitted on the training documents to the trained net (a no-op without vectors). */
  addVectors: () => void;
}

/**
 * A net for `trainIdx`, its document encoder, and `addVectors`: it adds the word-vector model
 * fitted here to the trained n-gram model (a product of the two experts; the NB blend and the
 * temperature are then chosen on the sum). Installing it before training instead, as a fixed
 * offset the n-gram model corrects, was no better on validation.
 */
export function netBuilder(b: NetBuilderOptions): (trainIdx: readonly number[]) => BuiltNet {
  const { corpus, recipe, numClasses: C, root, wv, vectorScale, vectorL2, labelsOf } = b;
  return (trainIdx) => {
    const net = createNet(b.modelType, recipe.features.buckets, C, recipe.dim, root.split(1), wv?.words.length);
    let addVectors = () => {};
    if (net instanceof LinearBagNet) {
      // idf comes from the documents the model is fitted on, never from validation.
      net.setIdf(fitIdf(trainIdx.map((i) => corpus.bags.get(i)!), recipe.features.buckets));
      const idf = net.idf;
      if (wv) {
        // The word-vector model, like idf and the NB prior, sees only the documents being fitted.
        const vm = fitVectorClassifier(trainIdx.map((i) => meanVector(corpus.vecIds.get(i)!, wv)), labelsOf(trainIdx), C, { l2: vectorL2 });
        const folded = foldVectorClassifier(vm, wv);
        for (let k = 0; k < folded.table.length; k++) folded.table[k] *= vectorScale;
        addVectors = () => {
          net.setVectors(wv.words, folded.table);
          const bias = net.bias.storage as Float32Array;
          for (let c = 0; c < C; c++) bias[c] += folded.bias[c] * vectorScale;
        };
      }
      return { net, addVectors, encode: (idx) => idx.map((i) => ({ ids: corpus.bags.get(i)!.ids, weights: tfidfValues(corpus.bags.get(i)!, idf), vecIds: corpus.vecIds.get(i) })) };
    }
    return { net, addVectors, encode: (idx) => idx.map((i) => ({ ids: corpus.rawIds.get(i)! })) };
  };
}
