/** The wasm backend's fused conv2d kernels against the pure-TypeScript path, forward and backward. */
import { describe, expect, it } from 'vitest';
import { conv2d, conv2dMaxPool, Generator, randn, Tensor, withBackend, type Conv2dOptions, type Pool2dOptions } from '@tensorkit/core';
import { createWasmBackend, jsBackend } from '@tensorkit/core';
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
  // 16 input channels, 3×3, stride 1, padding 1: the forward runs as Winograd F(2×2, 3×3); an odd size gives partial tiles.
  { name: 'Winograd forward (16 channels, 10×9, bias)', x: [5, 16, 10, 9], w: [6, 16, 3, 3], opts: { padding: 1 }, bias: true },
  // 16 output channels: the input gradient runs as Winograd (the flipped kernels over the output gradient).
  { name: 'Winograd input gradient (16 output channels, 9×10)', x: [4, 5, 9, 10], w: [16, 5, 3, 3], opts: { padding: 1 }, bias: true },
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
  { name: 'Winograd forward (16 channels) + ceil-mode 2×2 pool (12×11)', x: [9, 16, 12, 11], w: [12, 16, 3, 3], conv: { padding: 'same' }, kernel: 2, pool: { ceilMode: true }, bias: false },
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

/** The same NaN and ±Infinity values at the same places. */
function expectSameNonFinite(got: Float32Array, want: Float32Array, what: string): void {
  expect(got.length, what).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    if (!Number.isFinite(want[i]) || !Number.isFinite(got[i])) expect(got[i], `${what}[${i}]`).toBe(want[i]);
  }
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

    it('an empty batch gives empty outputs and zero weight gradients (the kernels decline; the sliced job used to wait forever)', (ctx) => {
      if (!h.backend) ctx.skip();
      withBackend(h.name, () => {
        const x = randn([0, 2, 5, 5], { requiresGrad: true });
        const w = randn([3, 2, 3, 3], { requiresGrad: true });
        const b = randn([3], { requiresGrad: true });
        const y = conv2d(x, w, b, { padding: 1, activation: 'relu' });
        expect(y.shape).toEqual([0, 3, 5, 5]);
        y.sum().backward();
        expect(x.grad!.shape).toEqual([0, 2, 5, 5]);
        expect([...w.grad!.toTypedArray()].every((v) => v === 0) && [...b.grad!.toTypedArray()].every((v) => v === 0)).toBe(true);
        expect(conv2dMaxPool(randn([0, 2, 6, 6]), w.detach(), null, {}, 2).shape).toEqual([0, 3, 2, 2]);
      });
    });

    it('Infinity in a Winograd-shaped convolution stays ±Infinity as in the TypeScript path (the transforms made it Inf − Inf = NaN)', (ctx) => {
      if (!h.backend) ctx.skip();
      // 16 input and 16 output channels, 3×3, padding 1: forward and dx are Winograd-shaped.
      const runInf = (backend: string) => withBackend(backend, () => {
        const g = new Generator(5);
        const xd = randn([2, 16, 6, 6], { generator: g }).toTypedArray() as Float32Array;
        xd[2 * 6 + 3] = Infinity;
        const x = new Tensor(xd, [2, 16, 6, 6], 'float32').requiresGrad_();
        const w = randn([16, 16, 3, 3], { generator: g }).requiresGrad_();
        const y = conv2d(x, w, null, { padding: 1 });
        const up = randn(y.shape, { generator: g }).toTypedArray() as Float32Array;
        up[16 * 36 + 7] = -Infinity; // an infinite output gradient for dx
        y.mul(new Tensor(up, y.shape, 'float32')).sum().backward();
        return { y: y.toTypedArray() as Float32Array, dx: x.grad!.toTypedArray() as Float32Array };
      });
      const want = runInf('js');
      const before = { ...calls };
      const got = runInf(h.name);
      expect(calls.forward).toBe(before.forward + 1);
      expect(calls.backward).toBe(before.backward + 1);
      for (const k of ['y', 'dx'] as const) {
        expect(want[k].some((v) => v === Infinity) && want[k].some((v) => v === -Infinity)).toBe(true);
        expectSameNonFinite(got[k], want[k], k);
        expectNear(got[k].map((v) => (Number.isFinite(v) ? v : 0)), want[k].map((v) => (Number.isFinite(v) ? v : 0)), k);
      }
    });

    it('conv2dMaxPool with NaNs and 3×3 / stride 2 windows: the gradient goes to the first NaN of each window, as on the TypeScript path', (ctx) => {
      if (!h.backend) ctx.skip();
      const c: PoolCase = { name: 'NaN', x: [2, 3, 9, 9], w: [4, 3, 3, 3], conv: { padding: 1 }, kernel: 3, pool: { stride: 2 }, bias: true };
      const runNaN = (backend: string) => withBackend(backend, () => {
        const g = new Generator(13);
        const xd = randn(c.x, { generator: g }).toTypedArray() as Float32Array;
        xd[3 * 9 + 4] = NaN; // every 3×3 output window around it holds NaNs in more than one row
        const x = new Tensor(xd, c.x, 'float32').requiresGrad_();
        const w = randn(c.w, { generator: g }).requiresGrad_();
        const y = conv2dMaxPool(x, w, randn([4], { generator: g }), c.conv, c.kernel, c.pool);
        y.mul(randn(y.shape, { generator: g })).sum().backward();
        return { y: y.toTypedArray() as Float32Array, dx: x.grad!.toTypedArray() as Float32Array };
      });
      const want = runNaN('js');
      const before = { ...calls };
      const got = runNaN(h.name);
      expect(calls.forward).toBe(before.forward + 1);
      expect(want.y.some((v) => Number.isNaN(v))).toBe(true);
      expectSameNonFinite(got.y, want.y, 'y');
      expectNear(got.y.map((v) => (Number.isNaN(v) ? 0 : v)), want.y.map((v) => (Number.isNaN(v) ? 0 : v)), 'y');
      expectNear(got.dx, want.dx, 'dx');
    });

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

describe('wasm conv2d forward: Winograd F(2×2, 3×3)', () => {
  it('agrees with the im2col path to float32 rounding, forward and for the input gradient, and is a different computation', async () => {
    const wino = createWasmBackend({ fallback: jsBackend, threads: 1, winogradMinChannels: 16 });
    const direct = createWasmBackend({ fallback: jsBackend, threads: 1, winogradMinChannels: Infinity });
    if (!wino || !direct) return;
    const g = { n: 6, c: 24, h: 11, w: 10, o: 20, kh: 3, kw: 3, sh: 1, sw: 1, ph: 1, pw: 1, dh: 1, dw: 1, oh: 11, ow: 10 };
    const x = new Float32Array(g.n * g.c * g.h * g.w).map((_, i) => Math.sin(i * 0.37));
    const w = new Float32Array(g.o * g.c * 9).map((_, i) => Math.cos(i * 0.11) * 0.3);
    const b = new Float32Array(g.o).map((_, i) => i * 0.1 - 1);
    const [yw, yd] = [new Float32Array(g.n * g.o * g.oh * g.ow), new Float32Array(g.n * g.o * g.oh * g.ow)];
    expect(wino.conv2dForward!(g, x, w, b, yw, true)).toBe(true);
    expect(direct.conv2dForward!(g, x, w, b, yd, true)).toBe(true);
    let worst = 0;
    let differ = 0;
    for (let i = 0; i < yd.length; i++) {
      worst = Math.max(worst, Math.abs(yw[i] - yd[i]) / (1 + Math.abs(yd[i])));
      if (yw[i] !== yd[i]) differ++;
    }
    expect(worst).toBeLessThan(2e-5);
    expect(differ).toBeGreaterThan(0);
    // The input gradient (20 output channels ≥ 16): Winograd over the flipped kernels vs im2col + col2im.
    const gy = new Float32Array(yd.length).map((_, i) => Math.sin(i * 0.05));
    const [dxw, dxd] = [new Float32Array(x.length), new Float32Array(x.length)];
    expect(wino.conv2dBackward!(g, x, w, gy, dxw, null, null)).toBe(true);
    expect(direct.conv2dBackward!(g, x, w, gy, dxd, null, null)).toBe(true);
    worst = 0;
    differ = 0;
    for (let i = 0; i < dxd.length; i++) {
      worst = Math.max(worst, Math.abs(dxw[i] - dxd[i]) / (1 + Math.abs(dxd[i])));
      if (dxw[i] !== dxd[i]) differ++;
    }
    expect(worst).toBeLessThan(2e-5);
    expect(differ).toBeGreaterThan(0);
    wino.dispose();
    direct.dispose();
  });
});
