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
