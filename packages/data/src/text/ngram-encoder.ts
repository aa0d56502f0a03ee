import { checkOptionKeys, type OptionKeys } from '../options.js';
import { fnv1a32, fnvByte } from './hash.js';
import type { Vocabulary } from './vocabulary.js';

export interface HashingNgramEncoderOptions {
  /** Number of hash buckets for hashed n-grams (and for unigrams when there is no vocabulary). */
  buckets: number;
  /** Largest n-gram order; 1 = words only, 2 = words + bigrams (fastText's best AG News setting). Default 2. */
  ngrams?: number;
  /** When given, unigrams use its ids and hashed ids start after it; otherwise unigrams are hashed too. */
  vocabulary?: Vocabulary;
  /** With a vocabulary: drop out-of-vocabulary unigrams instead of mapping them to `<unk>`. Default false. */
  dropUnknown?: boolean;
}

const NGRAM_KEYS: OptionKeys<HashingNgramEncoderOptions> = { buckets: true, ngrams: true, vocabulary: true, dropUnknown: true };

export interface HashingNgramEncoderJSON {
  format: 'tensorkit.hashing-ngram-encoder';
  version: 1;
  hash: 'fnv1a32-utf8';
  buckets: number;
  ngrams: number;
  dropUnknown: boolean;
}

const SPACE = 0x20;

/**
 * fastText-style encoder: each document becomes its unigram ids followed by its hashed
 * n-gram ids (n = 2..N). An n-gram's bucket is `fnv1a32(tokens.join(' ')) % buckets`
 * (tokens never contain spaces, so the key is unambiguous), offset by the vocabulary size.
 */
export class HashingNgramEncoder {
  readonly buckets: number;
  readonly ngrams: number;
  readonly vocabulary: Vocabulary | undefined;
  readonly dropUnknown: boolean;

  constructor(options: HashingNgramEncoderOptions) {
    checkOptionKeys('HashingNgramEncoder', options, NGRAM_KEYS);
    const { buckets, ngrams = 2, vocabulary, dropUnknown = false } = options;
    if (!Number.isInteger(buckets) || buckets < 1 || buckets > 2 ** 31 - 1 - (vocabulary?.size ?? 0)) {
      throw new Error(`HashingNgramEncoder: buckets must be a positive integer that fits in int32, got ${buckets}`);
    }
    if (!Number.isInteger(ngrams) || ngrams < 1) throw new Error(`HashingNgramEncoder: ngrams must be an integer ≥ 1, got ${ngrams}`);
    this.buckets = buckets;
    this.ngrams = ngrams;
    this.vocabulary = vocabulary;
    this.dropUnknown = dropUnknown;
  }

  /** Rows an embedding table needs: vocabulary size (if any) + buckets. */
  get numEmbeddings(): number {
    return (this.vocabulary?.size ?? 0) + this.buckets;
  }

  /** Id of a hashed key (a word without a vocabulary, or an n-gram joined by single spaces). */
  hashId(key: string): number {
    return (this.vocabulary?.size ?? 0) + (fnv1a32(key) % this.buckets);
  }

  encode(tokens: readonly string[]): Int32Array {
    const vocab = this.vocabulary;
    const offset = vocab?.size ?? 0;
    const n = tokens.length;
    const unigrams: number[] = [];
    for (let i = 0; i < n; i++) {
      if (!vocab) unigrams.push(fnv1a32(tokens[i]) % this.buckets);
      else if (!this.dropUnknown || vocab.has(tokens[i])) unigrams.push(vocab.id(tokens[i]));
    }
    // Layout: unigrams, then all bigrams, then all trigrams, ... (each in text order).
    const base = [0, 0, unigrams.length];
    for (let order = 3; order <= this.ngrams + 1; order++) base.push(base[order - 1] + Math.max(0, n - order + 2));
    const out = new Int32Array(base[this.ngrams + 1]);
    out.set(unigrams);
    for (let i = 0; i + 1 < n; i++) {
      // Extend one FNV state word by word, so the whole n-gram family of a start costs one pass.
      let h = fnv1a32(tokens[i]);
      for (let order = 2; order <= this.ngrams && i + order <= n; order++) {
        h = fnv1a32(tokens[i + order - 1], fnvByte(h, SPACE));
        out[base[order] + i] = offset + (h % this.buckets);
      }
    }
    return out;
  }

  /** Settings needed to rebuild the encoder; the vocabulary is saved separately. */
  toJSON(): HashingNgramEncoderJSON {
    return {
      format: 'tensorkit.hashing-ngram-encoder',
      version: 1,
      hash: 'fnv1a32-utf8',
      buckets: this.buckets,
      ngrams: this.ngrams,
      dropUnknown: this.dropUnknown,
    };
  }

  static fromJSON(json: HashingNgramEncoderJSON, vocabulary?: Vocabulary): HashingNgramEncoder {
    if (json?.format !== 'tensorkit.hashing-ngram-encoder' || json.version !== 1 || json.hash !== 'fnv1a32-utf8') {
      throw new Error('HashingNgramEncoder.fromJSON: not a tensorkit.hashing-ngram-encoder v1 (fnv1a32-utf8) object');
    }
    return new HashingNgramEncoder({ buckets: json.buckets, ngrams: json.ngrams, dropUnknown: json.dropUnknown, vocabulary });
  }
}
