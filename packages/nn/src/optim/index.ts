/** Optimizers, gradient clipping and learning-rate schedules. */
export {
  Optimizer, type BaseHyperparams, type BufferSpec, type FloatArray, type OptimizerParams, type ParamGroup, type ParamGroupSpec, type ParamState, type OptimizerStateDict,
} from './optimizer.js';
export { SGD, type SgdHyperparams, type SgdOptions } from './sgd.js';
export { Adam, AdamW, AdamBase, type AdamHyperparams, type AdamOptions } from './adam.js';
export { RMSprop, type RmspropHyperparams, type RmspropOptions } from './rmsprop.js';
export { Adagrad, type AdagradHyperparams, type AdagradOptions } from './adagrad.js';
export { coalesceRows, type CoalescedRows } from './sparse-rows.js';
export { clipGradNorm, type ClipGradNormOptions } from './clip-grad-norm.js';
export {
  ClosedFormScheduler, type LrScheduler, type ScheduleFactory, type SchedulableGroup, type SchedulableOptimizer, type SchedulerStateDict,
} from './lr-scheduler.js';
export { StepLR, type StepLROptions } from './step-lr.js';
export { ExponentialLR, type ExponentialLROptions } from './exponential-lr.js';
export { CosineWarmupLR, type CosineWarmupLROptions } from './cosine-warmup-lr.js';
export { CosineAnnealingLR, type CosineAnnealingLROptions } from './cosine-annealing-lr.js';
export { LinearLR, type LinearLROptions } from './linear-lr.js';
export { OneCycleLR, type OneCycleLROptions } from './one-cycle-lr.js';
export { SequentialLR } from './sequential-lr.js';
export { ChainedScheduler } from './chained-scheduler.js';
export { ReduceLROnPlateau, type ReduceLROnPlateauOptions } from './reduce-lr-on-plateau.js';
