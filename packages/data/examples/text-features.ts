// Tokens → vocabulary ids + hashed bigrams → TF-IDF weights → one EmbeddingBag batch.
import assert from 'node:assert/strict';
import { encodeBagBatch, HashingNgramEncoder, TfidfWeighter, tokenize, Vocabulary } from '@tensorkit/data';

const texts = [
  'Stocks rallied as the Fed held rates.',
  'The Fed raised rates; stocks fell 2.5%.',
  'The striker scored twice as the home side won.',
];

// NFKC + lower-case, words and numbers; punctuation is dropped unless { punctuation: true }.
const docs = texts.map((t) => tokenize(t));
assert.deepEqual(docs[1], ['the', 'fed', 'raised', 'rates', 'stocks', 'fell', '2.5']);

// Ids: <pad> = 0, <unk> = 1, then tokens by frequency (ties in code-unit order), so a corpus always gives the same ids.
const vocab = Vocabulary.build(docs, { minFreq: 2 });
assert.deepEqual(vocab.decode([0, 1, 2, 3]), ['<pad>', '<unk>', 'the', 'as']);
assert.equal(vocab.id('striker'), vocab.unkId); // seen once: below minFreq

// fastText-style: vocabulary ids for words, then FNV-1a-hashed bigram ids placed after the vocabulary.
const encoder = new HashingNgramEncoder({ buckets: 1000, ngrams: 2, vocabulary: vocab });
const encoded = docs.map((d) => encoder.encode(d));
assert.equal(encoded[0].length, docs[0].length + (docs[0].length - 1)); // n words + (n - 1) bigrams
assert.equal(encoded[0][docs[0].length], encoder.hashId('stocks rallied'));
assert.equal(encoder.numEmbeddings, vocab.size + 1000); // rows the embedding table needs

// scikit-learn's smooth idf: a term in every document gets the lowest weight.
const tfidf = new TfidfWeighter().fit(encoded);
assert.ok(tfidf.idf(vocab.id('the')) < tfidf.idf(vocab.id('fed')));
assert.equal(tfidf.idf(vocab.id('the')), 1); // ln((1 + 3) / (1 + 3)) + 1

// Per-occurrence weights sum to each id's tf-idf value; vectors are L2-normalised by default.
const norm = Math.hypot(...tfidf.vector(encoded[2]).values());
assert.ok(Math.abs(norm - 1) < 1e-6);

// PyTorch's EmbeddingBag layout: flat ids, the start offset of each document, optional per-id weights.
const batch = encodeBagBatch(encoded, tfidf);
assert.deepEqual(Array.from(batch.offsets), [0, encoded[0].length, encoded[0].length + encoded[1].length]);
assert.equal(batch.weights!.length, batch.ids.length);

// Everything needed at inference time round-trips through JSON.
const restored = HashingNgramEncoder.fromJSON(encoder.toJSON(), Vocabulary.fromJSON(vocab.toJSON()));
assert.deepEqual(restored.encode(docs[2]), encoded[2]);
assert.deepEqual(TfidfWeighter.fromJSON(tfidf.toJSON()).weights(encoded[2]), tfidf.weights(encoded[2]));
console.log(`${batch.ids.length} ids in ${batch.offsets.length} bags; vocabulary of ${vocab.size}`);
