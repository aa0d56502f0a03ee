import { checkOneOf, checkOptionalBoolean, checkOptionKeys, type OptionKeys } from '../options.js';

export interface TfidfOptions {
  /** Use 1 + ln(tf) instead of the raw count. Default false. */
  sublinearTf?: boolean;
  /** Scale each document's tf-idf vector to unit L2 norm. Default 'l2'. */
  norm?: 'l2' | 'none';
}

const TFIDF_KEYS: OptionKeys<TfidfOptions> = { sublinearTf: true, norm: true };

export interface TfidfJSON {
  format: 'tensorkit.tfidf';
  version: 1;
  numDocs: number;
  sublinearTf: boolean;
  norm: 'l2' | 'none';
  /** Sparse document frequencies as [id, df] pairs, ids ascending. */
  df: [number, number][];
}

/**
 * TF-IDF with scikit-learn's smooth idf, idf(t) = ln((1 + N) / (1 + df(t))) + 1, over
 * integer ids (vocabulary or hashed n-gram ids). `weights()` returns one weight per token
 * occurrence such that the occurrences of an id sum to its tf-idf value, which is what an
 * EmbeddingBag(mode='sum') with per-sample weights needs to reproduce the tf-idf vector.
 */
export class TfidfWeighter {
  readonly sublinearTf: boolean;
  readonly norm: 'l2' | 'none';
  private numDocs = 0;
  private readonly df = new Map<number, number>();

  constructor(options: TfidfOptions = {}) {
    checkOptionKeys('TfidfWeighter', options, TFIDF_KEYS);
    checkOptionalBoolean('TfidfWeighter', 'sublinearTf', options.sublinearTf);
    // Any other norm (say 'l1') was stored and then applied as no normalisation.
    checkOneOf('TfidfWeighter', 'norm', options.norm ?? 'l2', ['l2', 'none']);
    this.sublinearTf = options.sublinearTf ?? false;
    this.norm = options.norm ?? 'l2';
  }

  get documentCount(): number {
    return this.numDocs;
  }

  /** Adds document frequencies of training documents (can be called repeatedly to stream). */
  fit(documents: Iterable<ArrayLike<number>>): this {
    for (const doc of documents) {
      this.numDocs++;
      for (const id of new Set(Array.from(doc))) this.df.set(id, (this.df.get(id) ?? 0) + 1);
    }
    return this;
  }

  documentFrequency(id: number): number {
    return this.df.get(id) ?? 0;
  }

  /** Ids never seen in training get df = 0, i.e. the largest idf. */
  idf(id: number): number {
    return Math.log((1 + this.numDocs) / (1 + this.documentFrequency(id))) + 1;
  }

  /** Per-occurrence weights for one document's ids. */
  weights(ids: ArrayLike<number>): Float32Array {
    const counts = new Map<number, number>();
    for (let i = 0; i < ids.length; i++) counts.set(ids[i], (counts.get(ids[i]) ?? 0) + 1);
    const value = new Map<number, number>();
    let sumSq = 0;
    for (const [id, c] of counts) {
      const v = (this.sublinearTf ? 1 + Math.log(c) : c) * this.idf(id);
      value.set(id, v);
      sumSq += v * v;
    }
    const scale = this.norm === 'l2' && sumSq > 0 ? 1 / Math.sqrt(sumSq) : 1;
    const out = new Float32Array(ids.length);
    for (let i = 0; i < ids.length; i++) out[i] = (value.get(ids[i])! * scale) / counts.get(ids[i])!;
    return out;
  }

  /** The document's tf-idf vector as a sparse id → value map (for inspection and tests). */
  vector(ids: ArrayLike<number>): Map<number, number> {
    const w = this.weights(ids);
    const out = new Map<number, number>();
    for (let i = 0; i < ids.length; i++) out.set(ids[i], (out.get(ids[i]) ?? 0) + w[i]);
    return out;
  }

  toJSON(): TfidfJSON {
    return {
      format: 'tensorkit.tfidf',
      version: 1,
      numDocs: this.numDocs,
      sublinearTf: this.sublinearTf,
      norm: this.norm,
      df: [...this.df].sort((a, b) => a[0] - b[0]),
    };
  }

  static fromJSON(json: TfidfJSON): TfidfWeighter {
    if (json?.format !== 'tensorkit.tfidf' || json.version !== 1) throw new Error('TfidfWeighter.fromJSON: not a tensorkit.tfidf v1 object');
    const bad = (what: string): Error => new Error(`TfidfWeighter.fromJSON: ${what}`);
    if (typeof json.sublinearTf !== 'boolean') throw bad(`sublinearTf must be true or false, got ${JSON.stringify(json.sublinearTf)}`);
    if (json.norm !== 'l2' && json.norm !== 'none') throw bad(`norm must be "l2" or "none", got ${JSON.stringify(json.norm)}`);
    if (!Number.isSafeInteger(json.numDocs) || json.numDocs < 0) throw bad(`numDocs must be a non-negative integer, got ${JSON.stringify(json.numDocs)}`);
    if (!Array.isArray(json.df)) throw bad('df must be an array of [id, df] pairs');
    const w = new TfidfWeighter({ sublinearTf: json.sublinearTf, norm: json.norm });
    w.numDocs = json.numDocs;
    json.df.forEach((pair, i) => {
      const [id, df] = (Array.isArray(pair) ? pair : []) as unknown[];
      if (typeof id !== 'number' || !Number.isSafeInteger(id)) throw bad(`df[${i}]: id must be an integer, got ${JSON.stringify(id)}`);
      // A df above the document count would give a negative idf: weights of the wrong sign.
      if (typeof df !== 'number' || !Number.isSafeInteger(df) || df < 1 || df > json.numDocs) throw bad(`df[${i}]: document frequency of id ${id} must be an integer in 1..numDocs (${json.numDocs}), got ${JSON.stringify(df)}`);
      if (w.df.has(id)) throw bad(`df[${i}]: id ${id} appears twice`);
      w.df.set(id, df);
    });
    return w;
  }
}
