/**
 * Weight initialisers (torch.nn.init). Each fills a contiguous floating-point
 * tensor in place — outside autograd — and returns it. Every draw comes from
 * a Generator (explicit or the default), so one seed fixes initialisation.
 *
 *   import { init } from '@tensorkit/nn';
 *   init.kaimingUniform(w, { nonlinearity: 'relu', generator: g });
 */
import { type Generator, getDefaultGenerator, markModifiedInPlace, NON_NEGATIVE, optionalNumber, showValue, type Tensor } from '@tensorkit/core';
import { checkOptionKeys } from './options.js';

/** PyTorch's snake_case spellings ('leaky_relu', 'conv_transpose2d', …) are accepted too, so names copied from PyTorch code work. */
export type Nonlinearity =
  | 'linear' | 'identity' | 'conv1d' | 'conv2d' | 'conv3d' | 'convTranspose1d' | 'convTranspose2d' | 'convTranspose3d' | 'sigmoid' | 'tanh' | 'relu' | 'leakyRelu' | 'selu'
  | 'leaky_relu' | 'conv_transpose1d' | 'conv_transpose2d' | 'conv_transpose3d';
/** 'fan_in' / 'fan_out' (PyTorch's spelling) are accepted too. */
export type FanMode = 'fanIn' | 'fanOut' | 'fan_in' | 'fan_out';

const NONLINEARITIES: readonly Nonlinearity[] = [
  'linear', 'identity', 'conv1d', 'conv2d', 'conv3d', 'convTranspose1d', 'convTranspose2d', 'convTranspose3d', 'sigmoid', 'tanh', 'relu', 'leakyRelu', 'selu',
  'leaky_relu', 'conv_transpose1d', 'conv_transpose2d', 'conv_transpose3d',
];

/** PyTorch's snake_case name → ours. */
function camelName(s: string): string {
  return s.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
}

export interface RandomInitOptions {
  generator?: Generator;
}

/** Any finite number: a slope or an orthogonal gain (NaN or Infinity would fill the weights with NaN). */
const FINITE = {};

/** Recommended gain for a nonlinearity (PyTorch's calculate_gain); `param` is leakyRelu's slope. */
export function calculateGain(nonlinearity: Nonlinearity, param?: number): number {
  return gainFor('calculateGain', 'param', nonlinearity, param);
}

/** calculateGain with errors naming the caller (`fn`) and its name for the slope. */
function gainFor(fn: string, slopeName: string, nonlinearity: Nonlinearity, param: number | undefined): number {
  const name = typeof nonlinearity === 'string' && (NONLINEARITIES as readonly string[]).includes(nonlinearity) ? camelName(nonlinearity) : null;
  switch (name) {
    case 'linear':
    case 'identity':
    case 'conv1d':
    case 'conv2d':
    case 'conv3d':
    case 'convTranspose1d':
    case 'convTranspose2d':
    case 'convTranspose3d':
    case 'sigmoid':
      return 1;
    case 'tanh':
      return 5 / 3;
    case 'relu':
      return Math.SQRT2;
    case 'leakyRelu': {
      const slope = optionalNumber(fn, slopeName, param, FINITE, 0.01);
      return Math.sqrt(2 / (1 + slope * slope));
    }
    case 'selu':
      return 3 / 4;
    default:
      throw new Error(`${fn}: unknown nonlinearity '${String(nonlinearity)}' (accepted: ${NONLINEARITIES.join(', ')})`);
  }
}

/** fan_in / fan_out of a weight [out, in, ...kernel] (PyTorch's convention). */
export function computeFans(shape: readonly number[]): { fanIn: number; fanOut: number } {
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new Error(`computeFans: shape must be an array of integers ≥ 0, got ${showValue(shape)}`);
  }
  if (shape.length < 2) throw new Error(`computeFans: need a tensor with at least 2 dimensions, got shape [${shape}]`);
  let receptive = 1;
  for (let i = 2; i < shape.length; i++) receptive *= shape[i];
  return { fanIn: shape[1] * receptive, fanOut: shape[0] * receptive };
}

function writable(op: string, t: Tensor): void {
  if (t.dtype !== 'float32' && t.dtype !== 'float64') throw new Error(`init.${op}: tensor must be float32 or float64, got ${t.dtype}`);
  if (!t.isContiguous()) throw new Error(`init.${op}: tensor must be contiguous`);
}

function fillWith(op: string, t: Tensor, draw: () => number): Tensor {
  writable(op, t);
  const s = t.storage;
  const end = t.offset + t.size;
  for (let i = t.offset; i < end; i++) s[i] = draw();
  markModifiedInPlace(t);
  return t;
}

function gen(opts: RandomInitOptions): Generator {
  return opts.generator ?? getDefaultGenerator();
}

function uniform(t: Tensor, opts: RandomInitOptions & { low?: number; high?: number } = {}): Tensor {
  // Unknown keys would be ignored silently: PyTorch's uniform_(w, a=-0.1, b=0.1) spelled { a, b } filled U(0, 1).
  checkOptionKeys('init.uniform', opts, ['low', 'high', 'generator']);
  const lo = optionalNumber('init.uniform', 'low', opts.low, FINITE, 0);
  const hi = optionalNumber('init.uniform', 'high', opts.high, FINITE, 1);
  if (!(lo <= hi)) throw new Error(`init.uniform: low must be ≤ high, got low ${lo} and high ${hi}`);
  const g = gen(opts);
  return fillWith('uniform', t, () => lo + (hi - lo) * g.uniform());
}

function normal(t: Tensor, opts: RandomInitOptions & { mean?: number; std?: number } = {}): Tensor {
  checkOptionKeys('init.normal', opts, ['mean', 'std', 'generator']);
  const mean = optionalNumber('init.normal', 'mean', opts.mean, FINITE, 0);
  const std = optionalNumber('init.normal', 'std', opts.std, NON_NEGATIVE, 1);
  const g = gen(opts);
  return fillWith('normal', t, () => g.normal(mean, std));
}

function constant(t: Tensor, value: number): Tensor {
  // NaN and ±Infinity are kept, as PyTorch's constant_ fills them; a string '2' would be coerced.
  if (typeof value !== 'number') throw new Error(`init.constant: value must be a number, got ${showValue(value)}`);
  return fillWith('constant', t, () => value);
}

function zeros(t: Tensor): Tensor {
  return constant(t, 0);
}

function ones(t: Tensor): Tensor {
  return constant(t, 1);
}

/** Glorot uniform: U(-a, a) with a = gain·√(6/(fan_in+fan_out)). */
function xavierUniform(t: Tensor, opts: RandomInitOptions & { gain?: number } = {}): Tensor {
  checkOptionKeys('init.xavierUniform', opts, ['gain', 'generator']);
  const { fanIn, fanOut } = computeFans(t.shape);
  const a = xavierGain('init.xavierUniform', opts.gain) * Math.sqrt(6 / (fanIn + fanOut));
  return uniform(t, { low: -a, high: a, generator: opts.generator });
}

/** Glorot normal: N(0, gain²·2/(fan_in+fan_out)). */
function xavierNormal(t: Tensor, opts: RandomInitOptions & { gain?: number } = {}): Tensor {
  checkOptionKeys('init.xavierNormal', opts, ['gain', 'generator']);
  const { fanIn, fanOut } = computeFans(t.shape);
  return normal(t, { std: xavierGain('init.xavierNormal', opts.gain) * Math.sqrt(2 / (fanIn + fanOut)), generator: opts.generator });
}

/** A xavier gain scales a bound or a std, so it must be ≥ 0 (PyTorch fails on a negative one too, inside uniform_ / normal_). */
function xavierGain(fn: string, gain: number | undefined): number {
  return optionalNumber(fn, 'gain', gain, NON_NEGATIVE, 1);
}

export interface KaimingOptions extends RandomInitOptions {
  /** Negative slope of the leaky ReLU that follows (only used with 'leakyRelu'). Default 0. */
  a?: number;
  mode?: FanMode;
  /** Default 'leakyRelu' (with a = 0 that is ReLU), as in PyTorch. */
  nonlinearity?: Nonlinearity;
}

function kaimingStd(fn: string, t: Tensor, opts: KaimingOptions): number {
  const fans = computeFans(t.shape);
  const given = opts.mode ?? 'fanIn';
  const mode = given === 'fan_in' ? 'fanIn' : given === 'fan_out' ? 'fanOut' : given;
  if (mode !== 'fanIn' && mode !== 'fanOut') throw new Error(`${fn}: mode must be 'fanIn' or 'fanOut' ('fan_in' / 'fan_out' as in PyTorch), got '${String(given)}'`);
  const fan = mode === 'fanIn' ? fans.fanIn : fans.fanOut;
  const gain = gainFor(fn, 'a', opts.nonlinearity ?? 'leakyRelu', opts.a ?? 0);
  return gain / Math.sqrt(fan);
}

/** He uniform: U(-b, b) with b = gain·√(3/fan). */
function kaimingUniform(t: Tensor, opts: KaimingOptions = {}): Tensor {
  checkOptionKeys('init.kaimingUniform', opts, ['a', 'mode', 'nonlinearity', 'generator']);
  const bound = Math.sqrt(3) * kaimingStd('init.kaimingUniform', t, opts);
  return uniform(t, { low: -bound, high: bound, generator: opts.generator });
}

/** He normal: N(0, gain²/fan). */
function kaimingNormal(t: Tensor, opts: KaimingOptions = {}): Tensor {
  checkOptionKeys('init.kaimingNormal', opts, ['a', 'mode', 'nonlinearity', 'generator']);
  return normal(t, { std: kaimingStd('init.kaimingNormal', t, opts), generator: opts.generator });
}

/**
 * (Semi-)orthogonal matrix from the QR decomposition of a Gaussian matrix, as
 * PyTorch's orthogonal_: the tensor is viewed as [rows, rest]; the result has
 * orthonormal rows when rows ≤ rest, orthonormal columns otherwise. Q's
 * columns are sign-corrected by diag(R) so the distribution is uniform (Haar).
 */
function orthogonal(t: Tensor, opts: RandomInitOptions & { gain?: number } = {}): Tensor {
  checkOptionKeys('init.orthogonal', opts, ['gain', 'generator']);
  const gain = optionalNumber('init.orthogonal', 'gain', opts.gain, FINITE, 1);
  writable('orthogonal', t);
  if (t.rank < 2) throw new Error(`init.orthogonal: need at least 2 dimensions, got shape [${t.shape}]`);
  const rows = t.shape[0];
  const cols = t.size / rows;
  const g = gen(opts);
  // Work on a tall m×n matrix (m ≥ n) with columns to orthonormalise; column-major in float64.
  const transpose = rows < cols;
  const m = transpose ? cols : rows;
  const n = transpose ? rows : cols;
  const a = new Float64Array(m * n);
  // Draw in row-major order of the [rows, cols] view so the stream is layout-independent.
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const v = g.normal();
      if (transpose) a[i * m + j] = v; // column i of the tall matrix
      else a[j * m + i] = v; // column j
    }
  }
  for (let j = 0; j < n; j++) {
    const cj = j * m;
    // Modified Gram–Schmidt, twice ("twice is enough") for orthogonality to rounding error.
    let rjj = 0;
    for (let pass = 0; pass < 2; pass++) {
      for (let k = 0; k < j; k++) {
        const ck = k * m;
        let dot = 0;
        for (let i = 0; i < m; i++) dot += a[ck + i] * a[cj + i];
        for (let i = 0; i < m; i++) a[cj + i] -= dot * a[ck + i];
      }
    }
    for (let i = 0; i < m; i++) rjj += a[cj + i] * a[cj + i];
    rjj = Math.sqrt(rjj);
    if (rjj === 0) throw new Error('init.orthogonal: degenerate random matrix (rank deficient)');
    // Dividing by the (positive) norm is the sign correction: diag(R) > 0 by construction.
    for (let i = 0; i < m; i++) a[cj + i] /= rjj;
  }
  const s = t.storage;
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) s[t.offset + i * cols + j] = gain * (transpose ? a[i * m + j] : a[j * m + i]);
  }
  markModifiedInPlace(t);
  return t;
}

/** The initialisers, grouped like torch.nn.init (they would otherwise clash with core's zeros/ones). */
export const init = Object.freeze({
  uniform,
  normal,
  constant,
  zeros,
  ones,
  xavierUniform,
  xavierNormal,
  kaimingUniform,
  kaimingNormal,
  orthogonal,
  calculateGain,
  computeFans,
});
