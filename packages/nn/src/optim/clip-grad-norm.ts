/**
 * Global L2-norm gradient clipping over dense and row-sparse gradients.
 * Gradients are replaced by scaled copies rather than scaled in place: a
 * leaf's .grad may share storage with another tensor's gradient.
 */
import { showValue, Tensor } from '@tensorkit/core';
import { checkOptionKeys, type OptionKeys } from '../options.js';
import { coalesceRows } from './sparse-rows.js';

export interface ClipGradNormOptions {
  /** Throw instead of returning when the norm is NaN or infinite (default false). */
  errorIfNonfinite?: boolean;
}

/**
 * Scales all gradients so that their joint L2 norm is at most `maxNorm`, and
 * returns the norm before clipping. A non-finite norm leaves the gradients
 * untouched and is returned as is: check `Number.isFinite(norm)` and skip the
 * optimizer step (a NaN guard).
 */
const KEYS: OptionKeys<ClipGradNormOptions> = { errorIfNonfinite: true };

export function clipGradNorm(params: Iterable<Tensor> | Tensor, maxNorm: number, opts: ClipGradNormOptions = {}): number {
  checkOptionKeys('clipGradNorm', opts, KEYS);
  // Infinity is allowed: it measures the norm without clipping.
  if (typeof maxNorm !== 'number' || !(maxNorm >= 0)) throw new Error(`clipGradNorm: maxNorm must be a number ≥ 0, got ${showValue(maxNorm)}`);
  const list = paramList(params);
  let sumSq = 0;
  for (const p of list) {
    if (p.grad) {
      const g = p.grad.toTypedArray();
      for (let i = 0; i < g.length; i++) sumSq += g[i] * g[i];
    }
    if (p.sparseGrad) {
      // Duplicate rows add up before squaring.
      const c = coalesceRows(p.sparseGrad, p.shape[0], 'clipGradNorm');
      for (let i = 0; i < c.values.length; i++) sumSq += c.values[i] * c.values[i];
    }
  }
  const norm = Math.sqrt(sumSq);
  if (!Number.isFinite(norm)) {
    if (opts.errorIfNonfinite) throw new Error(`clipGradNorm: the total gradient norm is ${norm}; gradients were left unchanged`);
    return norm;
  }
  const coef = maxNorm / (norm + 1e-6);
  if (coef >= 1) return norm;
  for (const p of list) {
    if (p.grad) {
      const g = p.grad.toTypedArray();
      const out = g instanceof Float64Array ? new Float64Array(g.length) : new Float32Array(g.length);
      for (let i = 0; i < g.length; i++) out[i] = g[i] * coef;
      p.grad = new Tensor(out, p.grad.shape, out instanceof Float64Array ? 'float64' : 'float32');
    }
    if (p.sparseGrad) {
      const { rows, values, rowSize } = p.sparseGrad;
      const scaled = values instanceof Float64Array ? new Float64Array(values.length) : new Float32Array(values.length);
      for (let i = 0; i < values.length; i++) scaled[i] = values[i] * coef;
      p.sparseGrad = { rows, values: scaled, rowSize };
    }
  }
  return norm;
}

/** A single tensor (as PyTorch accepts) or an iterable of tensors, as an array. */
function paramList(params: unknown): Tensor[] {
  if (params instanceof Tensor) return [params];
  if (typeof params !== 'object' || params === null || typeof (params as Iterable<unknown>)[Symbol.iterator] !== 'function') {
    throw new Error(`clipGradNorm: params must be a Tensor or an iterable of tensors (e.g. model.parameters()), got ${showValue(params)}`);
  }
  const list = [...(params as Iterable<unknown>)];
  list.forEach((p, i) => {
    if (!(p instanceof Tensor)) throw new Error(`clipGradNorm: params[${i}] must be a Tensor, got ${showValue(p)}`);
  });
  return list as Tensor[];
}
