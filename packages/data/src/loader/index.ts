export { arrayDataset, compose, mapDataset, mapIterable, Subset, type Dataset, type IterableDataset, type Transform } from './dataset.js';
export { randomSplit, splitSizes } from './split.js';
export {
  collateArrays,
  padSequences,
  stackArrays,
  type BoolArray,
  type CollateArraysOptions,
  type CollatedBatch,
  type CollateField,
  type NumericArray,
  type PadOptions,
  type PaddedArray,
  type StackedArray,
} from './collate.js';
export { DataLoader, type DataLoaderOptions, type IterateOptions, type LoaderCursor } from './data-loader.js';
export { prefetch } from './prefetch.js';
export { epochPermutation } from './shuffle.js';
export { batchStream, type BatchStreamOptions } from './batch-stream.js';
export { arrayToTensor, collateTensors, type TensorBatch } from './collate-tensors.js';
