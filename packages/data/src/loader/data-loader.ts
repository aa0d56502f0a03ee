import { getDefaultGenerator } from '@tensorkit/core';
import { mapLimit } from '../io/concurrency.js';
import { checkNumber, checkOptionalBoolean, checkOptionalFunction, checkOptionKeys, type OptionKeys, SIZE } from '../options.js';
import { checkDataset, type Dataset } from './dataset.js';
import { prefetch } from './prefetch.js';
import { epochPermutation } from './shuffle.js';

/** Where a run stands: resuming from it yields exactly the batches not yet consumed. */
export interface LoaderCursor {
  epoch: number;
  /** Batches of `epoch` already handed out. */
  batchIndex: number;
  seed: number;
  /** Items per batch when the cursor was taken (absent in cursors from older versions). */
  batchSize?: number;
}

export interface DataLoaderOptions<T, B> {
  batchSize: number;
  /** Reshuffle every epoch (order = f(seed, epoch)). Default false: dataset order. */
  shuffle?: boolean;
  /**
   * The shuffling seed. Without it, a shuffling loader draws one from core's default generator
   * when constructed, so `manualSeed(s)` before construction fixes the order (as
   * `torch.manual_seed` does for PyTorch's sampler); a non-shuffling loader uses 0.
   */
  seed?: number;
  /** Drop a final batch smaller than batchSize. */
  dropLast?: boolean;
  /** Turns the items of one batch into the batch; default: the array of items. */
  collate?: (items: T[]) => B | Promise<B>;
  /** Batches prepared ahead in the background; 0 disables. Default 2. */
  prefetch?: number;
  /** Items of one batch fetched concurrently (matters for async `get`). Default 16. */
  concurrency?: number;
}

const LOADER_KEYS: OptionKeys<DataLoaderOptions<unknown, unknown>> = {
  batchSize: true, shuffle: true, seed: true, dropLast: true, collate: true, prefetch: true, concurrency: true,
};

export interface IterateOptions {
  /** Run this epoch instead of the loader's current one. */
  epoch?: number;
  /** Continue from a cursor returned by state(). */
  fromCursor?: LoaderCursor;
}

const CURSOR_KEYS: OptionKeys<LoaderCursor> = { epoch: true, batchIndex: true, seed: true, batchSize: true };
const ITERATE_KEYS: OptionKeys<IterateOptions> = { epoch: true, fromCursor: true };

/**
 * Batches a map-style dataset. Batch composition depends only on the seed and
 * the epoch number — never on timing or prefetch depth — and `state()` /
 * `iterate({ fromCursor })` resume an interrupted epoch exactly.
 *
 * `for await (const batch of loader)` runs the current epoch and advances to the next.
 */
export class DataLoader<T, B = T[]> implements AsyncIterable<B> {
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly seed: number;
  readonly dropLast: boolean;
  private readonly collate: (items: T[]) => B | Promise<B>;
  private readonly prefetchDepth: number;
  private readonly concurrency: number;
  private epoch = 0;
  private batchIndex = 0;

  constructor(
    readonly dataset: Dataset<T>,
    opts: DataLoaderOptions<T, B>,
  ) {
    checkDataset('DataLoader', dataset);
    if (opts === undefined) throw new Error('DataLoader: options with a batchSize are required, e.g. new DataLoader(dataset, { batchSize: 32 })');
    checkOptionKeys('DataLoader', opts, LOADER_KEYS);
    checkNumber('DataLoader', 'batchSize', opts.batchSize, SIZE);
    checkOptionalBoolean('DataLoader', 'shuffle', opts.shuffle);
    checkOptionalBoolean('DataLoader', 'dropLast', opts.dropLast);
    checkOptionalFunction('DataLoader', 'collate', opts.collate);
    this.batchSize = opts.batchSize;
    this.shuffle = opts.shuffle ?? false;
    if (opts.seed !== undefined && !Number.isFinite(opts.seed)) throw new Error(`DataLoader: seed must be a finite number, got ${opts.seed}`);
    // Only a shuffling loader draws: drawing would also shift every later use of the default
    // generator, and a loader in dataset order has no use for a seed.
    this.seed = opts.seed ?? (this.shuffle ? getDefaultGenerator().nextUint32() : 0);
    this.dropLast = opts.dropLast ?? false;
    this.collate = opts.collate ?? ((items: T[]) => items as unknown as B);
    this.prefetchDepth = opts.prefetch ?? 2;
    this.concurrency = opts.concurrency ?? 16;
    // Checked here, not at the first batch: a concurrency below 1 would fetch no item at all and
    // hand out batches of holes.
    if (!Number.isInteger(this.prefetchDepth) || this.prefetchDepth < 0) throw new Error(`DataLoader: prefetch must be a non-negative integer, got ${opts.prefetch}`);
    if (!(this.concurrency === Infinity || (Number.isInteger(this.concurrency) && this.concurrency >= 1))) {
      throw new Error(`DataLoader: concurrency must be a positive integer, got ${opts.concurrency}`);
    }
  }

  /** Batches per epoch. */
  get length(): number {
    const n = this.dataset.length;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  /** Dataset indices of every batch of `epoch`, in order. */
  batchIndices(epoch: number): Int32Array[] {
    const n = this.dataset.length;
    const order = this.shuffle ? epochPermutation(n, this.seed, epoch) : Int32Array.from({ length: n }, (_, i) => i);
    const batches: Int32Array[] = [];
    for (let b = 0; b < this.length; b++) batches.push(order.subarray(b * this.batchSize, Math.min(n, (b + 1) * this.batchSize)));
    return batches;
  }

  /** The position after the last batch handed out (an epoch just finished reads as the next one's start). */
  state(): LoaderCursor {
    if (this.epochHandedOut()) return { epoch: this.epoch + 1, batchIndex: 0, seed: this.seed, batchSize: this.batchSize };
    return { epoch: this.epoch, batchIndex: this.batchIndex, seed: this.seed, batchSize: this.batchSize };
  }

  /** Moves to the start of `epoch` (or a cursor) without producing batches. */
  setState(cursor: LoaderCursor | { epoch: number; batchIndex?: number }): void {
    // A misspelt batch_index restarted the epoch from its first batch.
    checkOptionKeys('DataLoader.setState', cursor, CURSOR_KEYS, 'cursor field');
    if ('seed' in cursor && cursor.seed !== this.seed) {
      throw new Error(`DataLoader: cursor was taken with seed ${cursor.seed}, this loader uses seed ${this.seed}; the batch order would differ`);
    }
    // batchIndex counts batches: with another batch size it would point at other items, and the
    // rest of the epoch would skip or repeat some.
    if ('batchSize' in cursor && cursor.batchSize !== undefined && cursor.batchSize !== this.batchSize) {
      throw new Error(`DataLoader: cursor was taken with batchSize ${cursor.batchSize}, this loader uses ${this.batchSize}; its batchIndex would point at other items`);
    }
    const batchIndex = cursor.batchIndex ?? 0;
    if (!Number.isInteger(cursor.epoch) || cursor.epoch < 0) throw new Error(`DataLoader: cursor epoch must be a non-negative integer, got ${cursor.epoch}`);
    if (!Number.isInteger(batchIndex) || batchIndex < 0 || batchIndex > this.length) {
      throw new Error(`DataLoader: cursor batchIndex ${batchIndex} out of range [0, ${this.length}]`);
    }
    this.epoch = cursor.epoch;
    this.batchIndex = batchIndex;
  }

  /**
   * Every batch of the current epoch handed out (the consumer stopped after the last one). Not
   * for an empty loader, whose epochs have no batches: it would skip an epoch on every pass.
   */
  private epochHandedOut(): boolean {
    return this.length > 0 && this.batchIndex >= this.length;
  }

  [Symbol.asyncIterator](): AsyncIterator<B> {
    return this.iterate();
  }

  /** One epoch's remaining batches; completing it advances the loader to the next epoch. */
  iterate(opts: IterateOptions = {}): AsyncGenerator<B> {
    checkOptionKeys('DataLoader.iterate', opts, ITERATE_KEYS);
    if (opts.fromCursor) this.setState(opts.fromCursor);
    else if (opts.epoch !== undefined) this.setState({ epoch: opts.epoch });
    else if (this.epochHandedOut()) this.setState({ epoch: this.epoch + 1 });
    return this.run(this.epoch, this.batchIndex);
  }

  private async *run(epoch: number, start: number): AsyncGenerator<B> {
    const batches = this.batchIndices(epoch).slice(start);
    const produced = prefetch(this.produce(batches), this.prefetchDepth);
    let k = start;
    for await (const batch of produced) {
      // Counted before the consumer sees it: a checkpoint taken while processing
      // batch k resumes at k + 1.
      this.epoch = epoch;
      this.batchIndex = ++k;
      yield batch;
    }
    this.epoch = epoch + 1;
    this.batchIndex = 0;
  }

  private async *produce(batches: Int32Array[]): AsyncGenerator<B> {
    for (const idx of batches) {
      const items = await mapLimit(Array.from(idx), this.concurrency, async (i) => this.dataset.get(i));
      yield await this.collate(items);
    }
  }
}
