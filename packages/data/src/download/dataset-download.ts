import { join } from 'node:path';
import { closestKey } from '@tensorkit/core';
import { type OptionKeys, showValue } from '../options.js';
import { checkDownloadOptions, download, type DownloadOptions, type DownloadResult } from './download.js';
import { DATASETS, type DatasetName, type RemoteFile } from './registry.js';

export type FetchOptions = Pick<DownloadOptions, 'onProgress' | 'progress' | 'retries' | 'retryDelayMs' | 'timeoutMs'>;

const FETCH_KEYS: OptionKeys<FetchOptions> = { onProgress: true, progress: true, retries: true, retryDelayMs: true, timeoutMs: true };

type FileKey<N extends DatasetName> = Extract<keyof (typeof DATASETS)[N]['files'], string>;

/** Downloads (or finds already verified) each file into `dir`, one after another. */
export async function downloadFiles(files: Readonly<Record<string, RemoteFile>>, dir: string, opts: FetchOptions = {}): Promise<Record<string, DownloadResult>> {
  checkDownloadOptions('downloadFiles', opts, FETCH_KEYS);
  const out: Record<string, DownloadResult> = {};
  for (const [key, f] of Object.entries(files)) {
    out[key] = await download({ ...opts, url: f.url, dest: join(dir, f.fileName), sha256: f.sha256, md5: f.md5 ?? null, size: f.size ?? null });
  }
  return out;
}

/** Fetches a registered dataset, e.g. `downloadDataset('mnist', 'data/mnist')` then `readMnist('data/mnist', 'train')`. */
export async function downloadDataset<N extends DatasetName>(name: N, dir: string, opts: FetchOptions = {}): Promise<Record<FileKey<N>, DownloadResult>> {
  if (!Object.hasOwn(DATASETS, name)) {
    const near = closestKey(String(name), Object.keys(DATASETS));
    throw new Error(`downloadDataset: unknown dataset ${typeof name === 'string' ? `'${name}'` : showValue(name)}${near ? ` (did you mean '${near}'?)` : ''}; known datasets: ${Object.keys(DATASETS).join(', ')}`);
  }
  return (await downloadFiles(DATASETS[name].files, dir, opts)) as Record<FileKey<N>, DownloadResult>;
}
