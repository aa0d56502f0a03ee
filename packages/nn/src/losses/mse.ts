/** Mean squared error. */
import { Tensor } from '@tensorkit/core';
import { checkSameShape } from './pointwise.js';
import { checkReduction, reduceLoss, type Reduction } from './reduction.js';

export interface MseLossOptions {
  reduction?: Reduction;
}

export function mseLoss(input: Tensor, target: Tensor, opts: MseLossOptions = {}): Tensor {
  const reduction = checkReduction('mseLoss', opts.reduction);
  if (!(input instanceof Tensor) || !(target instanceof Tensor)) throw new Error('mseLoss: input and target must be Tensors');
  checkSameShape('mseLoss', 'input', input, target);
  return reduceLoss(input.sub(target).square(), reduction);
}
