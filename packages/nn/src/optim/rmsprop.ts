/**
 * RMSprop with PyTorch's semantics:
 *   g += wd·p                                  (L2 penalty through the gradient)
 *   sq = α·sq + (1-α)·g²
 *   centered:  ga = α·ga + (1-α)·g;  avg = sqrt(sq - ga²) + eps
 *   else:      avg = sqrt(sq) + eps
 *   momentum > 0:  buf = momentum·buf + g/avg;  p -= lr·buf
 *   else:          p -= lr·g/avg
 * Buffers (checkpointed): 'squareAvg', 'gradAvg' (centered), 'momentum' (momentum > 0).
 * Row-sparse gradients are refused, as in PyTorch.
 */
import { checkBoolean, checkNumber, NON_NEGATIVE, UNIT } from '@tensorkit/core';
import type { Tensor } from '@tensorkit/core';
import { Optimizer, type BaseHyperparams, type BufferSpec, type FloatArray, type OptimizerParams, type ParamGroup, type ParamState } from './optimizer.js';

export interface RmspropHyperparams extends BaseHyperparams {
  /** Smoothing constant of the squared-gradient average (default 0.99). */
  alpha: number;
  /** Added to the denominator (default 1e-8). */
  eps: number;
  /** Momentum factor (default 0). */
  momentum: number;
  /** Normalise by the estimated variance of the gradient instead of its second moment (default false). */
  centered: boolean;
}

export type RmspropOptions = Partial<RmspropHyperparams>;

export class RMSprop extends Optimizer<RmspropHyperparams> {
  constructor(params: OptimizerParams<RmspropHyperparams>, opts: RmspropOptions = {}) {
    super('RMSprop', params, { lr: 1e-2, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false }, opts);
  }

  protected override validateHyperparams(h: RmspropHyperparams, where: string): void {
    super.validateHyperparams(h, where);
    checkNumber(where, 'alpha', h.alpha, UNIT);
    checkNumber(where, 'eps', h.eps, NON_NEGATIVE);
    checkNumber(where, 'momentum', h.momentum, NON_NEGATIVE);
    checkBoolean(where, 'centered', h.centered);
  }

  /** Only squareAvg is made at every first update; the others follow centered / momentum, which may be switched on later. */
  protected override stateBuffers(): Record<string, BufferSpec> {
    return {
      squareAvg: { required: true, nonNegative: true },
      gradAvg: { required: false, nonNegative: false },
      momentum: { required: false, nonNegative: false },
    };
  }

  /** Row-sparse-only gradients are refused, as in PyTorch (a sparse part beside a dense grad is folded into it). */
  protected override checkSparse(p: Tensor, index: number): void {
    throw new Error(`RMSprop: parameter ${index} (shape [${p.shape.join(', ')}]) has a row-sparse gradient, which RMSprop does not support (as in PyTorch); use SGD, Adam or Adagrad for it, or create the embedding with sparse: false`);
  }

  protected updateDense(p: FloatArray, g: FloatArray, group: ParamGroup<RmspropHyperparams>, st: ParamState): void {
    const { lr, alpha, eps, weightDecay, momentum, centered } = group;
    const sq = this.buffer(st, 'squareAvg', p);
    const ga = centered ? this.buffer(st, 'gradAvg', p) : null;
    const buf = momentum > 0 ? this.buffer(st, 'momentum', p) : null;
    st.step++;
    for (let i = 0; i < p.length; i++) {
      let d = g[i];
      if (weightDecay !== 0) d += weightDecay * p[i];
      sq[i] = alpha * sq[i] + (1 - alpha) * d * d;
      let avg: number;
      if (ga) {
        ga[i] = alpha * ga[i] + (1 - alpha) * d;
        avg = Math.sqrt(sq[i] - ga[i] * ga[i]) + eps;
      } else {
        avg = Math.sqrt(sq[i]) + eps;
      }
      if (buf) {
        buf[i] = momentum * buf[i] + d / avg;
        p[i] -= lr * buf[i];
      } else {
        p[i] -= (lr * d) / avg;
      }
    }
  }

  /** Never reached: checkSparse refuses row-sparse gradients first. */
  protected updateSparse(): void {
    throw new Error('RMSprop: row-sparse gradients are not supported');
  }
}
