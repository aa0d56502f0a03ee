/**
 * A loaded model as a text classifier: probabilities for texts, and exact
 * per-feature contributions (both nets are linear in the bag of features, so
 * logit[c] = bias[c] + Σ_occurrences w_i · v_i[c] with no approximation).
 */
import { fileURLToPath } from 'node:url';
import { describeFeatures, documentBag, textTokens, tfidfValues, wordEncoder, type FeatureOccurrence } from './features.js';
import { encodeDoc, LinearBagNet, makeBatch, predictLogits, type EncodedDoc } from './model.js';
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

/** A feature occurrence with its share of the logits. */
export interface Contribution extends FeatureOccurrence {
  /** This occurrence's addition to every class logit. */
  logits: Float64Array;
}

export interface TermScore {
  /** A word (its unigram plus its character n-grams) or a word n-gram. */
  term: string;
  kind: 'word' | 'ngram';
  start: number;
  end: number;
  /** Contribution to logit[target] − logit[reference]. */
  value: number;
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
  /** One entry per distinct term and position, strongest first. */
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

  /** Every feature occurrence of a text with the weight it has in the bag (tf-idf share, or 1/n of the mean). */
  occurrences(tokens: readonly string[]): { occ: FeatureOccurrence[]; weights: Float64Array } {
    const occ = describeFeatures(tokens, this.model.info.features);
    const net = this.model.net;
    let weightOf: (o: FeatureOccurrence) => number;
    if (net instanceof LinearBagNet) {
      // The bag holds each bucket once per block with its tf-idf value; split it evenly over the occurrences.
      const bag = documentBag(Int32Array.from(occ, (o) => o.bucket), tokens.length, this.model.info.features);
      const vals = tfidfValues(bag, net.idf);
      const words = new Map<number, number>();
      const chars = new Map<number, number>();
      bag.ids.forEach((id, i) => (bag.split !== undefined && i >= bag.split ? chars : words).set(id, vals[i] / bag.counts[i]));
      weightOf = (o) => (bag.split !== undefined && o.kind === 'char' ? chars : words).get(o.bucket)!;
    } else {
      const w = occ.length ? 1 / occ.length : 0;
      weightOf = () => w;
    }
    return { occ, weights: Float64Array.from(occ, weightOf) };
  }

  /** A linear model's word-vector shares: one per known word, each with 1/#known words of its table row (their mean). */
  vectorContributions(tokens: readonly string[]): Contribution[] {
    const net = this.model.net;
    if (!(net instanceof LinearBagNet) || !net.vectorIndex) return [];
    const occ: FeatureOccurrence[] = [];
    tokens.forEach((t, i) => {
      const row = net.vectorIndex!.get(t);
      if (row !== undefined) occ.push({ bucket: row, kind: 'vector', key: t, start: i, end: i + 1 });
    });
    return occ.map((o) => ({ ...o, logits: net.vectorLogits(o.bucket, 1 / occ.length) }));
  }

  /**
   * Integrated gradients of logit[target] − logit[reference] with respect to
   * each occurrence's weight in the bag, from the empty bag (baseline) to the
   * document, midpoint rule with `steps` points. Works for any net taking
   * weighted bags; for these linear nets it reproduces the exact values.
   * Returns one attribution per occurrence (summing to f(x) − f(empty)).
   */
  integratedGradients(tokens: readonly string[], target: number, reference: number, steps = 32): { occ: FeatureOccurrence[]; values: Float64Array } {
    this.checkClass('target', target);
    this.checkClass('reference', reference);
    // 0 steps divided by zero into NaN attributions; a negative or fractional count died in a typed-array or kernel error.
    if (!Number.isInteger(steps) || steps < 1) throw new RangeError(`integrated gradients: steps must be a positive integer, got ${steps}`);
    const { occ, weights } = this.occurrences(tokens);
    const n = occ.length;
    const values = new Float64Array(n);
    if (n === 0) return { occ, values };
    const ids = new Int32Array(n * steps);
    const offsets = new Int32Array(steps);
    const scaled = new Float32Array(n * steps);
    for (let k = 0; k < steps; k++) {
      const alpha = (k + 0.5) / steps;
      offsets[k] = k * n;
      for (let i = 0; i < n; i++) {
        ids[k * n + i] = occ[i].bucket;
        scaled[k * n + i] = alpha * weights[i];
      }
    }
    const w = new Tensor(scaled, [n * steps], 'float32').requiresGrad_();
    const net = this.model.net;
    const params = net.parameters();
    const saved = params.map((p) => p.requiresGrad);
    params.forEach((p) => (p.requiresGrad = false));
    try {
      const y = net.forwardWeighted(ids, offsets, w);
      const C = this.labels.length;
      const pick = new Float32Array(steps * C);
      for (let k = 0; k < steps; k++) {
        pick[k * C + target] = 1;
        pick[k * C + reference] = -1;
      }
      y.mul(new Tensor(pick, [steps, C], 'float32')).sum().backward();
    } finally {
      params.forEach((p, i) => (p.requiresGrad = saved[i]));
    }
    const g = w.grad!.toTypedArray();
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let k = 0; k < steps; k++) s += g[k * n + i];
      values[i] = (weights[i] * s) / steps;
    }
    return { occ, values };
  }

  /**
   * Why `target` (default: the predicted class) rather than `reference`
   * (default: the runner-up): each term's contribution to the logit difference.
   * 'exact' reads it off the linear model; 'ig' uses integrated gradients.
   */
  explain(text: string, opts: { target?: number; reference?: number; method?: 'exact' | 'ig'; steps?: number } = {}): Explanation {
    const tokens = this.tokens(text);
    const C = this.labels.length;
    const bias = this.model.net.biasLogits();
    let logits: number[];
    let occ: FeatureOccurrence[];
    let perOcc: (i: number, t: number, r: number) => number;
    let contribs: Contribution[] = [];
    let exact: ((i: number, t: number, r: number) => number) | undefined;
    if (opts.method === 'ig') {
      logits = this.netLogits(text);
      occ = describeFeatures(tokens, this.model.info.features);
      // The word-vector shares are linear and outside the bag: their exact values join the IG ones.
      contribs = this.vectorContributions(tokens);
      occ = occ.concat(contribs);
    } else {
      // Each occurrence's logits are recomputed when needed rather than kept: a Float64Array
      // per occurrence (~30 per word with character n-grams) ran a 6 MB document out of memory.
      const bag = this.occurrences(tokens);
      const net = this.model.net;
      const nBag = bag.occ.length;
      contribs = this.vectorContributions(tokens);
      occ = bag.occ.concat(contribs);
      const logitsOf = (i: number): ArrayLike<number> => (i < nBag ? net.featureLogits(bag.occ[i].bucket, bag.weights[i]) : contribs[i - nBag].logits);
      logits = Array.from(bias);
      for (let i = 0; i < occ.length; i++) {
        const l = logitsOf(i);
        for (let k = 0; k < C; k++) logits[k] += l[k];
      }
      exact = (i, t, r) => {
        const l = logitsOf(i);
        return l[t] - l[r];
      };
    }
    const order = logits.map((v, i) => [v, i]).sort((a, b) => b[0] - a[0]).map((p) => p[1]);
    const target = opts.target ?? order[0];
    const reference = opts.reference ?? (order[0] === target ? order[1] : order[0]);
    // An index outside the labels read undefined logits and returned NaN differences and term values.
    this.checkClass('target', target);
    this.checkClass('reference', reference);
    if (opts.method === 'ig') {
      const ig = this.integratedGradients(tokens, target, reference, opts.steps);
      const nBag = ig.values.length;
      perOcc = (i, t, r) => (i < nBag ? ig.values[i] : contribs[i - nBag].logits[t] - contribs[i - nBag].logits[r]);
    } else {
      perOcc = exact!;
    }
    // A word's unigram and its character n-grams are one term; n-grams are their own terms.
    const termMap = new Map<string, TermScore>();
    const tokenValues = new Array<number>(tokens.length).fill(0);
    occ.forEach((c, i) => {
      const v = perOcc(i, target, reference);
      const kind = c.kind === 'ngram' ? 'ngram' : 'word';
      const name = kind === 'word' ? tokens[c.start] : c.key;
      const key = `${kind}:${c.start}:${c.end}`;
      const t = termMap.get(key) ?? { term: name, kind, start: c.start, end: c.end, value: 0 };
      t.value += v;
      termMap.set(key, t);
      for (let j = c.start; j < c.end; j++) tokenValues[j] += v / (c.end - c.start);
    });
    const terms = [...termMap.values()].sort((a, b) => Math.abs(b.value) - Math.abs(a.value));
    return {
      tokens, labels: this.labels, logits, probabilities: softmax(logits), target, reference,
      difference: logits[target] - logits[reference], bias: bias[target] - bias[reference], terms, tokenValues,
      method: opts.method ?? 'exact',
    };
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
    e.count++;
    m.set(key, e);
  }
  return [...m.values()].sort((a, b) => Math.abs(b.value) - Math.abs(a.value));
}

export async function loadClassifier(model: string | undefined, fallback = DEFAULT_PREDICT_MODEL): Promise<NewsClassifier> {
  return NewsClassifier.load(model ?? shippedModelPath(fallback));
}
