import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream';
import { createGunzip, createInflateRaw, gunzipSync, inflateRawSync } from 'node:zlib';
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

/**
 * Explains a zlib/stream failure in terms of the file, e.g. a truncated download. `trailing` is
 * where bytes that are not gzip data follow the last complete member (see trailingDataOffset).
 */
export function gzipError(path: string, err: unknown, trailing?: { offset: number; size: number }): DataFormatError {
  if (err instanceof DataFormatError) return err;
  const code = errorCode(err);
  if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR') return fsError(path, err);
  const detail = err instanceof Error ? err.message : String(err);
  if (trailing) {
    return new DataFormatError(path, `trailing data after the gzip stream at byte ${trailing.offset} (${trailing.size - trailing.offset} of the file's ${trailing.size} bytes ` +
      `follow the complete gzip data but are not gzip data themselves — zlib says "${detail}"; the download may have been appended to or concatenated with something else)`, { cause: err });
  }
  if (code === 'Z_BUF_ERROR' || /unexpected end of file/i.test(detail)) {
    return new DataFormatError(path, `truncated gzip stream (unexpected end of file): the file is incomplete, download it again`, { cause: err });
  }
  if (code !== undefined && code.startsWith('Z_')) {
    return new DataFormatError(path, `corrupt gzip data (${detail})`, { cause: err });
  }
  return new DataFormatError(path, detail, { cause: err });
}

/** gzipError for a file read through openMaybeGzip: it can look at the file again to find trailing data. */
export async function gzipFileError(path: string, err: unknown): Promise<DataFormatError> {
  if (!isTrailingDataError(err)) return gzipError(path, err);
  let trailing: { offset: number; size: number } | undefined;
  try {
    const handle = await open(path, 'r');
    try {
      const size = (await handle.stat()).size;
      const offset = await driveAsync(memberWalk(), async (pos) => {
        const { buffer, bytesRead } = await handle.read(Buffer.alloc(PEEK_BYTES), 0, PEEK_BYTES, pos);
        return buffer.subarray(0, bytesRead);
      }, (pos) => deflateLengthInFile(path, pos));
      if (offset !== undefined) trailing = { offset, size };
    } finally {
      await handle.close();
    }
  } catch {
    // The file changed or vanished since: report zlib's error as it was.
  }
  return gzipError(path, err, trailing);
}

/** Whole-buffer variant for data already in memory. */
export function gunzipIfNeeded(bytes: Buffer, name: string): Buffer {
  if (!isGzip(bytes)) return bytes;
  try {
    return gunzipSync(bytes);
  } catch (err) {
    const offset = isTrailingDataError(err) ? driveSync(memberWalk(), (pos) => bytes.subarray(pos, pos + PEEK_BYTES), (pos) => deflateLength(bytes.subarray(pos))) : undefined;
    throw gzipError(name, err, offset === undefined ? undefined : { offset, size: bytes.length });
  }
}

/*
 * Trailing data. After a complete gzip member, Node's gunzip starts another member at the next byte
 * unless it is 0 (zero padding ends the stream quietly), so bytes that are neither fail with zlib's
 * bare "incorrect header check" — which cannot be a bad first header, since the file was only
 * gunzipped because it starts with the gzip magic. Zlib does not say where it stopped; the walk
 * below finds it again, on the error path only, by skipping member by member (header, deflate
 * body, 8-byte trailer) until it reaches bytes that do not start one.
 */

const TRAILER_BYTES = 8; // CRC-32 and the uncompressed size
const PEEK_BYTES = 64 * 1024; // enough for any real header's optional file name and comment

function isTrailingDataError(err: unknown): boolean {
  return errorCode(err) === 'Z_DATA_ERROR' && err instanceof Error && /incorrect header check/.test(err.message);
}

/** Length of the gzip member header at the start of `b` (RFC 1952 §2.3), or undefined when `b` cannot hold it. */
function gzipHeaderLength(b: Uint8Array): number | undefined {
  if (b.length < 10) return undefined;
  const flags = b[3];
  let pos = 10;
  if (flags & 0x04) pos += 2 + (b[10] | (b[11] << 8)); // FEXTRA
  for (const bit of [0x08, 0x10]) {
    // FNAME, FCOMMENT: zero-terminated
    if (!(flags & bit)) continue;
    const end = b.indexOf(0, pos);
    if (end < 0) return undefined;
    pos = end + 1;
  }
  if (flags & 0x02) pos += 2; // FHCRC
  return pos <= b.length ? pos : undefined;
}

/** Asks for the bytes at a position (`peek`) or the length of the deflate stream there (`deflate`). */
type WalkStep = { peek: number } | { deflate: number };

/** The offset of the first byte after the gzip members that does not start another, or undefined if there is none. */
function* memberWalk(): Generator<WalkStep, number | undefined, Uint8Array | number | undefined> {
  for (let pos = 0; ;) {
    const head = (yield { peek: pos }) as Uint8Array;
    if (head.length === 0 || (pos > 0 && head[0] === 0)) return undefined;
    if (pos > 0 && !(head[0] === 0x1f && head[1] === 0x8b)) return pos;
    const header = gzipHeaderLength(head);
    if (header === undefined) return undefined;
    const body = (yield { deflate: pos + header }) as number | undefined;
    if (body === undefined) return undefined;
    pos += header + body + TRAILER_BYTES;
  }
}

function driveSync(walk: ReturnType<typeof memberWalk>, peek: (pos: number) => Uint8Array, deflate: (pos: number) => number | undefined): number | undefined {
  for (let step = walk.next(); ; ) {
    if (step.done) return step.value;
    step = walk.next('peek' in step.value ? peek(step.value.peek) : deflate(step.value.deflate));
  }
}

async function driveAsync(walk: ReturnType<typeof memberWalk>, peek: (pos: number) => Promise<Uint8Array>, deflate: (pos: number) => Promise<number | undefined>): Promise<number | undefined> {
  for (let step = walk.next(); ; ) {
    if (step.done) return step.value;
    step = walk.next('peek' in step.value ? await peek(step.value.peek) : await deflate(step.value.deflate));
  }
}

/** Compressed length of the raw deflate stream at the start of `b` (zlib stops at its end), or undefined if it is corrupt. */
function deflateLength(b: Uint8Array): number | undefined {
  try {
    // `info` (documented, missing from @types/node) returns the engine, which counts the input consumed.
    const { engine } = inflateRawSync(b, { info: true }) as unknown as { engine: { bytesWritten: number } };
    return engine.bytesWritten;
  } catch {
    return undefined;
  }
}

/** deflateLength for the stream starting at byte `start` of a file, streamed: a member may be gigabytes. */
async function deflateLengthInFile(path: string, start: number): Promise<number | undefined> {
  const source = createReadStream(path, { start });
  const inflate = createInflateRaw();
  source.on('error', (err) => inflate.destroy(err));
  source.pipe(inflate);
  try {
    // Zlib ends the output at the end of the deflate stream, before the input runs out.
    for await (const chunk of inflate) void chunk;
    return inflate.bytesWritten;
  } catch {
    return undefined;
  } finally {
    source.destroy();
    inflate.destroy();
  }
}
