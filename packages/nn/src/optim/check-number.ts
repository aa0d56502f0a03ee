/**
 * Range checks for optimizer, scheduler and initialiser options. A NaN, an
 * Infinity or a string that slipped through would not fail where it was given
 * but turn the weights into NaN (or silently stop training) steps later, so
 * every numeric option is checked once, where it is given, by these helpers.
 */

/**
 * An option's value for an error message: NaN / Infinity as such (JSON would print null), a
 * string quoted, an array of numbers as [a,b]; an object by its class or keys, never its
 * contents (a model or a tensor would fill the message, and may not be JSON at all).
 */
export function describeValue(v: unknown): string {
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint' || v === undefined || v === null) return String(v);
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'function') return 'a function';
  if (Array.isArray(v)) return v.every((x) => typeof x === 'number') ? `[${v.map(String).join(',')}]` : `an array of ${v.length} values`;
  const name = (v as object).constructor?.name;
  if (name && name !== 'Object') return `a ${name}`;
  return `an object with keys ${Object.keys(v as object).map((k) => `'${k}'`).join(', ') || '(none)'}`;
}

/** The accepted interval; bounds are inclusive unless marked open, missing ones unbounded. */
export interface NumberRange {
  min?: number;
  minOpen?: boolean;
  max?: number;
  maxOpen?: boolean;
  integer?: boolean;
}

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
  if (!inRange(v, r)) throw new Error(`${where}: ${name} must be ${describeRange(r)}, got ${describeValue(v)}`);
  return v;
}

/** checkNumber for an optional option: undefined takes `fallback`. */
export function optionalNumber(where: string, name: string, v: unknown, r: NumberRange, fallback: number): number {
  return v === undefined ? fallback : checkNumber(where, name, v, r);
}

/** Throws unless `v` is a boolean (a string 'false' would otherwise count as true). */
export function checkBoolean(where: string, name: string, v: unknown): boolean {
  if (typeof v !== 'boolean') throw new Error(`${where}: ${name} must be true or false, got ${describeValue(v)}`);
  return v;
}
