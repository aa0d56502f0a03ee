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

/** Stacks equal-length arrays into one [B, ...itemShape] array of the first item's type. */
export function stackArrays<A extends NumericArray>(items: readonly A[], itemShape?: readonly number[]): StackedArray<A> {
  if (items.length === 0) throw new Error('stackArrays: cannot stack an empty batch');
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
export function padSequences<A extends NumericArray>(items: readonly A[], opts: PadOptions = {}): PaddedArray<A> {
  if (items.length === 0) throw new Error('padSequences: cannot pad an empty batch');
  const featDim = opts.featDim ?? 1;
  if (!Number.isInteger(featDim) || featDim < 1) throw new Error(`padSequences: featDim must be a positive integer, got ${featDim}`);
  const lengths = new Int32Array(items.length);
  items.forEach((it, b) => {
    if (it.length % featDim !== 0) throw new Error(`padSequences: item ${b} has ${it.length} values, not a multiple of featDim ${featDim}`);
    lengths[b] = it.length / featDim;
  });
  const maxLen = Math.max(opts.minLength ?? 0, ...lengths);
  const Ctor = items[0].constructor as ArrayConstructorOf<A>;
  const data = new Ctor(items.length * maxLen * featDim);
  if (opts.padValue) data.fill(opts.padValue);
  items.forEach((it, b) => data.set(it, b * maxLen * featDim));
  const shape = opts.featDim === undefined ? [items.length, maxLen] : [items.length, maxLen, featDim];
  return { data, shape, lengths };
}

export type CollateField = NumericArray | number;

export type CollatedBatch<T> = {
  [K in keyof T]: T[K] extends NumericArray ? StackedArray<T[K]> | PaddedArray<T[K]> : StackedArray<Int32Array | Float32Array>;
};

export interface CollateArraysOptions<T> {
  /** Fields whose items vary in length: padded (with lengths) instead of stacked. */
  pad?: { [K in keyof T]?: PadOptions | true };
}

/**
 * Default collation for items that are records of typed arrays and numbers:
 * arrays are stacked (or padded, for fields listed in `pad`), numbers become
 * an Int32Array when all are integers (labels) and a Float32Array otherwise.
 */
export function collateArrays<T extends { [key: string]: CollateField }>(items: readonly T[], opts: CollateArraysOptions<T> = {}): CollatedBatch<T> {
  if (items.length === 0) throw new Error('collateArrays: cannot collate an empty batch');
  const out: Record<string, StackedArray | PaddedArray> = {};
  for (const key of Object.keys(items[0])) {
    const values = items.map((it, b) => {
      if (!(key in it)) throw new Error(`collateArrays: item ${b} has no field '${key}' (item 0 has it)`);
      return it[key];
    });
    const padOpt = opts.pad?.[key as keyof T];
    if (values.every((v) => typeof v === 'number')) {
      const nums = values as number[];
      const data = nums.every(Number.isInteger) ? Int32Array.from(nums) : Float32Array.from(nums);
      out[key] = { data, shape: [nums.length] };
    } else if (values.every((v) => typeof v !== 'number')) {
      const arrays = values as NumericArray[];
      out[key] = padOpt ? padSequences(arrays, padOpt === true ? {} : padOpt) : stackArrays(arrays);
    } else {
      throw new Error(`collateArrays: field '${key}' mixes numbers and arrays across items`);
    }
  }
  return out as CollatedBatch<T>;
}
