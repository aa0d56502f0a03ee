/**
 * Atomic file replacement, done by npm's write-file-atomic: a temporary file beside the target,
 * fsynced, then renamed over it (a symlink is written through to its target, as write-file-atomic
 * resolves it). Errors name the file asked for and say why in words.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { UserError } from './cli.js';

export function atomicWriteFile(path: string, data: string | Uint8Array): void {
  try {
    const long = nameTooLong(path);
    if (long) throw new Error(long);
    mkdirSync(dirname(path), { recursive: true });
    writeFileAtomic.sync(path, typeof data === 'string' ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength));
  } catch (e) {
    // Name the file asked for, not the temp file, and say why in words (`error: <file>: …`).
    throw new UserError(`${path}: cannot write there (${writeFailure(e)})`);
  }
}

/** write-file-atomic names its temporary file `<name>.<uint32>`: up to 11 bytes more than the 255 a file name may have. */
const MAX_NAME_BYTES = 255 - 11;

/**
 * Why `path`'s name cannot be written atomically, or null: checked up front, since the temporary
 * file's suffix varies in length and a name near the limit would fail only for some writes.
 */
function nameTooLong(path: string): string | null {
  const bytes = Buffer.byteLength(basename(path));
  return bytes > MAX_NAME_BYTES
    ? `the file name is ${bytes} bytes: too long for the temporary file an atomic write needs beside it; use at most ${MAX_NAME_BYTES}`
    : null;
}

const WRITE_FAILURES: Record<string, string> = {
  ENOTDIR: 'part of that path is a file, not a folder',
  EEXIST: 'part of that path is a file, not a folder',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the device',
  ENOENT: 'cannot create files in that folder',
  EISDIR: 'is a folder, expected a file',
  ENOTEMPTY: 'is a folder, expected a file',
  ENAMETOOLONG: 'the path is too long',
};

function writeFailure(e: unknown): string {
  return WRITE_FAILURES[(e as NodeJS.ErrnoException).code ?? ''] ?? (e as Error).message;
}

/**
 * Checks, before a long job starts, that `path` can be written when it ends: its folder exists or
 * can be created, a file can be created there, and `path` is not a folder. `flag` and `value` name
 * the option in the error (`--out FILE`; for a folder option, the folder rather than the file in it),
 * so a training run does not fail only after its last epoch.
 */
export function checkWritable(path: string, flag: string, value = path): void {
  const long = nameTooLong(path);
  if (long) throw new UserError(`${flag} ${value}: cannot write there (${long})`);
  const dir = dirname(path);
  // Not named after `path`: a long name that can be written must not fail as a longer probe name.
  const probe = join(dir, `.probe-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    mkdirSync(dir, { recursive: true });
    closeSync(openSync(probe, 'w'));
    rmSync(probe, { force: true });
  } catch (e) {
    throw new UserError(`${flag} ${value}: cannot write there (${writeFailure(e)})`);
  }
  let isDir = false;
  try {
    isDir = statSync(path).isDirectory();
  } catch {
    // does not exist yet: fine
  }
  if (isDir) throw new UserError(`${flag} ${value}: is a folder; give a file name (e.g. ${join(path, 'model.safetensors')})`);
}

/**
 * The folder counterpart of checkWritable, for an option that names a folder of outputs
 * (`--report DIR`): `dir` must not be a file, and each of `names` (paths inside it, e.g.
 * `errors/001.png`) must be writable — checked, and the folder created, before a long job, so it
 * does not fail at its end with a raw `ENOTDIR`/`EEXIST`. `what` says what goes into it, for the
 * error: `--report README.md: is a file, expected a folder (index.html and confusion.png go into it)`.
 */
export function checkWritableFolder(dir: string, flag: string, what: string, names: readonly string[]): void {
  let isFile = false;
  try {
    isFile = !statSync(dir).isDirectory();
  } catch {
    // missing (created below), or part of the path is a file (checkWritable says so)
  }
  if (isFile) throw new UserError(`${flag} ${dir}: is a file, expected a folder (${what} go into it)`);
  for (const name of names) checkWritable(join(dir, name), flag, dir);
}
