/** What `news train` takes and returns (the command is in train.ts). */
import type { ClassifierEpochRecord } from '@tensorkit/train';
import type { ModelType } from './model.js';

/** One line of the run folder's metrics.jsonl. */
export type EpochRecord = ClassifierEpochRecord;

export interface TrainOptions {
  data: string;
  modelType: ModelType;
  out?: string;
  seed: number;
  epochs?: number;
  lr?: number;
  batchSize?: number;
  dim?: number;
  buckets?: number;
  wordNgrams?: number;
  /** "2-5", or "none". */
  charNgrams?: string;
  /** Linear model: L2 norm of the word n-gram block in the tf-idf vector (characters get the rest). */
  wordWeight?: number;
  labelSmoothing?: number;
  weightDecay?: number;
  valFraction?: number;
  /** Naive Bayes blend weight for the linear model: a number, or 'auto' (chosen on validation). */
  nbBlend?: number | 'auto';
  /** Additive smoothing α of the naive Bayes part. */
  nbAlpha?: number;
  /** Linear model: strength of the naive-Bayes prior the weights are regularised towards (0 = none; see nb-prior.ts). */
  nbPrior?: number;
  refit?: boolean;
  /** Linear model: pretrained word vectors (GloVe text or wink JSON) for the word-vector model added to it (word-vectors.ts). */
  wordVectors?: string;
  /** How many of the file's words to keep (its first, i.e. commonest). */
  vectorWords?: number;
  /** Factor on the word-vector model's logits. */
  vectorScale?: number;
  /** L2 penalty of the word-vector logistic regression. */
  vectorL2?: number;
  runDir?: string;
  quiet?: boolean;
  /** Use only the first N training documents (quick experiments). */
  limit?: number;
  /** Where progress and the summary go (default stderr). */
  log?: (line: string) => void;
}

export interface TrainResult {
  out: string;
  modelType: ModelType;
  valAccuracy: number | null;
  bestEpoch: number;
  trainSize: number;
  valSize: number;
  seconds: number;
  history: EpochRecord[];
  nbBlend: number;
  temperature: number;
}
