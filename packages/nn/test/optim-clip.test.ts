import { describe, expect, it } from 'vitest';
import { tensor } from '@tensorkit/core';
import { clipGradNorm } from '../src/optim/index.js';

describe('clipGradNorm', () => {
  it('computes the global norm over dense and (coalesced) sparse gradients and scales both', () => {
    const a = tensor([0, 0], { requiresGrad: true });
    const e = tensor([[0, 0], [0, 0]], { requiresGrad: true });
    a.grad = tensor([3, 0]);
    // Row 1 listed twice: (1,1)+(1,1) = (2,2), so the sparse part contributes 8, not 4.
    e.sparseGrad = { rows: Int32Array.from([1, 1]), values: Float32Array.from([1, 1, 1, 1]), rowSize: 2 };
    const shared = a.grad;
    const norm = clipGradNorm([a, e], 1);
    expect(norm).toBeCloseTo(Math.sqrt(9 + 8), 6);
    const coef = 1 / (Math.sqrt(17) + 1e-6);
    expect(a.grad!.toTypedArray()[0]).toBeCloseTo(3 * coef, 6);
    expect(Array.from(e.sparseGrad!.values).every((v) => Math.abs(v - coef) < 1e-6)).toBe(true);
    // The original gradient tensor was not modified in place.
    expect(shared.toArray()).toEqual([3, 0]);
  });

  it('leaves small gradients alone', () => {
    const a = tensor([0, 0], { requiresGrad: true });
    a.grad = tensor([0.3, 0.4]);
    const g = a.grad;
    expect(clipGradNorm([a], 1)).toBeCloseTo(0.5, 6);
    expect(a.grad).toBe(g);
  });

  it('flags non-finite norms without touching gradients, or throws on request', () => {
    const a = tensor([0, 0], { requiresGrad: true });
    a.grad = tensor([NaN, 1]);
    const g = a.grad;
    expect(clipGradNorm([a], 1)).toBeNaN();
    expect(a.grad).toBe(g);
    a.grad = tensor([Infinity, 1]);
    expect(clipGradNorm([a], 1)).toBe(Infinity);
    expect(() => clipGradNorm([a], 1, { errorIfNonfinite: true })).toThrow('total gradient norm is Infinity');
  });

  it('refuses an unknown option key, as the optimizers do (error_if_nonfinite was ignored)', () => {
    const a = tensor([0], { requiresGrad: true });
    a.grad = tensor([1]);
    expect(() => clipGradNorm([a], 1, { error_if_nonfinite: true } as never)).toThrow("clipGradNorm: unknown option 'error_if_nonfinite' (did you mean 'errorIfNonfinite'?)");
  });
});
