import { describe, expect, it } from 'vitest';
import { encodeBagBatch, fnv1a32, HashingNgramEncoder, TfidfWeighter, Vocabulary } from '../src/text/index.js';

describe('fnv1a32', () => {
  // Reference values: the published FNV-1a test vectors, and independent byte-wise computation.
  it.each([
    ['', 0x811c9dc5],
    ['a', 0xe40c292c],
    ['foobar', 0xbf9cf968],
    ['new york', 0x02c061c8],
    ['café', 0xa82b5049], // 2-byte UTF-8
    ['日本', 0x9f26ee51], // 3-byte UTF-8
    ['😀', 0x33a29608], // surrogate pair → 4-byte UTF-8
  ])('hashes %j over UTF-8 bytes', (s, h) => {
    expect(fnv1a32(s)).toBe(h);
  });

  it('continuing from a seed equals hashing the concatenation', () => {
    expect(fnv1a32('york', fnv1a32('new '))).toBe(fnv1a32('new york'));
  });
});

describe('Vocabulary', () => {
  const docs = [
    ['b', 'a', 'c', 'a'],
    ['c', 'a', 'd', 'e'],
    ['b', 'd', 'f'],
  ];

  it('orders by frequency then lexicographically, after <pad> and <unk>', () => {
    const v = Vocabulary.build(docs);
    expect(v.decode([0, 1, 2, 3, 4, 5, 6, 7])).toEqual(['<pad>', '<unk>', 'a', 'b', 'c', 'd', 'e', 'f']);
    expect(v.padId).toBe(0);
    expect(v.unkId).toBe(1);
    expect(v.count('a')).toBe(3);
  });

  it('applies minFreq and maxSize (specials included)', () => {
    expect(Vocabulary.build(docs, { minFreq: 2 }).decode([2, 3, 4, 5])).toEqual(['a', 'b', 'c', 'd']);
    expect(Vocabulary.build(docs, { minFreq: 2 }).size).toBe(6);
    const small = Vocabulary.build(docs, { maxSize: 4 });
    expect(small.size).toBe(4);
    expect(small.decode([2, 3])).toEqual(['a', 'b']);
    expect(Array.from(small.encode(['a', 'zzz', 'c']))).toEqual([2, 1, 1]);
  });

  it('works without a pad token and round-trips through JSON', () => {
    const v = Vocabulary.build(docs, { padToken: null, unkToken: '[UNK]' });
    expect(v.unkId).toBe(0);
    expect(v.padId).toBe(-1);
    const w = Vocabulary.fromJSON(JSON.parse(JSON.stringify(v)));
    expect(w.decode(Array.from({ length: w.size }, (_, i) => i))).toEqual(v.decode(Array.from({ length: v.size }, (_, i) => i)));
    expect(w.id('nope')).toBe(0);
    expect(() => Vocabulary.fromJSON({ ...v.toJSON(), version: 2 as 1 })).toThrow(/v1/);
  });
});

describe('Vocabulary.fromJSON on damaged input', () => {
  it('refuses a pad token missing from the tokens, and tokens that are not an array', () => {
    // padId used to be undefined, which an Int32Array of padded ids turns into 0 without a word.
    const json = { format: 'tensorkit.vocabulary', version: 1, tokens: ['<unk>', 'a'], counts: [0, 3], unkToken: '<unk>', padToken: '<pad>' } as const;
    expect(() => Vocabulary.fromJSON({ ...json, tokens: [...json.tokens], counts: [...json.counts] })).toThrow('Vocabulary: pad token "<pad>" missing (use padToken: null for a vocabulary without one)');
    expect(Vocabulary.fromJSON({ ...json, tokens: [...json.tokens], counts: [...json.counts], padToken: null }).padId).toBe(-1);
    expect(() => Vocabulary.fromJSON({ format: 'tensorkit.vocabulary', version: 1 } as never)).toThrow('Vocabulary.fromJSON: tokens must be an array of strings');
  });
});

describe('HashingNgramEncoder', () => {
  it('hashes unigrams and bigrams with FNV-1a modulo buckets', () => {
    const enc = new HashingNgramEncoder({ buckets: 1000, ngrams: 2 });
    // fnv1a32: 'new' = 0x28999611, 'york' = 0xe1ee7746, 'new york' = 0x02c061c8
    expect(Array.from(enc.encode(['new', 'york']))).toEqual([0x28999611 % 1000, 0xe1ee7746 % 1000, 0x02c061c8 % 1000]);
    expect(enc.numEmbeddings).toBe(1000);
  });

  it('puts vocabulary ids first and hashed n-grams after the vocabulary', () => {
    const vocab = Vocabulary.build([['new', 'york', 'times']]);
    const enc = new HashingNgramEncoder({ buckets: 1000, ngrams: 3, vocabulary: vocab });
    const ids = Array.from(enc.encode(['new', 'york', 'times', 'square']));
    const off = vocab.size;
    expect(ids.slice(0, 4)).toEqual([vocab.id('new'), vocab.id('york'), vocab.id('times'), vocab.unkId]);
    expect(ids.slice(4)).toEqual([
      off + (fnv1a32('new york') % 1000),
      off + (fnv1a32('york times') % 1000),
      off + (fnv1a32('times square') % 1000),
      off + (fnv1a32('new york times') % 1000),
      off + (fnv1a32('york times square') % 1000),
    ]);
    expect(enc.numEmbeddings).toBe(off + 1000);
    expect(Array.from(new HashingNgramEncoder({ buckets: 10, ngrams: 1, vocabulary: vocab, dropUnknown: true }).encode(['x', 'new']))).toEqual([
      vocab.id('new'),
    ]);
  });

  it('is deterministic across instances and round-trips through JSON', () => {
    const tokens = ['a', 'quick', 'brown', 'fox'];
    const a = new HashingNgramEncoder({ buckets: 2 ** 20, ngrams: 2 });
    const b = HashingNgramEncoder.fromJSON(JSON.parse(JSON.stringify(a)));
    expect(Array.from(b.encode(tokens))).toEqual(Array.from(a.encode(tokens)));
    expect(a.encode([]).length).toBe(0);
    expect(a.encode(['solo']).length).toBe(1);
  });

  it('rejects bad settings', () => {
    expect(() => new HashingNgramEncoder({ buckets: 0 })).toThrow(/buckets/);
    expect(() => new HashingNgramEncoder({ buckets: 10, ngrams: 0 })).toThrow(/ngrams/);
  });
});

describe('TfidfWeighter', () => {
  // Training docs over ids: [0 1 1], [0 2], [2 2 3]; N = 3, df = {0:2, 1:1, 2:2, 3:1}.
  const train = [[0, 1, 1], [0, 2], [2, 2, 3]];

  it('uses smooth idf = ln((1+N)/(1+df)) + 1', () => {
    const t = new TfidfWeighter().fit(train);
    expect(t.idf(0)).toBeCloseTo(1.2876820724517808, 12);
    expect(t.idf(1)).toBeCloseTo(1.6931471805599454, 12);
    expect(t.idf(99)).toBeCloseTo(2.386294361119891, 12);
  });

  it('matches a hand-computed L2-normalised tf-idf vector', () => {
    const t = new TfidfWeighter().fit(train);
    // doc [0 1 1]: raw = [1·1.28768, 2·1.69315] → /‖·‖ = [0.35543, 0.93470]
    const v = t.vector([0, 1, 1]);
    expect(v.get(0)).toBeCloseTo(0.3554324678504174, 6);
    expect(v.get(1)).toBeCloseTo(0.9347019636214325, 6);
    // Per-occurrence weights split a repeated id's value evenly.
    const w = Array.from(t.weights([0, 1, 1]));
    expect(w[1]).toBeCloseTo(0.9347019636214325 / 2, 6);
    expect(w[2]).toBeCloseTo(w[1], 7);
  });

  it('supports sublinear tf and no normalisation; round-trips through JSON', () => {
    const s = new TfidfWeighter({ sublinearTf: true }).fit(train);
    const v = s.vector([0, 1, 1]);
    expect(v.get(0)).toBeCloseTo(0.4097416099937816, 6);
    expect(v.get(1)).toBeCloseTo(0.9122016295971542, 6);
    const raw = new TfidfWeighter({ norm: 'none' }).fit(train);
    expect(raw.vector([1, 1]).get(1)).toBeCloseTo(2 * 1.6931471805599454, 5);
    const r = TfidfWeighter.fromJSON(JSON.parse(JSON.stringify(s)));
    expect(Array.from(r.weights([0, 1, 3]))).toEqual(Array.from(s.weights([0, 1, 3])));
  });

  it('refuses a JSON object it would turn into wrong weights', () => {
    const good = new TfidfWeighter().fit(train).toJSON();
    expect(() => TfidfWeighter.fromJSON({ ...good, df: [[1, good.numDocs + 1]] })).toThrow(`TfidfWeighter.fromJSON: df[0]: document frequency of id 1 must be an integer in 1..numDocs (${good.numDocs}), got ${good.numDocs + 1}`);
    expect(() => TfidfWeighter.fromJSON({ ...good, df: [[1, 1], [1, 1]] })).toThrow('df[1]: id 1 appears twice');
    expect(() => TfidfWeighter.fromJSON({ ...good, df: [['a' as unknown as number, 1]] })).toThrow('df[0]: id must be an integer, got "a"');
    expect(() => TfidfWeighter.fromJSON({ ...good, numDocs: -1 })).toThrow('numDocs must be a non-negative integer, got -1');
    expect(() => TfidfWeighter.fromJSON({ ...good, norm: 'l1' as 'l2' })).toThrow('norm must be "l2" or "none", got "l1"');
  });
});

describe('encodeBagBatch', () => {
  it('concatenates ids with PyTorch-style offsets, including empty bags', () => {
    const batch = encodeBagBatch([Int32Array.of(5, 6), Int32Array.of(), [7, 8, 9]]);
    expect(Array.from(batch.ids)).toEqual([5, 6, 7, 8, 9]);
    expect(Array.from(batch.offsets)).toEqual([0, 2, 2]);
    expect(batch.weights).toBeUndefined();
  });

  it('attaches tf-idf weights aligned with ids', () => {
    const t = new TfidfWeighter().fit([[0, 1, 1], [0, 2], [2, 2, 3]]);
    const batch = encodeBagBatch([[0, 1, 1], [3]], t);
    expect(batch.weights!.length).toBe(4);
    expect(batch.weights![3]).toBeCloseTo(1, 6);
    let sq = 0;
    const v = t.vector([0, 1, 1]);
    for (const x of v.values()) sq += x * x;
    expect(sq).toBeCloseTo(1, 6);
  });
});
