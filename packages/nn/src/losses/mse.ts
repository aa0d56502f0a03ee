/** Mean squared error. */
import { Tensor } from '@tensorkit/core';
import { checkReduction, reduceLoss, type Reduction } from './reduction.js';

export interface MseLossOptions {
  reduction?: Reduction;
}

export function mseLoss(input: Tensor, target: Tensor, opts: MseLossOptions = {}): Tensor {
  const reduction = checkReduction('mseLoss', opts.reduction);
  if (!(input instanceof Tensor) || !(target instanceof Tensor)) throw new Error('mseLoss: input and target must be Tensors');
  // Silent broadcasting of [N] against [N, 1] is a classic bug, so shapes must match exactly.
  if (input.rank !== target.rank || input.shape.some((d, i) => d !== target.shape[i])) {
    throw new Error(`mseLoss: input shape [${input.shape.join(', ')}] and target shape [${target.shape.join(', ')}] must be equal`);
  }
  return reduceLoss(input.sub(target).square(), reduction);
}
