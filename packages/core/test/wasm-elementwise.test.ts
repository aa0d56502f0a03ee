import { afterAll, describe, expect, it } from 'vitest';
import type { AdamUpdateArgs, BinaryKernelName, UnaryKernelName } from '../src/backend/backend.js';
import { createWasmBackend } from '../src/backend/wasm/index.js';

// Reference definitions, as in the pure-TypeScript ops (float64 math, one rounding to float32).
function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}
const UNARY: Partial<Record<UnaryKernelName, (x: number) => number>> = {
  neg: (x) => -x, abs: Math.abs, sqrt: Math.sqrt, rsqrt: (x) => 1 / Math.sqrt(x), square: (x) => x * x,
  relu: (x) => (x <= 0 ? 0 : x), exp: Math.exp, tanh: Math.tanh, sigmoid, silu: (x) => x * sigmoid(x),
};
const BINARY: Record<BinaryKernelName, (x: number, y: number) => number> = {
  add: (x, y) => x + y, sub: (x, y) => x - y, mul: (x, y) => x * y, div: (x, y) => x / y,
  maximum: (x, y) => (x > y || Number.isNaN(x) ? x : y), minimum: (x, y) => (x < y || Number.isNaN(x) ? x : y),
};

const SPECIAL = [0, -0, Number.NaN, Infinity, -Infinity, 1e-45, -1e-45, 1e-38, 88.7, 88.73, -87.3, -103, -104, 3.4e38, -3.4e38, 1e-8, 0.00999, 0.01, 0.01001, -0.01, 1, -1, 20, -20];

function inputs(n: number, seed: number): Float32Array {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296 - 0.5;
  };
  const x = new Float32Array(n);
  const scales = [200, 20, 1, 1e-3, 1e-6];
  for (let i = 0; i < n; i++) x[i] = next() * scales[i % scales.length];
  x.set(SPECIAL, 0);
  return x;
}

/** Same value: equal bits up to NaN payloads, or within `rel` (relative). */
function close(got: number, want: number, rel: number): boolean {
  if (Object.is(got, want) || (Number.isNaN(got) && Number.isNaN(want))) return true;
  return Math.abs(got - want) <= rel * Math.abs(want);
}

describe('wasm elementwise kernels', () => {
  const backend = createWasmBackend({ threads: 1, elementwiseMinLength: 0 })!;
  afterAll(() => backend.dispose());
  const N = 4099; // not a multiple of 4: exercises the scalar tail

  for (const [op, f] of Object.entries(UNARY)) {
    it(`unary ${op} matches the float64 reference`, () => {
      const x = inputs(N, op.length);
      const out = new Float32Array(N).fill(12345);
      expect(backend.unary!(op as UnaryKernelName, x, out)).toBe(true);
      for (let i = 0; i < N; i++) {
        const want = Math.fround(f(x[i]));
        if (!close(out[i], want, 1e-6)) throw new Error(`${op}(${x[i]}) = ${out[i]}, want ${want}`);
      }
    });
  }

  for (const [op, f] of Object.entries(BINARY)) {
    it(`binary ${op} matches the reference, NaN and signed zeros included`, () => {
      const a = inputs(N, 7);
      const b = inputs(N, 8).reverse();
      b.set([0, 0, -0, 1, Number.NaN, 5, Number.NaN, -0, 0, 2], 0);
      const out = new Float32Array(N);
      expect(backend.binary!(op as BinaryKernelName, a, b, out)).toBe(true);
      for (let i = 0; i < N; i++) {
        const want = Math.fround(f(a[i], b[i]));
        if (!Object.is(out[i], want) && !(Number.isNaN(out[i]) && Number.isNaN(want))) throw new Error(`${op}(${a[i]}, ${b[i]}) = ${out[i]}, want ${want}`);
      }
    });
  }

  it('allows out to alias an input', () => {
    const a = inputs(100, 3);
    const want = a.map((x) => Math.fround(x + x));
    expect(backend.binary!('add', a, a, a)).toBe(true);
    expect(a).toEqual(want);
  });

  it('declines float64, unsupported ops, mismatched lengths and short arrays', () => {
    const f64 = new Float64Array(64);
    expect(backend.unary!('relu', f64, new Float64Array(64))).toBe(false);
    expect(backend.unary!('log', new Float32Array(64), new Float32Array(64))).toBe(false);
    expect(backend.binary!('add', new Float32Array(64), new Float32Array(63), new Float32Array(64))).toBe(false);
    const defaults = createWasmBackend({ threads: 1 })!;
    expect(defaults.unary!('relu', new Float32Array(64), new Float32Array(64))).toBe(false);
    expect(defaults.unary!('relu', new Float32Array(1 << 16), new Float32Array(1 << 16))).toBe(true);
  });

  it('adamUpdate matches a float64 reference step (Adam and AdamW)', () => {
    for (const [weightDecay, decoupledWeightDecay] of [[0, 0], [0.01, 0], [0, 0.05]]) {
      const n = 1001;
      const param = inputs(n, 1);
      param.set([0, 0, 0], 0);
      const grad = inputs(n, 2);
      const m = inputs(n, 3);
      const v = inputs(n, 4).map((x) => x * x);
      const args: Omit<AdamUpdateArgs, 'param' | 'grad' | 'm' | 'v'> = {
        lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8,
        biasCorrection1: 1 - 0.9 ** 3, biasCorrection2: 1 - 0.999 ** 3, weightDecay, decoupledWeightDecay,
      };
      const want = { p: Float64Array.from(param), m: Float64Array.from(m), v: Float64Array.from(v) };
      for (let i = 0; i < n; i++) {
        let p = want.p[i];
        const g = grad[i] + weightDecay * p;
        p *= 1 - args.lr * decoupledWeightDecay;
        want.m[i] = Math.fround(args.beta1 * want.m[i] + (1 - args.beta1) * g);
        want.v[i] = Math.fround(args.beta2 * want.v[i] + (1 - args.beta2) * g * g);
        want.p[i] = Math.fround(p - (args.lr * (want.m[i] / args.biasCorrection1)) / (Math.sqrt(want.v[i] / args.biasCorrection2) + args.eps));
      }
      expect(backend.adamUpdate!({ ...args, param, grad, m, v })).toBe(true);
      for (let i = 0; i < n; i++) {
        if (!close(param[i], want.p[i], 1e-6) || !close(m[i], want.m[i], 1e-6) || !close(v[i], want.v[i], 1e-6)) {
          throw new Error(`adam[${i}] (wd ${weightDecay}, dwd ${decoupledWeightDecay}): p ${param[i]} / ${want.p[i]}, m ${m[i]} / ${want.m[i]}, v ${v[i]} / ${want.v[i]}`);
        }
      }
    }
  });
});
