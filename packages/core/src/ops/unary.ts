/**
 * Elementwise unary ops. Each entry pairs the forward function with its local
 * derivative f'(x) (given x and y = f(x)); the gradient is g · f'(x).
 */
import { record } from '../autograd.js';
import { allocate, isFloatDType } from '../dtype.js';
import { getBackend } from '../backend/registry.js';
import type { FloatArray, UnaryKernelName } from '../backend/backend.js';
import { erf, sigmoid as sigmoidScalar } from '../kernels/special.js';
import { Tensor } from '../tensor.js';

interface UnaryDef {
  f: (x: number) => number;
  /** Local derivative from input x and output y. */
  df: (x: number, y: number) => number;
}

const SQRT1_2 = Math.SQRT1_2;
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

const DEFS: Record<string, UnaryDef> = {
  neg: { f: (x) => -x, df: () => -1 },
  abs: { f: Math.abs, df: (x) => (x > 0 ? 1 : x < 0 ? -1 : 0) },
  exp: { f: Math.exp, df: (_x, y) => y },
  log: { f: Math.log, df: (x) => 1 / x },
  log1p: { f: Math.log1p, df: (x) => 1 / (1 + x) },
  sqrt: { f: Math.sqrt, df: (_x, y) => 0.5 / y },
  rsqrt: { f: (x) => 1 / Math.sqrt(x), df: (_x, y) => -0.5 * y * y * y },
  square: { f: (x) => x * x, df: (x) => 2 * x },
  sin: { f: Math.sin, df: Math.cos },
  cos: { f: Math.cos, df: (x) => -Math.sin(x) },
  tanh: { f: Math.tanh, df: (_x, y) => 1 - y * y },
  sigmoid: { f: sigmoidScalar, df: (_x, y) => y * (1 - y) },
  // `x <= 0 ? 0 : x`, not `x > 0 ? x : 0`: a NaN fails both tests and must come out as NaN
  // (torch.relu); -0 still gives +0. The gradient passes unless x <= 0 (torch's threshold_backward).
  relu: { f: (x) => (x <= 0 ? 0 : x), df: (x) => (x <= 0 ? 0 : 1) },
  gelu: { f: (x) => 0.5 * x * (1 + erf(x * SQRT1_2)), df: (x) => 0.5 * (1 + erf(x * SQRT1_2)) + x * INV_SQRT_2PI * Math.exp(-0.5 * x * x) },
  silu: { f: (x) => x * sigmoidScalar(x), df: (x) => { const s = sigmoidScalar(x); return s * (1 + x * (1 - s)); } },
};

type FwdLoop = (x: FloatArray, y: FloatArray) => void;
type BwdLoop = (x: FloatArray, y: FloatArray, g: FloatArray, out: FloatArray) => void;

// Hand-written loops for the hot activations: each is its own function, so V8
// inlines the math instead of calling a closure per element.
const FAST_FWD: Partial<Record<string, FwdLoop>> = {
  relu: (x, y) => { for (let i = 0; i < x.length; i++) { const v = x[i]; y[i] = v <= 0 ? 0 : v; } },
  neg: (x, y) => { for (let i = 0; i < x.length; i++) y[i] = -x[i]; },
  exp: (x, y) => { for (let i = 0; i < x.length; i++) y[i] = Math.exp(x[i]); },
  log: (x, y) => { for (let i = 0; i < x.length; i++) y[i] = Math.log(x[i]); },
  tanh: (x, y) => { for (let i = 0; i < x.length; i++) y[i] = Math.tanh(x[i]); },
  sigmoid: (x, y) => {
    for (let i = 0; i < x.length; i++) {
      const v = x[i];
      if (v >= 0) y[i] = 1 / (1 + Math.exp(-v));
      else { const e = Math.exp(v); y[i] = e / (1 + e); }
    }
  },
  square: (x, y) => { for (let i = 0; i < x.length; i++) y[i] = x[i] * x[i]; },
  sqrt: (x, y) => { for (let i = 0; i < x.length; i++) y[i] = Math.sqrt(x[i]); },
  abs: (x, y) => { for (let i = 0; i < x.length; i++) y[i] = Math.abs(x[i]); },
};

const FAST_BWD: Partial<Record<string, BwdLoop>> = {
  relu: (x, _y, g, o) => { for (let i = 0; i < x.length; i++) o[i] = x[i] <= 0 ? 0 : g[i]; },
  neg: (x, _y, g, o) => { for (let i = 0; i < x.length; i++) o[i] = -g[i]; },
  exp: (x, y, g, o) => { for (let i = 0; i < x.length; i++) o[i] = g[i] * y[i]; },
  log: (x, _y, g, o) => { for (let i = 0; i < x.length; i++) o[i] = g[i] / x[i]; },
  tanh: (x, y, g, o) => { for (let i = 0; i < x.length; i++) { const t = y[i]; o[i] = g[i] * (1 - t * t); } },
  sigmoid: (x, y, g, o) => { for (let i = 0; i < x.length; i++) { const s = y[i]; o[i] = g[i] * s * (1 - s); } },
  square: (x, _y, g, o) => { for (let i = 0; i < x.length; i++) o[i] = 2 * x[i] * g[i]; },
  sqrt: (x, y, g, o) => { for (let i = 0; i < x.length; i++) o[i] = (0.5 * g[i]) / y[i]; },
};

function mapInto(src: FloatArray, dst: FloatArray, f: (x: number) => number): void {
  for (let i = 0; i < src.length; i++) dst[i] = f(src[i]);
}

function derivInto(x: FloatArray, y: FloatArray, g: FloatArray, out: FloatArray, df: (x: number, y: number) => number): void {
  for (let i = 0; i < x.length; i++) out[i] = g[i] * df(x[i], y[i]);
}

function floatInput(op: string, x: Tensor): Tensor {
  if (!(x instanceof Tensor)) throw new Error(`${op}: expected a Tensor, got ${typeof x}`);
  // Integer and bool inputs are promoted to float32, as in PyTorch for these ops.
  return isFloatDType(x.dtype) ? x.contiguous() : x.to('float32');
}

/** Applies an elementwise function with a given local derivative. */
export function unaryWith(op: string, x: Tensor, f: (v: number) => number, df: (v: number, y: number) => number, kernel?: UnaryKernelName): Tensor {
  const xc = floatInput(op, x);
  const src = xc.toTypedArray() as FloatArray;
  const out = allocate(xc.dtype, src.length) as FloatArray;
  const backend = getBackend();
  const fast = kernel ? FAST_FWD[kernel] : undefined;
  if (!(kernel && backend.unary && backend.unary(kernel, src, out))) {
    if (fast) fast(src, out);
    else mapInto(src, out, f);
  }
  const fastBwd = kernel ? FAST_BWD[kernel] : undefined;
  const y = new Tensor(out, xc.shape, xc.dtype);
  return record(y, op, [x], (g) => {
    const gs = g.contiguous().toTypedArray() as FloatArray;
    const d = allocate(xc.dtype, src.length) as FloatArray;
    const be = getBackend();
    if (kernel && be.unaryGrad && be.unaryGrad(kernel, src, out, gs, d)) return [new Tensor(d, xc.shape, xc.dtype)];
    if (fastBwd) fastBwd(src, out, gs, d);
    else derivInto(src, out, gs, d, df);
    return [new Tensor(d, xc.shape, xc.dtype)];
  }, [x, y]);
}

/**
 * The ops that map integers to integers keep an int32 or uint8 input's dtype, as PyTorch
 * (abs/neg/square/relu of an int tensor are int; everything else promotes to float32). The
 * arithmetic wraps like the tensor's C type, as int32 mul does: uint8 neg(1) is 255.
 */
const INTEGER_MAPS: Partial<Record<UnaryKernelName, { int32: (v: number) => number; uint8: (v: number) => number }>> = {
  abs: { int32: (v) => Math.abs(v) | 0, uint8: (v) => v },
  neg: { int32: (v) => -v | 0, uint8: (v) => (256 - v) & 255 },
  square: { int32: (v) => Math.imul(v, v), uint8: (v) => (v * v) & 255 },
  relu: { int32: (v) => (v > 0 ? v : 0), uint8: (v) => v },
};

function named(op: UnaryKernelName) {
  const def = DEFS[op];
  const ints = INTEGER_MAPS[op];
  return (x: Tensor): Tensor => {
    if (ints && x instanceof Tensor && (x.dtype === 'int32' || x.dtype === 'uint8')) {
      // Integer tensors never require grad: nothing to record.
      const f = ints[x.dtype];
      const src = x.contiguous().toTypedArray();
      const out = allocate(x.dtype, src.length);
      for (let i = 0; i < src.length; i++) out[i] = f(src[i]);
      return new Tensor(out, x.shape, x.dtype);
    }
    return unaryWith(op, x, def.f, def.df, op);
  };
}

export const neg = named('neg');
export const abs = named('abs');
export const exp = named('exp');
export const log = named('log');
export const log1p = named('log1p');
export const sqrt = named('sqrt');
export const rsqrt = named('rsqrt');
export const square = named('square');
export const sin = named('sin');
export const cos = named('cos');
export const tanh = named('tanh');
export const sigmoid = named('sigmoid');
export const relu = named('relu');
export const silu = named('silu');

export function leakyRelu(x: Tensor, negativeSlope = 0.01): Tensor {
  return unaryWith('leakyRelu', x, (v) => (v > 0 ? v : negativeSlope * v), (v) => (v > 0 ? 1 : negativeSlope));
}

/** GELU, exact (erf) or with the tanh approximation. */
export function gelu(x: Tensor, approximate: 'none' | 'tanh' = 'none'): Tensor {
  if (approximate === 'none') return unaryWith('gelu', x, DEFS.gelu.f, DEFS.gelu.df, 'gelu');
  // Anything else ('exact', true) would otherwise get the tanh form without a word.
  if (approximate !== 'tanh') throw new Error(`gelu: approximate must be 'none' or 'tanh', got ${typeof approximate === 'string' ? `'${approximate}'` : String(approximate)}`);
  const k = 0.044715;
  return unaryWith(
    'gelu',
    x,
    (v) => 0.5 * v * (1 + Math.tanh(SQRT_2_OVER_PI * (v + k * v * v * v))),
    (v) => {
      const u = SQRT_2_OVER_PI * (v + k * v * v * v);
      const t = Math.tanh(u);
      return 0.5 * (1 + t) + 0.5 * v * (1 - t * t) * SQRT_2_OVER_PI * (1 + 3 * k * v * v);
    },
  );
}

/** log(1 + exp(beta·x))/beta, linear above `threshold` for numerical stability (as in PyTorch). */
export function softplus(x: Tensor, beta = 1, threshold = 20): Tensor {
  return unaryWith(
    'softplus',
    x,
    (v) => (v * beta > threshold ? v : Math.max(v, 0) + Math.log1p(Math.exp(-Math.abs(beta * v))) / beta),
    (v) => (v * beta > threshold ? 1 : sigmoidScalar(beta * v)),
  );
}
