/**
 * Pretrained word vectors (GloVe and the like) as a second, smoother view of a
 * document. With a few thousand training documents most test words were seen a
 * handful of times or never; their n-gram weights are noise or zero, while a
 * word vector trained on billions of words still places "quarterback" near
 * "touchdown". A multinomial logistic regression on the document's mean word
 * vector is fitted on the same documents and its logits are added to the
 * trained n-gram model's (train-build.ts), before the NB blend and temperature.
 *
 * The result stays linear in the words: the vector model's logits are
 * mean_t(W·(e_t − μ)/σ) + b, so each vocabulary word's share W·e_t/σ is folded
 * into a [words × classes] table saved with the model — the vectors themselves
 * are needed only for training, and explanations stay exact.
 */
import { createReadStream } from 'node:fs';
import { open, readFile, stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { UserError } from '@tensorkit/train';

export interface WordVectors {
  words: string[];
  dim: number;
  /** words.length × dim, row-major. */
  data: Float32Array;
  index: Map<string, number>;
}

/** Vocabulary kept from a vectors file (files list words by frequency, so these are the commonest). */
export const DEFAULT_VECTOR_WORDS = 150_000;

function fromRows(words: string[], rows: Float32Array[], dim: number): WordVectors {
  const data = new Float32Array(words.length * dim);
  rows.forEach((r, i) => data.set(r, i * dim));
  return { words, dim, data, index: new Map(words.map((w, i) => [w, i])) };
}

/**
 * Reads word vectors: the GloVe / word2vec text format (`word v1 … vD` per line,
 * an optional `count dim` first line) or wink-embeddings' JSON
 * (`{"words": […], "vectors": {word: [v1 … vD, …]}, "dimensions": D}`).
 * Keeps the first `maxWords` distinct words; later duplicates are ignored.
 */
export async function readWordVectors(path: string, maxWords = DEFAULT_VECTOR_WORDS): Promise<WordVectors> {
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch {
    throw new UserError(`${path}: word-vectors file not found`);
  }
  if (size === 0) throw new UserError(`${path}: word-vectors file is empty`);
  const head = Buffer.alloc(1);
  const fh = await open(path, 'r');
  try {
    await fh.read(head, 0, 1, 0);
  } finally {
    await fh.close();
  }
  return head.toString() === '{' ? readWinkJson(path, maxWords) : readTextVectors(path, maxWords);
}

async function readWinkJson(path: string, maxWords: number): Promise<WordVectors> {
  let doc: { words?: unknown; vectors?: unknown; dimensions?: unknown };
  try {
    doc = JSON.parse(await readFile(path, 'utf8'));
  } catch (e) {
    throw new UserError(`${path}: not valid JSON (${(e as Error).message})`);
  }
  const dim = doc.dimensions;
  if (!Number.isInteger(dim) || (dim as number) < 1) throw new UserError(`${path}: field 'dimensions' must be a positive integer`);
  if (!Array.isArray(doc.words) || typeof doc.vectors !== 'object' || doc.vectors === null) {
    throw new UserError(`${path}: expected fields 'words' (a list) and 'vectors' (word → numbers)`);
  }
  const D = dim as number;
  const vectors = doc.vectors as Record<string, unknown>;
  const words: string[] = [];
  const rows: Float32Array[] = [];
  const seen = new Set<string>();
  for (const w of doc.words) {
    if (words.length >= maxWords) break;
    if (typeof w !== 'string' || seen.has(w)) continue;
    const v = vectors[w];
    if (!Array.isArray(v) || v.length < D || !v.slice(0, D).every((x) => typeof x === 'number' && Number.isFinite(x))) {
      throw new UserError(`${path}: vectors[${JSON.stringify(w)}] must hold at least ${D} finite numbers`);
    }
    seen.add(w);
    words.push(w);
    rows.push(Float32Array.from(v.slice(0, D) as number[]));
  }
  if (words.length === 0) throw new UserError(`${path}: no word vectors found`);
  return fromRows(words, rows, D);
}

async function readTextVectors(path: string, maxWords: number): Promise<WordVectors> {
  const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  const words: string[] = [];
  const rows: Float32Array[] = [];
  const seen = new Set<string>();
  let dim = 0;
  let lineNo = 0;
  try {
    for await (const line of lines) {
      lineNo++;
      if (words.length >= maxWords) break;
      const parts = line.trim().split(/ +/);
      if (parts.length === 1 && parts[0] === '') continue;
      if (lineNo === 1 && parts.length === 2 && /^\d+$/.test(parts[0]) && /^\d+$/.test(parts[1])) continue; // word2vec "count dim" header
      if (parts.length < 2) throw new UserError(`${path}:${lineNo}: expected a word followed by its vector components`);
      if (dim === 0) dim = parts.length - 1;
      if (parts.length - 1 !== dim) throw new UserError(`${path}:${lineNo}: expected ${dim} vector components after '${parts[0]}', found ${parts.length - 1}`);
      const v = new Float32Array(dim);
      for (let j = 0; j < dim; j++) {
        const x = Number(parts[j + 1]);
        if (!Number.isFinite(x)) throw new UserError(`${path}:${lineNo}: component ${j + 1} of '${parts[0]}' is not a number ('${parts[j + 1]}')`);
        v[j] = x;
      }
      if (seen.has(parts[0])) continue;
      seen.add(parts[0]);
      words.push(parts[0]);
      rows.push(v);
    }
  } finally {
    lines.close();
  }
  if (words.length === 0) throw new UserError(`${path}: no word vectors found`);
  return fromRows(words, rows, dim);
}

/** Indices of the tokens found in a vocabulary, in order (unknown tokens are skipped). */
export function vocabularyIds(tokens: readonly string[], index: ReadonlyMap<string, number>): Int32Array {
  const out: number[] = [];
  for (const t of tokens) {
    const i = index.get(t);
    if (i !== undefined) out.push(i);
  }
  return Int32Array.from(out);
}

/** Mean vector of the known tokens (zeros when there are none). */
export function meanVector(ids: Int32Array, wv: WordVectors): Float64Array {
  const D = wv.dim;
  const v = new Float64Array(D);
  for (const i of ids) for (let j = 0; j < D; j++) v[j] += wv.data[i * D + j];
  if (ids.length) for (let j = 0; j < D; j++) v[j] /= ids.length;
  return v;
}

export interface VectorClassifier {
  /** C × D weights on standardised inputs. */
  weight: Float64Array;
  bias: Float64Array;
  mean: Float64Array;
  std: Float64Array;
}

export interface VectorFitOptions {
  l2?: number;
  iterations?: number;
  lr?: number;
}

/**
 * Multinomial logistic regression on standardised mean vectors, by full-batch
 * gradient descent with momentum from zero: convex, small (D × C weights) and
 * deterministic, so no seed is involved.
 */
export function fitVectorClassifier(xs: readonly Float64Array[], labels: readonly number[], C: number, o: VectorFitOptions = {}): VectorClassifier {
  const l2 = o.l2 ?? 1e-2;
  const iterations = o.iterations ?? 200;
  const lr = o.lr ?? 0.5;
  const n = xs.length;
  if (n === 0) throw new Error('fitVectorClassifier: no documents');
  const D = xs[0].length;
  const mean = new Float64Array(D);
  const std = new Float64Array(D);
  for (const x of xs) for (let j = 0; j < D; j++) mean[j] += x[j] / n;
  for (const x of xs) for (let j = 0; j < D; j++) std[j] += (x[j] - mean[j]) ** 2 / n;
  for (let j = 0; j < D; j++) std[j] = Math.sqrt(std[j]) + 1e-8;
  const z = xs.map((x) => Float64Array.from(x, (v, j) => (v - mean[j]) / std[j]));
  const W = new Float64Array(C * D);
  const b = new Float64Array(C);
  const vW = new Float64Array(C * D);
  const vb = new Float64Array(C);
  const p = new Float64Array(C);
  for (let it = 0; it < iterations; it++) {
    const gW = new Float64Array(C * D);
    const gb = new Float64Array(C);
    z.forEach((x, k) => {
      let m = -Infinity;
      for (let c = 0; c < C; c++) {
        let s = b[c];
        for (let j = 0; j < D; j++) s += W[c * D + j] * x[j];
        p[c] = s;
        m = Math.max(m, s);
      }
      let sum = 0;
      for (let c = 0; c < C; c++) sum += (p[c] = Math.exp(p[c] - m));
      for (let c = 0; c < C; c++) {
        const g = (p[c] / sum - (labels[k] === c ? 1 : 0)) / n;
        gb[c] += g;
        for (let j = 0; j < D; j++) gW[c * D + j] += g * x[j];
      }
    });
    for (let i = 0; i < C * D; i++) {
      vW[i] = 0.9 * vW[i] + gW[i] + l2 * W[i];
      W[i] -= lr * vW[i];
    }
    for (let c = 0; c < C; c++) {
      vb[c] = 0.9 * vb[c] + gb[c];
      b[c] -= lr * vb[c];
    }
  }
  return { weight: W, bias: b, mean, std };
}

/**
 * The classifier as per-word logits: table[w] = weight(e_w / σ) and a constant
 * bias − weight(μ / σ), so that logits = bias' + mean over the document's known
 * words of table[w] — the same numbers as the classifier on the mean vector.
 */
export function foldVectorClassifier(m: VectorClassifier, wv: WordVectors): { table: Float32Array; bias: Float64Array } {
  const D = wv.dim;
  const C = m.bias.length;
  const scaled = new Float64Array(C * D);
  const bias = Float64Array.from(m.bias);
  for (let c = 0; c < C; c++) {
    for (let j = 0; j < D; j++) {
      scaled[c * D + j] = m.weight[c * D + j] / m.std[j];
      bias[c] -= scaled[c * D + j] * m.mean[j];
    }
  }
  const table = new Float32Array(wv.words.length * C);
  for (let w = 0; w < wv.words.length; w++) {
    for (let c = 0; c < C; c++) {
      let s = 0;
      for (let j = 0; j < D; j++) s += scaled[c * D + j] * wv.data[w * D + j];
      table[w * C + c] = s;
    }
  }
  return { table, bias };
}
