/**
 * Argument checks shared by the loaders, readers and transforms. TypeScript catches a misspelt
 * option only in a fresh object literal; options spread from a config or written PyTorch-style
 * (`batch_size`, `drop_last`) would otherwise be ignored and the default used without a word.
 * The unknown-key message is core's, so data answers as core ops and nn layers do.
 *
 * Each check runs once per call, never per sample or pixel.
 */

import { unknownOptionsError } from '@tensorkit/core';

/** Every key of an options type, spelled out so the compiler keeps the runtime list in step with the type. */
export type OptionKeys<T> = { readonly [K in keyof Required<T>]: true };

/**
 * Throws when `opts` is not an object (undefined is allowed: all defaults) or has a key outside
 * `known`, naming `fn`, the key, the closest known key and the known keys.
 */
export function checkOptionKeys(fn: string, opts: unknown, known: Readonly<Record<string, true>>, what = 'option'): void {
  if (opts === undefined) return;
  if (typeof opts !== 'object' || opts === null || Array.isArray(opts)) {
    throw new Error(`${fn}: ${what}s must be an object, got ${describe(opts)}`);
  }
  for (const k in opts) {
    if (!Object.hasOwn(known, k)) {
      const unknown = Object.keys(opts).filter((u) => !Object.hasOwn(known, u));
      throw unknownOptionsError(fn, unknown, Object.keys(known), what);
    }
  }
}

/** A value as an error shows it: NaN and Infinity as such, strings quoted (so '2' is not read as 2). */
export function fmtValue(v: unknown): string {
  if (typeof v === 'string') return `'${v}'`;
  if (Array.isArray(v)) return `[${v.map(fmtValue).join(', ')}]`;
  if (v !== null && typeof v === 'object') return describe(v);
  return String(v);
}

/** "a number (5)", "an array", "a string", "null": what was passed where another type was expected. */
export function describe(v: unknown): string {
  if (v === null || v === undefined) return String(v);
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'number') return `a number (${v})`;
  const ctor = typeof v === 'object' ? (v as object).constructor?.name : undefined;
  const word = ctor && ctor !== 'Object' ? ctor : typeof v;
  return `${/^[aeiou]/i.test(word) ? 'an' : 'a'} ${word}`;
}

export type NumberKind = 'finite' | 'positive' | 'non-negative' | 'probability' | 'positive integer' | 'non-negative integer';

const EXPECTED: Record<NumberKind, string> = {
  finite: 'a finite number',
  positive: 'a finite number > 0',
  'non-negative': 'a finite number ≥ 0',
  probability: 'a number in [0, 1]',
  'positive integer': 'a positive integer',
  'non-negative integer': 'a non-negative integer',
};

function isKind(v: number, kind: NumberKind): boolean {
  switch (kind) {
    case 'finite':
      return Number.isFinite(v);
    case 'positive':
      return Number.isFinite(v) && v > 0;
    case 'non-negative':
      return Number.isFinite(v) && v >= 0;
    case 'probability':
      return v >= 0 && v <= 1;
    case 'positive integer':
      return Number.isSafeInteger(v) && v > 0;
    case 'non-negative integer':
      return Number.isSafeInteger(v) && v >= 0;
  }
}

/** Throws unless `v` is a number of the given kind, naming `fn` and the argument `name`. */
export function checkNumber(fn: string, name: string, v: unknown, kind: NumberKind): asserts v is number {
  if (typeof v !== 'number' || !isKind(v, kind)) throw new Error(`${fn}: ${name} must be ${EXPECTED[kind]}, got ${fmtValue(v)}`);
}

/** Throws unless lo ≤ hi (both finite): a reversed range would draw from outside the one meant. */
export function checkRange(fn: string, loName: string, lo: unknown, hiName: string, hi: unknown): void {
  checkNumber(fn, loName, lo, 'finite');
  checkNumber(fn, hiName, hi, 'finite');
  if (lo > hi) throw new Error(`${fn}: ${loName} must be ≤ ${hiName}, got ${loName}=${lo}, ${hiName}=${hi}`);
}

export function checkBoolean(fn: string, name: string, v: unknown): void {
  if (v !== undefined && typeof v !== 'boolean') throw new Error(`${fn}: ${name} must be a boolean, got ${fmtValue(v)}`);
}

export function checkFunction(fn: string, name: string, v: unknown): void {
  if (v !== undefined && typeof v !== 'function') throw new Error(`${fn}: ${name} must be a function, got ${describe(v)}`);
}

/** Throws unless `v` is one of `allowed` (string options such as a pad mode or a window name). */
export function checkOneOf(fn: string, name: string, v: unknown, allowed: readonly string[]): void {
  if (!allowed.includes(v as string)) throw new Error(`${fn}: ${name} must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${fmtValue(v)}`);
}

/** Throws unless `rng` has the uniform()/normal() methods a RandomSource needs (a core Generator). */
export function checkRandomSource(fn: string, rng: unknown): void {
  const r = rng as { uniform?: unknown; normal?: unknown } | null;
  if (r === null || typeof r !== 'object' || typeof r.uniform !== 'function' || typeof r.normal !== 'function') {
    throw new Error(`${fn}: rng must be a random source with uniform() and normal() (e.g. new Generator(seed) from @tensorkit/core), got ${describe(rng)}`);
  }
}

/**
 * Throws unless `v` is a Buffer or Uint8Array. A string would be taken for a path by sharp, and
 * an ArrayBuffer read as an empty or zero-filled file: errors that blame the file, not the call.
 */
export function checkBytes(fn: string, v: unknown): void {
  if (!(v instanceof Uint8Array)) {
    const hint = v instanceof ArrayBuffer ? ' (wrap it: Buffer.from(arrayBuffer))' : typeof v === 'string' ? ` (to read a file, use ${fn.replace(/^(decode|parse)/, 'read')}(path))` : '';
    throw new Error(`${fn}: bytes must be a Buffer or Uint8Array, got ${describe(v)}${hint}`);
  }
}

/** Throws unless `v` is a Float32Array (the sample / feature buffers the audio functions take). */
export function checkFloat32(fn: string, name: string, v: unknown): void {
  if (!(v instanceof Float32Array)) throw new Error(`${fn}: ${name} must be a Float32Array, got ${describe(v)}`);
}
