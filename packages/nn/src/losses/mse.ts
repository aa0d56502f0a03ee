/** Mean squared error. */
import type { Tensor } from '@tensorkit/core';
import { checkOptionKeys, type OptionKeys } from '../options.js';
import { checkPair } from './pointwise.js';
import { checkReduction, reduceLoss, type Reduction } from './reduction.js';

export interface MseLossOptions {
  reduction?: Reduction;
}

const KEYS: OptionKeys<MseLossOptions> = { reduction: true };

export function mseLoss(input: Tensor, target: Tensor, opts: MseLossOptions = {}): Tensor {
  checkOptionKeys('mseLoss', opts, KEYS);
  const reduction = checkReduction('mseLoss', opts.reduction);
  // A float input, as the other pointwise losses (and PyTorch) require: an int32 one squared in int32 and wrapped.
  checkPair('mseLoss', input, target);
  return reduceLoss(input.sub(target).square(), reduction);
}
