/** Operands that live in wasm memory (allocFloat32) are used in place: same results as staged copies. */
import { afterAll, describe, expect, it } from 'vitest';
import type { MatrixRef } from '../src/backend/backend.js';
import { createWasmBackend } from '../src/backend/wasm/index.js';

describe('wasm backend with resident operands', () => {
  const wasm = createWasmBackend({ threads: 1, persistentMinLength: 0, elementwiseMinLength: 0 });
  afterAll(() => wasm?.dispose());
  const fill = (x: Float32Array, seed: number) => {
    for (let i = 0; i < x.length; i++) x[i] = Math.sin(i * 0.61 + seed);
    return x;
  };

  it('gemm reads a resident A (plain, offset and transposed views) exactly like a staged copy', (ctx) => {
    if (!wasm) ctx.skip();
    const m = 7, k = 13, n = 9;
    const heapA = fill(new Float32Array(3 + m * k), 1);
    const homeA = wasm!.allocFloat32!(heapA.length)!;
    homeA.set(heapA);
    const b = fill(new Float32Array(k * n), 2);
    const views = (data: Float32Array): MatrixRef[] => [
      { data, offset: 0, rowStride: k, colStride: 1 },
      { data, offset: 3, rowStride: k, colStride: 1 },
      { data, offset: 0, rowStride: 1, colStride: m }, // Aᵀ-style strides over the same block
    ];
    const heapViews = views(heapA);
    views(homeA).forEach((home, i) => {
      const want = new Float32Array(m * n);
      const got = new Float32Array(m * n);
      wasm!.gemm(m, n, k, 1, heapViews[i], { data: b, offset: 0, rowStride: n, colStride: 1 }, 0, want, 0, n);
      wasm!.gemm(m, n, k, 1, home, { data: b, offset: 0, rowStride: n, colStride: 1 }, 0, got, 0, n);
      expect(Array.from(got)).toEqual(Array.from(want));
    });
    expect(Array.from(homeA)).toEqual(Array.from(heapA)); // read, never written
  });

  it('adamUpdate updates a resident parameter in place like a staged one', (ctx) => {
    if (!wasm) ctx.skip();
    const n = 257;
    const step = (param: Float32Array, m: Float32Array, v: Float32Array) => {
      const grad = fill(new Float32Array(n), 3);
      expect(wasm!.adamUpdate!({ param, grad, m, v, lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, biasCorrection1: 0.1, biasCorrection2: 0.001, weightDecay: 0, decoupledWeightDecay: 0.01 })).toBe(true);
    };
    const heap = [fill(new Float32Array(n), 4), new Float32Array(n), new Float32Array(n)];
    const home = [wasm!.allocFloat32!(n)!, wasm!.allocFloat32!(n)!, wasm!.allocFloat32!(n)!];
    home[0].set(heap[0]);
    for (let t = 0; t < 3; t++) {
      step(heap[0], heap[1], heap[2]);
      step(home[0], home[1], home[2]);
    }
    home.forEach((h, i) => expect(Array.from(h)).toEqual(Array.from(heap[i])));
  });
});
