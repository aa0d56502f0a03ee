/** BatchNormReLU through the wasm backend's kernels against the TypeScript loops, forward and backward. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWasmBackend, Generator, jsBackend, randn, registerBackend, withBackend, type WasmBackend } from '@tensorkit/core';
import { BatchNormReLU } from '../src/bn-relu.js';

const SHAPES: number[][] = [
  [5, 4, 3, 3], // 9 values per block: one SIMD step and a scalar tail
  [12, 10], // [N, C] (after a Linear layer): one value per block
  [3, 6, 4, 4],
  [4, 3, 7, 5],
];

interface Result { y: Float32Array; dx: Float32Array; dw: Float32Array; db: Float32Array; rm: Float32Array; rv: Float32Array }

function run(backend: string, shape: number[], seed: number): Result {
  return withBackend(backend, () => {
    const g = new Generator(seed);
    const c = shape[1];
    const m = new BatchNormReLU({ numFeatures: c });
    const [w, b] = m.parameters();
    w.storage.set(randn([c], { generator: g }).toTypedArray());
    b.storage.set(randn([c], { generator: g, std: 0.5 }).toTypedArray());
    let last: Result | null = null;
    for (let step = 0; step < 2; step++) {
      const x = randn(shape, { generator: g, mean: 0.5, std: 2 }).requiresGrad_();
      const y = m.forward(x);
      const up = randn(shape, { generator: g });
      m.zeroGrad();
      y.mul(up).sum().backward();
      const sd = m.stateDict();
      last = {
        y: y.toTypedArray() as Float32Array,
        dx: x.grad!.toTypedArray() as Float32Array,
        dw: w.grad!.toTypedArray() as Float32Array,
        db: b.grad!.toTypedArray() as Float32Array,
        rm: sd.running_mean.toTypedArray() as Float32Array,
        rv: sd.running_var.toTypedArray() as Float32Array,
      };
    }
    return last!;
  });
}

function expectNear(got: Float32Array, want: Float32Array, what: string): void {
  expect(got.length, what).toBe(want.length);
  let scale = 0;
  for (const v of want) scale = Math.max(scale, Math.abs(v));
  for (let i = 0; i < want.length; i++) {
    if (!(Math.abs(got[i] - want[i]) <= 1e-5 * (1 + scale))) throw new Error(`${what}[${i}] = ${got[i]}, want ${want[i]}`);
  }
}

for (const threads of [1, 2]) {
  describe(`BatchNormReLU wasm kernels (${threads} thread${threads > 1 ? 's' : ''})`, () => {
    let wasm: WasmBackend | null = null;
    const calls = { forward: 0, backward: 0 };
    const name = `wasm-bn-relu-test-${threads}`;
    beforeAll(async () => {
      // elementwiseMinLength 0: these small tensors go through the kernels too.
      wasm = createWasmBackend({ fallback: jsBackend, threads, elementwiseMinLength: 0, adaptiveThreads: false });
      if (wasm) {
        await wasm.ready();
        const w = wasm;
        // Counting wrappers prove the kernels (not the TypeScript loops) produced the results.
        registerBackend({
          ...w, name,
          batchNormReluForward: (...a) => (calls.forward++, w.batchNormReluForward!(...a)),
          batchNormReluBackward: (...a) => (calls.backward++, w.batchNormReluBackward!(...a)),
        });
      }
    });
    afterAll(() => wasm?.dispose());

    for (const shape of SHAPES) {
      it(`[${shape.join(', ')}]: output, gradients and running statistics match the TypeScript loops`, (ctx) => {
        if (!wasm) ctx.skip();
        const want = run('js', shape, 13);
        const before = { ...calls };
        const got = run(name, shape, 13);
        expect(calls.forward).toBe(before.forward + 2);
        expect(calls.backward).toBe(before.backward + 2);
        expect(want.y.some((v) => v === 0) && want.y.some((v) => v > 0)).toBe(true);
        for (const k of ['y', 'dx', 'dw', 'db', 'rm', 'rv'] as const) expectNear(got[k], want[k], k);
      });
    }

    it('a NaN input comes out as NaN on both paths (as core relu), not as a silent 0', (ctx) => {
      if (!wasm) ctx.skip();
      for (const backend of ['js', name]) {
        const y = withBackend(backend, () => {
          const m = new BatchNormReLU({ numFeatures: 2 });
          const x = randn([4, 2, 3, 3], { generator: new Generator(3) });
          x.storage[5] = NaN; // channel 0: its batch statistics, and so all its outputs, are NaN
          return m.forward(x).toTypedArray();
        });
        const channel = (ch: number) => Array.from(y).filter((_, i) => Math.floor(i / 9) % 2 === ch);
        expect(channel(0).every(Number.isNaN), backend).toBe(true);
        expect(channel(1).every(Number.isFinite), backend).toBe(true);
      }
    });
  });
}
