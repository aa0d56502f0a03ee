/** Mean squared error. */
import { Tensor } from '@tensorkit/core';
import { checkOptionKeys, type OptionKeys } from '../options.js';
import { checkSameShape } from './pointwise.js';
import { checkReduction, reduceLoss, type Reduction } from './reduction.js';

export interface MseLossOptions {
  reduction?: Reduction;
}

const KEYS: OptionKeys<MseLossOptions> = { reduction: true };

export function mseLoss(input: Tensor, target: Tensor, opts: MseLossOptions = {}): Tensor {
  checkOptionKeys('mseLoss', opts, KEYS);
  const reduction = checkReduction('mseLoss', opts.reduction);
  if (!(input instanceof Tensor) || !(target instanceof Tensor)) throw new Error('mseLoss: input and target must be Tensors');
  checkSameShape('mseLoss', 'input', input, target);
  return reduceLoss(input.sub(target).square(), reduction);
}
