/**
 * Crash-safe file replacement, done by npm's write-file-atomic: the data goes to a temporary file
 * beside the destination (same file system, so the rename is atomic), which is fsynced and renamed
 * over it; a symlink is written through to its target, and a replaced file keeps its mode. A failed
 * save leaves the previous checkpoint intact and removes the temporary file.
 */
import { basename } from 'node:path';
import writeFileAtomicLib from 'write-file-atomic';

/** write-file-atomic names its temporary file `<name>.<uint32>`: up to 11 bytes more than the 255 a file name may have. */
const MAX_NAME_BYTES = 255 - 11;

/** write-file-atomic writes the data with one fs.write call, which Node limits to 2 GiB - 1 bytes. */
const MAX_DATA_BYTES = 2 ** 31 - 1;

/**
 * Refuses, before writing, what write-file-atomic cannot write: a name whose temporary file could
 * not exist (ENAMETOOLONG naming the temporary file otherwise — and only for some saves, as the
 * suffix's length varies), and more data than one write takes (ERR_OUT_OF_RANGE otherwise).
 */
function check(path: string, data: Uint8Array): void {
  const bytes = Buffer.byteLength(basename(path));
  if (bytes > MAX_NAME_BYTES) {
    throw new Error(`${path}: the file name is ${bytes} bytes: too long for the temporary file an atomic write needs beside it; use at most ${MAX_NAME_BYTES}`);
  }
  if (data.byteLength > MAX_DATA_BYTES) {
    throw new Error(`${path}: cannot save ${data.byteLength} bytes atomically: at most ${MAX_DATA_BYTES} (2 GiB - 1) can be written at once`);
  }
}

/** A Buffer over the same bytes (write-file-atomic takes strings and Buffers). */
const asBuffer = (data: Uint8Array): Buffer => (Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength));

export async function writeFileAtomic(path: string, data: Uint8Array): Promise<void> {
  check(path, data);
  await writeFileAtomicLib(path, asBuffer(data));
}

export function writeFileAtomicSync(path: string, data: Uint8Array): void {
  check(path, data);
  writeFileAtomicLib.sync(path, asBuffer(data));
}
