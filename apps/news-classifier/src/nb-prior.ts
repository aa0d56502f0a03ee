/**
 * A naive-Bayes prior for the linear model. Logistic regression on a few
 * thousand documents overfits rare n-grams, while complement naive Bayes
 * (closed form, see blend.ts) is strong on small training sets. Instead of
 * only averaging the two afterwards, the logistic regression is trained as a
 * correction on top of the NB weights: W = P + Δ, with weight decay pulling Δ
 * (not W) towards 0 — the MAP estimate under a Gaussian prior centred on NB.
 * P is NB with each row centred (a per-feature constant shifts every class
 * equally and would only cost weight decay) and scaled so its logits have
 * standard deviation `strength` on the training documents. The result is still
 * one linear layer over the bag, so explanations stay exact.
 */
import { centredStd, complementNbWeights, scores } from './blend.js';
import type { EncodedDoc } from './model.js';

export function nbPriorWeights(
  docs: readonly EncodedDoc[], labels: readonly number[], C: number, buckets: number, strength: number, alpha: number,
): Float32Array {
  const nb = complementNbWeights(docs, labels, C, buckets, alpha);
  for (let f = 0; f < buckets; f++) {
    let m = 0;
    for (let c = 0; c < C; c++) m += nb[f * C + c];
    m /= C;
    for (let c = 0; c < C; c++) nb[f * C + c] -= m;
  }
  const s = strength / centredStd(scores(docs, nb, C), C);
  return Float32Array.from(nb, (w) => w * s);
}

/** x·P for each document, [n × C] row-major (the fixed part of the logits while Δ trains). */
export function priorLogits(docs: readonly EncodedDoc[], prior: Float32Array, C: number): Float32Array {
  return Float32Array.from(scores(docs, prior, C));
}
