/**
 * Ensembles of speech models, whose per-frame probabilities are averaged at decoding time (see
 * averageProbs in recognizer.ts): models trained with different seeds, or with different input
 * normalisations, or of different architectures — those make different mistakes on a speaker none
 * of them heard. Averaging needs the frames to line up, so members must agree on input size,
 * classes, subsampling, feature config and word list — checked here, with the first disagreement
 * named. Members that normalise differently make an ensemble with a 'raw' front end whose members
 * each normalise their own copy.
 */
import { UserError } from '@tensorkit/train';
import { TRAINABLE_NORMS } from './features.js';
import { loadModel, type ModelInfo } from './model-file.js';

/** Loads the model files and combines them into one ensemble ModelInfo (save it with saveModel). */
export async function makeEnsemble(paths: readonly string[]): Promise<ModelInfo> {
  if (paths.length < 2) throw new UserError(`an ensemble needs at least two model files, got ${paths.length}`);
  const infos: ModelInfo[] = [];
  for (const p of paths) infos.push(await loadModel(p));
  const [first] = infos;
  // Architectures may differ (another front end, more layers) as long as the frames line up.
  const facts = (i: ModelInfo): [string, string][] => [
    ['input size, classes and subsampling', JSON.stringify({ inputDim: i.model.config.inputDim, numClasses: i.model.config.numClasses, subsample: i.model.config.subsample })],
    ['feature config', JSON.stringify(i.features)],
    ['word list', JSON.stringify(i.lexicon)],
  ];
  infos.forEach((info, k) => {
    if (info.members) throw new UserError(`${paths[k]}: is an ensemble already; list its member files instead`);
    const want = facts(first);
    facts(info).forEach(([what, v], j) => {
      if (v !== want[j][1]) throw new UserError(`${paths[k]}: its ${what} differs from ${paths[0]}'s (${v} vs ${want[j][1]}); ensemble members must agree on it`);
    });
  });
  const norms = infos.map((i) => i.frontEnd.norm);
  const mixed = norms.some((n) => n !== norms[0]);
  if (mixed) {
    norms.forEach((n, k) => {
      if (!TRAINABLE_NORMS.includes(n)) throw new UserError(`${paths[k]}: its input normalisation '${n}' cannot be mixed with others in an ensemble (expected ${TRAINABLE_NORMS.join(', ')})`);
    });
  }
  return {
    ...first,
    ...(mixed ? { frontEnd: { config: first.features, norm: 'raw' as const }, memberNorms: norms } : {}),
    members: infos.map((i) => i.model),
    training: { ensemble: infos.map((i, k) => ({ file: paths[k], ...i.training })) },
  };
}
