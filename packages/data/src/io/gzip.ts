import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream';
import { createGunzip, gunzipSync } from 'node:zlib';
import { DataFormatError, errorCode } from './errors.js';
import { fsError } from './fs-utils.js';

/** True if the bytes start with the gzip magic 1F 8B (the extension may lie either way). */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

export async function fileIsGzip(path: string): Promise<boolean> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (err) {
    throw fsError(path, err);
  }
  try {
    const head = Buffer.alloc(2);
    const { bytesRead } = await handle.read(head, 0, 2, 0);
    return isGzip(head.subarray(0, bytesRead));
  } finally {
    await handle.close();
  }
}

/**
 * A stream of the file's bytes, gunzipped on the fly when it is gzip data, so
 * large archives never have to sit in memory compressed and decompressed at once.
 */
export async function openMaybeGzip(path: string): Promise<{ stream: Readable; gzipped: boolean }> {
  const gzipped = await fileIsGzip(path);
  const source = createReadStream(path);
  if (!gzipped) return { stream: source, gzipped };
  // pipeline forwards a read error on the source into the gunzip stream we iterate.
  const stream = pipeline(source, createGunzip(), () => {});
  return { stream, gzipped };
}

/** Explains a zlib/stream failure in terms of the file, e.g. a truncated download. */
export function gzipError(path: string, err: unknown): DataFormatError {
  if (err instanceof DataFormatError) return err;
  const code = errorCode(err);
  if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR') return fsError(path, err);
  const detail = err instanceof Error ? err.message : String(err);
  if (code === 'Z_BUF_ERROR' || /unexpected end of file/i.test(detail)) {
    return new DataFormatError(path, `truncated gzip stream (unexpected end of file): the file is incomplete, download it again`, { cause: err });
  }
  if (code !== undefined && code.startsWith('Z_')) {
    return new DataFormatError(path, `corrupt gzip data (${detail})`, { cause: err });
  }
  return new DataFormatError(path, detail, { cause: err });
}

/** Whole-buffer variant for data already in memory. */
export function gunzipIfNeeded(bytes: Buffer, name: string): Buffer {
  if (!isGzip(bytes)) return bytes;
  try {
    return gunzipSync(bytes);
  } catch (err) {
    throw gzipError(name, err);
  }
}
