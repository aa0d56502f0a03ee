/**
 * Whether `eval` is reading the documents a model was trained on: a model scored on its own
 * training data (e.g. the shipped BBC model on the BBC folder it was trained on) reads 100% and
 * says nothing about new documents, so eval says so. Judged by path: the side `eval` reads is
 * the training side of the dataset the model's metadata records (`dataset.path`, as typed to
 * `train`: relative to the folder train ran in — for the shipped models, the repository root).
 */
import { realPathOrNull, recordedPathCandidates } from '@tensorkit/train';
import { detectLayout } from './data.js';

/**
 * The recorded training file or folder that `evalPath` is, or null: the recorded dataset is
 * looked up from the current folder and from the repository root; a dataset that is no longer
 * there, or another side of it (AG's test.csv), is not an overlap.
 */
export async function trainedOnPath(evalPath: string, dataset: Record<string, unknown>): Promise<string | null> {
  const recorded = dataset.path;
  const evalReal = realPathOrNull(evalPath);
  if (typeof recorded !== 'string' || evalReal === null) return null;
  for (const dir of recordedPathCandidates(recorded)) {
    const trainSide = await detectLayout(dir).then((l) => l.train, () => undefined);
    if (trainSide !== undefined && realPathOrNull(trainSide) === evalReal) return trainSide;
  }
  return null;
}
