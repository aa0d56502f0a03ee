/** Turns mixed tensor/number operands into tensors of a common dtype. */
import { castScalar, isFloatDType, promoteTypes, type DType } from '../dtype.js';
import { allocate } from '../dtype.js';
import { describeValue } from '../args.js';
import { Tensor, type TensorLike } from '../tensor.js';

export function resultDType(a: TensorLike, b: TensorLike): DType {
  if (a instanceof Tensor && b instanceof Tensor) return promoteTypes(a.dtype, b.dtype);
  // Two plain numbers (e.g. the functional add(1, 2)) make float32 scalars.
  if (!(a instanceof Tensor) && !(b instanceof Tensor)) return 'float32';
  const t = (a instanceof Tensor ? a : b) as Tensor;
  const s = (a instanceof Tensor ? b : a) as number;
  // A Python-style scalar does not widen a float tensor, but a fractional one turns ints into float32.
  if (!isFloatDType(t.dtype) && !Number.isInteger(s)) return 'float32';
  return t.dtype === 'bool' && s !== 0 && s !== 1 ? 'int32' : t.dtype;
}

export function asTensor(op: string, x: TensorLike, dtype: DType): Tensor {
  if (x instanceof Tensor) return x.dtype === dtype ? x : x.to(dtype);
  if (typeof x !== 'number') throw new Error(`${op}: expected a Tensor or number, got ${x === null ? 'null' : typeof x}`);
  const s = allocate(dtype, 1);
  s[0] = checkScalarFits(op, x, dtype);
  return new Tensor(s, [], dtype);
}

/**
 * A plain number as `dtype`, the result dtype of an op with an integer tensor: refuses one the
 * dtype would wrap (int32 + 1e10 gave 1410065409; uint8 clamp(300) gave 44), as PyTorch does.
 */
export function checkScalarFits(op: string, x: number, dtype: DType): number {
  const v = castScalar(x, dtype);
  if (v !== x && (dtype === 'int32' || dtype === 'uint8')) {
    const fix = op === 'where' ? `where(cond, x.to('float64'), ${x})` : `x.to('float64').${op}(${x})`;
    throw new RangeError(`${op}: the scalar ${x} cannot be converted to ${dtype}, the result dtype with this integer tensor, without overflow (there is no int64); compute in floating point instead, e.g. ${fix}`);
  }
  return v;
}

/** Throws unless `v` is a Tensor, naming `op` and the argument: before a property read on it fails with a TypeError. */
export function expectTensor(op: string, name: string, v: unknown): asserts v is Tensor {
  if (!(v instanceof Tensor)) throw new Error(`${op}: ${name} must be a Tensor, got ${describeValue(v)}`);
}

/** expectTensor that returns the tensor, for use inside an expression (nn's layers and functional ops). */
export function checkTensor(op: string, name: string, v: unknown): Tensor {
  expectTensor(op, name, v);
  return v;
}

/**
 * Throws unless `v` is a bool Tensor: a float or integer mask would be read as "nonzero is true",
 * so a float mask of probabilities or a 0/1 mask meant as weights would select silently. PyTorch
 * refuses both ("masked_fill_ only supports boolean masks").
 */
export function expectBoolMask(op: string, name: string, v: unknown, hint: BoolMaskHint = {}): asserts v is Tensor {
  expectTensor(op, name, v);
  if (v.dtype !== 'bool') {
    const advice = hint.advice ?? `make one with a comparison such as ${name}.ne(0) or ${name}.gt(0), or ${name}.to('bool')`;
    throw new Error(`${op}: ${name} must be a bool tensor${hint.meaning ? ` (${hint.meaning})` : ''}, got dtype ${v.dtype}; ${advice}`);
  }
}

/** What a caller's refusal adds: what true means for its mask, and advice in place of the default. */
export interface BoolMaskHint {
  meaning?: string;
  advice?: string;
}

/** expectBoolMask that returns the mask, for use inside an expression (nn's attention). */
export function checkBoolMask(op: string, name: string, v: unknown, hint: BoolMaskHint = {}): Tensor {
  expectBoolMask(op, name, v, hint);
  return v;
}
