/** Small shared assertions for the core test suite. */
import { expect } from 'vitest';
import { Generator, gradcheck, randn, Tensor, tensor, type GradcheckOptions, type NestedArray } from '@tensorkit/core';

function shapeOf(x: NestedArray): number[] {
  const shape: number[] = [];
  let cur: NestedArray = x;
  while (Array.isArray(cur)) {
    shape.push(cur.length);
    if (cur.length === 0) break;
    cur = cur[0];
  }
  return shape;
}

function flat(x: NestedArray, out: number[] = []): number[] {
  if (Array.isArray(x)) for (const v of x) flat(v, out);
  else out.push(typeof x === 'boolean' ? (x ? 1 : 0) : x);
  return out;
}

/**
 * Asserts that `actual` (a Tensor or nested array/number) has the shape of
 * `expected` and that every element is within `tol` (absolute, plus `tol`
 * relative to the expected magnitude). NaN matches NaN; ±Infinity must match exactly.
 */
export function expectClose(actual: Tensor | NestedArray, expected: NestedArray, tol = 1e-6): void {
  const act = actual instanceof Tensor ? actual.toArray() : actual;
  const actShape = actual instanceof Tensor ? [...actual.shape] : shapeOf(act);
  expect(actShape, 'shape').toEqual(shapeOf(expected));
  const a = flat(act);
  const e = flat(expected);
  expect(a.length).toBe(e.length);
  const bad: string[] = [];
  for (let i = 0; i < e.length; i++) {
    const ok = Number.isNaN(e[i]) ? Number.isNaN(a[i]) : !Number.isFinite(e[i]) ? a[i] === e[i] : Math.abs(a[i] - e[i]) <= tol * (1 + Math.abs(e[i]));
    if (!ok) bad.push(`[${i}] got ${a[i]}, expected ${e[i]}`);
  }
  if (bad.length) expect.fail(`${bad.length} element(s) differ beyond tol ${tol}: ${bad.slice(0, 5).join('; ')}`);
}

/** A float64 leaf that requires grad. */
export function f64(data: NestedArray): Tensor {
  return tensor(data, { dtype: 'float64', requiresGrad: true });
}

/** A seeded float64 normal leaf that requires grad. */
export function rnd(shape: number[], seed = 1, opts: { mean?: number; std?: number } = {}): Tensor {
  return randn(shape, { dtype: 'float64', requiresGrad: true, generator: new Generator(seed), ...opts });
}

/** Asserts gradcheck passes, showing its worst-element message on failure. */
export function expectGrad(fn: (...xs: Tensor[]) => Tensor | readonly Tensor[], inputs: Tensor[], opts: GradcheckOptions = {}): void {
  const r = gradcheck(fn, inputs, { ...opts, raise: false });
  expect(r.ok, r.message).toBe(true);
  expect(r.worst).not.toBeNull();
}
