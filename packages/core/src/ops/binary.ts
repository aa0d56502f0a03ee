/** Elementwise binary arithmetic with NumPy broadcasting. */
import { record } from '../autograd.js';
import { allocate, isFloatDType, type TypedArray } from '../dtype.js';
import { getBackend } from '../backend/registry.js';
import type { BinaryKernelName, FloatArray } from '../backend/backend.js';
import { binaryStrided, type BinaryRowKernel } from '../kernels/strided.js';
import { broadcastShapes, broadcastStrides, shapesEqual } from '../shape.js';
import { Tensor, type TensorLike } from '../tensor.js';
import { asTensor, resultDType } from './operand.js';
import { sumToShape } from './reduce.js';

function rowKernel(f: (x: number, y: number) => number): BinaryRowKernel {
  return (a, ai, as, b, bi, bs, o, oi, n) => {
    for (let j = 0; j < n; j++) o[oi + j] = f(a[ai + j * as], b[bi + j * bs]);
  };
}

// Hand-written loops for the hottest ops keep them monomorphic.
const ROW: Record<string, BinaryRowKernel> = {
  add: (a, ai, as, b, bi, bs, o, oi, n) => { for (let j = 0; j < n; j++) o[oi + j] = a[ai + j * as] + b[bi + j * bs]; },
  sub: (a, ai, as, b, bi, bs, o, oi, n) => { for (let j = 0; j < n; j++) o[oi + j] = a[ai + j * as] - b[bi + j * bs]; },
  mul: (a, ai, as, b, bi, bs, o, oi, n) => { for (let j = 0; j < n; j++) o[oi + j] = a[ai + j * as] * b[bi + j * bs]; },
  div: (a, ai, as, b, bi, bs, o, oi, n) => { for (let j = 0; j < n; j++) o[oi + j] = a[ai + j * as] / b[bi + j * bs]; },
  // int32 products above 2^53 lose their low bits in a double before the typed
  // array wraps them; Math.imul gives the exact two's-complement product, as in PyTorch.
  mulInt32: (a, ai, as, b, bi, bs, o, oi, n) => { for (let j = 0; j < n; j++) o[oi + j] = Math.imul(a[ai + j * as], b[bi + j * bs]); },
  pow: rowKernel(Math.pow),
  maximum: rowKernel((x, y) => (x > y || Number.isNaN(x) ? x : y)),
  minimum: rowKernel((x, y) => (x < y || Number.isNaN(x) ? x : y)),
};

/** Raw broadcast elementwise kernel producing a new tensor of the given dtype (no autograd). */
export function broadcastKernel(op: string, a: Tensor, b: Tensor, outDType: Tensor['dtype'], kernel: BinaryRowKernel, fastName?: BinaryKernelName): Tensor {
  const shape = broadcastShapes(op, a.shape, b.shape);
  let total = 1;
  for (const d of shape) total *= d;
  const out = allocate(outDType, total);
  if (fastName && shapesEqual(a.shape, b.shape) && a.isContiguous() && b.isContiguous() && a.dtype === outDType && b.dtype === outDType && isFloatDType(outDType)) {
    const backend = getBackend();
    const av = a.toTypedArray() as FloatArray;
    const bv = b.toTypedArray() as FloatArray;
    if (backend.binary && backend.binary(fastName, av, bv, out as FloatArray)) return new Tensor(out, shape, outDType);
    kernel(av, 0, 1, bv, 0, 1, out, 0, total);
    return new Tensor(out, shape, outDType);
  }
  binaryStrided(shape, a.storage, a.offset, broadcastStrides(a.shape, a.strides, shape), b.storage, b.offset, broadcastStrides(b.shape, b.strides, shape), out as TypedArray, kernel);
  return new Tensor(out, shape, outDType);
}

function arith(op: 'add' | 'sub' | 'mul' | 'div' | 'pow' | 'maximum' | 'minimum', x: TensorLike, y: TensorLike): [Tensor, Tensor, Tensor] {
  let dtype = resultDType(x, y);
  if ((op === 'div' || op === 'pow') && !isFloatDType(dtype)) dtype = 'float32';
  // Two bool tensors stay bool, as in PyTorch: add and maximum are a logical or, mul and minimum an
  // and (computed on 0/1 bytes); a bool with a plain number is counted in uint8 (true + 1 is 2).
  const bothBool = dtype === 'bool' && x instanceof Tensor && y instanceof Tensor;
  if (bothBool && op === 'sub') throw new Error("sub: two bool tensors cannot be subtracted (as in PyTorch); use a.ne(b) for exclusive or, or cast with .to('int32') first");
  if (dtype === 'bool') dtype = 'uint8';
  const a = asTensor(op, x, dtype);
  const b = asTensor(op, y, dtype);
  const fast = op === 'pow' ? undefined : op;
  const row = op === 'mul' && dtype === 'int32' ? ROW.mulInt32 : ROW[op];
  const out = broadcastKernel(op, a, b, dtype, row, fast);
  return [a, b, bothBool ? out.ne(0) : out];
}

export function add(x: TensorLike, y: TensorLike, alpha?: number): Tensor {
  if (alpha !== undefined && alpha !== 1) return add(x, typeof y === 'number' ? y * alpha : mul(y, alpha));
  const [a, b, out] = arith('add', x, y);
  return record(out, 'add', [a, b], (g) => [a.requiresGrad ? sumToShape(g, a.shape) : null, b.requiresGrad ? sumToShape(g, b.shape) : null], []);
}

export function sub(x: TensorLike, y: TensorLike, alpha?: number): Tensor {
  if (alpha !== undefined && alpha !== 1) return sub(x, typeof y === 'number' ? y * alpha : mul(y, alpha));
  const [a, b, out] = arith('sub', x, y);
  return record(out, 'sub', [a, b], (g) => [a.requiresGrad ? sumToShape(g, a.shape) : null, b.requiresGrad ? sumToShape(g.neg(), b.shape) : null], []);
}

export function mul(x: TensorLike, y: TensorLike): Tensor {
  const [a, b, out] = arith('mul', x, y);
  return record(out, 'mul', [a, b], (g) => [a.requiresGrad ? sumToShape(mul(g, b), a.shape) : null, b.requiresGrad ? sumToShape(mul(g, a), b.shape) : null]);
}

export function div(x: TensorLike, y: TensorLike): Tensor {
  const [a, b, out] = arith('div', x, y);
  return record(out, 'div', [a, b], (g) => [
    a.requiresGrad ? sumToShape(div(g, b), a.shape) : null,
    b.requiresGrad ? sumToShape(mul(g, out).div(b).neg(), b.shape) : null,
  ], [b, out]);
}

export function pow(x: TensorLike, y: TensorLike): Tensor {
  const [a, b, out] = arith('pow', x, y);
  return record(out, 'pow', [a, b], (g) => [
    // d/da a^b = b·a^(b-1); 0 where b = 0 (a^0 is constant), where the formula gives 0·0^-1 = NaN at a = 0.
    a.requiresGrad ? sumToShape(mul(g, mul(b, pow(a, sub(b, 1))).maskedFill(b.eq(0), 0)), a.shape) : null,
    // d/db a^b = a^b · ln a; 0 where a = 0 and b >= 0 (the limit), NaN for a < 0 (ln a), as in PyTorch.
    // Masked after the product: 0 · ln 0 = 0 · -inf is NaN, and no finite stand-in for -inf survives float32.
    b.requiresGrad ? sumToShape(mul(g, mul(out, a.log()).maskedFill(a.eq(0).mul(b.ge(0)), 0)), b.shape) : null,
  ], [a, b, out]);
}

/**
 * Gradient split for max/min, as PyTorch: the winner takes it, ties share it equally, and
 * each side keeps it unless it lost, so where a NaN made the comparisons false both get it.
 */
function tieSplit(a: Tensor, b: Tensor, pick: 'max' | 'min'): [Tensor, Tensor] {
  const dtype = a.dtype;
  const aWins = (pick === 'max' ? a.gt(b) : a.lt(b)).to(dtype);
  const bWins = (pick === 'max' ? a.lt(b) : a.gt(b)).to(dtype);
  const tie = a.eq(b).to(dtype).mul(0.5);
  return [sub(1, bWins.add(tie)), sub(1, aWins.add(tie))];
}

export function maximum(x: TensorLike, y: TensorLike): Tensor {
  const [a, b, out] = arith('maximum', x, y);
  return record(out, 'maximum', [a, b], (g) => {
    const [wa, wb] = tieSplit(a, b, 'max');
    return [sumToShape(mul(g, wa), a.shape), sumToShape(mul(g, wb), b.shape)];
  });
}

export function minimum(x: TensorLike, y: TensorLike): Tensor {
  const [a, b, out] = arith('minimum', x, y);
  return record(out, 'minimum', [a, b], (g) => {
    const [wa, wb] = tieSplit(a, b, 'min');
    return [sumToShape(mul(g, wa), a.shape), sumToShape(mul(g, wb), b.shape)];
  });
}
