/** The functional API: every op as a plain function (tensor methods call these). */
export * from './unary.js';
export { add, sub, mul, div, pow, maximum, minimum } from './binary.js';
export { eq, ne, lt, le, gt, ge, where, clamp } from './compare.js';
export { sum, mean, variance, std, max, min, argmax, argmin, logsumexp, prod, sumToShape, norm, any, all } from './reduce.js';
export { contiguous, clone, reshape, view, flatten, permute, transpose, slice, select, expand, squeeze, unsqueeze } from './view.js';
export { matmul } from './matmul.js';
export { softmax, logSoftmax } from './softmax.js';
export { concat, stack, split, chunk, pad, flip, repeat, roll } from './combine.js';
export { cumsum } from './cumulative.js';
export { sort, argsort, topk, type SortOptions, type TopkOptions, type SortResult } from './sort.js';
export { tril, triu } from './triangular.js';
export { floor, ceil, round, trunc, sign } from './rounding.js';
export { gather, scatterAdd, indexSelect, oneHot, maskedFill } from './indexing.js';
export { conv1d, conv2d, type Conv1dOptions, type Conv2dOptions, type Pair } from './conv.js';
export { conv2dMaxPool } from './conv-pool.js';
export { maxPool1d, maxPool2d, avgPool1d, avgPool2d, type Pool1dOptions, type Pool2dOptions } from './pool.js';
export { cast } from './cast.js';
