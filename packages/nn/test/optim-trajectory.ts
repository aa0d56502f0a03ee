/** Shared by the optimizer tests: a fixed gradient sequence on a 2-element parameter, and its check. */
import { expect } from 'vitest';
import { tensor, type Tensor } from '@tensorkit/core';
import type { Optimizer } from '../src/optim/index.js';

const GRADS = [[0.5, 1], [-0.3, 0.2], [0.1, 0.1]];

/** Runs `steps` updates of a 2-element parameter starting at [1, -2] and returns the parameter after each. */
export function trajectory(make: (p: Tensor) => Optimizer<any>, steps = 3, dtype: 'float32' | 'float64' = 'float64'): number[][] {
  const p = tensor([1, -2], { dtype, requiresGrad: true });
  const opt = make(p);
  const out: number[][] = [];
  for (let s = 0; s < steps; s++) {
    p.grad = tensor(GRADS[s], { dtype });
    opt.step();
    out.push(Array.from(p.storage));
  }
  return out;
}

export function expectTrajectory(got: number[][], expected: number[][], digits = 12): void {
  expected.forEach((row, s) => row.forEach((v, i) => expect(got[s][i]).toBeCloseTo(v, digits)));
}
