import { describe, expect, it } from 'vitest';
import { createWasmBackend, jsBackend } from '@tensorkit/core';

// One seed must give one model: a parallel GEMM has to produce the same bits
// as the single-threaded one, whatever thread ends up computing which tile.
const multi = createWasmBackend({ fallback: jsBackend, threads: 2, adaptiveThreads: false, parallelMinFlops: 1 });
const single = createWasmBackend({ fallback: jsBackend, threads: 1 });

describe.skipIf(!multi || !single)('wasm GEMM determinism', () => {
  it('parallel results are bit-identical to single-threaded ones, run after run', async () => {
    await multi!.ready();
    // Shapes of a CNN step, including the conv weight gradient (small m·n, long k).
    const shapes: [number, number, number][] = [[32, 9, 12544], [64, 288, 3136], [288, 1568, 64], [64, 784, 128]];
    for (const [m, n, k] of shapes) {
      const a = new Float32Array(m * k).map((_, i) => Math.sin(i * 0.37));
      const b = new Float32Array(k * n).map((_, i) => Math.cos(i * 0.11));
      const A = { data: a, offset: 0, rowStride: k, colStride: 1 };
      const B = { data: b, offset: 0, rowStride: n, colStride: 1 };
      const ref = new Float32Array(m * n);
      single!.gemm(m, n, k, 1, A, B, 0, ref, 0, n);
      for (let r = 0; r < 5; r++) {
        const c = new Float32Array(m * n);
        multi!.gemm(m, n, k, 1, A, B, 0, c, 0, n);
        expect(Buffer.from(c.buffer).equals(Buffer.from(ref.buffer))).toBe(true);
      }
    }
    expect(multi!.stats.parallelCalls).toBeGreaterThan(0);
    multi!.dispose();
  });
});

describe.skipIf(!multi || !single)('wasm conv2d determinism', () => {
  it('batch-sliced convolutions give the same bits on one and two threads', async () => {
    const conv = createWasmBackend({ fallback: jsBackend, threads: 2, adaptiveThreads: false, parallelMinFlops: 1 })!;
    await conv.ready();
    const one = createWasmBackend({ fallback: jsBackend, threads: 1 })!;
    // 16 input and output channels: the forward and the input gradient run as Winograd.
    const g = { n: 40, c: 16, h: 14, w: 14, o: 16, kh: 3, kw: 3, sh: 1, sw: 1, ph: 1, pw: 1, dh: 1, dw: 1, oh: 14, ow: 14 };
    const x = new Float32Array(g.n * g.c * g.h * g.w).map((_, i) => Math.sin(i * 0.37));
    const w = new Float32Array(g.o * g.c * 9).map((_, i) => Math.cos(i * 0.11));
    const gy = new Float32Array(g.n * g.o * g.oh * g.ow).map((_, i) => Math.sin(i * 0.05));
    const run = (b: NonNullable<typeof conv>) => {
      const y = new Float32Array(gy.length);
      const dx = new Float32Array(x.length);
      const dw = new Float32Array(w.length);
      expect(b.conv2dForward!(g, x, w, null, y, true)).toBe(true);
      expect(b.conv2dBackward!(g, x, w, gy, dx, dw, null, y)).toBe(true);
      return [y, dx, dw].map((a) => Buffer.from(a.buffer));
    };
    const ref = run(one);
    const calls = conv.stats.parallelCalls;
    for (let r = 0; r < 3; r++) run(conv).forEach((got, i) => expect(got.equals(ref[i])).toBe(true));
    expect(conv.stats.parallelCalls).toBeGreaterThan(calls);
    // GEMM and conv jobs back to back: a worker still looping after one job may claim a tile
    // of the next, of the other kind, and must compute it as that kind (a bug once skipped it).
    const [m, n, k] = [64, 96, 80];
    const A = { data: new Float32Array(m * k).map((_, i) => Math.sin(i)), offset: 0, rowStride: k, colStride: 1 };
    const B = { data: new Float32Array(k * n).map((_, i) => Math.cos(i)), offset: 0, rowStride: n, colStride: 1 };
    const want = new Float32Array(m * n);
    one.gemm(m, n, k, 1, A, B, 0, want, 0, n);
    for (let r = 0; r < 60; r++) {
      const c = new Float32Array(m * n);
      conv.gemm(m, n, k, 1, A, B, 0, c, 0, n);
      expect(Buffer.from(c.buffer).equals(Buffer.from(want.buffer))).toBe(true);
      const y = new Float32Array(gy.length);
      conv.conv2dForward!(g, x, w, null, y, true);
      expect(Buffer.from(y.buffer).equals(ref[0])).toBe(true);
    }
    conv.dispose();
    one.dispose();
  });
});

describe.skipIf(!multi || !single)('wasm jobs without helpers', () => {
  it('wait for slices claimed by a worker that woke late for an earlier job', async () => {
    // The conv job is below the parallel threshold, so it runs without helpers, but it stays
    // claimable: a worker woken for the GEMM before it, too late to help there, takes slices
    // of the conv instead, and the caller must not read the output before they are done.
    const b = createWasmBackend({ fallback: jsBackend, threads: 2, adaptiveThreads: false, parallelMinFlops: 2 ** 24 })!;
    await b.ready();
    const one = createWasmBackend({ fallback: jsBackend, threads: 1 })!;
    const g = { n: 64, c: 8, h: 14, w: 14, o: 8, kh: 3, kw: 3, sh: 1, sw: 1, ph: 1, pw: 1, dh: 1, dw: 1, oh: 14, ow: 14 };
    const x = new Float32Array(g.n * g.c * 196).map((_, i) => Math.sin(i * 0.3));
    const w = new Float32Array(g.o * g.c * 9).map((_, i) => Math.cos(i * 0.7));
    const want = new Float32Array(g.n * g.o * 196);
    one.conv2dForward!(g, x, w, null, want);
    const [m, n, k] = [256, 256, 256]; // 34 MFLOP: parallel
    const A = { data: new Float32Array(m * k).fill(0.5), offset: 0, rowStride: k, colStride: 1 };
    const B = { data: new Float32Array(k * n).fill(0.25), offset: 0, rowStride: n, colStride: 1 };
    const c = new Float32Array(m * n);
    const nap = new Int32Array(new SharedArrayBuffer(4));
    for (let r = 0; r < 400; r++) {
      Atomics.wait(nap, 0, 0, 1); // long enough for the worker to go back to sleep
      b.gemm(m, n, k, 1, A, B, 0, c, 0, n);
      const y = new Float32Array(want.length);
      b.conv2dForward!(g, x, w, null, y);
      expect(Buffer.from(y.buffer).equals(Buffer.from(want.buffer))).toBe(true);
    }
    expect(b.stats.parallelCalls).toBeGreaterThan(0);
    b.dispose();
    one.dispose();
  });
});
