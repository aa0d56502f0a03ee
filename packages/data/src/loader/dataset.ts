import { describeValue, showValue } from '../options.js';

/** Random-access dataset: the DataLoader asks for items by index, in any order. */
export interface Dataset<T> {
  readonly length: number;
  get(index: number): T | Promise<T>;
}

/** Stream-style dataset (e.g. lines of a huge file): read in order, length unknown. */
export type IterableDataset<T> = AsyncIterable<T> | Iterable<T>;

export type Transform<A, B> = (item: A, index: number) => B | Promise<B>;

export function checkIndex(index: number, length: number, what: string): void {
  if (!Number.isInteger(index) || index < 0 || index >= length) {
    throw new RangeError(`${what}: index ${index} out of range, expected an integer in [0, ${length})`);
  }
}

/**
 * Throws unless `dataset` has a non-negative integer length and a get method: a plain array has
 * no get, and a NaN or fractional length would yield no batches or batches with holes.
 */
export function checkDataset(fn: string, dataset: unknown): void {
  const d = dataset as Partial<Dataset<unknown>> | null;
  if (d === null || typeof d !== 'object' || typeof d.get !== 'function') {
    const hint = Array.isArray(dataset) ? ' (wrap an array with arrayDataset(items))' : '';
    throw new Error(`${fn}: dataset must be an object with length and get(index), got ${describeValue(dataset)}${hint}`);
  }
  if (!Number.isSafeInteger(d.length) || (d.length as number) < 0) throw new Error(`${fn}: dataset.length must be a non-negative integer, got ${showValue(d.length)}`);
}

/** Wraps an in-memory array (a copy of the reference, not of the items). */
export function arrayDataset<T>(items: readonly T[]): Dataset<T> {
  if (!Array.isArray(items)) throw new Error(`arrayDataset: items must be an array, got ${describeValue(items)}`);
  return {
    length: items.length,
    get(index: number): T {
      checkIndex(index, items.length, 'arrayDataset.get');
      return items[index];
    },
  };
}

/** A dataset whose items are `fn(base.get(i), i)`, computed lazily on each access. */
export function mapDataset<A, B>(base: Dataset<A>, fn: Transform<A, B>): Dataset<B> {
  checkDataset('mapDataset', base);
  if (typeof fn !== 'function') throw new Error(`mapDataset: fn must be a function, got ${describeValue(fn)}`);
  return {
    get length() {
      return base.length;
    },
    get(index: number): B | Promise<B> {
      const item = base.get(index);
      return item instanceof Promise ? item.then((x) => fn(x, index)) : fn(item, index);
    },
  };
}

/** Chains transforms left to right; async ones are awaited before the next runs. */
export function compose<A, B>(f1: Transform<A, B>): Transform<A, B>;
export function compose<A, B, C>(f1: Transform<A, B>, f2: Transform<B, C>): Transform<A, C>;
export function compose<A, B, C, D>(f1: Transform<A, B>, f2: Transform<B, C>, f3: Transform<C, D>): Transform<A, D>;
export function compose<A, B, C, D, E>(f1: Transform<A, B>, f2: Transform<B, C>, f3: Transform<C, D>, f4: Transform<D, E>): Transform<A, E>;
export function compose(...fns: Transform<unknown, unknown>[]): Transform<unknown, unknown> {
  return (item, index) => {
    let acc: unknown = item;
    for (const fn of fns) {
      acc = acc instanceof Promise ? acc.then((x) => fn(x, index)) : fn(acc, index);
    }
    return acc;
  };
}

/** A view of `dataset` restricted to `indices` (in that order). */
export class Subset<T> implements Dataset<T> {
  readonly indices: Int32Array;

  constructor(
    readonly dataset: Dataset<T>,
    indices: ArrayLike<number>,
  ) {
    checkDataset('Subset', dataset);
    // Checked before the Int32Array conversion, which would truncate 2.5 to 2 and wrap 2^32 to 0.
    for (let k = 0; k < indices.length; k++) checkIndex(indices[k], dataset.length, 'Subset');
    this.indices = Int32Array.from(indices);
  }

  get length(): number {
    return this.indices.length;
  }

  get(index: number): T | Promise<T> {
    checkIndex(index, this.indices.length, 'Subset.get');
    return this.dataset.get(this.indices[index]);
  }
}

/** Lazily maps a stream. */
export async function* mapIterable<A, B>(source: IterableDataset<A>, fn: Transform<A, B>): AsyncGenerator<B> {
  let i = 0;
  for await (const item of source) yield await fn(item, i++);
}
