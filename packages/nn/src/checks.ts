/**
 * Argument checks and value formatting shared by layers, checkpoints and
 * decoders, so every refusal names the function, the argument and what it
 * got in the same words.
 */
import { Tensor } from '@tensorkit/core';

/**
 * A value as an error message shows it. JSON.stringify would print NaN and
 * ±Infinity as null and a string '3' as 3 would look like the number.
 */
export function showValue(v: unknown): string {
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return JSON.stringify(v);
  if (v === undefined || typeof v === 'boolean' || v === null) return String(v);
  if (Array.isArray(v)) return `[${v.map(showValue).join(', ')}]`;
  if (v instanceof Tensor) return `a Tensor of shape [${v.shape.join(', ')}]`;
  if (typeof v === 'object') {
    const name = (v as object).constructor?.name;
    if (name && name !== 'Object') return `a ${name}`;
    try {
      return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'number' && !Number.isFinite(x) ? String(x) : x));
    } catch {
      return 'an object';
    }
  }
  return `a ${typeof v}`;
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

export function checkPositiveFinite(fn: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || !(v > 0 && v < Infinity)) throw new Error(`${fn}: ${name} must be a positive finite number, got ${showValue(v)}`);
  return v;
}

export function checkFinite(fn: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`${fn}: ${name} must be a finite number, got ${showValue(v)}`);
  return v;
}

/** A number in [lo, hi]. */
export function checkInRange(fn: string, name: string, v: unknown, lo: number, hi: number): number {
  if (typeof v !== 'number' || !(v >= lo && v <= hi)) throw new Error(`${fn}: ${name} must be a number in [${lo}, ${hi}], got ${showValue(v)}`);
  return v;
}

export function checkBoolean(fn: string, name: string, v: unknown): boolean {
  if (typeof v !== 'boolean') throw new Error(`${fn}: ${name} must be true or false, got ${showValue(v)}`);
  return v;
}
