/** The wasm backend's fused conv2d kernels against the pure-TypeScript path, forward and backward. */
import { describe, expect, it } from 'vitest';
import { conv2d, conv2dMaxPool, Generator, randn, withBackend, type Conv2dOptions, type Pool2dOptions, type Tensor } from '@tensorkit/core';
import { useCountedWasmBackend } from './wasm-harness.js';

interface Case {
  name: string;
  x: [number, number, number, number];
  w: [number, number, number, number];
  opts: Conv2dOptions;
  bias: boolean;
}

const CASES: Case[] = [
  { name: "3x3 'same', batch 3, bias", x: [3, 4, 9, 7], w: [5, 4, 3, 3], opts: { padding: 'same' }, bias: true },
  { name: 'one input channel (first layer)', x: [4, 1, 12, 12], w: [6, 1, 3, 3], opts: { padding: 1 }, bias: true },
  { name: "even kernel 'same' pads after", x: [2, 3, 6, 5], w: [4, 3, 2, 2], opts: { padding: 'same' }, bias: false },
  { name: 'stride 2, asymmetric padding', x: [2, 3, 11, 8], w: [4, 3, 3, 2], opts: { stride: 2, padding: [1, 0] }, bias: true },
  { name: 'dilation 2, stride [1, 2]', x: [2, 2, 10, 11], w: [3, 2, 3, 3], opts: { dilation: 2, stride: [1, 2], padding: 2 }, bias: false },
  { name: '1x1 kernel', x: [2, 5, 4, 4], w: [3, 5, 1, 1], opts: {}, bias: true },
  // 37 samples: slices of 3 (at most 16 per job), the last one holding a single sample.
  { name: 'batch 37 (uneven batch slices)', x: [37, 3, 6, 6], w: [4, 3, 3, 3], opts: { padding: 1 }, bias: true },
];

/** A conv case whose output is max-pooled: conv2dMaxPool's convolution options, pool kernel and options. */
interface PoolCase extends Omit<Case, 'opts'> {
  conv: Conv2dOptions;
  kernel: number;
  pool: Pool2dOptions;
}

const POOL_CASES: PoolCase[] = [
  { name: '2×2 pool inside, bias', x: [5, 3, 8, 8], w: [4, 3, 3, 3], conv: { padding: 1 }, kernel: 2, pool: {}, bias: true },
  { name: 'ceil-mode 2×2 pool (7 → 4), batch 37', x: [37, 2, 7, 7], w: [3, 2, 3, 3], conv: { padding: 1 }, kernel: 2, pool: { ceilMode: true }, bias: false },
  { name: 'fused ReLU, 3×3 pool stride 2 padding 1', x: [3, 2, 9, 9], w: [4, 2, 3, 3], conv: { activation: 'relu' }, kernel: 3, pool: { stride: 2, padding: 1 }, bias: true },
];

/** conv2dMaxPool on `backend` (the js backend has no fused conv kernels: there it is conv2d then maxPool2d). */
function runPooled(backend: string, c: PoolCase, seed: number): Record<'y' | 'dx' | 'dw' | 'db', Float32Array | null> {
  return withBackend(backend, () => {
    const g = new Generator(seed);
    const x = randn(c.x, { generator: g }).requiresGrad_();
    const w = randn(c.w, { generator: g }).requiresGrad_();
    const b: Tensor | null = c.bias ? randn([c.w[0]], { generator: g }).requiresGrad_() : null;
    const y = conv2dMaxPool(x, w, b, c.conv, c.kernel, c.pool);
    y.mul(randn(y.shape, { generator: g })).sum().backward();
    const f = (t: Tensor | null | undefined) => (t ? (t.toTypedArray() as Float32Array) : null);
    return { y: f(y), dx: f(x.grad), dw: f(w.grad), db: f(b?.grad) };
  });
}

/** relu: 'fused' uses conv2d's activation option, 'composed' applies relu() after it. */
function run(backend: string, c: Case, seed: number, relu: 'none' | 'fused' | 'composed' = 'none'): { y: Float32Array; dx: Float32Array; dw: Float32Array; db: Float32Array | null } {
  return withBackend(backend, () => {
    const g = new Generator(seed);
    const x = randn(c.x, { generator: g }).requiresGrad_();
    const w = randn(c.w, { generator: g }).requiresGrad_();
    const b: Tensor | null = c.bias ? randn([c.w[0]], { generator: g }).requiresGrad_() : null;
    const y = relu === 'fused' ? conv2d(x, w, b, { ...c.opts, activation: 'relu' }) : relu === 'composed' ? conv2d(x, w, b, c.opts).relu() : conv2d(x, w, b, c.opts);
    const up = randn(y.shape, { generator: g });
    y.mul(up).sum().backward();
    return {
      y: y.toTypedArray() as Float32Array,
      dx: x.grad!.toTypedArray() as Float32Array,
      dw: w.grad!.toTypedArray() as Float32Array,
      db: b ? (b.grad!.toTypedArray() as Float32Array) : null,
    };
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
  describe(`wasm conv2d kernels (${threads} thread${threads > 1 ? 's' : ''})`, () => {
    const h = useCountedWasmBackend(`wasm-conv-test-${threads}`, { threads, parallelMinFlops: 0 }, { forward: 'conv2dForward', backward: 'conv2dBackward' });
    const { calls } = h;

    for (const c of CASES) {
      it(`${c.name}: output and gradients match the TypeScript path`, (ctx) => {
        if (!h.backend) ctx.skip();
        expect(h.backend!.conv2dForward).toBeTypeOf('function');
        const want = run('js', c, 7);
        const before = { ...calls };
        const got = run(h.name, c, 7);
        expect(calls.forward).toBe(before.forward + 1);
        expect(calls.backward).toBe(before.backward + 1);
        expectNear(got.y, want.y, 'y');
        expectNear(got.dx, want.dx, 'dx');
        expectNear(got.dw, want.dw, 'dw');
        if (want.db) expectNear(got.db!, want.db, 'db');
      });
    }

    for (const c of CASES.slice(0, 3)) {
      it(`${c.name}, fused ReLU: matches relu() after conv2d, and the TypeScript fused path does too`, (ctx) => {
        if (!h.backend) ctx.skip();
        const want = run('js', c, 9, 'composed');
        const before = { ...calls };
        const got = run(h.name, c, 9, 'fused');
        expect(calls.forward).toBe(before.forward + 1);
        const js = run('js', c, 9, 'fused');
        for (const r of [got, js]) {
          expectNear(r.y, want.y, 'y');
          expectNear(r.dx, want.dx, 'dx');
          expectNear(r.dw, want.dw, 'dw');
          if (want.db) expectNear(r.db!, want.db, 'db');
        }
        expect(got.y.some((v) => v === 0) && got.y.some((v) => v > 0)).toBe(true);
      });
    }

    for (const c of POOL_CASES) {
      it(`conv2dMaxPool ${c.name}: the fused kernels match conv2d then maxPool2d on the TypeScript path`, (ctx) => {
        if (!h.backend) ctx.skip();
        const want = runPooled('js', c, 11);
        const before = { ...calls };
        const got = runPooled(h.name, c, 11);
        expect(calls.forward).toBe(before.forward + 1);
        expect(calls.backward).toBe(before.backward + 1);
        for (const k of ['y', 'dx', 'dw', 'db'] as const) if (want[k]) expectNear(got[k]!, want[k]!, k);
      });
    }
  });
}
