import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { DataFormatError } from './errors.js';
import { readIdx } from './idx.js';

export type MnistSplit = 'train' | 'test';

export interface MnistData {
  /** count × rows × cols pixels, row-major, 0 = background. */
  images: Uint8Array;
  labels: Uint8Array;
  count: number;
  rows: number;
  cols: number;
}

export interface MnistFiles {
  images: string;
  labels: string;
}

const PREFIX: Record<MnistSplit, string> = { train: 'train', test: 't10k' };

function candidates(prefix: string, kind: 'images' | 'labels'): string[] {
  const dims = kind === 'images' ? 'idx3' : 'idx1';
  // Official names, gzipped or not, plus the dotted variant some mirrors use.
  return [`${prefix}-${kind}-${dims}-ubyte.gz`, `${prefix}-${kind}-${dims}-ubyte`, `${prefix}-${kind}.${dims}-ubyte.gz`, `${prefix}-${kind}.${dims}-ubyte`];
}

async function firstExisting(dir: string, names: string[]): Promise<string | null> {
  for (const name of names) {
    const path = join(dir, name);
    try {
      await access(path);
      return path;
    } catch {
      // try the next spelling
    }
  }
  return null;
}

/** Locates the image and label files of one split in `dir`. */
export async function findMnistFiles(dir: string, split: MnistSplit): Promise<MnistFiles> {
  if (split !== 'train' && split !== 'test') throw new Error(`readMnist: split must be 'train' or 'test', got '${String(split)}'`);
  const found: Partial<MnistFiles> = {};
  for (const kind of ['images', 'labels'] as const) {
    const names = candidates(PREFIX[split], kind);
    const path = await firstExisting(dir, names);
    if (path === null) throw new DataFormatError(dir, `no MNIST ${split} ${kind} file: expected one of ${names.join(', ')}`);
    found[kind] = path;
  }
  return found as MnistFiles;
}

/** Reads one MNIST(-format) split, checking that image and label counts agree. */
export async function readMnist(dir: string, split: MnistSplit): Promise<MnistData> {
  const files = await findMnistFiles(dir, split);
  const [images, labels] = await Promise.all([
    readIdx(files.images, { dtype: 'uint8', ndim: 3, what: 'MNIST images: uint8, 3 dims' }),
    readIdx(files.labels, { dtype: 'uint8', ndim: 1, what: 'MNIST labels: uint8, 1 dim' }),
  ]);
  const [count, rows, cols] = images.shape;
  if (labels.shape[0] !== count) {
    throw new DataFormatError(files.labels, `label count ${labels.shape[0]} does not match image count ${count} in ${files.images}`);
  }
  return { images: images.data as Uint8Array, labels: labels.data as Uint8Array, count, rows, cols };
}
