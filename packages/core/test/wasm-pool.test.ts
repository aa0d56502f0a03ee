/** Max pooling on the wasm backend (2×2 forward kernel and its backward) against the TypeScript path. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Generator, jsBackend, maxPool2d, randn, registerBackend, withBackend } from '@tensorkit/core';
import { createWasmBackend, type WasmBackend } from '../src/backend/wasm/index.js';

function run(backend: string, shape: [number, number, number, number]): { y: number[]; dx: number[] } {
  return withBackend(backend, () => {
    const g = new Generator(5);
    const x = randn(shape, { generator: g }).requiresGrad_();
    const y = maxPool2d(x, 2);
    y.mul(randn(y.shape, { generator: g })).sum().backward();
    return { y: Array.from(y.toTypedArray()), dx: Array.from(x.grad!.toTypedArray()) };
  });
}

describe('wasm max pooling', () => {
  let wasm: WasmBackend | null = null;
  const calls = { forward: 0, backward: 0 };
  beforeAll(() => {
    wasm = createWasmBackend({ fallback: jsBackend, threads: 1, elementwiseMinLength: 0 });
    if (!wasm) return;
    const w = wasm;
    registerBackend({
      ...w, name: 'wasm-pool-test',
      maxPool2x2: (...a) => (calls.forward++, w.maxPool2x2!(...a)),
      maxPoolBackward: (...a) => (calls.backward++, w.maxPoolBackward!(...a)),
    });
  });
  afterAll(() => wasm?.dispose());

  for (const shape of [[2, 3, 8, 8], [3, 2, 7, 9]] as [number, number, number, number][]) {
    it(`2×2 windows on [${shape}]: output and input gradient equal the TypeScript path exactly`, (ctx) => {
      if (!wasm) ctx.skip();
      const before = { ...calls };
      const got = run('wasm-pool-test', shape);
      expect(calls).toEqual({ forward: before.forward + 1, backward: before.backward + 1 });
      const want = run('js', shape);
      expect(got.y).toEqual(want.y);
      expect(got.dx).toEqual(want.dx);
    });
  }
});
