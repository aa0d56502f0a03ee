/**
 * Rounding and sign: floor, ceil, round, trunc, sign. Piecewise constant, so their
 * gradient is zero everywhere (PyTorch's convention, also at the jumps). Every dtype
 * is preserved: on integer and bool tensors the rounding ops are copies.
 */
import { record } from '../autograd.js';
import { allocate, isFloatDType } from '../dtype.js';
import { checkOptions, NO_OPTIONS, optionKeys } from '../options.js';
import { Tensor } from '../tensor.js';

/** Rounds half to even, as torch.round (2.5 → 2, 3.5 → 4, -0.5 → -0). */
function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return Math.abs(v % 1) === 0.5 ? 2 * Math.round(v / 2) : r;
}

function piecewiseConstant(op: string, x: Tensor, f: (v: number) => number): Tensor {
  if (!(x instanceof Tensor)) throw new Error(`${op}: expected a Tensor, got ${typeof x}`);
  const src = x.toTypedArray();
  const out = allocate(x.dtype, src.length);
  if (isFloatDType(x.dtype) || op === 'sign') for (let i = 0; i < src.length; i++) out[i] = f(src[i]);
  else out.set(src);
  const shape = x.shape;
  return record(new Tensor(out, shape, x.dtype), op, [x], (g) => [new Tensor(allocate(g.dtype, src.length), shape, g.dtype)], []);
}

export function floor(x: Tensor): Tensor {
  return piecewiseConstant('floor', x, Math.floor);
}

export function ceil(x: Tensor): Tensor {
  return piecewiseConstant('ceil', x, Math.ceil);
}

export interface RoundOptions {
  /** Decimal places to round to (default 0); negative rounds to tens, hundreds, … */
  decimals?: number;
}

/**
 * round(x·10^d)/10^d (x/10^-d·10^-d for d < 0), ties to even, computed in the tensor's own
 * precision as torch.round(x, decimals=d) is, so results match torch: the float32 2.675
 * (2.67499995…) times 100 rounds to 267.5 in float32 and gives 2.68 (float64 would give 2.67).
 * Where that formula overflows (10^d or x·10^d infinite) torch returns inf or NaN; the
 * rounded value there is x itself (d > 0) or a signed 0 (d < 0), so that is returned.
 */
function roundDecimals(decimals: number, f32: boolean): (v: number) => number {
  const fr = f32 ? Math.fround : (v: number) => v;
  const p = fr(10 ** Math.abs(decimals));
  if (decimals > 0) {
    return (v) => {
      const s = fr(v * p);
      return Number.isFinite(s) ? fr(roundHalfEven(s) / p) : v;
    };
  }
  if (!Number.isFinite(p)) return (v) => (Number.isFinite(v) ? v * 0 : v);
  return (v) => fr(roundHalfEven(fr(v / p)) * p);
}

const ROUND_KEYS = optionKeys<RoundOptions>({ decimals: true });

/** Nearest integer, or nearest multiple of 10^-decimals, ties to even (as torch.round). */
export function round(x: Tensor, opts: RoundOptions = NO_OPTIONS): Tensor {
  checkOptions('round', opts, ROUND_KEYS);
  const decimals = opts.decimals ?? 0;
  if (!Number.isInteger(decimals)) throw new Error(`round: decimals must be an integer, got ${decimals}`);
  if (decimals === 0) return piecewiseConstant('round', x, roundHalfEven);
  // An integer tensor is already rounded to any decimals >= 0; rounding it to tens could leave
  // its dtype's range (uint8 250 → 300), so that needs a float tensor.
  if (x instanceof Tensor && decimals < 0 && !isFloatDType(x.dtype)) {
    throw new Error(`round: decimals < 0 needs a float tensor, got ${x.dtype}; cast first, e.g. x.to('float64').round({ decimals: ${decimals} })`);
  }
  return piecewiseConstant('round', x, roundDecimals(decimals, x instanceof Tensor && x.dtype === 'float32'));
}

/** Rounds towards zero. */
export function trunc(x: Tensor): Tensor {
  return piecewiseConstant('trunc', x, Math.trunc);
}

/** -1, 0 or 1; NaN gives 0 and -0 gives 0, as torch.sign. */
export function sign(x: Tensor): Tensor {
  return piecewiseConstant('sign', x, (v) => (v > 0 ? 1 : v < 0 ? -1 : 0));
}
