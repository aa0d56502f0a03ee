/**
 * nn's own argument check; the general ones (showValue, describeValue, checkNumber and its
 * ranges, checkBoolean, checkOptionKeys) are core's, shared with data.
 */
import { describeValue, Tensor } from '@tensorkit/core';

/** `v` as a Tensor, or an error naming `fn` and the argument: a core op would fail on it with a TypeError deep inside. */
export function checkTensor(fn: string, name: string, v: unknown): Tensor {
  if (!(v instanceof Tensor)) throw new Error(`${fn}: ${name} must be a Tensor, got ${describeValue(v)}`);
  return v;
}
