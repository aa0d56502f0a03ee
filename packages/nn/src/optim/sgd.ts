/**
 * Stochastic gradient descent with PyTorch's semantics:
 *   d = g + wd·p
 *   buf = d on the first step, else momentum·buf + (1 - dampening)·d
 *   d = nesterov ? d + momentum·buf : buf
 *   p -= lr·d
 * Row-sparse gradients update only the touched rows (and their momentum
 * rows); a row's momentum decays only on steps that touch it.
 */
import type { Tensor } from '@tensorkit/core';
import { Optimizer, type BaseHyperparams, type FloatArray, type ParamGroup, type ParamGroupSpec, type ParamState } from './optimizer.js';
import type { CoalescedRows } from './sparse-rows.js';

export interface SgdHyperparams extends BaseHyperparams {
  momentum: number;
  dampening: number;
  nesterov: boolean;
}

export type SgdOptions = Partial<SgdHyperparams> & { lr: number };

export class SGD extends Optimizer<SgdHyperparams> {
  constructor(params: readonly Tensor[] | readonly ParamGroupSpec<SgdHyperparams>[], opts: SgdOptions) {
    // lr has no default: a missing one stays undefined and is refused by validateHyperparams.
    super('SGD', params, { lr: undefined as unknown as number, momentum: 0, dampening: 0, nesterov: false, weightDecay: 0 }, opts);
  }

  protected override validateHyperparams(h: SgdHyperparams, group: number): void {
    super.validateHyperparams(h, group);
    if (!(h.momentum >= 0)) throw new Error(`SGD: group ${group}: momentum must be ≥ 0, got ${h.momentum}`);
    if (h.nesterov && (h.momentum <= 0 || h.dampening !== 0)) throw new Error(`SGD: group ${group}: nesterov needs momentum > 0 and dampening = 0`);
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
