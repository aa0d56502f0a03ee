/**
 * Argument checks and value formatting for every package: core's ops, nn's layers, optimizers
 * and schedulers, data's loaders and transforms. One set of words for every refusal — the
 * function, the argument, what it takes and what it got — and one place that knows how to show
 * a value: a NaN, an Infinity or a string that slipped through would not fail where it was given
 * but turn weights into NaN (or silently change a result) much later.
 *
 * Each check runs once per call, never per element.
 */
import { unknownOptionsError } from './options.js';

/**
 * A value as an error message shows it: NaN and ±Infinity as such (JSON would print null), a
 * string quoted (a "3" must not look like the number), a short array of plain values in full;
 * an object by its class or its keys, never its contents (a model or a tensor would fill the
 * message, and may not be JSON at all).
 */
export function showValue(v: unknown): string {
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint' || v === undefined || v === null) return String(v);
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'function') return 'a function';
  if (Array.isArray(v)) return v.length <= 8 && v.every((x) => typeof x !== 'object' || x === null) ? `[${v.map(showValue).join(', ')}]` : `an array of ${v.length} values`;
  const name = (v as object).constructor?.name;
  if (name === 'Tensor' && Array.isArray((v as { shape?: unknown }).shape)) return `a Tensor of shape [${(v as { shape: number[] }).shape.join(', ')}]`;
  if (name && name !== 'Object') return withArticle(name);
  return `an object with keys ${Object.keys(v as object).map((k) => `'${k}'`).join(', ') || '(none)'}`;
}

/** What kind of thing `v` is, for "must be a Tensor, got …": "a number (5)", "an array", "a Float32Array", "null". */
export function describeValue(v: unknown): string {
  if (v === null || v === undefined) return String(v);
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') {
    const name = (v as object).constructor?.name;
    return name && name !== 'Object' ? withArticle(name) : 'an object';
  }
  return `a ${typeof v} (${showValue(v)})`;
}

/** "an ArrayBuffer", "an Int32Array", but "a Uint8Array" (said "you-int") and "a Map". */
function withArticle(className: string): string {
  return `${/^([aeio]|u(?!int))/i.test(className) ? 'an' : 'a'} ${className}`;
}

/** A plain record: an object that is neither null nor an array (options, state dicts, parsed JSON). */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The accepted interval of a number; bounds are inclusive unless marked open, missing ones unbounded. */
export interface NumberRange {
  min?: number;
  minOpen?: boolean;
  max?: number;
  maxOpen?: boolean;
  integer?: boolean;
}

/** Any finite number: slopes, thresholds, scales. */
export const FINITE: NumberRange = {};
/** ≥ 0 and finite: most rates, decays and epsilons. */
export const NON_NEGATIVE: NumberRange = { min: 0 };
/** > 0 and finite: multiplicative factors such as StepLR's gamma, normalisation epsilons. */
export const POSITIVE: NumberRange = { min: 0, minOpen: true };
/** [0, 1]: probabilities, momenta, dampening, smoothing constants. */
export const UNIT: NumberRange = { min: 0, max: 1 };
/** Counters, patiences, paddings: integers ≥ 0. */
export const COUNT: NumberRange = { min: 0, integer: true };
/** Sizes: integers ≥ 1. */
export const SIZE: NumberRange = { min: 1, integer: true };

function describeRange(r: NumberRange): string {
  if (r.integer && r.max === undefined && !r.minOpen && (r.min === 0 || r.min === 1)) return r.min === 0 ? 'a non-negative integer' : 'a positive integer';
  const kind = r.integer ? 'an integer' : 'a finite number';
  if (r.min !== undefined && r.max !== undefined) return `${r.integer ? `${kind} ` : ''}in ${r.minOpen ? '(' : '['}${r.min}, ${r.max}${r.maxOpen ? ')' : ']'}`;
  if (r.min !== undefined) return `${kind} ${r.minOpen ? '>' : '≥'} ${r.min}`;
  if (r.max !== undefined) return `${kind} ${r.maxOpen ? '<' : '≤'} ${r.max}`;
  return kind;
}

/** True when `v` is a finite number in `r` (a safe integer when r.integer, so counters stay exact). */
export function inRange(v: unknown, r: NumberRange): v is number {
  if (typeof v !== 'number' || !Number.isFinite(v)) return false;
  if (r.integer && !Number.isSafeInteger(v)) return false;
  if (r.min !== undefined && (r.minOpen ? !(v > r.min) : !(v >= r.min))) return false;
  if (r.max !== undefined && (r.maxOpen ? !(v < r.max) : !(v <= r.max))) return false;
  return true;
}

/**
 * Throws `${where}: ${name} must be <range>, got <value>` unless `v` is a finite number in `r`;
 * returns it. `where` names the function, class or group ("Adam: group 0").
 */
export function checkNumber(where: string, name: string, v: unknown, r: NumberRange): number {
  if (!inRange(v, r)) throw new Error(`${where}: ${name} must be ${describeRange(r)}, got ${showValue(v)}`);
  return v;
}

/** checkNumber for an optional option: undefined takes `fallback`. */
export function optionalNumber(where: string, name: string, v: unknown, r: NumberRange, fallback: number): number {
  return v === undefined ? fallback : checkNumber(where, name, v, r);
}

/** Throws unless `v` is a boolean (a string 'false' would otherwise count as true). */
export function checkBoolean(where: string, name: string, v: unknown): boolean {
  if (typeof v !== 'boolean') throw new Error(`${where}: ${name} must be true or false, got ${showValue(v)}`);
  return v;
}

/** Throws unless `v` is a function (a callback, a closure), naming `where` and the argument. */
export function checkFunction(where: string, name: string, v: unknown): void {
  if (typeof v !== 'function') throw new Error(`${where}: ${name} must be a function, got ${describeValue(v)}`);
}

/** Throws unless `v` is one of `allowed` (string options such as a mode or a window name). */
export function checkOneOf<T extends string>(where: string, name: string, v: unknown, allowed: readonly T[]): T {
  if (!allowed.includes(v as T)) throw new Error(`${where}: ${name} must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${showValue(v)}`);
  return v as T;
}

/**
 * Throws when `opts` is not an object (undefined is allowed: all defaults) or has a key outside
 * `known`, naming `fn`, each unknown key with the closest known one and the known keys. For
 * layers, loaders and transforms; core's ops use the Set-based checkOptions on their hot path.
 */
export function checkOptionKeys(fn: string, opts: unknown, known: Readonly<Record<string, true>> | readonly string[], what = 'option'): void {
  if (opts === undefined) return;
  if (!isRecord(opts)) throw new Error(`${fn}: ${what}s must be an object, got ${describeValue(opts)}`);
  const keys = Array.isArray(known) ? (known as readonly string[]) : Object.keys(known);
  const unknown = Object.keys(opts).filter((k) => !keys.includes(k));
  if (unknown.length) throw unknownOptionsError(fn, unknown, keys, what);
}
