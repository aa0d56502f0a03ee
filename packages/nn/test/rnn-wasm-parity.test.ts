/** The wasm backend's GRU recurrence kernels against the pure-TypeScript loops, forward and backward. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWasmBackend, Generator, jsBackend, randn, registerBackend, withBackend, type Tensor, type WasmBackend } from '@tensorkit/core';
import { gruSequence } from '../src/layers/rnn/gru-op.js';

interface Case { name: string; T: number; B: number; H: number; reverse: boolean; lengths: number[] | null; bias: boolean }

const CASES: Case[] = [
  { name: 'forward direction, biases', T: 7, B: 3, H: 6, reverse: false, lengths: null, bias: true },
  { name: 'reverse with lengths (one empty sequence)', T: 6, B: 4, H: 4, reverse: true, lengths: [6, 3, 0, 5], bias: true },
  { name: 'forward with lengths, no biases', T: 5, B: 3, H: 8, reverse: false, lengths: [2, 5, 4], bias: false },
];

function run(backend: string, c: Case): Record<string, Float32Array> {
  return withBackend(backend, () => {
    const g = new Generator(11);
    const G = 3 * c.H;
    const xProj = randn([c.T * c.B, G], { generator: g }).requiresGrad_();
    const wHh = randn([G, c.H], { generator: g }).mul(0.4).detach().requiresGrad_();
    const h0 = randn([c.B, c.H], { generator: g }).requiresGrad_();
    const bIh: Tensor | null = c.bias ? randn([G], { generator: g }).requiresGrad_() : null;
    const bHh: Tensor | null = c.bias ? randn([G], { generator: g }).requiresGrad_() : null;
    const y = gruSequence({ xProj, wHh, h0, bIh, bHh, steps: c.T, batch: c.B, lengths: c.lengths ? Int32Array.from(c.lengths) : null, reverse: c.reverse });
    y.mul(randn(y.shape, { generator: g })).sum().backward();
    const out: Record<string, Float32Array> = { y: y.toTypedArray() as Float32Array };
    for (const [k, t] of Object.entries({ xProj, wHh, h0, bIh, bHh })) if (t) out[k] = t.grad!.toTypedArray() as Float32Array;
    return out;
  });
}

for (const threads of [1, 2]) {
  describe(`wasm GRU recurrence (${threads} thread${threads > 1 ? 's' : ''})`, () => {
    let wasm: WasmBackend | null = null;
    const calls = { forward: 0, backward: 0 };
    const name = `wasm-gru-test-${threads}`;
    beforeAll(async () => {
      // parallelMinFlops 0 sends the weight-gradient GEMM through the threaded path.
      wasm = createWasmBackend({ fallback: jsBackend, threads, parallelMinFlops: 0, adaptiveThreads: false });
      if (!wasm) return;
      await wasm.ready();
      const w = wasm;
      registerBackend({
        ...w, name,
        gruForward: (a) => (calls.forward++, w.gruForward!(a)),
        gruBackward: (a) => (calls.backward++, w.gruBackward!(a)),
      });
    });
    afterAll(() => wasm?.dispose());

    for (const c of CASES) {
      it(`${c.name}: outputs and every gradient match`, (ctx) => {
        if (!wasm) ctx.skip();
        const want = run('js', c);
        const before = { ...calls };
        const got = run(name, c);
        expect(calls).toEqual({ forward: before.forward + 1, backward: before.backward + 1 });
        expect(Object.keys(got).sort()).toEqual(Object.keys(want).sort());
        for (const k of Object.keys(want)) {
          for (let i = 0; i < want[k].length; i++) {
            if (!(Math.abs(got[k][i] - want[k][i]) <= 1e-5 * (1 + Math.abs(want[k][i])))) throw new Error(`${k}[${i}] = ${got[k][i]}, want ${want[k][i]}`);
          }
        }
      });
    }
  });
}
