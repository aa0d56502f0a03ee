/** Lazy Adam rows on the wasm backend (moments in wasm memory) against the TypeScript loop: bit-identical. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWasmBackend, jsBackend, registerBackend, Tensor, withBackend, type WasmBackend } from '@tensorkit/core';
import { Adam, AdamW } from '../src/optim/index.js';
import { bagRowGradF32 } from '../src/layers/functional/sparse-grad.js';
import { embeddingBag } from '../src/layers/functional/embedding.js';

const V = 40;
const D = 6;

function train(backend: string, make: (p: Tensor) => Adam | AdamW, storage?: Float32Array | null): { p: Float32Array; m: Float32Array; v: Float32Array } {
  return withBackend(backend, () => {
    const init = storage ?? new Float32Array(V * D);
    init.set(Float32Array.from({ length: V * D }, (_, i) => Math.sin(i)));
    const p = new Tensor(init, [V, D], 'float32').requiresGrad_();
    const opt = make(p);
    for (let step = 0; step < 4; step++) {
      const rows = Int32Array.from([1, 4, 9 + step, 17, 39].filter((r, i, a) => a.indexOf(r) === i).sort((a, b) => a - b));
      p.sparseGrad = { rows, values: Float32Array.from({ length: rows.length * D }, (_, i) => Math.cos(i * 0.7 + step)), rowSize: D };
      opt.step();
      opt.zeroGrad();
    }
    const st = opt.stateDict().state[0]!;
    return { p: p.toTypedArray() as Float32Array, m: st.buffers.m as Float32Array, v: st.buffers.v as Float32Array };
  });
}

describe('lazy Adam rows on the wasm backend', () => {
  let wasm: WasmBackend | null = null;
  let calls = 0;
  let scatters = 0;
  let bagSums = 0;
  beforeAll(() => {
    // persistentMinLength 0 puts even this small table's moments in wasm memory.
    wasm = createWasmBackend({ fallback: jsBackend, threads: 1, persistentMinLength: 0 });
    if (!wasm) return;
    const w = wasm;
    registerBackend({
      ...w, name: 'wasm-adam-test',
      sparseAdamRows: (a) => (calls++, w.sparseAdamRows!(a)),
      rowScatterAdd: (...a) => (scatters++, w.rowScatterAdd!(...a)),
      embeddingBagSum: (...a) => (bagSums++, w.embeddingBagSum!(...a)),
    });
  });
  afterAll(() => wasm?.dispose());

  const makers: [string, (p: Tensor) => Adam | AdamW][] = [
    ['Adam', (p) => new Adam([p], { lr: 0.01 })],
    ['Adam with L2', (p) => new Adam([p], { lr: 0.01, weightDecay: 0.1 })],
    ['AdamW', (p) => new AdamW([p], { lr: 0.01 })],
  ];
  for (const [name, make] of makers) for (const inWasm of [false, true]) {
    it(`${name}, table ${inWasm ? 'in wasm memory (updated in place)' : 'in the JS heap'}: parameters and moments equal the TypeScript result bit for bit`, (ctx) => {
      if (!wasm) ctx.skip();
      const before = calls;
      const got = train('wasm-adam-test', make, inWasm ? wasm!.allocFloat32!(V * D) : null);
      expect(calls).toBe(before + 4);
      const want = train('js', make);
      expect(Array.from(got.p)).toEqual(Array.from(want.p));
      expect(Array.from(got.m)).toEqual(Array.from(want.m));
      expect(Array.from(got.v)).toEqual(Array.from(want.v));
    });
  }

  it('embedding-bag row gradient: wasm scatter-add equals the TypeScript loop bit for bit (repeats, padding)', (ctx) => {
    if (!wasm) ctx.skip();
    const D2 = 5;
    const ids = Int32Array.from([7, 3, 7, 0, 2, 3, 3, 9, 2, 7, 1]);
    const offsets = [0, 3, 3, 7];
    const scale = Float64Array.from(ids, (_, i) => 1 / (i + 3));
    const gd = Float32Array.from({ length: offsets.length * D2 }, (_, i) => Math.sin(i * 1.3));
    const want = withBackend('js', () => bagRowGradF32(12, D2, ids, offsets, scale, 2, gd));
    const before = scatters;
    const got = withBackend('wasm-adam-test', () => bagRowGradF32(12, D2, ids, offsets, scale, 2, gd));
    expect(scatters).toBe(before + 1);
    expect(Array.from(got.rows)).toEqual([0, 1, 3, 7, 9]);
    expect(Array.from(got.rows)).toEqual(Array.from(want.rows));
    expect(Array.from(got.values)).toEqual(Array.from(want.values));
  });

  it('embedding-bag forward over a table in wasm memory equals the TypeScript sums bit for bit', (ctx) => {
    if (!wasm) ctx.skip();
    const rows = 30;
    const dim = 6;
    const values = Float32Array.from({ length: rows * dim }, (_, i) => Math.sin(i * 0.37) * 3);
    const inWasm = wasm!.allocFloat32!(rows * dim)!;
    inWasm.set(values);
    // Bags of 0, 1, 3, 4, 5 and 9 ids (groups of four and leftovers), with padding id 2.
    const ids = Int32Array.from([5, 1, 2, 7, 9, 2, 11, 4, 3, 8, 6, 0, 13, 2, 29, 17, 21, 22, 23, 24, 25, 26]);
    const offsets = Int32Array.from([0, 0, 1, 4, 8, 13]);
    for (const mode of ['mean', 'sum'] as const) {
      const before = bagSums;
      const got = withBackend('wasm-adam-test', () => embeddingBag(new Tensor(inWasm, [rows, dim], 'float32'), ids, offsets, { mode, paddingIdx: 2 }));
      expect(bagSums).toBe(before + 1);
      const want = withBackend('js', () => embeddingBag(new Tensor(values, [rows, dim], 'float32'), ids, offsets, { mode, paddingIdx: 2 }));
      expect(Array.from(got.toTypedArray())).toEqual(Array.from(want.toTypedArray()));
    }
  });

  it('dense Adam with moments in wasm memory equals the staged kernel bit for bit', () => {
    const resident = createWasmBackend({ fallback: jsBackend, threads: 1, persistentMinLength: 0, elementwiseMinLength: 0 });
    const staged = createWasmBackend({ fallback: jsBackend, threads: 1, persistentMinLength: Infinity, elementwiseMinLength: 0 });
    if (!resident || !staged) return;
    let residentUpdates = 0;
    registerBackend({ ...resident, name: 'wasm-dense-resident', adamUpdate: (a) => (residentUpdates++, resident.adamUpdate!(a)) });
    registerBackend({ ...staged, name: 'wasm-dense-staged' });
    const trainDense = (backend: string) => withBackend(backend, () => {
      const p = new Tensor(Float32Array.from({ length: 300 }, (_, i) => Math.sin(i)), [300], 'float32').requiresGrad_();
      const opt = new AdamW([p], { lr: 0.01 });
      for (let step = 0; step < 3; step++) {
        p.grad = new Tensor(Float32Array.from({ length: 300 }, (_, i) => Math.cos(i * 0.3 + step)), [300], 'float32');
        opt.step();
      }
      const st = opt.stateDict().state[0]!;
      return [p.toTypedArray(), st.buffers.m, st.buffers.v].map((a) => Array.from(a));
    });
    const got = trainDense('wasm-dense-resident');
    expect(residentUpdates).toBe(3);
    expect(got).toEqual(trainDense('wasm-dense-staged'));
    resident.dispose();
    staged.dispose();
  });

  it('hands out zero-filled storage in wasm memory, up to the cap', () => {
    const small = createWasmBackend({ fallback: jsBackend, threads: 1, persistentMinLength: 0, persistentMaxBytes: 4096 });
    if (!small) return;
    const a = small.allocFloat32!(1000)!;
    expect(a).not.toBeNull();
    expect(a.every((x) => x === 0)).toBe(true);
    expect(small.allocFloat32!(100)).toBeNull(); // 4000 + 400 bytes > 4096
    small.dispose();
  });
});
