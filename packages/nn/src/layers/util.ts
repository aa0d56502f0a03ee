/** Small helpers shared by the layer files: argument checks and parameter creation. */
import { describeValue, type Generator, getBackend, getDefaultGenerator, showValue, Tensor, zeros } from '@tensorkit/core';
import { init } from '../init.js';

export function checkPositiveInt(layer: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) throw new Error(`${layer}: ${name} must be a positive integer, got ${showValue(v)}`);
  return v;
}

export function checkNonNegativeInt(layer: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new Error(`${layer}: ${name} must be a non-negative integer, got ${showValue(v)}`);
  return v;
}

export function checkProbability(layer: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || !(v >= 0 && v < 1)) throw new Error(`${layer}: ${name} must be a probability in [0, 1), got ${showValue(v)}`);
  return v;
}

/**
 * A size given as one number or as a tuple of exactly `n` (core would read the first n entries of a
 * longer one and build, say, a 3×3 kernel from [3, 3, 3]); each entry a positive (or, with
 * `minimum` 0, non-negative) integer. Returns the entries.
 */
export function checkSizes(layer: string, name: string, v: unknown, n: 1 | 2, minimum: 0 | 1 = 1): number[] {
  const what = minimum === 1 ? 'a positive integer' : 'a non-negative integer';
  const ok = (x: unknown) => typeof x === 'number' && Number.isInteger(x) && x >= minimum;
  if (typeof v === 'number' && ok(v)) return Array<number>(n).fill(v);
  if (n === 2 && Array.isArray(v) && v.length === 2 && v.every(ok)) return v as number[];
  throw new Error(`${layer}: ${name} must be ${what}${n === 2 ? ` or a pair of them [height, width]` : ''}, got ${showValue(v)}`);
}

/** A layer's required options object (`new Linear()` would otherwise fail reading a field of undefined). */
export function layerOptions<T>(layer: string, opts: T): T {
  if (typeof opts !== 'object' || opts === null || Array.isArray(opts)) throw new Error(`${layer}: expected an options object, got ${describeValue(opts)}`);
  return opts;
}

export function generatorOf(opts: { generator?: Generator }): Generator {
  return opts.generator ?? getDefaultGenerator();
}

/** A float32 tensor drawn from U(-bound, bound). */
export function uniformTensor(shape: readonly number[], bound: number, g: Generator): Tensor {
  return init.uniform(zeros(shape), { low: -bound, high: bound, generator: g });
}

/** PyTorch's default for Linear/Conv weights: kaiming_uniform with a = √5, i.e. U(±1/√fan_in). */
export function defaultWeight(shape: readonly number[], g: Generator): Tensor {
  return inBackendMemory(init.kaimingUniform(zeros(shape), { a: Math.sqrt(5), generator: g }));
}

/**
 * The same float32 values in storage from the fast backend's own memory when
 * it offers it (big tensors only: the backend decides), so its GEMMs and
 * optimizer kernels read the weight where it is instead of copying it in.
 */
export function inBackendMemory(t: Tensor): Tensor {
  if (t.dtype !== 'float32' || !t.isContiguous()) return t;
  const store = getBackend().allocFloat32?.(t.size);
  if (!store) return t;
  store.set(t.toTypedArray() as Float32Array);
  return new Tensor(store, t.shape, 'float32');
}

/** PyTorch's default bias: U(±1/√fan_in) (zero bound when fan_in is 0). */
export function defaultBias(size: number, fanIn: number, g: Generator): Tensor {
  return uniformTensor([size], fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0, g);
}

export function shapeStr(t: Tensor): string {
  return `[${t.shape.join(',')}]`;
}
