import { describe, expect, it } from 'vitest';
import { gradcheck, record, Tensor, tensor, type GradcheckResult } from '@tensorkit/core';
import { f64, rnd } from './helpers.js';

/** y = a·b elementwise, with the gradient for b deliberately off by +1 at element `bad`. */
function buggyMul(a: Tensor, b: Tensor, bad: number): Tensor {
  const out = a.detach().mul(b.detach());
  return record(out, 'buggyMul', [a, b], (g) => {
    const gb = g.mul(a.detach()).contiguous().clone();
    gb.storage[bad] += 1;
    return [g.mul(b.detach()), gb];
  });
}

describe('gradcheck', () => {
  it('passes a correct function and reports its worst element', () => {
    const r: GradcheckResult = gradcheck((x, w) => x.matmul(w).tanh(), [rnd([2, 3], 1), rnd([3, 2], 2)]);
    expect(r.ok).toBe(true);
    expect(r.worst).not.toBeNull();
    expect([0, 1]).toContain(r.worst!.input);
    expect(r.worst!.error).toBeLessThan(1e-6);
    expect(r.message).toMatch(/^gradcheck passed: worst element is input \d\[\d+\]: analytic .* numeric .*/);
  });

  it('finds the wrong element and reports it', () => {
    const a = f64([[0.5, -1.0, 2.0], [1.5, 0.3, -0.7]]);
    const b = f64([[1.0, 2.0, -1.0], [0.4, -0.2, 0.9]]);
    const r = gradcheck((x, y) => buggyMul(x, y, 4), [a, b], { raise: false });
    expect(r.ok).toBe(false);
    expect(r.worst!.input).toBe(1);
    expect(r.worst!.index).toBe(4);
    // The scalarisation weights are fixed random numbers, so the true derivative is w·a[4];
    // the buggy analytic value adds exactly 1.
    expect(r.worst!.analytic - r.worst!.numeric).toBeCloseTo(1, 6);
    expect(r.worst!.error).toBeCloseTo(1, 6);
    expect(r.message).toMatch(/^gradcheck FAILED: worst element is input 1\[4\]/);
    expect(() => gradcheck((x, y) => buggyMul(x, y, 4), [a, b])).toThrow(/gradcheck FAILED: worst element is input 1\[4\]/);
  });

  it('detects a missing gradient path', () => {
    const r = gradcheck((x) => x.detach().mul(x), [f64([1, 2])], { raise: false });
    expect(r.ok).toBe(false);
  });

  it('tolerances are configurable', () => {
    const a = f64([1, 2]);
    const b = f64([3, 4]);
    expect(gradcheck((x, y) => buggyMul(x, y, 0), [a, b], { atol: 10 }).ok).toBe(true);
    expect(gradcheck((x) => x.exp(), [f64([0.1, 0.2])], { eps: 0.1, rtol: 1e-6, atol: 1e-12, raise: false }).ok).toBe(false);
    const r1 = gradcheck((x) => x.sin(), [f64([0.1, 0.2])], { seed: 1 });
    const r2 = gradcheck((x) => x.sin(), [f64([0.1, 0.2])], { seed: 2 });
    expect(r1.worst!.numeric).not.toBe(r2.worst!.numeric);
  });

  it('needs float64 for inputs that require grad; others may be anything', () => {
    expect(() => gradcheck((x) => x.square(), [tensor([1, 2], { requiresGrad: true })])).toThrow(
      'gradcheck: input 0 must be float64 (got float32); finite differences in float32 are too noisy',
    );
    const fixed = tensor([1, 2]); // float32 constant
    expect(gradcheck((x, c) => x.mul(c), [f64([3, 4]), fixed]).ok).toBe(true);
    // As PyTorch: a check of nothing is an error, not ok: true.
    expect(() => gradcheck((c) => c.square(), [fixed])).toThrow('gradcheck: no input requires grad (1 input(s)); call requiresGrad_() on the float64 inputs to check');
    expect(() => gradcheck(() => fixed, [])).toThrow('gradcheck: no input requires grad (0 input(s))');
  });

  it('handles several outputs and non-contiguous inputs', () => {
    expect(gradcheck((x) => [x.sum(0), x.exp().max(1)], [rnd([2, 3], 3)]).ok).toBe(true);
    const v = rnd([3, 2], 4).detach().T.requiresGrad_();
    expect(v.isContiguous()).toBe(false);
    expect(gradcheck((x) => x.square(), [v]).ok).toBe(true);
  });

  it('leaves its inputs untouched', () => {
    const x = f64([0.5, 1.5]);
    gradcheck((t) => t.square(), [x]);
    expect(x.grad).toBeNull();
    expect(x.toArray()).toEqual([0.5, 1.5]);
  });

  it('fails on NaN, reporting the first NaN element', () => {
    // NaN forward value at element 0 poisons every numeric derivative; element 0 is reported
    const r = gradcheck((x) => x.sqrt(), [f64([-1, 4, 9])], { raise: false });
    expect(r.ok).toBe(false);
    expect(r.worst!.index).toBe(0);
    // finite forward, NaN analytic gradient at element 1 only
    const nanGrad = (x: Tensor) => record(x.detach().mul(2), 'nanGrad', [x], (g) => {
      const d = g.mul(2).contiguous().clone();
      d.storage[1] = NaN;
      return [d];
    });
    const r2 = gradcheck(nanGrad, [f64([1, 2, 3])], { raise: false });
    expect(r2.ok).toBe(false);
    expect(r2.worst!.index).toBe(1);
    expect(r2.worst!.analytic).toBeNaN();
  });
});
