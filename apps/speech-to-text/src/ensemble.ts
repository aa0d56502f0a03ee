/**
 * Ensembles of speech models: models trained by the same recipe with different seeds, whose
 * per-frame probabilities are averaged at decoding time (see averageProbs in recognizer.ts).
 * Averaging needs the members to agree on everything but their weights: architecture, front
 * end, normalisation and word list — checked here, with the first disagreement named.
 */
import { UserError } from '@tensorkit/train';
import { loadModel, type ModelInfo } from './model-file.js';

/** Loads the model files and combines them into one ensemble ModelInfo (save it with saveModel). */
export async function makeEnsemble(paths: readonly string[]): Promise<ModelInfo> {
  if (paths.length < 2) throw new UserError(`an ensemble needs at least two model files, got ${paths.length}`);
  const infos: ModelInfo[] = [];
  for (const p of paths) infos.push(await loadModel(p));
  const [first] = infos;
  const facts = (i: ModelInfo): [string, string][] => [
    ['model config', JSON.stringify(i.model.config)],
    ['feature config', JSON.stringify(i.features)],
    ['input normalisation', i.frontEnd.norm],
    ['word list', JSON.stringify(i.lexicon)],
  ];
  infos.forEach((info, k) => {
    if (info.members) throw new UserError(`${paths[k]}: is an ensemble already; list its member files instead`);
    const want = facts(first);
    facts(info).forEach(([what, v], j) => {
      if (v !== want[j][1]) throw new UserError(`${paths[k]}: its ${what} differs from ${paths[0]}'s (${v} vs ${want[j][1]}); ensemble members must differ only in their weights`);
    });
  });
  return {
    ...first,
    members: infos.map((i) => i.model),
    training: { ensemble: infos.map((i, k) => ({ file: paths[k], ...i.training })) },
  };
}
