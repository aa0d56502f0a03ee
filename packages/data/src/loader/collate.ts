import { checkOptionKeys, describeValue, type OptionKeys, showValue } from '../options.js';

export type NumericArray = Float32Array | Float64Array | Int8Array | Int16Array | Int32Array | Uint8Array | Uint16Array | Uint32Array;

type ArrayConstructorOf<A extends NumericArray> = { new (length: number): A };

/** A batch field as plain data: row-major values plus their shape. */
export interface StackedArray<A extends NumericArray = NumericArray> {
  data: A;
  shape: number[];
}

/** A padded batch field; `lengths[b]` is item b's true length in frames. */
export interface PaddedArray<A extends NumericArray = NumericArray> extends StackedArray<A> {
  lengths: Int32Array;
}

export interface PadOptions {
  /** Values per frame (e.g. 40 mel bins); items hold frames × featDim values. Gives shape [B, T, featDim]. */
  featDim?: number;
  padValue?: number;
  /** Pad to at least this many frames (e.g. a fixed model input length). */
  minLength?: number;
}

/**
 * The batch takes item 0's array type, and copying another type into it would truncate
 * (0.7 → 0 in an Int32Array) or wrap (300 → 44 in a Uint8Array) without a word.
 */
function checkSameType(items: readonly NumericArray[], what: string): void {
  const odd = items.findIndex((it) => it.constructor !== items[0].constructor);
  if (odd >= 0) {
    throw new Error(`${what}: item 0 is a ${items[0].constructor.name} but item ${odd} is a ${items[odd].constructor.name}; convert the items to one array type first`);
  }
}

/** Stacks equal-length arrays into one [B, ...itemShape] array of the first item's type. */
export function stackArrays<A extends NumericArray>(items: readonly A[], itemShape?: readonly number[]): StackedArray<A> {
  if (items.length === 0) throw new Error('stackArrays: cannot stack an empty batch');
  checkSameType(items, 'stackArrays');
  const len = items[0].length;
  const shape = itemShape ? [...itemShape] : [len];
  const per = shape.reduce((a, b) => a * b, 1);
  if (per !== len) throw new Error(`stackArrays: item shape [${shape.join(', ')}] holds ${per} values, items have ${len}`);
  const Ctor = items[0].constructor as ArrayConstructorOf<A>;
  const data = new Ctor(items.length * len);
  items.forEach((it, b) => {
    if (it.length !== len) {
      throw new Error(`stackArrays: item ${b} has ${it.length} values, item 0 has ${len}; variable-length items need padSequences`);
    }
    data.set(it, b * len);
  });
  return { data, shape: [items.length, ...shape] };
}

/**
 * Pads variable-length sequences to the longest one, returning lengths so
 * that masks and CTC losses can ignore the padding.
 */
const PAD_KEYS: OptionKeys<PadOptions> = { featDim: true, padValue: true, minLength: true };
const COLLATE_KEYS: OptionKeys<CollateArraysOptions<unknown>> = { pad: true };

export function padSequences<A extends NumericArray>(items: readonly A[], opts: PadOptions = {}): PaddedArray<A> {
  checkOptionKeys('padSequences', opts, PAD_KEYS);
  if (opts.padValue !== undefined && typeof opts.padValue !== 'number') throw new Error(`padSequences: padValue must be a number, got ${showValue(opts.padValue)}`);
  if (items.length === 0) throw new Error('padSequences: cannot pad an empty batch');
  checkSameType(items, 'padSequences');
  const featDim = opts.featDim ?? 1;
  if (!Number.isInteger(featDim) || featDim < 1) throw new Error(`padSequences: featDim must be a positive integer, got ${featDim}`);
  const lengths = new Int32Array(items.length);
  items.forEach((it, b) => {
    if (it.length % featDim !== 0) throw new Error(`padSequences: item ${b} has ${it.length} values, not a multiple of featDim ${featDim}`);
    lengths[b] = it.length / featDim;
  });
  const minLength = opts.minLength ?? 0;
  if (!Number.isInteger(minLength) || minLength < 0) throw new Error(`padSequences: minLength must be a non-negative integer, got ${minLength}`);
  const maxLen = Math.max(minLength, ...lengths);
  const Ctor = items[0].constructor as ArrayConstructorOf<A>;
  const data = new Ctor(items.length * maxLen * featDim);
  // Not a truthiness test: NaN (a common "no value here" marker) is a pad value too.
  if (opts.padValue !== undefined && opts.padValue !== 0) data.fill(opts.padValue);
  items.forEach((it, b) => data.set(it, b * maxLen * featDim));
  const shape = opts.featDim === undefined ? [items.length, maxLen] : [items.length, maxLen, featDim];
  return { data, shape, lengths };
}

/** What collateArrays accepts in a field; see there for what each becomes. */
export type CollateField = NumericArray | number | boolean | string | readonly number[];

/** A batch of booleans as 0/1 bytes; collateTensors makes it a bool tensor. */
export interface BoolArray extends StackedArray<Uint8Array> {
  dtype: 'bool';
}

export type CollatedBatch<T> = {
  [K in keyof T]: T[K] extends NumericArray
    ? StackedArray<T[K]> | PaddedArray<T[K]>
    : T[K] extends string
      ? string[]
      : T[K] extends boolean
        ? BoolArray
        : T[K] extends readonly number[]
          ? StackedArray<Int32Array | Float32Array> | PaddedArray<Int32Array | Float32Array>
          : StackedArray<Int32Array | Float32Array>;
};

export interface CollateArraysOptions<T> {
  /** Fields whose items vary in length: padded (with lengths) instead of stacked. */
  pad?: { [K in keyof T]?: PadOptions | true };
}

type FieldKind = 'number' | 'boolean' | 'string' | 'typed array' | 'number array';

function fieldKind(v: unknown): FieldKind | undefined {
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'string') return typeof v as FieldKind;
  if (Array.isArray(v)) return 'number array';
  if (ArrayBuffer.isView(v) && !(v instanceof DataView) && !(v instanceof BigInt64Array) && !(v instanceof BigUint64Array)) return 'typed array';
  return undefined;
}

/** Labels are int32 tensors downstream; a larger integer would wrap around silently in an Int32Array. */
function numbersToArray(what: string, nums: readonly number[]): Int32Array | Float32Array {
  if (!nums.every(Number.isInteger)) return Float32Array.from(nums);
  const big = nums.find((v) => v < -0x80000000 || v > 0x7fffffff);
  if (big !== undefined) throw new Error(`collateArrays: ${what} holds the integer ${big}, outside the int32 range; pass it as a Float64Array`);
  return Int32Array.from(nums);
}

function collateField(key: string, values: readonly unknown[], pad: PadOptions | true | undefined): StackedArray | PaddedArray | BoolArray | string[] {
  const kind = fieldKind(values[0]);
  if (kind === undefined) {
    throw new Error(
      `collateArrays: field '${key}' of item 0 is ${describeValue(values[0])}; fields must be numbers, booleans, strings, ` +
        'typed arrays or arrays of numbers (collate nested objects with your own collate function)',
    );
  }
  const odd = values.findIndex((v) => fieldKind(v) !== kind);
  if (odd >= 0) throw new Error(`collateArrays: field '${key}' is ${describeValue(values[0])} in item 0 but ${describeValue(values[odd])} in item ${odd}`);
  if (pad && kind !== 'typed array' && kind !== 'number array') {
    throw new Error(`collateArrays: pad lists field '${key}', whose values are ${kind}s; only arrays can be padded`);
  }
  switch (kind) {
    case 'string':
      return [...(values as string[])];
    case 'boolean':
      return { data: Uint8Array.from(values as boolean[], Number), shape: [values.length], dtype: 'bool' };
    case 'number':
      return { data: numbersToArray(`field '${key}'`, values as number[]), shape: [values.length] };
    default: {
      const arrays = kind === 'typed array' ? (values as NumericArray[]) : numberLists(key, values as unknown[][]);
      checkSameType(arrays, `collateArrays: field '${key}'`);
      if (pad) {
        try {
          return padSequences(arrays, pad === true ? {} : pad);
        } catch (err) {
          // padSequences knows items and settings, not which field of the batch they came from.
          throw new Error(`collateArrays: field '${key}': ${(err as Error).message}`, { cause: err });
        }
      }
      const ragged = arrays.findIndex((a) => a.length !== arrays[0].length);
      if (ragged >= 0) {
        throw new Error(
          `collateArrays: field '${key}' holds arrays of different lengths (item 0: ${arrays[0].length}, item ${ragged}: ${arrays[ragged].length}); ` +
            `stacking needs equal lengths, or pad the field with { pad: { ${key}: true } }`,
        );
      }
      return stackArrays(arrays);
    }
  }
}

/** number[] fields become one typed array per item, all int32 or all float32 so the batch has one dtype. */
function numberLists(key: string, lists: readonly unknown[][]): (Int32Array | Float32Array)[] {
  lists.forEach((list, b) => {
    const bad = list.findIndex((v) => typeof v !== 'number');
    if (bad >= 0) throw new Error(`collateArrays: field '${key}' of item ${b} holds ${describeValue(list[bad])} at index ${bad}; arrays must hold only numbers`);
  });
  const all = numbersToArray(`field '${key}'`, (lists as number[][]).flat());
  let offset = 0;
  return lists.map((list) => all.subarray(offset, (offset += list.length)));
}

/**
 * Default collation, after PyTorch's `default_collate`, for items that are records of fields:
 * - typed arrays are stacked into [B, ...] (or padded, for fields listed in `pad`);
 * - number arrays likewise, as int32 when every value is an integer, else float32 (PyTorch would
 *   give a list of per-position tensors instead; a [B, L] array is what a model takes);
 * - numbers become an Int32Array when all are integers (labels), a Float32Array otherwise;
 * - booleans become a `BoolArray` (a bool tensor in collateTensors);
 * - strings become an array of strings, as in PyTorch.
 * Anything else, items that disagree on a field's type, and ragged arrays that are not padded are errors naming the field.
 */
export function collateArrays<T extends { [key: string]: CollateField }>(items: readonly T[], opts: CollateArraysOptions<T> = {}): CollatedBatch<T> {
  if (items.length === 0) throw new Error('collateArrays: cannot collate an empty batch');
  checkOptionKeys('collateArrays', opts, COLLATE_KEYS);
  items.forEach((it, b) => {
    if (typeof it !== 'object' || it === null || Array.isArray(it) || ArrayBuffer.isView(it)) {
      throw new Error(`collateArrays: item ${b} is ${describeValue(it)}, expected a record of fields such as { x: Float32Array, y: number }`);
    }
  });
  // A pad entry naming no field (a typo, or a field the items lack) would leave the meant field
  // stacked, or failing with advice to pad it.
  if (opts.pad) checkOptionKeys('collateArrays', opts.pad, Object.fromEntries(Object.keys(items[0]).map((k) => [k, true as const])), 'pad field');
  const out: Record<string, StackedArray | PaddedArray | BoolArray | string[]> = {};
  for (const key of Object.keys(items[0])) {
    const values = items.map((it, b) => {
      if (!(key in it)) throw new Error(`collateArrays: item ${b} has no field '${key}' (item 0 has it)`);
      return it[key];
    });
    out[key] = collateField(key, values, opts.pad?.[key as keyof T]);
  }
  return out as CollatedBatch<T>;
}
