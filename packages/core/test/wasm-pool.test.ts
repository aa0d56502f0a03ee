/** The wasm backend's general max-pool kernel (padding, dilation, ceil mode) against the TypeScript loop, forward and backward. */
import { describe, expect, it } from 'vitest';
import { Generator, maxPool2d, randn, Tensor, withBackend, type Pool2dOptions } from '@tensorkit/core';
import { useCountedWasmBackend } from './wasm-harness.js';

interface Case { name: string; x: [number, number, number, number]; k: number | [number, number]; opts: Pool2dOptions; nan?: boolean }

const CASES: Case[] = [
  { name: '2×2 ceil mode on 7×7 (digits model)', x: [3, 4, 7, 7], k: 2, opts: { ceilMode: true } },
  { name: '3×3 stride 2 padding 1', x: [2, 3, 9, 8], k: 3, opts: { stride: 2, padding: 1 } },
  { name: 'dilation 2, stride [1, 2], ceil mode', x: [2, 2, 10, 11], k: [2, 3], opts: { dilation: 2, stride: [1, 2], ceilMode: true } },
  { name: 'NaNs, padding and ceil mode', x: [2, 2, 7, 6], k: 3, opts: { stride: 2, padding: 1, ceilMode: true }, nan: true },
];

function run(backend: string, c: Case): { y: Float32Array; dx: Float32Array } {
  return withBackend(backend, () => {
    const g = new Generator(21);
    const data = randn(c.x, { generator: g }).toTypedArray() as Float32Array;
    if (c.nan) for (let i = 3; i < data.length; i += 17) data[i] = NaN;
    // Repeated values: ties must resolve to the same (first) cell.
    for (let i = 0; i < data.length; i += 5) data[i] = 0.25;
    const x = new Tensor(data, c.x, 'float32').requiresGrad_();
    const y = maxPool2d(x, c.k, c.opts);
    y.mul(randn(y.shape, { generator: g })).sum().backward();
    return { y: y.toTypedArray() as Float32Array, dx: x.grad!.toTypedArray() as Float32Array };
  });
}

for (const threads of [1, 2]) {
  describe(`wasm general max-pool kernel (${threads} thread${threads > 1 ? 's' : ''})`, () => {
    const h = useCountedWasmBackend(`wasm-pool-test-${threads}`, { threads, elementwiseMinLength: 0 }, { forward: 'maxPool2d', backward: 'maxPoolBackward' });
    const { calls } = h;

    for (const c of CASES) {
      it(`${c.name}: maxima and gradient match the TypeScript loop exactly`, (ctx) => {
        if (!h.backend) ctx.skip();
        const want = run('js', c);
        const before = { ...calls };
        const got = run(h.name, c);
        expect(calls.forward).toBe(before.forward + 1);
        expect(calls.backward).toBe(before.backward + 1);
        expect(Array.from(got.y)).toEqual(Array.from(want.y));
        expect(Array.from(got.dx)).toEqual(Array.from(want.dx));
      });
    }
  });
}
