import { describe, expect, it } from 'vitest';
import { fnv1a32 } from '@tensorkit/data';
import {
  charGrams, countBag, describeFeatures, documentBag, encodeTokens, fitIdf, prepareNewsgroupText, textTokens, tfidfValues, wordFeatureCount, type FeatureConfig,
} from '../src/features.js';

const cfg: FeatureConfig = { preprocess: 'plain', buckets: 1000, wordNgrams: 2, charNgrams: [2, 3] };

describe('tokenizer', () => {
  it('lower-cases, keeps words with apostrophes and numbers, drops punctuation', () => {
    expect(textTokens("Stocks FALL as oil prices hit a record — Iraq's output drops 3.5%", cfg)).toEqual(
      ['stocks', 'fall', 'as', 'oil', 'prices', 'hit', 'a', 'record', "iraq's", 'output', 'drops', '3.5'],
    );
  });

  it('is deterministic and NFKC-normalises compatibility characters', () => {
    const a = textTokens('Ｆｕｌｌ-width ﬁnance news', cfg);
    expect(a).toEqual(['full', 'width', 'finance', 'news']);
    expect(textTokens('Ｆｕｌｌ-width ﬁnance news', cfg)).toEqual(a);
  });

  it('keeps only Subject and body of a newsgroup post; leaves plain text alone', () => {
    const p = 'From: a@b.c (A)\nSubject: Re: hockey playoffs\nOrganization: Uni\nLines: 2\n\nThe Leafs won.\n> quoted\n';
    expect(prepareNewsgroupText(p)).toBe('Re: hockey playoffs\nThe Leafs won.\n> quoted\n');
    expect(prepareNewsgroupText('Note: this is a sentence.\nAnother line')).toBe('Note: this is a sentence.\nAnother line');
    expect(prepareNewsgroupText('Just a headline')).toBe('Just a headline');
  });

  it('a headline that starts with "Word:" is text, not a header block (it used to lose every word)', () => {
    for (const t of ['Re: Space shuttle launch delayed by NASA', 'Update: NASA launches the shuttle\n\nMore at 11', 'Q: which GPU?\nA: the new one\n\nthanks']) {
      expect(prepareNewsgroupText(t)).toBe(t);
    }
    // a header block without its closing blank line is a header-only post's text as given
    expect(prepareNewsgroupText('From: a@b.c\nSubject: hi')).toBe('From: a@b.c\nSubject: hi');
    expect(prepareNewsgroupText('Subject: hi\n\nbody')).toBe('hi\nbody');
  });
});

describe('hashing', () => {
  it('gives pinned buckets (FNV-1a of the UTF-8 key) so saved models stay valid', () => {
    const ids = Array.from(encodeTokens(['new', 'york'], cfg));
    expect(ids).toEqual([65, 702, 376, 630, 409, 9, 186, 412, 916, 107, 391, 720, 32, 286, 817, 326, 387, 569, 655]);
    expect(ids[0]).toBe(fnv1a32('new') % 1000);
    expect(ids[2]).toBe(fnv1a32('new york') % 1000);
    // Character n-grams live in their own namespace: the trigram "new" is not the word "new".
    expect(ids[6]).not.toBe(ids[0]);
  });

  it('is deterministic across calls and names every feature in encoding order', () => {
    const toks = textTokens('Central bank raises rates; markets rally', cfg);
    const a = encodeTokens(toks, cfg);
    expect(Array.from(encodeTokens(toks, cfg))).toEqual(Array.from(a));
    const named = describeFeatures(toks, cfg);
    expect(named.map((f) => f.bucket)).toEqual(Array.from(a));
    expect(named.filter((f) => f.kind === 'ngram').map((f) => f.key)).toEqual(['central bank', 'bank raises', 'raises rates', 'rates markets', 'markets rally']);
    expect(charGrams('ab', 2, 3)).toEqual([' a', ' ab', 'ab', 'ab ', 'b ']);
  });

  it('hashes each character n-gram as FNV-1a of "\\u0001" + the gram, also for accented and CJK words', () => {
    // The n-gram code reads the padded word unit by unit (a long token went quadratic when the
    // padded string was indexed); the buckets saved models rely on must not move.
    for (const word of ['café', 'naïve', '東京都', 'zürich']) {
      const named = describeFeatures([word], { ...cfg, wordNgrams: 1, charNgrams: [2, 5] }).filter((f) => f.kind === 'char');
      expect(named.map((f) => f.key)).toEqual(charGrams(word, 2, 5));
      for (const f of named) expect(f.bucket).toBe(fnv1a32('\u0001' + f.key) % cfg.buckets);
    }
    expect(charGrams('東京', 2, 3)).toEqual([' 東', ' 東京', '東京', '東京 ', '京 ']);
  });
});

describe('tf-idf', () => {
  it('uses sublinear tf and smooth idf, and is L2-normalised', () => {
    const bags = [countBag(Int32Array.from([1, 1, 2])), countBag(Int32Array.from([2, 3]))];
    const idf = fitIdf(bags, 5);
    expect(idf[2]).toBeCloseTo(Math.log(3 / 3) + 1, 6);
    expect(idf[1]).toBeCloseTo(Math.log(3 / 2) + 1, 6);
    expect(idf[4]).toBeCloseTo(Math.log(3 / 1) + 1, 6);
    const v = tfidfValues(bags[0], idf);
    const raw = [(1 + Math.log(2)) * idf[1], idf[2]];
    const norm = Math.hypot(...raw);
    expect(Array.from(bags[0].ids)).toEqual([1, 2]);
    expect(v[0]).toBeCloseTo(raw[0] / norm, 6);
    expect(v[1]).toBeCloseTo(raw[1] / norm, 6);
  });
});

describe('block-weighted tf-idf (wordWeight)', () => {
  const bw: FeatureConfig = { ...cfg, wordWeight: 0.8 };

  it('keeps word and character n-grams in separate blocks with norms w and sqrt(1 - w²)', () => {
    const tokens = textTokens('bank rates bank', bw);
    const ids = encodeTokens(tokens, bw);
    const nw = wordFeatureCount(tokens.length, bw.wordNgrams);
    expect(nw).toBe(3 + 2);
    expect(describeFeatures(tokens, bw).filter((f) => f.kind !== 'char')).toHaveLength(nw);
    const bag = documentBag(ids, tokens.length, bw);
    expect(bag.split).toBe(countBag(ids.subarray(0, nw)).ids.length);
    expect(bag.counts.slice(0, bag.split!).reduce((a, b) => a + b, 0)).toBe(nw);
    const idf = fitIdf([bag], bw.buckets);
    const v = tfidfValues(bag, idf);
    const norm = (a: Float32Array) => Math.hypot(...a);
    expect(norm(v.subarray(0, bag.split))).toBeCloseTo(0.8, 5);
    expect(norm(v.subarray(bag.split))).toBeCloseTo(0.6, 5);
  });

  it('counts a bucket once per document in idf even when it is in both blocks, and leaves unweighted configs alone', () => {
    const bag = { ids: Int32Array.from([3, 3]), counts: Float32Array.from([1, 1]), split: 1, wordWeight: 0.5 };
    expect(fitIdf([bag, countBag(Int32Array.from([1]))], 5)[3]).toBeCloseTo(Math.log(3 / 2) + 1, 6);
    const ids = encodeTokens(textTokens('bank rates', cfg), cfg);
    expect(documentBag(ids, 2, cfg)).toEqual(countBag(ids));
  });
});

