import type { IterableDataset } from './dataset.js';
import { checkNumber, checkOptionalBoolean, checkOptionalFunction, checkOptionKeys, type OptionKeys, SIZE } from '../options.js';
import { prefetch } from './prefetch.js';

export interface BatchStreamOptions<T, B> {
  batchSize: number;
  dropLast?: boolean;
  collate?: (items: T[]) => B | Promise<B>;
  /** Batches prepared ahead; default 2. */
  prefetch?: number;
}

const STREAM_KEYS: OptionKeys<BatchStreamOptions<unknown, unknown>> = { batchSize: true, dropLast: true, collate: true, prefetch: true };

/** Groups a stream (e.g. records of a huge CSV) into batches, in stream order. */
export function batchStream<T, B = T[]>(source: IterableDataset<T>, opts: BatchStreamOptions<T, B>): AsyncGenerator<B> {
  if (opts === undefined) throw new Error('batchStream: options with a batchSize are required, e.g. batchStream(source, { batchSize: 32 })');
  checkOptionKeys('batchStream', opts, STREAM_KEYS);
  checkNumber('batchStream', 'batchSize', opts.batchSize, SIZE);
  checkOptionalBoolean('batchStream', 'dropLast', opts.dropLast);
  checkOptionalFunction('batchStream', 'collate', opts.collate);
  const collate = opts.collate ?? ((items: T[]) => items as unknown as B);
  async function* batches(): AsyncGenerator<B> {
    let buf: T[] = [];
    for await (const item of source) {
      buf.push(item);
      if (buf.length === opts.batchSize) {
        const full = buf;
        buf = [];
        yield await collate(full);
      }
    }
    if (buf.length > 0 && !opts.dropLast) yield await collate(buf);
  }
  return prefetch(batches(), opts.prefetch ?? 2);
}
