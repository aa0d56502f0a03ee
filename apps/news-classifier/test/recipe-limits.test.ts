import { describe, expect, it } from 'vitest';
import { MAX_TABLE_WEIGHTS } from '../src/recipe.js';
import { recipeFor } from '../src/train.js';

const base = { data: '', seed: 0 } as const;

describe('train refuses a bucket table it cannot build, naming the flag, before reading the data', () => {
  it('a --dim too wide for the default buckets names --dim (it named --vector-words, a flag not given)', () => {
    expect(() => recipeFor('folder', 2, { ...base, modelType: 'fasttext', dim: 100_000_000 })).toThrow(
      '--dim 100000000: embeddings that wide leave room for only 0 n-gram buckets in a 15.5 MiB model, fewer than 1024 (at most --dim 7936; or pass --buckets to override)',
    );
    expect(recipeFor('folder', 2, { ...base, modelType: 'fasttext', dim: 7936 }).features.buckets).toBe(1024);
  });

  it('a folded word table that leaves no room still names --vector-words', () => {
    expect(() => recipeFor('ag_news', 4, { ...base, modelType: 'linear', wordVectors: 'v.txt', vectorWords: 2_000_000 })).toThrow(/^--vector-words 2000000: a table that large/);
  });

  it('buckets × width past 2^28 weights is refused (it failed in allocation after tokenizing)', () => {
    expect(() => recipeFor('folder', 2, { ...base, modelType: 'fasttext', buckets: 1024, dim: 100_000_000 })).toThrow(
      '--buckets 1024 × --dim 100000000 = 102,400,000,000 weights, more than a model may hold (268,435,456, 2^28); lower --buckets or --dim',
    );
    expect(() => recipeFor('folder', 5, { ...base, modelType: 'linear', buckets: 2 ** 26 })).toThrow(/^--buckets 67108864 × 5 classes = 335,544,320 weights, .*; lower --buckets$/);
    // At the limit itself it is accepted.
    expect(recipeFor('folder', 4, { ...base, modelType: 'linear', buckets: MAX_TABLE_WEIGHTS / 4 }).features.buckets).toBe(2 ** 26);
  });
});
