import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { NewsClassifier } from '../src/classifier.js';
import { loadModel } from '../src/model-file.js';
import { LinearBagNet } from '../src/model.js';
import { trainCommand, type TrainResult } from '../src/train.js';
import { fitVectorClassifier, foldVectorClassifier, meanVector, readWordVectors, vocabularyIds } from '../src/word-vectors.js';
import { rng, tempDir, TOPICS, writeClassFolder } from './helpers.js';

const quiet = { quiet: true, log: () => {} };

/** Words that never occur in the fixture's documents but whose vectors point at a topic. */
const UNSEEN: Record<string, string[]> = { sport: ['quarterback', 'touchdown'], money: ['bondholders', 'treasury'], tech: ['semiconductor', 'firmware'] };

/** A GloVe-style text file: topic words (seen and unseen) near their topic's axis, everything else noise. */
function writeVectors(path: string, dim = 6): void {
  const r = rng(5);
  const lines: string[] = [];
  const topics = Object.keys(TOPICS);
  const vec = (axis: number) => Array.from({ length: dim }, (_, j) => ((j === axis ? 1 : 0) + 0.2 * (r() - 0.5)).toFixed(4)).join(' ');
  topics.forEach((t, k) => {
    for (const w of [...TOPICS[t], ...UNSEEN[t]]) lines.push(`${w} ${vec(k)}`);
  });
  for (const w of ['the', 'a', 'on', 'in', 'after', 'new', 'said', 'today', 'with', 'for', 'report', 'week', 'year', 'people', 'says', 'big', 'first', 'over']) lines.push(`${w} ${vec(-1)}`);
  writeFileSync(path, lines.join('\n') + '\n');
}

describe('reading word vectors', () => {
  it('reads GloVe text with or without a word2vec header, keeping the first N words', async () => {
    const dir = tempDir();
    const glove = join(dir, 'v.txt');
    writeFileSync(glove, 'the 0.5 -1 2\ncat 1e-1 0 3\nthe 9 9 9\n\ndog 1 2 3\n');
    const v = await readWordVectors(glove);
    expect(v.words).toEqual(['the', 'cat', 'dog']);
    expect(v.dim).toBe(3);
    expect(Array.from(v.data.subarray(0, 6))).toEqual([0.5, -1, 2, Math.fround(0.1), 0, 3]);
    const w2v = join(dir, 'w.txt');
    writeFileSync(w2v, '3 2\nx 1 2\ny 3 4\nz 5 6\n');
    const w = await readWordVectors(w2v, 2);
    expect(w.words).toEqual(['x', 'y']);
    expect(Array.from(w.data)).toEqual([1, 2, 3, 4]);
  });

  it('reads wink-embeddings JSON (extra components beyond the dimension are ignored)', async () => {
    const path = join(tempDir(), 'v.json');
    writeFileSync(path, JSON.stringify({ dimensions: 2, words: ['a', 'b'], vectors: { a: [1, 2, 7.5, 0], b: [3, 4, 1, 1] } }));
    const v = await readWordVectors(path);
    expect(v.words).toEqual(['a', 'b']);
    expect(Array.from(v.data)).toEqual([1, 2, 3, 4]);
    expect(v.index.get('b')).toBe(1);
  });

  it('names the file, line and problem for malformed input', async () => {
    const dir = tempDir();
    const at = (name: string, text: string) => {
      const p = join(dir, name);
      writeFileSync(p, text);
      return p;
    };
    await expect(readWordVectors(join(dir, 'missing.txt'))).rejects.toThrow(/missing\.txt: word-vectors file not found/);
    await expect(readWordVectors(at('empty.txt', ''))).rejects.toThrow(/empty\.txt: word-vectors file is empty/);
    await expect(readWordVectors(at('dims.txt', 'a 1 2\nb 1 2 3\n'))).rejects.toThrow(/dims\.txt:2: expected 2 vector components after 'b', found 3/);
    await expect(readWordVectors(at('nan.txt', 'a 1 2\nb 1 x\n'))).rejects.toThrow(/nan\.txt:2: component 2 of 'b' is not a number/);
    await expect(readWordVectors(at('lone.txt', 'word\n'))).rejects.toThrow(/lone\.txt:1: expected a word followed by its vector components/);
    await expect(readWordVectors(at('bad.json', '{"words": ['))).rejects.toThrow(/bad\.json: not valid JSON/);
    await expect(readWordVectors(at('nodim.json', '{"words": [], "vectors": {}}'))).rejects.toThrow(/'dimensions' must be a positive integer/);
    await expect(readWordVectors(at('short.json', '{"dimensions": 3, "words": ["a"], "vectors": {"a": [1, 2]}}'))).rejects.toThrow(/vectors\["a"\] must hold at least 3 finite numbers/);
  });
});

describe('the word-vector model', () => {
  it('folds into per-word logits that reproduce the classifier on the mean vector', async () => {
    const path = join(tempDir(), 'v.txt');
    writeVectors(path);
    const wv = await readWordVectors(path);
    const r = rng(9);
    const topics = Object.keys(TOPICS);
    const docs: Int32Array[] = [];
    const labels: number[] = [];
    for (let i = 0; i < 90; i++) {
      const k = i % 3;
      const toks = Array.from({ length: 6 }, () => (r() < 0.5 ? TOPICS[topics[k]][Math.floor(r() * 12)] : 'the'));
      docs.push(vocabularyIds([...toks, 'not-in-vocabulary'], wv.index));
      labels.push(k);
    }
    const m = fitVectorClassifier(docs.map((d) => meanVector(d, wv)), labels, 3);
    const { table, bias } = foldVectorClassifier(m, wv);
    let correct = 0;
    docs.forEach((d, i) => {
      const x = meanVector(d, wv);
      const direct = [0, 1, 2].map((c) => m.bias[c] + Array.from(x).reduce((s, v, j) => s + (m.weight[c * wv.dim + j] * (v - m.mean[j])) / m.std[j], 0));
      const folded = [0, 1, 2].map((c) => bias[c] + Array.from(d).reduce((s, w) => s + table[w * 3 + c], 0) / d.length);
      folded.forEach((v, c) => expect(v).toBeCloseTo(direct[c], 4));
      if (direct.indexOf(Math.max(...direct)) === labels[i]) correct++;
    });
    expect(correct / docs.length).toBeGreaterThan(0.9);
    // A document without a known word gets the bias alone (an empty mean is zero).
    expect(meanVector(new Int32Array(0), wv).every((v) => v === 0)).toBe(true);
  });
});

describe('training with --word-vectors', () => {
  let withVectors: TrainResult;
  let vectorsPath: string;

  beforeAll(async () => {
    const folder = writeClassFolder(tempDir(), 40, 21);
    vectorsPath = join(tempDir(), 'vectors.txt');
    writeVectors(vectorsPath);
    withVectors = await trainCommand({
      data: folder, modelType: 'linear', seed: 2, out: join(tempDir(), 'wv.safetensors'), buckets: 4096, epochs: 3,
      charNgrams: '3-4', valFraction: 0.2, refit: true, wordVectors: vectorsPath, ...quiet,
    });
  });

  it('saves the folded table and its vocabulary, and classifies by words the training documents never used', async () => {
    const loaded = await loadModel(withVectors.out);
    const net = loaded.net as LinearBagNet;
    expect(net.config.vectorWords).toBe(3 * 14 + 18);
    expect(net.vectorIndex!.get('quarterback')).toBeDefined();
    expect(loaded.info.wordVectors).toMatchObject({ source: 'vectors.txt', dim: 6, words: 60, scale: 1 });
    const clf = new NewsClassifier(loaded);
    for (const [topic, words] of Object.entries(UNSEEN)) {
      const p = clf.logits([`${words[0]} ${words[1]}`]);
      expect(clf.labels[Array.from(p).indexOf(Math.max(...p))]).toBe(topic);
    }
  });

  it('keeps explanations exact: word-vector shares join their word and everything sums to the logit difference', async () => {
    const clf = await NewsClassifier.load(withVectors.out);
    const text = 'The quarterback and the striker praised the coach, while the treasury watched the market';
    const ex = clf.explain(text);
    const net = clf.netLogits(text);
    const scale = Math.max(1, ...net.map(Math.abs));
    ex.logits.forEach((v, c) => expect(Math.abs(v - net[c])).toBeLessThan(1e-5 * scale));
    expect(ex.bias + ex.terms.reduce((s, t) => s + t.value, 0)).toBeCloseTo(ex.difference, 5);
    // 'quarterback' has no n-gram weight the training could have learned (it never occurs), only its vector share
    // and character n-grams: its term is there, as one word term.
    expect(ex.terms.filter((t) => t.term === 'quarterback').map((t) => t.kind)).toEqual(['word']);
    const ig = clf.explain(text, { method: 'ig', steps: 8 });
    ig.tokenValues.forEach((v, i) => expect(Math.abs(v - ex.tokenValues[i])).toBeLessThan(1e-4 * scale));
  });

  it('is refused for the fasttext model', async () => {
    const folder = writeClassFolder(tempDir(), 5, 3);
    await expect(trainCommand({ data: folder, modelType: 'fasttext', seed: 1, out: join(tempDir(), 'x.safetensors'), wordVectors: vectorsPath, ...quiet }))
      .rejects.toThrow(/--word-vectors: only the linear model takes word vectors/);
  });
});
