/**
 * Adagrad with PyTorch's semantics (t counts the parameter's updates, from 1):
 *   g += wd·p                                  (L2 penalty through the gradient)
 *   clr = lr / (1 + (t - 1)·lrDecay)
 *   sum += g²                                  (starts at initialAccumulatorValue)
 *   p -= clr · g / (sqrt(sum) + eps)
 * Buffer (checkpointed): 'sum'. Row-sparse gradients update only the touched rows
 * (as PyTorch's sparse Adagrad), and like PyTorch refuse weight decay.
 */
import { checkNumber, NON_NEGATIVE } from '@tensorkit/core';
import type { Tensor } from '@tensorkit/core';
import { Optimizer, type BaseHyperparams, type BufferSpec, type FloatArray, type OptimizerParams, type ParamGroup, type ParamState } from './optimizer.js';
import type { CoalescedRows } from './sparse-rows.js';

export interface AdagradHyperparams extends BaseHyperparams {
  /** Learning-rate decay per update (default 0). */
  lrDecay: number;
  /** Starting value of the squared-gradient sum (default 0). */
  initialAccumulatorValue: number;
  /** Added to the denominator (default 1e-10). */
  eps: number;
}

export type AdagradOptions = Partial<AdagradHyperparams>;

export class Adagrad extends Optimizer<AdagradHyperparams> {
  constructor(params: OptimizerParams<AdagradHyperparams>, opts: AdagradOptions = {}) {
    super('Adagrad', params, { lr: 1e-2, lrDecay: 0, weightDecay: 0, initialAccumulatorValue: 0, eps: 1e-10 }, opts);
  }

  protected override validateHyperparams(h: AdagradHyperparams, where: string): void {
    super.validateHyperparams(h, where);
    checkNumber(where, 'lrDecay', h.lrDecay, NON_NEGATIVE);
    checkNumber(where, 'initialAccumulatorValue', h.initialAccumulatorValue, NON_NEGATIVE);
    checkNumber(where, 'eps', h.eps, NON_NEGATIVE);
  }

  protected override stateBuffers(): Record<string, BufferSpec> {
    return { sum: { required: true, nonNegative: true } };
  }

  /** Weight decay with a row-sparse gradient is refused, as in PyTorch. */
  protected override checkSparse(_p: Tensor, _index: number, group: ParamGroup<AdagradHyperparams>): void {
    if (group.weightDecay !== 0) {
      throw new Error(`Adagrad: weightDecay (${group.weightDecay}) is not compatible with row-sparse gradients (as in PyTorch); set it to 0 for the embedding's group`);
    }
  }

  /** The 'sum' buffer, filled with initialAccumulatorValue when created; advances t and returns clr. */
  private begin(p: FloatArray, group: ParamGroup<AdagradHyperparams>, st: ParamState): { sum: FloatArray; clr: number } {
    const fresh = !st.buffers.sum;
    const sum = this.buffer(st, 'sum', p);
    if (fresh) sum.fill(group.initialAccumulatorValue);
    st.step++;
    return { sum, clr: group.lr / (1 + (st.step - 1) * group.lrDecay) };
  }

  protected updateDense(p: FloatArray, g: FloatArray, group: ParamGroup<AdagradHyperparams>, st: ParamState): void {
    const { sum, clr } = this.begin(p, group, st);
    const { eps, weightDecay } = group;
    for (let i = 0; i < p.length; i++) {
      let d = g[i];
      if (weightDecay !== 0) d += weightDecay * p[i];
      sum[i] += d * d;
      p[i] -= (clr * d) / (Math.sqrt(sum[i]) + eps);
    }
  }

  protected updateSparse(p: FloatArray, c: CoalescedRows, group: ParamGroup<AdagradHyperparams>, st: ParamState): void {
    const { sum, clr } = this.begin(p, group, st);
    const { eps } = group;
    for (let k = 0; k < c.rows.length; k++) {
      const start = c.rows[k] * c.rowSize;
      const off = k * c.rowSize - start;
      for (let i = start; i < start + c.rowSize; i++) {
        const d = c.values[off + i];
        sum[i] += d * d;
        p[i] -= (clr * d) / (Math.sqrt(sum[i]) + eps);
      }
    }
  }
}
