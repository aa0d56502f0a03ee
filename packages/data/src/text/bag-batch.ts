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
  let total = 0;
  for (const d of documents) total += d.length;
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
