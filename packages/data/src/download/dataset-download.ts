import { join } from 'node:path';
import { download, type DownloadOptions, type DownloadResult } from './download.js';
import { DATASETS, type DatasetName, type RemoteFile } from './registry.js';

export type FetchOptions = Pick<DownloadOptions, 'onProgress' | 'progress' | 'retries' | 'retryDelayMs' | 'timeoutMs'>;

type FileKey<N extends DatasetName> = Extract<keyof (typeof DATASETS)[N]['files'], string>;

/** Downloads (or finds already verified) each file into `dir`, one after another. */
export async function downloadFiles(files: Readonly<Record<string, RemoteFile>>, dir: string, opts: FetchOptions = {}): Promise<Record<string, DownloadResult>> {
  const out: Record<string, DownloadResult> = {};
  for (const [key, f] of Object.entries(files)) {
    out[key] = await download({ ...opts, url: f.url, dest: join(dir, f.fileName), sha256: f.sha256, md5: f.md5 ?? null, size: f.size ?? null });
  }
  return out;
}

/** Fetches a registered dataset, e.g. `downloadDataset('mnist', 'data/mnist')` then `readMnist('data/mnist', 'train')`. */
export async function downloadDataset<N extends DatasetName>(name: N, dir: string, opts: FetchOptions = {}): Promise<Record<FileKey<N>, DownloadResult>> {
  return (await downloadFiles(DATASETS[name].files, dir, opts)) as Record<FileKey<N>, DownloadResult>;
}
