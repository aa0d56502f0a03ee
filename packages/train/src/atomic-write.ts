/** Atomic file replacement: write a temp file beside the target, fsync, then rename over it. */
import { closeSync, fsyncSync, lstatSync, mkdirSync, openSync, realpathSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { UserError } from './cli.js';

export function atomicWriteFile(path: string, data: string | Uint8Array): void {
  const target = resolveLink(path);
  const dir = dirname(target);
  const tmp = join(dir, `.${basename(target)}.${process.pid}.${Date.now()}.tmp`);
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  let fd = -1;
  let created = false;
  try {
    mkdirSync(dir, { recursive: true });
    fd = openSync(tmp, 'w');
    created = true;
    let off = 0;
    while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
    fsyncSync(fd);
    closeSync(fd);
    fd = -1;
    renameSync(tmp, target);
  } catch (e) {
    if (fd >= 0) closeSync(fd);
    // Only a temp file that was created is removed: rmSync itself throws when the path is impossible.
    if (created) rmSync(tmp, { force: true });
    // Name the file asked for, not the temp file, and say why in words (`error: <file>: …`).
    throw new UserError(`${path}: cannot write there (${writeFailure(e)})`);
  }
}

/** Where a symlink points (renaming over the link would replace it with a plain file and leave its target stale). */
function resolveLink(path: string): string {
  try {
    return lstatSync(path).isSymbolicLink() ? realpathSync(path) : path;
  } catch {
    return path; // absent, or a dangling link: write at `path` itself
  }
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
  const dir = dirname(path);
  const probe = join(dir, `.${basename(path)}.${process.pid}.probe`);
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
