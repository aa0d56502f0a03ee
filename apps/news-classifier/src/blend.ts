/**
 * Post-training steps for the linear model, all of which keep it ONE linear
 * layer over the tf-idf bag (so explanations stay exact):
 *   - complement naive Bayes (Rennie et al. 2003) on the same tf-idf vectors,
 *     closed form: w[f, c] = -log((α + Σ_{d ∉ c} x_df) / Σ_f' (α + Σ_{d ∉ c} x_df'));
 *     on small training sets it is a strong second opinion, and adding
 *     λ·s·W_nb to the trained weights is an ensemble of the two;
 *   - temperature scaling: W, b divided by T fitted on validation NLL, so the
 *     printed probabilities are calibrated.
 */
import { predictLogits, type EncodedDoc, type LinearBagNet } from './model.js';

export const NB_ALPHA = 0.3;
const BLEND_GRID = [0, 0.25, 0.5, 1, 2, 4, 8, 16, 64];

/** [buckets × C] complement-NB weights from tf-idf documents. */
export function complementNbWeights(docs: readonly EncodedDoc[], labels: readonly number[], C: number, buckets: number, alpha = NB_ALPHA): Float64Array {
  const count = new Float64Array(buckets * C);
  const total = new Float64Array(buckets);
  const classSum = new Float64Array(C);
  let grand = 0;
  docs.forEach((d, k) => {
    const y = labels[k];
    for (let i = 0; i < d.ids.length; i++) {
      const v = d.weights![i];
      count[d.ids[i] * C + y] += v;
      total[d.ids[i]] += v;
      classSum[y] += v;
      grand += v;
    }
  });
  const logZ = new Float64Array(C);
  for (let c = 0; c < C; c++) logZ[c] = Math.log(alpha * buckets + grand - classSum[c]);
  const w = new Float64Array(buckets * C);
  for (let f = 0; f < buckets; f++) {
    for (let c = 0; c < C; c++) w[f * C + c] = logZ[c] - Math.log(alpha + total[f] - count[f * C + c]);
  }
  return w;
}

/** Scores x·W for tf-idf documents and a [buckets × C] weight table. */
export function scores(docs: readonly EncodedDoc[], w: Float64Array | Float32Array, C: number): Float64Array {
  const out = new Float64Array(docs.length * C);
  docs.forEach((d, k) => {
    for (let i = 0; i < d.ids.length; i++) {
      const v = d.weights![i];
      const row = d.ids[i] * C;
      for (let c = 0; c < C; c++) out[k * C + c] += v * w[row + c];
    }
  });
  return out;
}

/** Standard deviation of row-centred scores (the scale an ensemble member is normalised by). */
export function centredStd(s: Float64Array | Float32Array, C: number): number {
  const n = s.length / C;
  let sq = 0;
  for (let k = 0; k < n; k++) {
    let m = 0;
    for (let c = 0; c < C; c++) m += s[k * C + c];
    m /= C;
    for (let c = 0; c < C; c++) sq += (s[k * C + c] - m) ** 2;
  }
  return Math.sqrt(sq / Math.max(1, s.length)) || 1;
}

function accuracy(s: ArrayLike<number>, labels: readonly number[], C: number): number {
  let ok = 0;
  labels.forEach((y, k) => {
    let b = 0;
    for (let c = 1; c < C; c++) if (s[k * C + c] > s[k * C + b]) b = c;
    if (b === y) ok++;
  });
  return labels.length ? ok / labels.length : 0;
}

function nll(s: ArrayLike<number>, labels: readonly number[], C: number, t: number): number {
  let total = 0;
  labels.forEach((y, k) => {
    let m = -Infinity;
    for (let c = 0; c < C; c++) m = Math.max(m, s[k * C + c] / t);
    let z = 0;
    for (let c = 0; c < C; c++) z += Math.exp(s[k * C + c] / t - m);
    total += m + Math.log(z) - s[k * C + y] / t;
  });
  return total / Math.max(1, labels.length);
}

/** The temperature minimising validation NLL (golden-section search on log T). */
export function fitTemperature(s: ArrayLike<number>, labels: readonly number[], C: number): number {
  if (labels.length === 0) return 1;
  let lo = Math.log(0.05);
  let hi = Math.log(20);
  const phi = (Math.sqrt(5) - 1) / 2;
  for (let it = 0; it < 40; it++) {
    const a = hi - phi * (hi - lo);
    const b = lo + phi * (hi - lo);
    if (nll(s, labels, C, Math.exp(a)) < nll(s, labels, C, Math.exp(b))) hi = b;
    else lo = a;
  }
  return Math.exp((lo + hi) / 2);
}

function writeBlend(net: LinearBagNet, nb: Float64Array | null, factor: number, temperature: number): void {
  const W = net.bag.weight.storage as Float32Array;
  for (let i = 0; i < W.length; i++) W[i] = (W[i] + (nb ? factor * nb[i] : 0)) / temperature;
  const b = net.bias.storage as Float32Array;
  for (let c = 0; c < b.length; c++) b[c] /= temperature;
  const v = net.vectors?.storage as Float32Array | undefined;
  if (v) for (let i = 0; i < v.length; i++) v[i] /= temperature;
}

export interface BlendChoice {
  blend: number;
  temperature: number;
  valAccuracy: number | null;
}

/**
 * Picks the NB blend weight (or uses the given one) and the temperature on
 * validation, then writes the blended, scaled weights into `net`.
 */
export function chooseBlend(
  net: LinearBagNet, trainDocs: readonly EncodedDoc[], trainLabels: readonly number[],
  valDocs: readonly EncodedDoc[], valLabels: readonly number[], blend: number | 'auto', log: (s: string) => void, alpha = NB_ALPHA,
): BlendChoice {
  const C = net.config.numClasses;
  const nb = complementNbWeights(trainDocs, trainLabels, C, net.config.buckets, alpha);
  const lrTrain = predictLogits(net, trainDocs);
  const scale = centredStd(lrTrain, C) / centredStd(scores(trainDocs, nb, C), C);
  if (valDocs.length === 0) {
    const b = blend === 'auto' ? 0 : blend;
    writeBlend(net, nb, b * scale, 1);
    return { blend: b, temperature: 1, valAccuracy: null };
  }
  const lrVal = predictLogits(net, valDocs);
  const nbVal = scores(valDocs, nb, C);
  const mix = (lam: number) => Float64Array.from(lrVal, (v, i) => v + lam * scale * nbVal[i]);
  let chosen = blend === 'auto' ? 0 : blend;
  if (blend === 'auto') {
    let bestAcc = -1;
    let bestNll = Infinity;
    for (const lam of BLEND_GRID) {
      const m = mix(lam);
      const acc = accuracy(m, valLabels, C);
      const t = fitTemperature(m, valLabels, C);
      const l = nll(m, valLabels, C, t);
      log(`  naive Bayes blend ${lam}: val acc ${(acc * 100).toFixed(2)}%  val nll ${l.toFixed(4)}`);
      if (acc > bestAcc + 1e-12 || (Math.abs(acc - bestAcc) <= 1e-12 && l < bestNll)) {
        bestAcc = acc;
        bestNll = l;
        chosen = lam;
      }
    }
  }
  const final = mix(chosen);
  const temperature = fitTemperature(final, valLabels, C);
  writeBlend(net, nb, chosen * scale, temperature);
  const valAccuracy = accuracy(final, valLabels, C);
  log(`blend ${chosen} (scale ${scale.toFixed(4)}), temperature ${temperature.toFixed(3)}: val acc ${(valAccuracy * 100).toFixed(2)}%`);
  return { blend: chosen, temperature, valAccuracy };
}

/** Applies a blend chosen earlier to a model refitted on more data. */
export function applyBlend(net: LinearBagNet, docs: readonly EncodedDoc[], labels: readonly number[], blend: number, temperature: number, alpha = NB_ALPHA): void {
  const C = net.config.numClasses;
  const nb = blend > 0 ? complementNbWeights(docs, labels, C, net.config.buckets, alpha) : null;
  const scale = nb ? centredStd(predictLogits(net, docs), C) / centredStd(scores(docs, nb, C), C) : 0;
  writeBlend(net, nb, blend * scale, temperature);
}
