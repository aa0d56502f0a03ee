import { describeValue, showValue } from '../options.js';
import type { TfidfWeighter } from './tfidf.js';

/** Flattened input for an EmbeddingBag: bag b is ids[offsets[b] .. offsets[b+1]) (PyTorch convention). */
export interface BagBatch {
  ids: Int32Array;
  /** Start index of each bag in `ids`; length = number of documents. Empty documents give empty bags. */
  offsets: Int32Array;
  /** Per-id weights aligned with `ids` (present when a weighter was given). */
  weights?: Float32Array;
}

/** Concatenates encoded documents into one EmbeddingBag batch, optionally with tf-idf weights. */
export function encodeBagBatch(documents: readonly ArrayLike<number>[], weighter?: TfidfWeighter): BagBatch {
  if (!Array.isArray(documents)) throw new Error(`encodeBagBatch: documents must be an array of id arrays, got ${describeValue(documents)}`);
  let total = 0;
  documents.forEach((doc, b) => {
    checkBagIds(doc, b);
    total += doc.length;
  });
  const ids = new Int32Array(total);
  const offsets = new Int32Array(documents.length);
  const weights = weighter ? new Float32Array(total) : undefined;
  let pos = 0;
  documents.forEach((doc, b) => {
    offsets[b] = pos;
    ids.set(doc, pos);
    if (weights) weights.set(weighter!.weights(doc), pos);
    pos += doc.length;
  });
  return weights ? { ids, offsets, weights } : { ids, offsets };
}

/**
 * Int32Array.set would truncate 2.5 to row 2, wrap 2^31 to a negative row and turn NaN into row 0:
 * a wrong embedding rather than an error. EmbeddingBag refuses some of these later, without
 * saying which document they came from.
 */
function checkBagIds(doc: ArrayLike<number>, b: number): void {
  if (typeof doc !== 'object' || doc === null || typeof doc.length !== 'number') {
    throw new Error(`encodeBagBatch: document ${b} must be an array of ids, got ${describeValue(doc)}`);
  }
  for (let i = 0; i < doc.length; i++) {
    const id = doc[i];
    if (!(Number.isInteger(id) && id >= 0 && id <= 0x7fffffff)) {
      throw new Error(`encodeBagBatch: document ${b} has id ${showValue(id)} at position ${i}; ids must be integers in [0, 2147483647] (embedding rows)`);
    }
  }
}
