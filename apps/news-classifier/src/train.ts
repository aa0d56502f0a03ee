/**
 * `news train`: reads the train side of a dataset, carves a validation split,
 * encodes every document once, then trains the chosen model with Adam and a
 * linearly decaying learning rate. Either the epoch with the best validation
 * accuracy is kept, or (recipes whose epoch count was cross-validated) the
 * whole schedule runs. The linear model can learn a correction to a naive-Bayes
 * prior (nb-prior.ts), is then blended with a complement naive Bayes on the
 * same features (fixed weight, or chosen on validation) and temperature-scaled
 * on validation; with --refit the chosen recipe is retrained on train + validation.
 */
import { dirname, join, basename, resolve } from 'node:path';
import { Generator } from '@tensorkit/core';
import { checkWritable, formatDuration, RunFolder, UserError } from '@tensorkit/train';
import { applyBlend, chooseBlend, NB_ALPHA } from './blend.js';
import { loadDataset } from './data.js';
import { saveModel, type ModelInfo } from './model-file.js';
import { LinearBagNet } from './model.js';
import { nbPriorWeights, priorLogits } from './nb-prior.js';
import { defaultOut, recipeFor } from './recipe.js';
import { validationSplit } from './split.js';
import { encodeCorpus, labelsFor, netBuilder } from './train-build.js';
import { addPrior, fit } from './train-loop.js';
import type { EpochRecord, TrainOptions, TrainResult } from './train-options.js';
import { DEFAULT_VECTOR_WORDS, readWordVectors, type WordVectors } from './word-vectors.js';

export type { EpochRecord, TrainOptions, TrainResult } from './train-options.js';
export { recipeFor };

export async function trainCommand(o: TrainOptions): Promise<TrainResult> {
  const log = o.log ?? ((s: string) => process.stderr.write(s + '\n'));
  const opts = { ...o, log };
  const t0 = performance.now();
  const ds = await loadDataset(o.data, 'train');
  if (o.limit !== undefined) ds.items = ds.items.slice(0, o.limit);
  const C = ds.classes.length;
  if (C < 2) throw new UserError(`${ds.path}: need at least 2 classes, found ${C}`);
  const recipe = recipeFor(ds.layout.kind, C, o);
  const out = resolve(o.out ?? defaultOut(ds.layout.kind));
  const runDir = o.runDir ?? join(dirname(out), 'runs', basename(out).replace(/\.safetensors$/, ''));
  // Fail now rather than after training.
  checkWritable(out, '--out');
  checkWritable(join(runDir, 'metrics.jsonl'), '--run-dir', runDir);
  const run = new RunFolder<EpochRecord>(runDir);
  run.reset();

  const valFraction = o.valFraction ?? (ds.layout.kind === '20news' ? 0.15 : 0.1);
  const split = validationSplit(ds.items, C, valFraction, o.seed);
  log(`data: ${ds.path} (${ds.layout.kind}, ${C} classes, ${ds.items.length} documents; train ${split.train.length}, validation ${split.val.length}: ${split.method})`);
  log(`model: ${o.modelType}  buckets ${recipe.features.buckets}  word n-grams 1-${recipe.features.wordNgrams}  char n-grams ${recipe.features.charNgrams ? recipe.features.charNgrams.join('-') : 'none'}` +
    (o.modelType === 'fasttext' ? `  dim ${recipe.dim}` : `  NB prior ${recipe.nbPrior}  NB blend ${recipe.nbBlend}`) + `  weight decay ${recipe.weightDecay}  epochs ${recipe.epochs}  lr ${recipe.lr}  batch ${recipe.batchSize}  seed ${o.seed}`);

  let wv: WordVectors | null = null;
  const vectorScale = o.vectorScale ?? 1;
  const vectorL2 = o.vectorL2 ?? 1e-2;
  if (o.wordVectors) {
    if (o.modelType !== 'linear') throw new UserError(`--word-vectors: only the linear model takes word vectors (got --model-type ${o.modelType})`);
    wv = await readWordVectors(o.wordVectors, o.vectorWords ?? DEFAULT_VECTOR_WORDS);
    log(`word vectors: ${o.wordVectors} (${wv.words.length} words × ${wv.dim}; scale ${vectorScale}, L2 ${vectorL2})`);
  }

  const corpus = encodeCorpus(ds, [...split.train, ...split.val], recipe, wv, opts);
  const labelsOf = (idx: readonly number[]) => labelsFor(ds, idx);
  const root = new Generator(o.seed);
  const build = netBuilder({ corpus, recipe, modelType: o.modelType, numClasses: C, root, wv, vectorScale, vectorL2, labelsOf });

  // 1) train on the train part, choose epochs / blend / temperature on validation.
  let { net, encode, addVectors } = build(split.train);
  const trainDocs = encode(split.train);
  const valDocs = encode(split.val);
  const trainLabels = labelsOf(split.train);
  const valLabels = labelsOf(split.val);
  const nbAlpha = o.nbAlpha ?? NB_ALPHA;
  // The NB prior comes from the documents the model is fitted on (as idf), never from validation.
  const prior = net instanceof LinearBagNet && recipe.nbPrior > 0 ? nbPriorWeights(trainDocs, trainLabels, C, recipe.features.buckets, recipe.nbPrior, nbAlpha) : null;
  const outcome = await fit(
    net, recipe, { docs: trainDocs, labels: trainLabels, prior: prior ? priorLogits(trainDocs, prior, C) : undefined },
    split.val.length ? { docs: valDocs, labels: valLabels, prior: prior ? priorLogits(valDocs, prior, C) : undefined } : null, root.split(2), opts, run, 'train',
  );
  if (prior) addPrior(net as LinearBagNet, prior);
  addVectors();
  let nbBlend = typeof recipe.nbBlend === 'number' ? recipe.nbBlend : 0;
  let temperature = 1;
  let valAccuracy = outcome.bestValAcc;
  if (net instanceof LinearBagNet) {
    const chosen = chooseBlend(net, trainDocs, trainLabels, valDocs, valLabels, recipe.nbBlend, log, nbAlpha);
    nbBlend = chosen.blend;
    temperature = chosen.temperature;
    if (chosen.valAccuracy !== null) valAccuracy = chosen.valAccuracy;
  }

  // 2) optionally refit the same recipe on everything for the chosen number of epochs.
  let trainSize = split.train.length;
  if (o.refit && split.val.length) {
    const everything = [...split.train, ...split.val];
    log(`refit: ${everything.length} documents, ${outcome.bestEpoch} of ${recipe.epochs} epochs of the schedule` + (net instanceof LinearBagNet ? `, blend ${nbBlend}, temperature ${temperature.toFixed(3)}` : ''));
    ({ net, encode, addVectors } = build(everything));
    const docs = encode(everything);
    const labels = labelsOf(everything);
    const refitPrior = net instanceof LinearBagNet && recipe.nbPrior > 0 ? nbPriorWeights(docs, labels, C, recipe.features.buckets, recipe.nbPrior, nbAlpha) : null;
    await fit(net, recipe, { docs, labels, prior: refitPrior ? priorLogits(docs, refitPrior, C) : undefined }, null, root.split(3), opts, null, 'refit', outcome.bestEpoch);
    if (refitPrior) addPrior(net as LinearBagNet, refitPrior);
    addVectors();
    if (net instanceof LinearBagNet) applyBlend(net, docs, labels, nbBlend, temperature, nbAlpha);
    trainSize = everything.length;
  }

  const seconds = (performance.now() - t0) / 1000;
  const info: ModelInfo = {
    modelType: o.modelType,
    labels: ds.classes,
    features: recipe.features,
    dataset: { kind: ds.layout.kind, path: ds.path, trainSize, valSize: split.val.length, split: split.method, refit: !!(o.refit && split.val.length) },
    training: {
      seed: o.seed, epochs: recipe.epochs, bestEpoch: outcome.bestEpoch, lr: recipe.lr, batchSize: recipe.batchSize, dim: recipe.dim,
      labelSmoothing: recipe.labelSmoothing, weightDecay: recipe.weightDecay, nbPrior: recipe.nbPrior, nbBlend, nbAlpha, temperature, valAccuracy, seconds,
    },
    ...(wv ? { wordVectors: { source: basename(o.wordVectors!), dim: wv.dim, words: wv.words.length, scale: vectorScale, l2: vectorL2 } } : {}),
  };
  await saveModel(out, net, info);
  log(`saved ${out}  (validation accuracy ${valAccuracy === null ? 'n/a' : (valAccuracy * 100).toFixed(2) + '%'}, best epoch ${outcome.bestEpoch}, ${formatDuration(seconds)})`);
  log(`run folder: ${runDir}`);
  return { out, modelType: o.modelType, valAccuracy, bestEpoch: outcome.bestEpoch, trainSize, valSize: split.val.length, seconds, history: outcome.history, nbBlend, temperature };
}
