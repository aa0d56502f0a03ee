import { createWriteStream } from 'node:fs';
import { mkdir, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import type { IncomingMessage } from 'node:http';
import { hashFileInto, newDigests } from './hash.js';
import { BadRequestError, request } from './http.js';
import { terminalProgress, type ProgressCallback } from './progress.js';
import { checkNumber, checkOptionalBoolean, checkOptionalFunction, checkOptionKeys, COUNT, NON_NEGATIVE, type OptionKeys, POSITIVE, showValue } from '../options.js';

export interface DownloadOptions {
  url: string;
  /** Final path; data is written to `dest + '.part'` and renamed there once verified. */
  dest: string;
  /** Expected SHA-256 (hex). null/undefined: no content check (size still checked if given). */
  sha256?: string | null;
  /** Expected MD5 (hex), for sources that only publish MD5. */
  md5?: string | null;
  /** Expected size in bytes. */
  size?: number | null;
  /** Called as bytes arrive; replaces the terminal progress bar. */
  onProgress?: ProgressCallback;
  /** Show a cli-progress bar when stderr is a TTY and no onProgress is given. Default true. */
  progress?: boolean;
  /** Automatic resumes after a dropped connection or a 5xx. Default 3. */
  retries?: number;
  /** First retry delay, doubled each time. Default 500 ms. */
  retryDelayMs?: number;
  /** Abort when no data arrives for this long. Default 30 s. */
  timeoutMs?: number;
}

export interface DownloadResult {
  path: string;
  bytes: number;
  sha256: string;
  /** True when a previous partial download was continued. */
  resumed: boolean;
  /** True when `dest` already existed and matched, so nothing was fetched. */
  cached: boolean;
}

const DOWNLOAD_KEYS: OptionKeys<DownloadOptions> = {
  url: true, dest: true, sha256: true, md5: true, size: true, onProgress: true, progress: true, retries: true, retryDelayMs: true, timeoutMs: true,
};

/**
 * The options download and downloadDataset share. A misspelt checksum key (sha_256) would skip
 * verification, and retries NaN retried a refused connection forever (attempt >= NaN is false).
 */
export function checkDownloadOptions(fn: string, opts: Partial<DownloadOptions>, known: Readonly<Record<string, true>>): void {
  checkOptionKeys(fn, opts, known);
  if (opts.retries !== undefined) checkNumber(fn, 'retries', opts.retries, COUNT);
  if (opts.retryDelayMs !== undefined) checkNumber(fn, 'retryDelayMs', opts.retryDelayMs, NON_NEGATIVE);
  if (opts.timeoutMs !== undefined) checkNumber(fn, 'timeoutMs', opts.timeoutMs, POSITIVE);
  checkOptionalBoolean(fn, 'progress', opts.progress);
  checkOptionalFunction(fn, 'onProgress', opts.onProgress);
}

/** A digest that can never match (wrong length, not hex) would fail only after the whole download. */
function checkDigest(name: string, v: string | null | undefined, hexLength: number): void {
  if (v == null) return;
  if (typeof v !== 'string' || v.length !== hexLength || !/^[0-9a-f]+$/i.test(v)) {
    throw new Error(`download: ${name} must be ${hexLength} hex digits, got ${showValue(v)}`);
  }
}

/** A failure worth retrying by resuming: the partial file is good, the connection was not. */
class TransientError extends Error {}

/**
 * Downloads `url` to `dest`, resuming a previous partial download with an
 * HTTP Range request, verifying size and checksum, and renaming into place
 * only once verified — `dest` is either absent or complete and correct.
 */
export async function download(opts: DownloadOptions): Promise<DownloadResult> {
  checkDownloadOptions('download', opts, DOWNLOAD_KEYS);
  if (typeof opts.dest !== 'string' || opts.dest === '') throw new Error(`download: dest must be a file path, got ${showValue(opts.dest)}`);
  checkDigest('sha256', opts.sha256, 64);
  checkDigest('md5', opts.md5, 32);
  if (opts.size != null) checkNumber('download', 'size', opts.size, COUNT);
  const { url, dest } = opts;
  const part = `${dest}.part`;
  const expectedSha = opts.sha256?.toLowerCase() ?? null;
  const expectedMd5 = opts.md5?.toLowerCase() ?? null;

  const existing = await fileSize(dest);
  if (existing !== null) {
    const check = await verify(dest, opts.size ?? null, expectedSha, expectedMd5);
    if (check.problem === null) return { path: dest, bytes: existing, sha256: check.sha256, resumed: false, cached: true };
    await unlink(dest); // stale or corrupt copy: fetch again
  }

  await mkdir(dirname(dest), { recursive: true });
  const bar = opts.onProgress ? null : opts.progress === false ? null : terminalProgress(basename(dest));
  const report = opts.onProgress ?? bar?.update ?? (() => {});
  const retries = opts.retries ?? 3;
  let resumed = false;
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        resumed = (await fetchInto(part, opts, report)) || resumed;
        break;
      } catch (err) {
        if (!(err instanceof TransientError) || attempt >= retries) {
          const kept = await fileSize(part);
          const hint = err instanceof TransientError && kept ? ` (${kept} bytes kept in ${part}; call download again to resume)` : '';
          throw new Error(`${err instanceof Error ? err.message : String(err)}${hint}`, { cause: err });
        }
        await sleep((opts.retryDelayMs ?? 500) * 2 ** attempt);
      }
    }
  } finally {
    bar?.stop();
  }

  const check = await verify(part, opts.size ?? null, expectedSha, expectedMd5);
  if (check.problem !== null) {
    await unlink(part).catch(() => {});
    throw new Error(`download ${url} → ${dest}: ${check.problem}; the downloaded file was deleted`);
  }
  await rename(part, dest);
  return { path: dest, bytes: check.bytes, sha256: check.sha256, resumed, cached: false };
}

/** One HTTP attempt, appending to `part` when the server honours Range. Returns true if it resumed. */
async function fetchInto(part: string, opts: DownloadOptions, report: ProgressCallback): Promise<boolean> {
  const { url } = opts;
  let offset = (await fileSize(part)) ?? 0;
  const headers: Record<string, string> = offset > 0 ? { range: `bytes=${offset}-` } : {};
  let res: IncomingMessage;
  try {
    res = await request(url, headers, opts.timeoutMs ?? 30_000);
  } catch (err) {
    if (err instanceof BadRequestError) throw err;
    throw new TransientError(err instanceof Error ? err.message : String(err), { cause: err });
  }
  const status = res.statusCode ?? 0;
  let total: number | null;
  let resumed = false;
  if (status === 206 && offset > 0) {
    const range = parseContentRange(res.headers['content-range']);
    if (range === null || range.start !== offset) {
      res.resume();
      await unlink(part).catch(() => {});
      throw new TransientError(`download ${url}: server answered Range bytes=${offset}- with '${res.headers['content-range']}'; restarting from scratch`);
    }
    total = range.total;
    resumed = true;
  } else if (status === 200) {
    // Either a fresh download or a server that ignores Range: start over either way.
    offset = 0;
    total = contentLength(res);
  } else if (status === 416 && offset > 0) {
    res.resume();
    const range = parseContentRange(res.headers['content-range']);
    if (range?.total === offset) return true; // the part file was already complete
    await unlink(part).catch(() => {});
    throw new TransientError(`download ${url}: partial file (${offset} bytes) does not fit the remote file; restarting`);
  } else {
    res.resume();
    const message = `download ${url}: HTTP ${status} ${res.statusMessage ?? ''}`.trim();
    if (status >= 500 || status === 429) throw new TransientError(message);
    throw new Error(message);
  }
  if (opts.size != null && total !== null && total !== opts.size) {
    res.resume();
    throw new Error(`download ${url}: server reports ${total} bytes, expected ${opts.size}`);
  }

  let received = offset;
  report({ received, total });
  // Not pipeline(): when the connection drops it destroys the file stream too, discarding chunks
  // already received but still queued for the disk, so less was kept than the message said.
  // Here every chunk read is on disk before the loss is reported and the next attempt resumes.
  const out = createWriteStream(part, { flags: offset > 0 ? 'a' : 'w' });
  const written = finished(out);
  let writeFailed = false;
  written.catch(() => (writeFailed = true)); // awaited below; it must not go unhandled meanwhile
  let lost: unknown = null;
  try {
    for await (const chunk of res as AsyncIterable<Buffer>) {
      received += chunk.length;
      report({ received, total });
      if (!out.write(chunk)) await Promise.race([once(out, 'drain'), written]);
      if (writeFailed) break; // no point reading the rest of the body
    }
  } catch (err) {
    lost = err;
  }
  out.end();
  await written; // a write error (a full disk) is not a connection loss: thrown as it is
  if (lost !== null) {
    throw new TransientError(`download ${url}: connection lost after ${received}${total !== null ? ` of ${total}` : ''} bytes (${lost instanceof Error ? lost.message : String(lost)})`, { cause: lost });
  }
  if (total !== null && received !== total) {
    throw new TransientError(`download ${url}: connection closed after ${received} of ${total} bytes`);
  }
  return resumed;
}

interface Verification {
  problem: string | null;
  bytes: number;
  sha256: string;
}

async function verify(path: string, size: number | null, sha256: string | null, md5: string | null): Promise<Verification> {
  const digests = newDigests();
  const bytes = await hashFileInto(path, digests);
  const actualSha = digests.sha256.digest('hex');
  const actualMd5 = digests.md5.digest('hex');
  let problem: string | null = null;
  if (size !== null && bytes !== size) problem = `size mismatch: expected ${size} bytes, got ${bytes}`;
  else if (sha256 !== null && actualSha !== sha256) problem = `sha256 mismatch: expected ${sha256}, got ${actualSha} (${bytes} bytes)`;
  else if (md5 !== null && actualMd5 !== md5) problem = `md5 mismatch: expected ${md5}, got ${actualMd5} (${bytes} bytes)`;
  return { problem, bytes, sha256: actualSha };
}

async function fileSize(path: string): Promise<number | null> {
  try {
    const s = await stat(path);
    return s.isFile() ? s.size : null;
  } catch {
    return null;
  }
}

function contentLength(res: IncomingMessage): number | null {
  const v = res.headers['content-length'];
  const n = v === undefined ? NaN : Number(v);
  return Number.isInteger(n) && n >= 0 ? n : null;
}

function parseContentRange(v: string | undefined): { start: number; total: number | null } | null {
  const m = v === undefined ? null : /^bytes\s+(?:(\d+)-\d+|\*)\/(\d+|\*)$/i.exec(v.trim());
  if (!m) return null;
  return { start: m[1] === undefined ? -1 : Number(m[1]), total: m[2] === '*' ? null : Number(m[2]) };
}
