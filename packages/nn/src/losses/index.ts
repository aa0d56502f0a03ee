/** Loss functions and CTC decoders. */
export { type Reduction } from './reduction.js';
export { type IndexLike } from './indices.js';
export { crossEntropy, type CrossEntropyOptions } from './cross-entropy.js';
export { nllLoss, type NllLossOptions } from './nll.js';
export { mseLoss, type MseLossOptions } from './mse.js';
export { bceWithLogits, type BceWithLogitsOptions } from './bce-with-logits.js';
export { bceLoss, type BceLossOptions } from './bce.js';
export { l1Loss, smoothL1Loss, huberLoss, type L1LossOptions, type SmoothL1LossOptions, type HuberLossOptions } from './l1.js';
export { klDivLoss, type KlDivLossOptions } from './kl-div.js';
export { cosineSimilarity, type CosineSimilarityOptions } from './cosine-similarity.js';
export { ctcLoss, type CtcLossOptions } from './ctc-loss.js';
export { ctcAlignable, ctcMinInputLength, ctcRepeats } from './ctc-align.js';
export { LogProbMatrix, type FloatMatrixData, type LogProbCheck } from './log-prob-matrix.js';
export { ctcGreedyDecode, type CtcGreedyOptions, type CtcGreedyResult } from './ctc-decode.js';
export { ctcPrefixBeamSearch, type CtcPrefixBeamSearchOptions, type CtcHypothesis } from './ctc-beam-search.js';
