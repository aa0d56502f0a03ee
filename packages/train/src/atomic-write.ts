/** Atomic file replacement: write a temp file beside the target, fsync, then rename over it. */
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { UserError } from './cli.js';

export function atomicWriteFile(path: string, data: string | Uint8Array): void {
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true });
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  let fd = -1;
  try {
    fd = openSync(tmp, 'w');
    let off = 0;
    while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
    fsyncSync(fd);
    closeSync(fd);
    fd = -1;
    renameSync(tmp, path);
  } catch (e) {
    if (fd >= 0) closeSync(fd);
    rmSync(tmp, { force: true });
    throw new Error(`could not write ${path}: ${(e as Error).message}`);
  }
}

const WRITE_FAILURES: Record<string, string> = {
  ENOTDIR: 'part of that path is a file, not a folder',
  EEXIST: 'part of that path is a file, not a folder',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the device',
};

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
    const code = (e as NodeJS.ErrnoException).code ?? '';
    throw new UserError(`${flag} ${value}: cannot write there (${WRITE_FAILURES[code] ?? (e as Error).message})`);
  }
  let isDir = false;
  try {
    isDir = statSync(path).isDirectory();
  } catch {
    // does not exist yet: fine
  }
  if (isDir) throw new UserError(`${flag} ${value}: is a folder; give a file name (e.g. ${join(path, 'model.safetensors')})`);
}
