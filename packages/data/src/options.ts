/**
 * data's argument checks: core's shared ones (the words every package uses for a refusal) plus
 * the few that only data needs. TypeScript catches a misspelt option only in a fresh object
 * literal; options spread from a config or written PyTorch-style (`batch_size`, `drop_last`)
 * would otherwise be ignored and the default used without a word.
 *
 * Each check runs once per call, never per sample or pixel.
 */

import { checkBoolean, checkFunction, checkNumber, describeValue, FINITE } from '@tensorkit/core';

export {
  checkNumber, checkOneOf, checkOptionKeys, describeValue, showValue, COUNT, FINITE, NON_NEGATIVE, POSITIVE, SIZE, UNIT,
} from '@tensorkit/core';

/** Every key of an options type, spelled out so the compiler keeps the runtime list in step with the type. */
export type OptionKeys<T> = { readonly [K in keyof Required<T>]: true };

/** An optional flag: undefined (left out) takes the default, anything else must be true or false. */
export function checkOptionalBoolean(fn: string, name: string, v: unknown): void {
  if (v !== undefined) checkBoolean(fn, name, v);
}

/** An optional callback: undefined (left out) takes the default, anything else must be a function. */
export function checkOptionalFunction(fn: string, name: string, v: unknown): void {
  if (v !== undefined) checkFunction(fn, name, v);
}

/** Throws unless lo ≤ hi (both finite): a reversed range would draw from outside the one meant. */
export function checkRange(fn: string, loName: string, lo: unknown, hiName: string, hi: unknown): void {
  const a = checkNumber(fn, loName, lo, FINITE);
  const b = checkNumber(fn, hiName, hi, FINITE);
  if (a > b) throw new Error(`${fn}: ${loName} must be ≤ ${hiName}, got ${loName}=${lo}, ${hiName}=${hi}`);
}

/** Throws unless `rng` has the uniform()/normal() methods a RandomSource needs (a core Generator). */
export function checkRandomSource(fn: string, rng: unknown): void {
  const r = rng as { uniform?: unknown; normal?: unknown } | null;
  if (r === null || typeof r !== 'object' || typeof r.uniform !== 'function' || typeof r.normal !== 'function') {
    throw new Error(`${fn}: rng must be a random source with uniform() and normal() (e.g. new Generator(seed) from @tensorkit/core), got ${describeValue(rng)}`);
  }
}

/**
 * The bytes a decoder was given, as a Buffer over the same memory (no copy): a Buffer, any
 * Uint8Array view, or an ArrayBuffer (fetch's arrayBuffer(), as nn's decodeSafetensors takes).
 * Anything else is refused here, pointing a string at `reader` when there is one: a string would be taken for a path by sharp, and another typed
 * array or a plain array read as bytes it does not hold — errors that blame the file, not the call.
 */
export function toBytes(fn: string, v: unknown, reader?: string): Buffer {
  if (Buffer.isBuffer(v)) return v;
  if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
  if (v instanceof ArrayBuffer) return Buffer.from(v);
  const hint = typeof v === 'string' && reader ? ` (to read a file, use ${reader}(path))` : '';
  throw new Error(`${fn}: bytes must be a Buffer, Uint8Array or ArrayBuffer, got ${describeValue(v)}${hint}`);
}

/** Throws unless `v` is a Float32Array (the sample / feature buffers the audio functions take). */
export function checkFloat32(fn: string, name: string, v: unknown): void {
  if (!(v instanceof Float32Array)) throw new Error(`${fn}: ${name} must be a Float32Array, got ${describeValue(v)}`);
}
