export { download, type DownloadOptions, type DownloadResult } from './download.js';
export { downloadDataset, downloadFiles, type FetchOptions } from './dataset-download.js';
export { DATASETS, type DatasetName, type DatasetSpec, type RemoteFile } from './registry.js';
export { sha256File } from './hash.js';
export type { DownloadProgress, ProgressCallback } from './progress.js';
export { downloadCli } from './cli.js';
