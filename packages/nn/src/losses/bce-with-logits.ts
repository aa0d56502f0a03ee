/**
 * Binary cross-entropy on logits, computed stably as
 *   (1 - y)·x + (1 + (pw - 1)·y)·softplus(-x)
 * where softplus(-x) = log1p(exp(-|x|)) + max(-x, 0). A fused op rather than
 * a composition: the composed form differentiates |x| and max(x, 0) at x = 0
 * to the wrong value, and zero logits are exactly where training starts.
 */
import { record, Tensor } from '@tensorkit/core';
import { checkOptionKeys, type OptionKeys } from '../options.js';
import { checkReduction, reduceLoss, type Reduction } from './reduction.js';
import { broadcastValues, checkSameShape } from './pointwise.js';

export interface BceWithLogitsOptions {
  /** Per-element rescaling, broadcast to the input (no gradient). */
  weight?: Tensor;
  /** Weight of positive examples, broadcast to the input (usually one per class, last dimension). */
  posWeight?: Tensor;
  reduction?: Reduction;
}

const OP = 'bceWithLogits';

function softplusNeg(x: number): number {
  return Math.log1p(Math.exp(-Math.abs(x))) + Math.max(-x, 0);
}

function sigmoidNeg(x: number): number {
  // σ(-x) without overflow for large |x|.
  if (x >= 0) {
    const e = Math.exp(-x);
    return e / (1 + e);
  }
  return 1 / (1 + Math.exp(x));
}

const KEYS: OptionKeys<BceWithLogitsOptions> = { weight: true, posWeight: true, reduction: true };

export function bceWithLogits(logits: Tensor, target: Tensor, opts: BceWithLogitsOptions = {}): Tensor {
  checkOptionKeys('bceWithLogits', opts, KEYS);
  const reduction = checkReduction(OP, opts.reduction);
  if (!(logits instanceof Tensor) || !(target instanceof Tensor)) throw new Error(`${OP}: logits and target must be Tensors`);
  if (logits.dtype !== 'float32' && logits.dtype !== 'float64') throw new Error(`${OP}: logits must be float32 or float64, got ${logits.dtype}`);
  checkSameShape(OP, 'logits', logits, target);
  const shape = logits.shape;
  const x = logits.toTypedArray();
  const y = target.toTypedArray();
  const w = broadcastValues(OP, 'weight', opts.weight, shape);
  const pw = broadcastValues(OP, 'posWeight', opts.posWeight, shape);
  const dtype = logits.dtype;
  const n = x.length;
  const out = dtype === 'float32' ? new Float32Array(n) : new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const coef = pw ? 1 + (pw[i] - 1) * y[i] : 1;
    const l = (1 - y[i]) * x[i] + coef * softplusNeg(x[i]);
    out[i] = w ? w[i] * l : l;
  }
  const loss = record(new Tensor(out, shape, dtype), OP, [logits, target], (g) => {
    const gv = g.contiguous().toTypedArray();
    const gx = dtype === 'float32' ? new Float32Array(n) : new Float64Array(n);
    const gy = target.requiresGrad ? new Float64Array(n) : null;
    for (let i = 0; i < n; i++) {
      const scale = gv[i] * (w ? w[i] : 1);
      const p = pw ? pw[i] : 1;
      gx[i] = scale * (1 - y[i] - (1 + (p - 1) * y[i]) * sigmoidNeg(x[i]));
      if (gy) gy[i] = scale * (-x[i] + (p - 1) * softplusNeg(x[i]));
    }
    return [new Tensor(gx, shape, dtype), gy ? new Tensor(gy, shape, 'float64').to(target.dtype) : null];
  }, [logits, target, ...[opts.weight, opts.posWeight].filter((t): t is Tensor => t instanceof Tensor)]); // the backward reads the weights too
  return reduceLoss(loss, reduction);
}
