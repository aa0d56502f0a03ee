/**
 * The epochs of one `news train` fit: Adam with a linearly decaying learning rate, an optional
 * fixed prior added to the logits (nb-prior.ts), validation after each epoch, and either the best
 * epoch's weights restored or the whole schedule kept (recipe.ts: keepBestEpoch).
 */
import { type Generator, Tensor, tensor } from '@tensorkit/core';
import { Adam, crossEntropy } from '@tensorkit/nn';
import { createProgress, lossAccuracyCurveSvg, type RunFolder, UserError } from '@tensorkit/train';
import { makeBatch, predictLogits, type EncodedDoc, type LinearBagNet, type NewsNet } from './model.js';
import type { Recipe } from './recipe.js';
import type { EpochRecord, TrainOptions } from './train-options.js';

function argmaxRows(logits: Float32Array | Float64Array, C: number, i: number): number {
  let best = 0;
  for (let c = 1; c < C; c++) if (logits[i * C + c] > logits[i * C + best]) best = c;
  return best;
}

export function accuracyOf(logits: Float32Array | Float64Array, labels: readonly number[], C: number): number {
  let ok = 0;
  labels.forEach((y, i) => {
    if (argmaxRows(logits, C, i) === y) ok++;
  });
  return labels.length ? ok / labels.length : 0;
}

function meanNll(logits: Float32Array | Float64Array, labels: readonly number[], C: number): number {
  let s = 0;
  labels.forEach((y, i) => {
    let m = -Infinity;
    for (let c = 0; c < C; c++) m = Math.max(m, logits[i * C + c]);
    let z = 0;
    for (let c = 0; c < C; c++) z += Math.exp(logits[i * C + c] - m);
    s += m + Math.log(z) - logits[i * C + y];
  });
  return labels.length ? s / labels.length : 0;
}

export interface FitOutcome {
  bestEpoch: number;
  bestValAcc: number | null;
  history: EpochRecord[];
}

/**
 * Documents with labels; `prior` (n × C) holds fixed logits added to the net's
 * (the NB prior's share, see nb-prior.ts), so the net learns a correction to it.
 */
export interface FitSet {
  docs: EncodedDoc[];
  labels: number[];
  prior?: Float32Array;
}

function rowsOf(prior: Float32Array, idx: readonly number[], C: number): Float32Array {
  const out = new Float32Array(idx.length * C);
  idx.forEach((i, k) => out.set(prior.subarray(i * C, (i + 1) * C), k * C));
  return out;
}

/** Trains `net` in place; with a validation set, restores the parameters of the best epoch. */
export async function fit(
  net: NewsNet, recipe: Recipe, train: FitSet, val: FitSet | null,
  g: Generator, o: TrainOptions, run: RunFolder<EpochRecord> | null, label: string, stopAfter = recipe.epochs,
): Promise<FitOutcome> {
  const params = net.parameters();
  const opt = new Adam(params, { lr: recipe.lr, weightDecay: recipe.weightDecay });
  const n = train.docs.length;
  const C = net.config.numClasses;
  const stepsPerEpoch = Math.ceil(n / recipe.batchSize);
  const totalSteps = stepsPerEpoch * recipe.epochs;
  let step = 0;
  const history: EpochRecord[] = [];
  let best: { acc: number; loss: number; epoch: number; state: Float32Array[] } | null = null;
  const t0 = performance.now();
  const diverged = (what: string) =>
    new UserError(`${label}: ${what}: training diverged; lower --lr (${recipe.lr}) or --weight-decay (${recipe.weightDecay}). No model was written`);
  // The learning-rate schedule always spans recipe.epochs; a refit stops early at the chosen epoch
  // so it replays exactly the schedule that was validated.
  for (let epoch = 1; epoch <= stopAfter; epoch++) {
    const te = performance.now();
    net.train();
    const perm = g.permutation(n);
    const bar = createProgress({ total: n, label: `${label} epoch ${epoch}/${recipe.epochs}`, unit: 'docs', silent: o.quiet });
    let lossSum = 0;
    let correct = 0;
    let lr = recipe.lr;
    for (let s = 0; s < n; s += recipe.batchSize) {
      const idx = Array.from(perm.subarray(s, Math.min(n, s + recipe.batchSize)));
      const batch = makeBatch(idx.map((i) => train.docs[i]));
      const target = idx.map((i) => train.labels[i]);
      lr = recipe.lr * Math.max(0, 1 - step / totalSteps);
      for (const grp of opt.paramGroups) grp.lr = lr;
      let logits = net.forward(batch);
      if (train.prior) logits = logits.add(new Tensor(rowsOf(train.prior, idx, C), [idx.length, C], 'float32'));
      const loss = crossEntropy(logits, tensor(target, { dtype: 'int32' }), { labelSmoothing: recipe.labelSmoothing });
      const lossValue = loss.item();
      // Diverged (e.g. --weight-decay 1e308): every later step and the saved model would be NaN.
      if (!Number.isFinite(lossValue)) {
        bar.stop();
        throw diverged(`the loss became ${lossValue} at epoch ${epoch}, step ${step + 1}`);
      }
      loss.backward();
      opt.step();
      opt.zeroGrad();
      step++;
      lossSum += lossValue * idx.length;
      const l = logits.toTypedArray() as Float32Array;
      target.forEach((y, k) => {
        if (argmaxRows(l, C, k) === y) correct++;
      });
      bar.update(Math.min(n, s + recipe.batchSize), { loss: lossSum / Math.min(n, s + recipe.batchSize) });
    }
    bar.stop();
    const epochSeconds = (performance.now() - te) / 1000;
    let valAcc = NaN;
    let valLoss = NaN;
    if (val && val.docs.length) {
      const vl = predictLogits(net, val.docs);
      if (val.prior) for (let i = 0; i < vl.length; i++) vl[i] += val.prior[i];
      valAcc = accuracyOf(vl, val.labels, C);
      valLoss = meanNll(vl, val.labels, C);
      // The epoch's last steps can leave non-finite weights that no training loss has seen yet.
      if (!Number.isFinite(valLoss)) throw diverged(`the validation loss became ${valLoss} after epoch ${epoch}`);
      const better = !best || valAcc > best.acc || (valAcc === best.acc && valLoss < best.loss);
      if (!recipe.keepBestEpoch || better) {
        best = { acc: valAcc, loss: valLoss, epoch, state: recipe.keepBestEpoch ? params.map((p) => Float32Array.from(p.storage as Float32Array)) : [] };
      }
    }
    const rec: EpochRecord = {
      epoch, loss: lossSum / n, accuracy: correct / n, val_loss: valLoss, val_accuracy: valAcc, lr,
      samples_per_sec: n / epochSeconds, epoch_seconds: epochSeconds, elapsed_seconds: (performance.now() - t0) / 1000,
    };
    history.push(rec);
    if (run) {
      run.append(rec);
      await run.writeCurve(lossAccuracyCurveSvg(history, 'cross-entropy loss'));
    }
    o.log?.(
      `${label} epoch ${epoch}/${recipe.epochs}  loss ${rec.loss.toFixed(4)}  train acc ${(rec.accuracy * 100).toFixed(2)}%` +
        (val ? `  val loss ${valLoss.toFixed(4)}  val acc ${(valAcc * 100).toFixed(2)}%` : '') +
        `  ${rec.samples_per_sec.toFixed(0)} docs/s`,
    );
  }
  if (best && recipe.keepBestEpoch) params.forEach((p, i) => (p.storage as Float32Array).set(best!.state[i]));
  // A last step can still overflow the weights after every loss was finite (a refit has no validation to see it).
  if (params.some((p) => !(p.storage as Float32Array).every(Number.isFinite))) {
    throw diverged('the weights became non-finite in the last steps');
  }
  return { bestEpoch: best?.epoch ?? recipe.epochs, bestValAcc: best?.acc ?? null, history };
}

/** W = P + Δ: folds the fixed prior into the trained correction (one weight table again). */
export function addPrior(net: LinearBagNet, prior: Float32Array): void {
  const W = net.bag.weight.storage as Float32Array;
  for (let i = 0; i < W.length; i++) W[i] += prior[i];
}
