/**
 * Dataset sources: a folder of MNIST IDX files (raw or gzipped) or a folder
 * with one subfolder per digit `0`…`9` holding images. Either becomes a
 * DigitSet of 28×28 bytes (0 = background), MNIST's own representation, so
 * training, evaluation and the report treat both alike.
 */
import { stat } from 'node:fs/promises';
import { DataFormatError, findMnistFiles, listDir, mapLimit, readImageFolder, readMnist, type MnistSplit } from '@tensorkit/data';
import { UserError } from '@tensorkit/train';
import { IMAGE_SIZE, NUM_CLASSES } from './model.js';
import { PIXELS, readDigitImage } from './preprocess.js';

export interface DigitSet {
  /** n × 28 × 28 bytes, ink bright on black. */
  images: Uint8Array;
  labels: Uint8Array;
  n: number;
  /** Source file of each image (image folders only). */
  files?: string[];
  /** Where the set came from, for messages. */
  source: string;
}

export type SourceKind = 'idx' | 'folder';

const IDX_NAME = /^(train|t10k)-(images|labels)[-.]idx[13]-ubyte(\.gz)?$/;

async function assertFolder(dir: string): Promise<void> {
  let st;
  try {
    st = await stat(dir);
  } catch {
    throw new UserError(`--data ${dir}: folder not found`);
  }
  if (!st.isDirectory()) throw new UserError(`--data ${dir}: expected a folder (MNIST IDX files or subfolders 0…9 of images), got a file`);
}

/** Decides whether `dir` holds IDX files or digit subfolders. */
export async function detectSource(dir: string): Promise<SourceKind> {
  await assertFolder(dir);
  const { files, dirs } = await listDir(dir);
  if (files.some((f) => IDX_NAME.test(f))) return 'idx';
  if (dirs.some((d) => /^\d$/.test(d))) return 'folder';
  throw new UserError(
    `--data ${dir}: found neither MNIST IDX files (train-images-idx3-ubyte[.gz], t10k-images-idx3-ubyte[.gz], …) nor digit subfolders 0…9 holding images`,
  );
}

function checkMnistShape(set: { rows: number; cols: number }, where: string): void {
  if (set.rows !== IMAGE_SIZE || set.cols !== IMAGE_SIZE) {
    throw new DataFormatError(where, `images are ${set.rows}×${set.cols}, expected ${IMAGE_SIZE}×${IMAGE_SIZE} (MNIST)`);
  }
}

async function readIdxSet(dir: string, split: MnistSplit): Promise<DigitSet> {
  const files = await findMnistFiles(dir, split);
  const m = await readMnist(dir, split);
  checkMnistShape(m, files.images);
  for (let i = 0; i < m.count; i++) {
    if (m.labels[i] >= NUM_CLASSES) throw new DataFormatError(files.labels, `label ${m.labels[i]} at index ${i} is not a digit 0…9`);
  }
  return { images: m.images, labels: m.labels, n: m.count, source: files.images };
}

/** Decodes one image file and turns it into an MNIST-style 28×28 byte image. */
export async function loadDigitImage(path: string): Promise<{ bytes: Uint8Array; unit: Float32Array; polarity: string; empty: boolean }> {
  const p = await readDigitImage(path);
  const bytes = new Uint8Array(PIXELS);
  for (let i = 0; i < PIXELS; i++) bytes[i] = Math.round(p.unit[i] * 255);
  return { bytes, unit: p.unit, polarity: p.polarity, empty: p.empty };
}

async function readFolderSet(dir: string, onProgress?: (done: number, total: number) => void): Promise<DigitSet> {
  const listing = await readImageFolder(dir);
  for (const c of listing.classes) {
    if (!/^\d$/.test(c)) throw new DataFormatError(`${dir}/${c}`, `subfolder '${c}' is not a digit: expected subfolders named 0…9`);
  }
  const n = listing.items.length;
  const images = new Uint8Array(n * PIXELS);
  const labels = new Uint8Array(n);
  let done = 0;
  await mapLimit(listing.items, 8, async (item, i) => {
    const d = await loadDigitImage(item.path);
    // An all-zero input would still be scored (eval) or trained on under its folder's label.
    if (d.empty) throw new DataFormatError(item.path, 'no digit found (the image is blank or has too little contrast); remove it from the dataset');
    images.set(d.bytes, i * PIXELS);
    labels[i] = Number(item.className);
    onProgress?.(++done, n);
  });
  return { images, labels, n, files: listing.items.map((it) => it.path), source: dir };
}

/**
 * Loads a dataset folder. IDX folders give their `train` or `test` (t10k)
 * side; image folders give every image under 0…9 whatever the split.
 */
export async function loadDigitSet(dir: string, split: MnistSplit, onProgress?: (done: number, total: number) => void): Promise<DigitSet> {
  const kind = await detectSource(dir);
  const set = kind === 'idx' ? await readIdxSet(dir, split) : await readFolderSet(dir, onProgress);
  if (set.n === 0) throw new UserError(`--data ${dir}: no images found`);
  return set;
}

/** A subset by indices (copies). */
export function subset(set: DigitSet, idx: ArrayLike<number>): DigitSet {
  const images = new Uint8Array(idx.length * PIXELS);
  const labels = new Uint8Array(idx.length);
  const files = set.files ? new Array<string>(idx.length) : undefined;
  for (let k = 0; k < idx.length; k++) {
    const i = idx[k];
    images.set(set.images.subarray(i * PIXELS, (i + 1) * PIXELS), k * PIXELS);
    labels[k] = set.labels[i];
    if (files) files[k] = set.files![i];
  }
  return { images, labels, n: idx.length, files, source: set.source };
}
