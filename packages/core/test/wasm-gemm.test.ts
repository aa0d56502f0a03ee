import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Backend, MatrixRef } from '../src/backend/backend.js';
import { createWasmBackend, type WasmBackend } from '../src/backend/wasm/index.js';

/** Small deterministic generator (mulberry32) for values in [-1, 1). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1;
  };
}

type Layout = 'row' | 'col' | 'padded' | 'strided' | 'sparse' | 'flipped';

/**
 * A rows×cols operand with the given storage layout, embedded in a larger
 * array at an offset, plus a dense float64 copy for the reference.
 */
function operand(rows: number, cols: number, layout: Layout, next: () => number, Arr: typeof Float32Array | typeof Float64Array = Float32Array): { ref: MatrixRef; dense: Float64Array } {
  const dense = new Float64Array(rows * cols);
  for (let i = 0; i < dense.length; i++) dense[i] = Math.fround(next());
  const offset = 3;
  let rs: number;
  let cs: number;
  let size: number;
  let origin = offset;
  switch (layout) {
    case 'row': rs = cols; cs = 1; size = rows * cols; break;
    case 'col': rs = 1; cs = rows; size = rows * cols; break; // a transposed view
    case 'padded': rs = cols + 5; cs = 1; size = rows * (cols + 5); break;
    case 'strided': rs = 2 * cols + 1; cs = 2; size = rows * (2 * cols + 1); break;
    case 'sparse': rs = 7 * cols + 3; cs = 7; size = rows * (7 * cols + 3); break; // index span ≫ element count
    case 'flipped': rs = -cols; cs = 1; size = rows * cols; origin = offset + (rows - 1) * cols; break; // rows reversed
  }
  const data = new Arr(offset + size + 4).fill(Number.NaN); // gaps hold NaN: they must never be read
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) data[origin + i * rs + j * cs] = dense[i * cols + j];
  return { ref: { data, offset: origin, rowStride: rs, colStride: cs }, dense };
}

interface Case {
  m: number; n: number; k: number;
  alpha: number; beta: number;
  aLayout?: Layout; bLayout?: Layout;
  /** Extra C row padding (ldc = n + pad) and C offset. */
  pad?: number; cOffset?: number;
}

/** Runs backend.gemm and checks it against a float64 triple loop with an error bound relative to Σ|a||b|. */
function check(backend: Backend, c: Case, seed = 1, Arr: typeof Float32Array | typeof Float64Array = Float32Array): void {
  const { m, n, k, alpha, beta } = c;
  const next = rng(seed);
  const A = operand(m, k, c.aLayout ?? 'row', next, Arr);
  const B = operand(k, n, c.bLayout ?? 'row', next, Arr);
  const ldc = n + (c.pad ?? 0);
  const cOffset = c.cOffset ?? 0;
  const C = new Arr(cOffset + m * ldc + 2).fill(-7); // gaps and tail must stay -7
  const c0 = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      const v = beta === 0 ? Number.NaN : Math.fround(next()); // beta = 0: C must be overwritten, NaN garbage included
      C[cOffset + i * ldc + j] = v;
      c0[i * n + j] = v;
    }
  }
  backend.gemm(m, n, k, alpha, A.ref, B.ref, beta, C, cOffset, ldc);
  let worst = 0;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      let mag = 0;
      for (let p = 0; p < k; p++) {
        const t = A.dense[i * k + p] * B.dense[p * n + j];
        s += t;
        mag += Math.abs(t);
      }
      const base = beta === 0 ? 0 : beta * c0[i * n + j];
      const want = alpha * s + base;
      const got = C[cOffset + i * ldc + j];
      const tol = 1e-5 * (Math.abs(alpha) * mag + Math.abs(base)) + 1e-30;
      const err = Math.abs(got - want) / tol;
      if (!(err <= 1)) throw new Error(`gemm ${JSON.stringify(c)}: C[${i},${j}] = ${got}, want ${want} (tol ${tol})`);
      worst = Math.max(worst, err);
    }
    for (let j = n; j < ldc && i < m - 1; j++) expect(C[cOffset + i * ldc + j]).toBe(-7);
  }
  for (let i = 0; i < cOffset; i++) expect(C[i]).toBe(-7);
  expect(C[cOffset + (m - 1) * ldc + n]).toBe(-7);
  expect(worst).toBeLessThanOrEqual(1);
}

const SHAPES: [number, number, number][] = [
  // m, n, k
  [1, 1, 1], [3, 5, 7], [4, 8, 1], [17, 33, 65], [64, 128, 784], [129, 257, 31],
  [5, 3, 600], // k crosses the KC = 256 block
  [130, 20, 9], // m crosses the MC = 128 block
  [7, 1030, 3], // n crosses the NC = 1024 block
  [1, 300, 40], [300, 1, 40], // vector shapes
];

const CONFIGS: { label: string; simd: 'portable' | 'relaxed'; threads: number }[] = [
  { label: 'portable SIMD, 1 thread', simd: 'portable', threads: 1 },
  { label: 'portable SIMD, 2 threads', simd: 'portable', threads: 2 },
  { label: 'portable SIMD, 3 threads', simd: 'portable', threads: 3 },
  { label: 'relaxed SIMD, 1 thread', simd: 'relaxed', threads: 1 },
  { label: 'relaxed SIMD, 2 threads', simd: 'relaxed', threads: 2 },
];

for (const cfg of CONFIGS) {
  describe(`wasm gemm: ${cfg.label}`, () => {
    let backend: WasmBackend | null = null;
    beforeAll(async () => {
      // parallelMinFlops = 0 sends even 1×1×1 through the threaded path.
      backend = createWasmBackend({ simd: cfg.simd, threads: cfg.threads, parallelMinFlops: 0, adaptiveThreads: false });
      await backend?.ready();
    });
    afterAll(() => backend?.dispose());

    it('loads the requested build', () => {
      expect(backend).not.toBeNull();
      expect(backend!.relaxedSimd).toBe(cfg.simd === 'relaxed');
      expect(backend!.threads).toBe(cfg.threads);
    });

    it('matches a float64 triple loop for many shapes', () => {
      for (const [m, n, k] of SHAPES) check(backend!, { m, n, k, alpha: 1, beta: 0 }, m * 7 + n * 3 + k);
    });

    it('handles transposed, padded, strided, sparse and flipped operands', () => {
      const layouts: Layout[] = ['row', 'col', 'padded', 'strided', 'sparse', 'flipped'];
      for (const aLayout of layouts) {
        for (const bLayout of layouts) {
          check(backend!, { m: 13, n: 19, k: 11, alpha: 1, beta: 0, aLayout, bLayout }, 5);
        }
      }
      check(backend!, { m: 67, n: 45, k: 300, alpha: 1, beta: 0, aLayout: 'col', bLayout: 'col' }, 6);
      check(backend!, { m: 33, n: 70, k: 90, alpha: 1, beta: 0, aLayout: 'strided', bLayout: 'sparse' }, 7);
    });

    it('applies alpha and beta, and writes only the C block (ldc > n, offset)', () => {
      const ab: [number, number][] = [[1, 1], [0.5, 1], [-1.5, 0.25], [2, -1], [1, 0], [0, 2], [0, 0]];
      for (const [alpha, beta] of ab) {
        check(backend!, { m: 9, n: 21, k: 17, alpha, beta, pad: 3, cOffset: 5 }, 11);
        check(backend!, { m: 70, n: 40, k: 260, alpha, beta, pad: 1, cOffset: 2, aLayout: 'col' }, 12);
      }
    });

    it('beta = 0 clears NaN garbage in C', () => {
      const n = 6;
      const c = new Float32Array(n * n).fill(Number.NaN);
      const eye = new Float32Array(n * n);
      for (let i = 0; i < n; i++) eye[i * n + i] = 1;
      const ref: MatrixRef = { data: eye, offset: 0, rowStride: n, colStride: 1 };
      backend!.gemm(n, n, n, 1, ref, ref, 0, c, 0, n);
      expect(Array.from(c)).toEqual(Array.from(eye));
    });

    it('K = 0 gives C = beta·C (and beta = 0 zeroes it)', () => {
      const empty: MatrixRef = { data: new Float32Array(0), offset: 0, rowStride: 0, colStride: 1 };
      const c = new Float32Array([1, 2, 3, 4, 5, 6]);
      backend!.gemm(2, 3, 0, 1, empty, empty, 0.5, c, 0, 3);
      expect(Array.from(c)).toEqual([0.5, 1, 1.5, 2, 2.5, 3]);
      c.fill(Number.NaN);
      backend!.gemm(2, 3, 0, 1, empty, empty, 0, c, 0, 3);
      expect(Array.from(c)).toEqual([0, 0, 0, 0, 0, 0]);
    });

    it('gives the same result on repeated and interleaved calls (scratch reuse)', () => {
      const next = rng(99);
      const a = Float32Array.from({ length: 96 * 80 }, next);
      const b = Float32Array.from({ length: 80 * 72 }, next);
      const A: MatrixRef = { data: a, offset: 0, rowStride: 80, colStride: 1 };
      const B: MatrixRef = { data: b, offset: 0, rowStride: 72, colStride: 1 };
      const first = new Float32Array(96 * 72);
      backend!.gemm(96, 72, 80, 1, A, B, 0, first, 0, 72);
      check(backend!, { m: 200, n: 150, k: 120, alpha: 1, beta: 0 }, 3); // grows the staging area
      const again = new Float32Array(96 * 72);
      backend!.gemm(96, 72, 80, 1, A, B, 0, again, 0, 72);
      expect(again).toEqual(first);
    });
  });
}

describe('wasm gemm: parallel tilings', () => {
  let backend: WasmBackend;
  beforeAll(async () => {
    backend = createWasmBackend({ threads: 2, parallelMinFlops: 0, adaptiveThreads: false })!;
    await backend.ready();
  });
  afterAll(() => backend.dispose());

  it('uses both tiling modes (K is never split, for determinism), and each one matches the reference', () => {
    const cases: Case[] = [
      { m: 200, n: 190, k: 150, alpha: 1, beta: 0 }, // square-ish: shared packed B
      { m: 24, n: 1500, k: 70, alpha: 1, beta: 0.5, bLayout: 'col' }, // few rows: self-packing column tiles
      { m: 1500, n: 20, k: 60, alpha: -1, beta: 0, aLayout: 'col' }, // few columns: self-packing row tiles
      { m: 20, n: 24, k: 3000, alpha: 0.5, beta: 0 }, // long K: still row/column tiles
      { m: 20, n: 24, k: 3000, alpha: 1, beta: 0.25, aLayout: 'col', bLayout: 'col', pad: 2, cOffset: 1 },
      { m: 9, n: 13, k: 1100, alpha: 1, beta: 1, bLayout: 'strided' },
    ];
    for (const [i, c] of cases.entries()) check(backend, c, 40 + i);
    expect(backend.stats.byMode[0]).toBeGreaterThan(0);
    expect(backend.stats.byMode[1]).toBeGreaterThan(0);
    expect(backend.stats.byMode).toHaveLength(2); // there is no K-split mode
  });

  it('lets the worker compute tiles of large products', () => {
    // How many tiles the worker gets depends on the machine's load, but it gets some eventually.
    const before = backend.stats.workerTiles;
    for (let i = 0; i < 200 && backend.stats.workerTiles === before; i++) {
      check(backend, { m: 256, n: 256, k: 256, alpha: 1, beta: 0 }, 50 + i);
    }
    expect(backend.stats.workerTiles).toBeGreaterThan(before);
  });
});

describe('wasm gemm: float64 and fallbacks', () => {
  it('delegates float64 to the fallback backend', () => {
    const fallback: Backend = { name: 'spy', gemm: vi.fn() };
    const backend = createWasmBackend({ threads: 1, fallback })!;
    const a: MatrixRef = { data: new Float64Array(4), offset: 0, rowStride: 2, colStride: 1 };
    const c = new Float64Array(4);
    backend.gemm(2, 2, 2, 1, a, a, 0, c, 0, 2);
    expect(fallback.gemm).toHaveBeenCalledWith(2, 2, 2, 1, a, a, 0, c, 0, 2);
  });

  it('computes float64 in JavaScript when no fallback is given', () => {
    const backend = createWasmBackend({ threads: 1 })!;
    for (const layout of ['row', 'col', 'strided'] as Layout[]) {
      check(backend, { m: 7, n: 9, k: 5, alpha: 0.5, beta: 0, aLayout: layout, bLayout: layout }, 21, Float64Array);
      check(backend, { m: 7, n: 9, k: 5, alpha: -1, beta: 0.5, pad: 2, cOffset: 1 }, 22, Float64Array);
    }
  });

  it('splits large products over threads with the default threshold', async () => {
    const backend = createWasmBackend({ threads: 2 })!;
    await backend.ready();
    check(backend, { m: 160, n: 200, k: 150, alpha: 1, beta: 0.5 }, 31);
    check(backend, { m: 40, n: 520, k: 300, alpha: 1, beta: 0, bLayout: 'col' }, 32);
    backend.dispose();
    // Still correct (single-threaded) after the workers are gone.
    check(backend, { m: 160, n: 200, k: 150, alpha: 1, beta: 0 }, 33);
  });

  it('honours TENSORKIT_THREADS=1', () => {
    const saved = process.env.TENSORKIT_THREADS;
    process.env.TENSORKIT_THREADS = '1';
    try {
      const backend = createWasmBackend()!;
      expect(backend.threads).toBe(1);
    } finally {
      if (saved === undefined) delete process.env.TENSORKIT_THREADS;
      else process.env.TENSORKIT_THREADS = saved;
    }
  });

  it('returns null when the wasm build is missing', () => {
    expect(createWasmBackend({ wasmDir: new URL('file:///nonexistent-tensorkit-wasm/') })).toBeNull();
  });

  it('uses the relaxed-SIMD build by default where the engine validates it', () => {
    const backend = createWasmBackend({ threads: 1 })!;
    const relaxed = createWasmBackend({ threads: 1, simd: 'relaxed' });
    expect(backend.relaxedSimd).toBe(relaxed !== null);
    expect(backend.name).toBe(relaxed ? 'wasm-relaxed-simd' : 'wasm-simd');
  });
});
