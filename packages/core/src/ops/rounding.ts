/**
 * Rounding and sign: floor, ceil, round, trunc, sign. Piecewise constant, so their
 * gradient is zero everywhere (PyTorch's convention, also at the jumps). Every dtype
 * is preserved: on integer and bool tensors the rounding ops are copies.
 */
import { record } from '../autograd.js';
import { allocate, isFloatDType } from '../dtype.js';
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
  return record(new Tensor(out, shape, x.dtype), op, [x], (g) => [new Tensor(allocate(g.dtype, src.length), shape, g.dtype)]);
}

export function floor(x: Tensor): Tensor {
  return piecewiseConstant('floor', x, Math.floor);
}

export function ceil(x: Tensor): Tensor {
  return piecewiseConstant('ceil', x, Math.ceil);
}

/** Nearest integer, ties to even (as torch.round). */
export function round(x: Tensor): Tensor {
  return piecewiseConstant('round', x, roundHalfEven);
}

/** Rounds towards zero. */
export function trunc(x: Tensor): Tensor {
  return piecewiseConstant('trunc', x, Math.trunc);
}

/** -1, 0 or 1; NaN gives 0 and -0 gives 0, as torch.sign. */
export function sign(x: Tensor): Tensor {
  return piecewiseConstant('sign', x, (v) => (v > 0 ? 1 : v < 0 ? -1 : 0));
}
