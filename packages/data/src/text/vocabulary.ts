import { checkNumber, checkOptionKeys, COUNT, describeValue, NON_NEGATIVE, type OptionKeys } from '../options.js';

export interface VocabularyOptions {
  /** Tokens seen fewer times are left out (mapped to `<unk>`). Default 1. */
  minFreq?: number;
  /** Maximum number of entries, special tokens included. Default unlimited. */
  maxSize?: number;
  /** Default '<unk>'. */
  unkToken?: string;
  /** Default '<pad>'; null for none. */
  padToken?: string | null;
}

const VOCABULARY_KEYS: OptionKeys<VocabularyOptions> = { minFreq: true, maxSize: true, unkToken: true, padToken: true };

export interface VocabularyJSON {
  format: 'tensorkit.vocabulary';
  version: 1;
  tokens: string[];
  counts: number[];
  unkToken: string;
  padToken: string | null;
}

/**
 * Token ↔ id map. Ids are `<pad>` (0), `<unk>`, then tokens by frequency descending with
 * ties broken by code-unit order, so the same corpus always gives the same ids.
 */
export class Vocabulary {
  readonly unkToken: string;
  readonly padToken: string | null;
  private readonly tokens: string[];
  private readonly counts: number[];
  private readonly index = new Map<string, number>();

  private constructor(tokens: string[], counts: number[], unkToken: string, padToken: string | null) {
    this.tokens = tokens;
    this.counts = counts;
    this.unkToken = unkToken;
    this.padToken = padToken;
    tokens.forEach((t, i) => {
      if (this.index.has(t)) throw new Error(`Vocabulary: duplicate token ${JSON.stringify(t)}`);
      this.index.set(t, i);
    });
    if (!this.index.has(unkToken)) throw new Error(`Vocabulary: unk token ${JSON.stringify(unkToken)} missing`);
    // Otherwise padId would be undefined, which an Int32Array of padded ids silently turns into 0.
    if (padToken !== null && !this.index.has(padToken)) throw new Error(`Vocabulary: pad token ${JSON.stringify(padToken)} missing (use padToken: null for a vocabulary without one)`);
  }

  /** Counts tokens over documents and keeps the frequent ones. */
  static build(documents: Iterable<readonly string[]>, options: VocabularyOptions = {}): Vocabulary {
    const counts = new Map<string, number>();
    checkOptionKeys('Vocabulary.build', options, VOCABULARY_KEYS);
    for (const doc of documents) {
      // A string document would be counted character by character.
      if (!Array.isArray(doc)) throw new Error(`Vocabulary.build: each document must be an array of tokens (tokenize(text) gives one), got ${describeValue(doc)}`);
      for (const t of doc) counts.set(t, (counts.get(t) ?? 0) + 1);
    }
    return Vocabulary.fromCounts(counts, options);
  }

  static fromCounts(counts: ReadonlyMap<string, number>, options: VocabularyOptions = {}): Vocabulary {
    checkOptionKeys('Vocabulary', options, VOCABULARY_KEYS);
    const { minFreq = 1, maxSize = Infinity, unkToken = '<unk>', padToken = '<pad>' } = options;
    // NaN kept no token at all: every comparison with it is false.
    checkNumber('Vocabulary', 'minFreq', minFreq, NON_NEGATIVE);
    if (maxSize !== Infinity) checkNumber('Vocabulary', 'maxSize', maxSize, COUNT);
    const specials = padToken === null ? [unkToken] : [padToken, unkToken];
    if (maxSize < specials.length) throw new Error(`Vocabulary: maxSize ${maxSize} leaves no room for ${specials.join(', ')}`);
    const entries = [...counts].filter(([t, c]) => c >= minFreq && !specials.includes(t));
    entries.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    const kept = entries.slice(0, Math.max(0, maxSize - specials.length));
    return new Vocabulary(
      [...specials, ...kept.map((e) => e[0])],
      [...specials.map(() => 0), ...kept.map((e) => e[1])],
      unkToken,
      padToken,
    );
  }

  get size(): number {
    return this.tokens.length;
  }

  get unkId(): number {
    return this.index.get(this.unkToken)!;
  }

  /** Id of `<pad>`, or -1 when the vocabulary has none. */
  get padId(): number {
    return this.padToken === null ? -1 : this.index.get(this.padToken)!;
  }

  has(token: string): boolean {
    return this.index.has(token);
  }

  /** Id of `token`, `<unk>`'s id when unknown. */
  id(token: string): number {
    return this.index.get(token) ?? this.unkId;
  }

  token(id: number): string {
    const t = this.tokens[id];
    if (t === undefined) throw new RangeError(`Vocabulary: id ${id} out of range [0, ${this.size})`);
    return t;
  }

  /** Training-corpus count of a token (0 for specials and unknown tokens). */
  count(token: string): number {
    const i = this.index.get(token);
    return i === undefined ? 0 : this.counts[i];
  }

  encode(tokens: readonly string[]): Int32Array {
    const out = new Int32Array(tokens.length);
    for (let i = 0; i < tokens.length; i++) out[i] = this.id(tokens[i]);
    return out;
  }

  decode(ids: ArrayLike<number>): string[] {
    return Array.from(ids, (id) => this.token(id));
  }

  toJSON(): VocabularyJSON {
    return {
      format: 'tensorkit.vocabulary',
      version: 1,
      tokens: [...this.tokens],
      counts: [...this.counts],
      unkToken: this.unkToken,
      padToken: this.padToken,
    };
  }

  static fromJSON(json: VocabularyJSON): Vocabulary {
    if (json?.format !== 'tensorkit.vocabulary' || json.version !== 1) {
      throw new Error('Vocabulary.fromJSON: not a tensorkit.vocabulary v1 object');
    }
    if (!Array.isArray(json.tokens) || !json.tokens.every((t) => typeof t === 'string')) throw new Error('Vocabulary.fromJSON: tokens must be an array of strings');
    if (!Array.isArray(json.counts)) throw new Error('Vocabulary.fromJSON: counts must be an array of numbers');
    if (json.tokens.length !== json.counts.length) throw new Error('Vocabulary.fromJSON: tokens and counts differ in length');
    return new Vocabulary([...json.tokens], [...json.counts], json.unkToken, json.padToken);
  }
}
