/**
 * Argument checks and value formatting shared by layers, optimizers, schedulers,
 * initialisers, checkpoints and decoders, so every refusal names the function,
 * the argument and what it got in the same words. A NaN, an Infinity or a string
 * that slipped through would not fail where it was given but turn the weights
 * into NaN (or silently stop training) steps later.
 */
import { Tensor } from '@tensorkit/core';

/**
 * A value as an error message shows it: NaN and ±Infinity as such (JSON would print null), a
 * string quoted (a '3' must not look like the number), a short array of numbers in full; an
 * object by its class or its keys, never its contents (a model or a tensor would fill the
 * message, and may not be JSON at all).
 */
export function showValue(v: unknown): string {
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint' || v === undefined || v === null) return String(v);
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'function') return 'a function';
  if (Array.isArray(v)) return v.length <= 8 && v.every((x) => typeof x !== 'object' || x === null) ? `[${v.map(showValue).join(', ')}]` : `an array of ${v.length} values`;
  if (v instanceof Tensor) return `a Tensor of shape [${v.shape.join(', ')}]`;
  const name = (v as object).constructor?.name;
  if (name && name !== 'Object') return `a ${name}`;
  return `an object with keys ${Object.keys(v as object).map((k) => `'${k}'`).join(', ') || '(none)'}`;
}

/** What kind of thing `v` is, for "must be a Tensor, got …". */
export function kindOf(v: unknown): string {
  if (v === null || v === undefined) return String(v);
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') {
    const name = (v as object).constructor?.name;
    return name && name !== 'Object' ? `a ${name}` : 'an object';
  }
  return `a ${typeof v} (${showValue(v)})`;
}

/** `v` as a Tensor, or an error naming `fn` and the argument: a core op would fail on it with a TypeError deep inside. */
export function checkTensor(fn: string, name: string, v: unknown): Tensor {
  if (!(v instanceof Tensor)) throw new Error(`${fn}: ${name} must be a Tensor, got ${kindOf(v)}`);
  return v;
}

/** The accepted interval; bounds are inclusive unless marked open, missing ones unbounded. */
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
/** > 0 and finite: multiplicative decays such as StepLR's gamma. */
export const POSITIVE: NumberRange = { min: 0, minOpen: true };
/** [0, 1]: momenta, dampening, smoothing constants. */
export const UNIT: NumberRange = { min: 0, max: 1 };
/** Counters and patiences: integers ≥ 0. */
export const COUNT: NumberRange = { min: 0, integer: true };

function describeRange(r: NumberRange): string {
  const kind = r.integer ? 'an integer' : 'a finite number';
  if (r.min !== undefined && r.max !== undefined) return `${r.integer ? `${kind} ` : ''}in ${r.minOpen ? '(' : '['}${r.min}, ${r.max}${r.maxOpen ? ')' : ']'}`;
  if (r.min !== undefined) return `${kind} ${r.minOpen ? '>' : '≥'} ${r.min}`;
  if (r.max !== undefined) return `${kind} ${r.maxOpen ? '<' : '≤'} ${r.max}`;
  return kind;
}

/** True when `v` is a finite number in `r` (an integer when r.integer; a safe one, so counters stay exact). */
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
