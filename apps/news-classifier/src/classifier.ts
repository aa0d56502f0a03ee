/**
 * A loaded model as a text classifier: probabilities for texts, and exact
 * per-feature contributions (both nets are linear in the bag of features, so
 * logit[c] = bias[c] + Σ_occurrences w_i · v_i[c] with no approximation).
 */
import { fileURLToPath } from 'node:url';
import { forEachFeature, StreamedCounts, textTokens, tfidfValues, wordEncoder, type CountBag } from './features.js';
import { encodeDoc, LinearBagNet, makeBatch, predictLogits, STREAM_TOKENS, type EncodedDoc } from './model.js';
import { loadModel, type LoadedModel } from './model-file.js';
import { noGrad, Tensor } from '@tensorkit/core';

/** The shipped models folder (apps/news-classifier/models, from src/ or dist/). */
export function shippedModelPath(name: string): string {
  return fileURLToPath(new URL(`../models/${name}`, import.meta.url));
}

export const DEFAULT_PREDICT_MODEL = 'ag_news.safetensors';

/** predict's and explain's flag for a text with no word the tokenizer keeps: only the bias decides. */
export const NO_WORDS_WARNING = 'no words in this text (only punctuation or symbols): the prediction is the model\'s prior, not a reading of the text';

export function softmax(logits: ArrayLike<number>): number[] {
  let m = -Infinity;
  for (let i = 0; i < logits.length; i++) m = Math.max(m, logits[i]);
  const e = Array.from(logits, (v) => Math.exp(v - m));
  const z = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / z);
}

export interface TermScore {
  /** A word (its unigram plus its character n-grams) or a word n-gram. */
  term: string;
  kind: 'word' | 'ngram';
  start: number;
  end: number;
  /** Contribution to logit[target] − logit[reference] (of all its occurrences). */
  value: number;
  /** Occurrences of the term in the text (start/end: the first one; absent: 1). */
  count?: number;
}

export interface Explanation {
  tokens: string[];
  labels: string[];
  logits: number[];
  probabilities: number[];
  target: number;
  reference: number;
  /** logit[target] − logit[reference] = bias + Σ terms = Σ tokens + bias. */
  difference: number;
  bias: number;
  /** One entry per distinct term (all its occurrences summed), strongest first; with the bias they sum to the difference. */
  terms: TermScore[];
  /** Per-token share (n-gram contributions split evenly over their tokens); sums to difference − bias. */
  tokenValues: number[];
  method: 'exact' | 'ig';
}

export class NewsClassifier {
  readonly enc;

  constructor(readonly model: LoadedModel) {
    this.enc = wordEncoder(model.info.features);
  }

  static async load(path: string): Promise<NewsClassifier> {
    return new NewsClassifier(await loadModel(path));
  }

  get labels(): string[] {
    return this.model.info.labels;
  }

  tokens(text: string): string[] {
    return textTokens(text, this.model.info.features);
  }

  encodeTokens(tokens: readonly string[]): EncodedDoc {
    return encodeDoc(tokens, this.model.info.features, this.model.net, this.enc);
  }

  encode(text: string): EncodedDoc {
    return this.encodeTokens(this.tokens(text));
  }

  /** Logits for many texts, [n × C] row-major. */
  logits(texts: readonly string[], onProgress?: (done: number) => void): Float32Array {
    const C = this.labels.length;
    const out = new Float32Array(texts.length * C);
    const chunk = 256;
    for (let s = 0; s < texts.length; s += chunk) {
      const docs = texts.slice(s, s + chunk).map((t) => this.encode(t));
      out.set(predictLogits(this.model.net, docs, chunk), s * C);
      onProgress?.(Math.min(texts.length, s + chunk));
    }
    return out;
  }

  /**
   * Why `target` (default: the predicted class) rather than `reference`
   * (default: the runner-up): each term's contribution to the logit difference.
   * 'exact' reads it off the linear model; 'ig' uses integrated gradients.
   *
   * The features are streamed twice (count, then attribute) and aggregated per bucket and per
   * distinct term: memory grows with the tokens (a few numbers each) and the distinct terms, not
   * with the feature occurrences (~35 per word: one object per occurrence, then per position, took
   * 5 GB and 10 minutes for 8 MB of text).
   */
  explain(text: string, opts: { target?: number; reference?: number; method?: 'exact' | 'ig'; steps?: number } = {}): Explanation {
    const tokens = this.tokens(text);
    const c = this.model.info.features;
    const C = this.labels.length;
    const net = this.model.net;
    const bias = net.biasLogits();
    // Per-bucket tables: dense arrays for a long text, maps for a short one (allocating ~40 MB of
    // dense arrays per call made predict --explain over many short lines crawl).
    const counts = new StreamedCounts(c, tokens.length > STREAM_TOKENS);
    forEachFeature(tokens, c, (kind, bucket) => counts.add(kind, bucket));
    // Each occurrence's weight in the bag, per bag entry (block and bucket): its tf-idf value split evenly over the
    // bucket's occurrences (linear), or 1/n of the mean (fasttext).
    const bag = counts.bag();
    const blockOf = (i: number) => (bag.split !== undefined && i >= bag.split ? 1 : 0);
    const occWeight = new Float64Array(bag.ids.length);
    if (net instanceof LinearBagNet) {
      const vals = tfidfValues(bag, net.idf);
      for (let i = 0; i < bag.ids.length; i++) occWeight[i] = vals[i] / bag.counts[i];
    } else {
      occWeight.fill(1 / counts.total);
    }
    // The word-vector model's share: 1/#known words of each known word's table row.
    const vectorRows = net instanceof LinearBagNet && net.vectorIndex ? Int32Array.from(tokens, (t) => net.vectorIndex!.get(t) ?? -1) : null;
    let known = 0;
    if (vectorRows) for (const r of vectorRows) if (r >= 0) known++;
    const vectorLogits = (row: number) => (net as LinearBagNet).vectorLogits(row, 1 / known);

    let logits: number[];
    if (opts.method === 'ig') {
      logits = noGrad(() => Array.from(net.forward(makeBatch([this.encodeTokens(tokens)])).toTypedArray()));
    } else {
      logits = Array.from(bias);
      for (let i = 0; i < bag.ids.length; i++) {
        const l = net.featureLogits(bag.ids[i], occWeight[i] * bag.counts[i]);
        for (let k = 0; k < C; k++) logits[k] += l[k];
      }
      if (vectorRows) {
        for (const r of vectorRows) {
          if (r < 0) continue;
          const l = vectorLogits(r);
          for (let k = 0; k < C; k++) logits[k] += l[k];
        }
      }
    }
    const order = logits.map((v, i) => [v, i]).sort((a, b) => b[0] - a[0]).map((p) => p[1]);
    const target = opts.target ?? order[0];
    const reference = opts.reference ?? (order[0] === target ? order[1] : order[0]);
    // An index outside the labels read undefined logits and returned NaN differences and term values.
    this.checkClass('target', target);
    this.checkClass('reference', reference);

    // Each occurrence's share of logit[target] − logit[reference], per block and bucket.
    const occValue = counts.tables();
    if (opts.method === 'ig') {
      const ig = this.bagIntegratedGradients(bag, occWeight, target, reference, opts.steps);
      for (let i = 0; i < bag.ids.length; i++) occValue[blockOf(i)].set(bag.ids[i], ig[i] / bag.counts[i]);
    } else {
      for (let i = 0; i < bag.ids.length; i++) {
        const l = net.featureLogits(bag.ids[i], occWeight[i]);
        occValue[blockOf(i)].set(bag.ids[i], l[target] - l[reference]);
      }
    }
    // A word's unigram, its character n-grams and its word-vector share are one term; a word n-gram is its own.
    const wordValue = new Float64Array(tokens.length);
    const tokenValues = new Array<number>(tokens.length).fill(0);
    const ngrams = new Map<string, TermScore>();
    forEachFeature(tokens, c, (kind, bucket, i, n) => {
      const v = occValue[counts.blockOf(kind)].get(bucket);
      if (kind !== 'ngram') {
        wordValue[i] += v;
        return;
      }
      for (let j = i; j < i + n; j++) tokenValues[j] += v / n;
      const key = n === 2 ? `${tokens[i]} ${tokens[i + 1]}` : tokens.slice(i, i + n).join(' ');
      const t = ngrams.get(key);
      if (t) {
        t.value += v;
        t.count!++;
      } else ngrams.set(key, { term: key, kind: 'ngram', start: i, end: i + n, value: v, count: 1 });
    });
    const words = new Map<string, TermScore>();
    tokens.forEach((w, i) => {
      let v = wordValue[i];
      if (vectorRows && vectorRows[i] >= 0) {
        const l = vectorLogits(vectorRows[i]);
        v += l[target] - l[reference];
      }
      tokenValues[i] += v;
      const t = words.get(w);
      if (t) {
        t.value += v;
        t.count!++;
      } else words.set(w, { term: w, kind: 'word', start: i, end: i + 1, value: v, count: 1 });
    });
    const terms = [...words.values(), ...ngrams.values()].sort((a, b) => Math.abs(b.value) - Math.abs(a.value));
    return {
      tokens, labels: this.labels, logits, probabilities: softmax(logits), target, reference,
      difference: logits[target] - logits[reference], bias: bias[target] - bias[reference], terms, tokenValues,
      method: opts.method ?? 'exact',
    };
  }

  /**
   * Integrated gradients on a document's bag (distinct buckets per block, each with its total weight
   * count × occWeight): a sum-pooling net's gradient with respect to an occurrence's weight is the same
   * for every occurrence of a bucket, so this is the per-occurrence attribution summed over them —
   * but its size is the distinct buckets, and the steps go through the net in chunks of at most
   * ~4 million inputs. Returns one attribution per bag entry.
   */
  private bagIntegratedGradients(bag: CountBag, occWeight: Float64Array, target: number, reference: number, steps = 32): Float64Array {
    // 0 steps divided by zero into NaN attributions; a negative or fractional count died in a typed-array or kernel error.
    if (!Number.isInteger(steps) || steps < 1) throw new RangeError(`integrated gradients: steps must be a positive integer, got ${steps}`);
    const m = bag.ids.length;
    const total = new Float64Array(m);
    for (let i = 0; i < m; i++) total[i] = occWeight[i] * bag.counts[i];
    const grad = new Float64Array(m);
    if (m === 0) return grad;
    const net = this.model.net;
    const C = this.labels.length;
    const params = net.parameters();
    const saved = params.map((p) => p.requiresGrad);
    params.forEach((p) => (p.requiresGrad = false));
    try {
      const per = Math.max(1, Math.min(steps, Math.floor(4_000_000 / m)));
      for (let k0 = 0; k0 < steps; k0 += per) {
        const ks = Math.min(per, steps - k0);
        const ids = new Int32Array(m * ks);
        const offsets = new Int32Array(ks);
        const scaled = new Float32Array(m * ks);
        for (let k = 0; k < ks; k++) {
          const alpha = (k0 + k + 0.5) / steps;
          offsets[k] = k * m;
          ids.set(bag.ids, k * m);
          for (let i = 0; i < m; i++) scaled[k * m + i] = alpha * total[i];
        }
        const w = new Tensor(scaled, [m * ks], 'float32').requiresGrad_();
        const y = net.forwardWeighted(ids, offsets, w);
        const pick = new Float32Array(ks * C);
        for (let k = 0; k < ks; k++) {
          pick[k * C + target] = 1;
          pick[k * C + reference] = -1;
        }
        y.mul(new Tensor(pick, [ks, C], 'float32')).sum().backward();
        const g = w.grad!.toTypedArray();
        for (let k = 0; k < ks; k++) for (let i = 0; i < m; i++) grad[i] += g[k * m + i];
      }
    } finally {
      params.forEach((p, i) => (p.requiresGrad = saved[i]));
    }
    for (let i = 0; i < m; i++) grad[i] = (total[i] * grad[i]) / steps;
    return grad;
  }

  private checkClass(what: string, k: number): void {
    if (!Number.isInteger(k) || k < 0 || k >= this.labels.length) {
      throw new RangeError(`explain: ${what} must be a class index 0…${this.labels.length - 1} (${this.labels.join(', ')}), got ${k}`);
    }
  }

  /** Logits of one text through the net (the batched path), to cross-check explanations. */
  netLogits(text: string): number[] {
    return noGrad(() => Array.from(this.model.net.forward(makeBatch([this.encode(text)])).toTypedArray()));
  }
}

/** Merges repeated terms (same text at several positions) for listing. */
export function aggregateTerms(terms: readonly TermScore[]): { term: string; kind: 'word' | 'ngram'; value: number; count: number }[] {
  const m = new Map<string, { term: string; kind: 'word' | 'ngram'; value: number; count: number }>();
  for (const t of terms) {
    const key = `${t.kind}:${t.term}`;
    const e = m.get(key) ?? { term: t.term, kind: t.kind, value: 0, count: 0 };
    e.value += t.value;
    e.count += t.count ?? 1;
    m.set(key, e);
  }
  return [...m.values()].sort((a, b) => Math.abs(b.value) - Math.abs(a.value));
}

export async function loadClassifier(model: string | undefined, fallback = DEFAULT_PREDICT_MODEL): Promise<NewsClassifier> {
  return NewsClassifier.load(model ?? shippedModelPath(fallback));
}
