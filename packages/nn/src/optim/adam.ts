/**
 * Adam and AdamW with PyTorch's semantics (per-parameter step count for the
 * bias corrections):
 *   Adam:  g += wd·p                       (L2 penalty through the gradient)
 *   AdamW: p *= 1 - lr·wd                  (decoupled decay)
 *   m = β1·m + (1-β1)·g;  v = β2·v + (1-β2)·g²
 *   p -= lr/(1-β1^t) · m / (sqrt(v)/sqrt(1-β2^t) + eps)
 * Dense float32 updates go to the backend's fused kernel when it has one.
 *
 * Row-sparse gradients use LazyAdam semantics: only the touched rows' m, v
 * (and, for AdamW, decay) are updated; untouched rows keep stale moments
 * instead of decaying them, and t counts the parameter's updates.
 */
import { checkNumber, getBackend, NON_NEGATIVE, showValue } from '@tensorkit/core';
import { Optimizer, type BaseHyperparams, type BufferSpec, type FloatArray, type OptimizerParams, type ParamGroup, type ParamState } from './optimizer.js';
import type { CoalescedRows } from './sparse-rows.js';

export interface AdamHyperparams extends BaseHyperparams {
  betas: [number, number];
  eps: number;
}

export type AdamOptions = Partial<AdamHyperparams>;

interface StepConstants {
  lr: number;
  b1: number;
  b2: number;
  eps: number;
  l2: number;
  decay: number;
  stepSize: number;
  bc2Sqrt: number;
}

type Params = OptimizerParams<AdamHyperparams>;

const BETA = { min: 0, max: 1, maxOpen: true };

/** The shared update; Adam and AdamW differ only in how weight decay is applied. */
export abstract class AdamBase extends Optimizer<AdamHyperparams> {
  protected constructor(
    type: string,
    /** True for AdamW: weight decay multiplies the parameter instead of entering the gradient. */
    protected readonly decoupled: boolean,
    params: Params,
    opts: AdamOptions,
  ) {
    super(type, params, { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: decoupled ? 1e-2 : 0 }, opts);
  }

  protected override validateHyperparams(h: AdamHyperparams, where: string): void {
    super.validateHyperparams(h, where);
    if (!Array.isArray(h.betas) || h.betas.length !== 2) throw new Error(`${where}: betas must be an array of 2 numbers in [0, 1), got ${showValue(h.betas)}`);
    checkNumber(where, 'betas[0]', h.betas[0], BETA);
    checkNumber(where, 'betas[1]', h.betas[1], BETA);
    checkNumber(where, 'eps', h.eps, NON_NEGATIVE);
  }

  protected override stateBuffers(): Record<string, BufferSpec> {
    return { m: { required: true, nonNegative: false }, v: { required: true, nonNegative: true } };
  }

  private constants(group: ParamGroup<AdamHyperparams>, t: number): StepConstants {
    const { lr, eps, weightDecay } = group;
    const [b1, b2] = group.betas;
    return {
      lr, b1, b2, eps,
      l2: this.decoupled ? 0 : weightDecay,
      decay: this.decoupled ? 1 - lr * weightDecay : 1,
      stepSize: lr / (1 - b1 ** t),
      bc2Sqrt: Math.sqrt(1 - b2 ** t),
    };
  }

  protected updateDense(p: FloatArray, g: FloatArray, group: ParamGroup<AdamHyperparams>, st: ParamState): void {
    const backend = getBackend();
    // Big float32 moments live in the backend's memory when it offers it: its kernel then moves only p and g.
    const alloc = p instanceof Float32Array && backend.allocFloat32 ? (n: number) => backend.allocFloat32!(n) : undefined;
    const m = this.buffer(st, 'm', p, alloc);
    const v = this.buffer(st, 'v', p, alloc);
    st.step++;
    const t = st.step;
    if (backend.adamUpdate && p instanceof Float32Array && m instanceof Float32Array && v instanceof Float32Array) {
      const [beta1, beta2] = group.betas;
      const accepted = backend.adamUpdate({
        param: p, grad: g instanceof Float32Array ? g : Float32Array.from(g), m, v,
        lr: group.lr, beta1, beta2, eps: group.eps,
        biasCorrection1: 1 - beta1 ** t, biasCorrection2: 1 - beta2 ** t,
        weightDecay: this.decoupled ? 0 : group.weightDecay,
        decoupledWeightDecay: this.decoupled ? group.weightDecay : 0,
      });
      if (accepted) return;
    }
    const k = this.constants(group, t);
    for (let i = 0; i < p.length; i++) adamElement(p, m, v, i, g[i], k);
  }

  protected updateSparse(p: FloatArray, c: CoalescedRows, group: ParamGroup<AdamHyperparams>, st: ParamState): void {
    const backend = getBackend();
    // Moments of big float32 tables live in the backend's memory when it offers it, so its row kernel updates them in place.
    const alloc = p instanceof Float32Array && backend.allocFloat32 ? (n: number) => backend.allocFloat32!(n) : undefined;
    const m = this.buffer(st, 'm', p, alloc);
    const v = this.buffer(st, 'v', p, alloc);
    st.step++;
    const k = this.constants(group, st.step);
    if (p instanceof Float32Array && m instanceof Float32Array && v instanceof Float32Array) {
      const done = backend.sparseAdamRows?.({
        param: p, m, v, rows: c.rows, grad: c.values, rowSize: c.rowSize,
        beta1: k.b1, beta2: k.b2, eps: k.eps, stepSize: k.stepSize, invBc2: 1 / k.bc2Sqrt, l2: k.l2, decay: k.decay,
      });
      if (!done) adamRowsF32(p, m, v, c, k);
    }
    else {
      for (let r = 0; r < c.rows.length; r++) {
        const start = c.rows[r] * c.rowSize;
        const off = r * c.rowSize - start;
        for (let i = start; i < start + c.rowSize; i++) adamElement(p, m, v, i, c.values[off + i], k);
      }
    }
  }
}

/** adamElement over the rows of a coalesced gradient, float32 state: same arithmetic, constants in locals. */
function adamRowsF32(p: Float32Array, m: Float32Array, v: Float32Array, c: CoalescedRows, k: StepConstants): void {
  const { b1, b2, eps, l2, decay, stepSize, bc2Sqrt } = k;
  const ob1 = 1 - b1;
  const ob2 = 1 - b2;
  const rows = c.rows;
  const vals = c.values;
  const D = c.rowSize;
  const plain = l2 === 0 && decay === 1;
  // Multiplying by 1/sqrt(1-β2^t) instead of dividing differs by at most 1 ulp
  // (as in the backends' dense kernel) and keeps one division per element.
  const invBc2 = 1 / bc2Sqrt;
  for (let r = 0; r < rows.length; r++) {
    const start = rows[r] * D;
    const end = start + D;
    const off = r * D - start;
    if (plain) {
      // Math.fround gives the stored float32 moments without reading them back.
      for (let i = start; i < end; i++) {
        const g = vals[off + i];
        const mi = Math.fround(b1 * m[i] + ob1 * g);
        const vi = Math.fround(b2 * v[i] + ob2 * g * g);
        m[i] = mi;
        v[i] = vi;
        p[i] -= (stepSize * mi) / (Math.sqrt(vi) * invBc2 + eps);
      }
      continue;
    }
    for (let i = start; i < end; i++) {
      let g = vals[off + i];
      if (l2 !== 0) g += l2 * p[i];
      if (decay !== 1) p[i] *= decay;
      const mi = Math.fround(b1 * m[i] + ob1 * g);
      const vi = Math.fround(b2 * v[i] + ob2 * g * g);
      m[i] = mi;
      v[i] = vi;
      p[i] -= (stepSize * mi) / (Math.sqrt(vi) * invBc2 + eps);
    }
  }
}

function adamElement(p: FloatArray, m: FloatArray, v: FloatArray, i: number, grad: number, k: StepConstants): void {
  let g = grad;
  if (k.l2 !== 0) g += k.l2 * p[i];
  if (k.decay !== 1) p[i] *= k.decay;
  m[i] = k.b1 * m[i] + (1 - k.b1) * g;
  v[i] = k.b2 * v[i] + (1 - k.b2) * g * g;
  p[i] -= (k.stepSize * m[i]) / (Math.sqrt(v[i]) / k.bc2Sqrt + k.eps);
}

export class Adam extends AdamBase {
  constructor(params: Params, opts: AdamOptions = {}) {
    super('Adam', false, params, opts);
  }
}

/** Adam with decoupled weight decay (default weightDecay 0.01, as in PyTorch). */
export class AdamW extends AdamBase {
  constructor(params: Params, opts: AdamOptions = {}) {
    super('AdamW', true, params, opts);
  }
}
