/**
 * Stochastic gradient descent with PyTorch's semantics:
 *   d = g + wd·p
 *   buf = d on the first step, else momentum·buf + (1 - dampening)·d
 *   d = nesterov ? d + momentum·buf : buf
 *   p -= lr·d
 * Row-sparse gradients update only the touched rows (and their momentum
 * rows); a row's momentum decays only on steps that touch it.
 */
import { checkBoolean, checkNumber, NON_NEGATIVE, UNIT } from '@tensorkit/core';
import { Optimizer, type BaseHyperparams, type BufferSpec, type FloatArray, type OptimizerParams, type ParamGroup, type ParamState } from './optimizer.js';
import type { CoalescedRows } from './sparse-rows.js';

export interface SgdHyperparams extends BaseHyperparams {
  momentum: number;
  dampening: number;
  nesterov: boolean;
}

export type SgdOptions = Partial<SgdHyperparams> & { lr: number };

export class SGD extends Optimizer<SgdHyperparams> {
  constructor(params: OptimizerParams<SgdHyperparams>, opts: SgdOptions) {
    // lr has no default: a missing one stays undefined and is refused by validateHyperparams.
    super('SGD', params, { lr: undefined as unknown as number, momentum: 0, dampening: 0, nesterov: false, weightDecay: 0 }, opts);
  }

  protected override validateHyperparams(h: SgdHyperparams, where: string): void {
    super.validateHyperparams(h, where);
    checkNumber(where, 'momentum', h.momentum, NON_NEGATIVE);
    checkNumber(where, 'dampening', h.dampening, UNIT);
    if (checkBoolean(where, 'nesterov', h.nesterov) && (h.momentum <= 0 || h.dampening !== 0)) throw new Error(`${where}: nesterov needs momentum > 0 and dampening = 0`);
  }

  /** No buffer is required: one whose momentum was switched on after its last update has none yet. */
  protected override stateBuffers(): Record<string, BufferSpec> {
    return { momentum: { required: false, nonNegative: false } };
  }

  protected updateDense(p: FloatArray, g: FloatArray, group: ParamGroup<SgdHyperparams>, st: ParamState): void {
    this.updateRange(p, (i) => g[i], 0, p.length, group, st);
    st.step++;
  }

  protected updateSparse(p: FloatArray, c: CoalescedRows, group: ParamGroup<SgdHyperparams>, st: ParamState): void {
    for (let k = 0; k < c.rows.length; k++) {
      const start = c.rows[k] * c.rowSize;
      const off = k * c.rowSize - start;
      this.updateRange(p, (i) => c.values[off + i], start, start + c.rowSize, group, st);
    }
    st.step++;
  }

  private updateRange(p: FloatArray, grad: (i: number) => number, from: number, to: number, group: ParamGroup<SgdHyperparams>, st: ParamState): void {
    const { lr, momentum, dampening, nesterov, weightDecay } = group;
    const first = st.step === 0;
    const buf = momentum !== 0 ? this.buffer(st, 'momentum', p) : null;
    for (let i = from; i < to; i++) {
      let d = grad(i);
      if (weightDecay !== 0) d += weightDecay * p[i];
      if (buf) {
        buf[i] = first ? d : momentum * buf[i] + (1 - dampening) * d;
        d = nesterov ? d + momentum * buf[i] : buf[i];
      }
      p[i] -= lr * d;
    }
  }
}
