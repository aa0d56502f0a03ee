/**
 * Text → hashed n-gram features. Everything here is a pure function of the
 * text and the FeatureConfig stored in the model file, so training,
 * evaluation, prediction and explanation see exactly the same features.
 *
 * Keys hashed into one bucket space (FNV-1a, as @tensorkit/data's HashingNgramEncoder):
 *   word unigram "w", word n-gram "w1 w2" (tokens never hold spaces), and
 *   character n-gram "\u0001" + gram, where grams come from " w " (sklearn's
 *   char_wb): the \u0001 prefix keeps "ord" the trigram apart from "ord" the word.
 */
import { fnv1a32, fnvByte, HashingNgramEncoder, tokenize } from '@tensorkit/data';

export type Preprocess = 'plain' | 'newsgroup';

export interface FeatureConfig {
  /** 'newsgroup': a Usenet post keeps its Subject line and body; other headers go. */
  preprocess: Preprocess;
  buckets: number;
  /** Largest word n-gram order (2 = unigrams + bigrams). */
  wordNgrams: number;
  /** Character n-gram lengths [min, max] inside word boundaries, or null for none. */
  charNgrams: [number, number] | null;
  /**
   * With character n-grams: the L2 norm the word n-gram block gets in the tf-idf
   * vector; the character block gets sqrt(1 − w²). Absent: one norm over both
   * (a document has ~10× more character n-grams than words, so they would dominate).
   */
  wordWeight?: number;
}

export function checkFeatureConfig(c: FeatureConfig): FeatureConfig {
  if (c.preprocess !== 'plain' && c.preprocess !== 'newsgroup') throw new Error(`feature config: unknown preprocess '${String(c.preprocess)}'`);
  if (!Number.isInteger(c.buckets) || c.buckets < 1) throw new Error(`feature config: buckets must be a positive integer, got ${c.buckets}`);
  if (!Number.isInteger(c.wordNgrams) || c.wordNgrams < 1) throw new Error(`feature config: wordNgrams must be ≥ 1, got ${c.wordNgrams}`);
  if (c.charNgrams !== null) {
    const [lo, hi] = c.charNgrams;
    if (!Number.isInteger(lo) || !Number.isInteger(hi) || lo < 1 || hi < lo) throw new Error(`feature config: charNgrams must be [min, max] with 1 ≤ min ≤ max, got [${c.charNgrams}]`);
  }
  if (c.wordWeight !== undefined && !(c.wordWeight > 0 && c.wordWeight <= 1)) throw new Error(`feature config: wordWeight must be in (0, 1], got ${c.wordWeight}`);
  return c;
}

const HEADER_LINE = /^[A-Za-z][A-Za-z0-9-]*:/;

/**
 * Keeps what a newsgroup post says about its topic: the Subject line and the
 * body (quotes stay — on validation they help: replies quote their thread).
 * Text without a header block (a user's own sentence) passes through unchanged.
 * A header block is `Name: value` lines holding a From or Subject line and ending
 * at a blank line, as every post of 20 Newsgroups has: a headline such as
 * "Re: shuttle launch delayed" or "Update: …" looked like one and lost every word.
 */
export function prepareNewsgroupText(raw: string): string {
  const text = raw.replace(/\r\n?/g, '\n');
  const lines = text.split('\n');
  if (lines.length === 0 || !HEADER_LINE.test(lines[0])) return text;
  const headerEnd = lines.findIndex((l) => l.trim() === '');
  if (headerEnd < 0) return text;
  for (let i = 0; i < headerEnd; i++) if (!HEADER_LINE.test(lines[i]) && !/^\s/.test(lines[i])) return text;
  const header = lines.slice(0, headerEnd);
  if (!header.some((l) => /^(from|subject):/i.test(l))) return text;
  const subject = header.find((l) => /^subject:/i.test(l));
  const body = lines.slice(headerEnd + 1).join('\n');
  return subject ? `${subject.replace(/^subject:\s*/i, '')}\n${body}` : body;
}

export function prepareText(raw: string, c: FeatureConfig): string {
  return c.preprocess === 'newsgroup' ? prepareNewsgroupText(raw) : raw;
}

/** Lower-cased, NFKC-normalised word and number tokens (punctuation dropped). */
export function textTokens(raw: string, c: FeatureConfig): string[] {
  return tokenize(prepareText(raw, c));
}

const CHAR_SEED = fnv1a32('\u0001');

/** Bucket of each character n-gram of one word, in order (lengths lo..hi at each start). */
function charGramBuckets(word: string, lo: number, hi: number, buckets: number, out: number[]): void {
  forEachCharGram(word, lo, hi, buckets, (b) => out.push(b));
}

/**
 * Calls `visit(bucket)` for each character n-gram of one word, in charGramBuckets' order, without
 * collecting them (a long document has ~30 per word: streaming them keeps memory flat).
 */
function forEachCharGram(word: string, lo: number, hi: number, buckets: number, visit: (bucket: number) => void): void {
  // The padded word " w " is read one UTF-16 unit at a time through charCodeAt rather than by
  // indexing the string ` ${word} `: indexing that concatenation (a rope over a slice of the
  // text) in V8's optimised code went quadratic — a 200,000-letter "word" (a base64 blob pasted
  // in a text) took 30 s, a 1 MB one never finished. Each unit is hashed on its own (ASCII
  // directly as its byte).
  const len = word.length + 2;
  for (let i = 0; i < len; i++) {
    let h = CHAR_SEED;
    for (let n = 1; n <= hi && i + n <= len; n++) {
      const k = i + n - 1;
      const c = k === 0 || k === len - 1 ? 0x20 : word.charCodeAt(k - 1);
      h = c < 0x80 ? fnvByte(h, c) : fnv1a32(String.fromCharCode(c), h);
      if (n >= lo) visit(h % buckets);
    }
  }
}

/** Which feature a streamed occurrence is: a word's unigram, a word n-gram starting at the token, or one of the word's character n-grams. */
export type StreamedKind = 'word' | 'ngram' | 'char';

/**
 * Every feature occurrence of encodeTokens, token by token instead of in encodeTokens' order, with
 * nothing collected: for token i its unigram, the word n-grams starting at i (order 2, 3, …; `order`
 * says which) and its character n-grams. Same buckets as encodeTokens (the word n-grams are hashed
 * as HashingNgramEncoder does: FNV-1a over the tokens joined by single spaces).
 */
export function forEachFeature(
  tokens: readonly string[], c: FeatureConfig,
  visit: (kind: StreamedKind, bucket: number, token: number, order: number) => void,
): void {
  const B = c.buckets;
  const n = tokens.length;
  for (let i = 0; i < n; i++) {
    let h = fnv1a32(tokens[i]);
    visit('word', h % B, i, 1);
    for (let order = 2; order <= c.wordNgrams && i + order <= n; order++) {
      h = fnv1a32(tokens[i + order - 1], fnvByte(h, 0x20));
      visit('ngram', h % B, i, order);
    }
    if (c.charNgrams) forEachCharGram(tokens[i], c.charNgrams[0], c.charNgrams[1], B, (b) => visit('char', b, i, 1));
  }
}

/**
 * A number per bucket: a dense array for a long document (the bucket space is at most a few
 * million), a map for a short one (a dense array per call made explaining many short texts slow).
 */
export class BucketTable {
  private readonly dense: Float64Array | null;
  private readonly sparse: Map<number, number> | null;

  constructor(buckets: number, dense: boolean) {
    this.dense = dense ? new Float64Array(buckets) : null;
    this.sparse = dense ? null : new Map<number, number>();
  }

  get(bucket: number): number {
    return this.dense ? this.dense[bucket] : this.sparse!.get(bucket) ?? 0;
  }

  set(bucket: number, value: number): void {
    if (this.dense) this.dense[bucket] = value;
    else this.sparse!.set(bucket, value);
  }

  /** Adds one and returns the value before (0: the bucket was not touched yet). */
  increment(bucket: number): number {
    const before = this.get(bucket);
    this.set(bucket, before + 1);
    return before;
  }
}

/**
 * Per-bucket occurrence counts of a document, gathered while streaming its features: one block, or
 * two (word n-grams, character n-grams) when the config is block-weighted — the blocks documentBag
 * makes. Memory is the buckets touched, not the occurrences (a 100 MB text has ~500 million).
 */
export class StreamedCounts {
  /** Occurrences per bucket, per block (`dense`: see BucketTable). */
  readonly counts: BucketTable[];
  private readonly touched: number[][];
  /** Total occurrences (all blocks). */
  total = 0;

  constructor(readonly c: FeatureConfig, readonly dense = true) {
    const blocks = c.wordWeight !== undefined && c.charNgrams ? 2 : 1;
    this.counts = Array.from({ length: blocks }, () => new BucketTable(c.buckets, dense));
    this.touched = Array.from({ length: blocks }, () => []);
  }

  /** A table shaped like this one's, per block (for a value per bucket occurrence). */
  tables(): BucketTable[] {
    return this.counts.map(() => new BucketTable(this.c.buckets, this.dense));
  }

  /** The block an occurrence of this kind belongs to. */
  blockOf(kind: StreamedKind): number {
    return this.counts.length === 2 && kind === 'char' ? 1 : 0;
  }

  add(kind: StreamedKind, bucket: number): void {
    const b = this.blockOf(kind);
    if (this.counts[b].increment(bucket) === 0) this.touched[b].push(bucket);
    this.total++;
  }

  /** The same bag documentBag builds from encodeTokens' ids (buckets ascending per block). */
  bag(): CountBag {
    const parts = this.touched.map((t, b) => {
      const ids = Int32Array.from(t).sort();
      const counts = this.counts[b];
      return { ids, counts: Float32Array.from(ids, (id) => counts.get(id)) };
    });
    if (parts.length === 1) return parts[0];
    const [w, ch] = parts;
    const out: CountBag = { ids: new Int32Array(w.ids.length + ch.ids.length), counts: new Float32Array(w.ids.length + ch.ids.length), split: w.ids.length, wordWeight: this.c.wordWeight };
    out.ids.set(w.ids);
    out.ids.set(ch.ids, w.ids.length);
    out.counts.set(w.counts);
    out.counts.set(ch.counts, w.ids.length);
    return out;
  }
}

/** documentBag(encodeTokens(tokens), …) without materialising every occurrence's id (for long documents). */
export function streamedBag(tokens: readonly string[], c: FeatureConfig, dense = true): { bag: CountBag; counts: StreamedCounts } {
  const counts = new StreamedCounts(c, dense);
  forEachFeature(tokens, c, (kind, bucket) => counts.add(kind, bucket));
  return { bag: counts.bag(), counts };
}

/** The character n-grams of a word, aligned with charGramBuckets' order (for explanations). */
export function charGrams(word: string, lo: number, hi: number): string[] {
  // Sliced from the word, with the boundary spaces added per gram, not from ` ${word} `: slicing
  // that concatenation went quadratic like indexing it (see charGramBuckets).
  const len = word.length + 2;
  const gram = (i: number, n: number) => (i === 0 ? ' ' : '') + word.slice(Math.max(0, i - 1), Math.min(word.length, i + n - 1)) + (i + n === len ? ' ' : '');
  const out: string[] = [];
  for (let i = 0; i < len; i++) for (let n = lo; n <= hi && i + n <= len; n++) out.push(gram(i, n));
  return out;
}

export function wordEncoder(c: FeatureConfig): HashingNgramEncoder {
  return new HashingNgramEncoder({ buckets: c.buckets, ngrams: c.wordNgrams });
}

/** Every feature occurrence's bucket (with repeats): word n-grams, then character n-grams. */
export function encodeTokens(tokens: readonly string[], c: FeatureConfig, enc = wordEncoder(c)): Int32Array {
  const words = enc.encode(tokens);
  if (!c.charNgrams) return words;
  const chars: number[] = [];
  const [lo, hi] = c.charNgrams;
  for (const t of tokens) charGramBuckets(t, lo, hi, c.buckets, chars);
  const out = new Int32Array(words.length + chars.length);
  out.set(words);
  out.set(chars, words.length);
  return out;
}

/** One feature occurrence with a readable name, for explanations. */
export interface FeatureOccurrence {
  /** Bucket in the bag; for 'vector' the word's row in the model's word-vector table. */
  bucket: number;
  /** 'vector': a known word's share of the word-vector model (word-vectors.ts). */
  kind: 'word' | 'ngram' | 'char' | 'vector';
  /** The word, the n-gram ("new york") or the character n-gram. */
  key: string;
  /** Token span [start, end) this feature covers. */
  start: number;
  end: number;
}

/** The same features as encodeTokens, in the same order, with names and token spans. */
export function describeFeatures(tokens: readonly string[], c: FeatureConfig): FeatureOccurrence[] {
  const ids = encodeTokens(tokens, c);
  const out: FeatureOccurrence[] = [];
  let k = 0;
  for (let i = 0; i < tokens.length; i++) out.push({ bucket: ids[k++], kind: 'word', key: tokens[i], start: i, end: i + 1 });
  for (let order = 2; order <= c.wordNgrams; order++) {
    for (let i = 0; i + order <= tokens.length; i++) {
      out.push({ bucket: ids[k++], kind: 'ngram', key: tokens.slice(i, i + order).join(' '), start: i, end: i + order });
    }
  }
  if (c.charNgrams) {
    const [lo, hi] = c.charNgrams;
    tokens.forEach((t, i) => {
      for (const g of charGrams(t, lo, hi)) out.push({ bucket: ids[k++], kind: 'char', key: g, start: i, end: i + 1 });
    });
  }
  if (k !== ids.length) throw new Error(`describeFeatures: ${k} named features for ${ids.length} encoded ones`);
  return out;
}

/**
 * A document as distinct buckets with their occurrence counts (buckets ascending).
 * A block-weighted bag (FeatureConfig.wordWeight) holds the word n-gram block
 * (ids[0, split)) and then the character n-gram block, each sorted and distinct.
 */
export interface CountBag {
  ids: Int32Array;
  counts: Float32Array;
  split?: number;
  wordWeight?: number;
}

/** How many word n-gram ids encodeTokens puts before the character n-grams. */
export function wordFeatureCount(numTokens: number, wordNgrams: number): number {
  let n = 0;
  for (let order = 1; order <= wordNgrams; order++) n += Math.max(0, numTokens - order + 1);
  return n;
}

/** The bag of one document's encoded features (encodeTokens order), block-weighted when the config says so. */
export function documentBag(ids: Int32Array, numTokens: number, c: FeatureConfig): CountBag {
  if (c.wordWeight === undefined || !c.charNgrams) return countBag(ids);
  const nw = wordFeatureCount(numTokens, c.wordNgrams);
  const w = countBag(ids.subarray(0, nw));
  const ch = countBag(ids.subarray(nw));
  const out: CountBag = { ids: new Int32Array(w.ids.length + ch.ids.length), counts: new Float32Array(w.ids.length + ch.ids.length), split: w.ids.length, wordWeight: c.wordWeight };
  out.ids.set(w.ids);
  out.ids.set(ch.ids, w.ids.length);
  out.counts.set(w.counts);
  out.counts.set(ch.counts, w.ids.length);
  return out;
}

export function countBag(ids: Int32Array): CountBag {
  const sorted = Int32Array.from(ids).sort();
  let distinct = 0;
  for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) distinct++;
  const out = { ids: new Int32Array(distinct), counts: new Float32Array(distinct) };
  let j = -1;
  for (let i = 0; i < sorted.length; i++) {
    if (i === 0 || sorted[i] !== sorted[i - 1]) out.ids[++j] = sorted[i];
    out.counts[j]++;
  }
  return out;
}

/** Smooth idf as scikit-learn: ln((1 + N) / (1 + df)) + 1, per bucket. */
export function fitIdf(bags: readonly CountBag[], buckets: number): Float32Array {
  const df = new Float64Array(buckets);
  // A bucket can sit in both blocks of a block-weighted bag: count each document once.
  const seen = new Int32Array(buckets).fill(-1);
  bags.forEach((b, d) => {
    for (let i = 0; i < b.ids.length; i++) {
      if (seen[b.ids[i]] === d) continue;
      seen[b.ids[i]] = d;
      df[b.ids[i]]++;
    }
  });
  const idf = new Float32Array(buckets);
  const n = bags.length;
  for (let i = 0; i < buckets; i++) idf[i] = Math.log((1 + n) / (1 + df[i])) + 1;
  return idf;
}

/**
 * Sublinear tf (1 + ln tf) × idf, scaled to unit L2 norm: the document vector
 * of the linear model. A block-weighted bag scales its word block to norm w and
 * its character block to sqrt(1 − w²) (a block that is empty stays empty).
 */
export function tfidfValues(bag: CountBag, idf: Float32Array): Float32Array {
  const v = new Float32Array(bag.ids.length);
  for (let i = 0; i < v.length; i++) v[i] = (1 + Math.log(bag.counts[i])) * idf[bag.ids[i]];
  if (bag.split === undefined || bag.wordWeight === undefined) {
    scaleToNorm(v, 0, v.length, 1);
  } else {
    scaleToNorm(v, 0, bag.split, bag.wordWeight);
    scaleToNorm(v, bag.split, v.length, Math.sqrt(Math.max(0, 1 - bag.wordWeight ** 2)));
  }
  return v;
}

function scaleToNorm(v: Float32Array, from: number, to: number, norm: number): void {
  let sq = 0;
  for (let i = from; i < to; i++) sq += v[i] * v[i];
  if (sq === 0) return;
  const s = norm / Math.sqrt(sq);
  for (let i = from; i < to; i++) v[i] *= s;
}
