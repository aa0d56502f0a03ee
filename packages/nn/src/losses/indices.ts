/** Converts class-id / length arguments (tensors or plain arrays) to validated Int32Arrays. */
import { Tensor } from '@tensorkit/core';

export type IndexLike = Tensor | Int32Array | readonly number[];

/** The elements of an integer tensor or array; rejects fractional or non-finite values. */
export function toIndexArray(op: string, name: string, x: IndexLike): Int32Array {
  let src: ArrayLike<number>;
  if (x instanceof Tensor) {
    if (x.dtype !== 'int32' && x.dtype !== 'uint8') {
      throw new Error(`${op}: ${name} must be an integer tensor (int32), got dtype ${x.dtype}`);
    }
    src = x.toTypedArray();
  } else if (x instanceof Int32Array) {
    return x;
  } else if (Array.isArray(x)) {
    src = x;
  } else {
    throw new Error(`${op}: ${name} must be a Tensor, Int32Array or number[]`);
  }
  const out = new Int32Array(src.length);
  for (let i = 0; i < src.length; i++) {
    const v = src[i];
    if (!Number.isInteger(v) || v < -2147483648 || v > 2147483647) throw new Error(`${op}: ${name}[${i}] = ${v} is not a 32-bit integer`);
    out[i] = v;
  }
  return out;
}

/** The shape of an index argument (plain arrays are 1-D). */
export function indexShape(x: IndexLike): readonly number[] {
  return x instanceof Tensor ? x.shape : [x.length];
}
