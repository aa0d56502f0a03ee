import { readdir, readFile, readlink, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { DataFormatError, errorCode } from './errors.js';

/** Reads a whole file, turning "no such file" and friends into errors that name it. */
export async function readFileOrThrow(path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (err) {
    throw fsError(path, err);
  }
}

export function fsError(path: string, err: unknown): DataFormatError {
  const code = errorCode(err);
  if (code === 'ENOENT') return new DataFormatError(path, 'file or directory not found', { cause: err });
  if (code === 'EISDIR') return new DataFormatError(path, 'expected a file, found a directory', { cause: err });
  if (code === 'ENOTDIR') return new DataFormatError(path, 'expected a directory, found a file', { cause: err });
  if (code === 'EACCES') return new DataFormatError(path, 'permission denied', { cause: err });
  return new DataFormatError(path, err instanceof Error ? err.message : String(err), { cause: err });
}

export async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch (err) {
    throw fsError(path, err);
  }
}

export interface DirEntries {
  dirs: string[];
  files: string[];
}

/**
 * Lists a directory split into subdirectories and files, each sorted by code
 * unit so class indices never depend on the file system's enumeration order
 * or the machine's locale. Hidden entries (".DS_Store", ".git") are skipped.
 * Symbolic links count as what they point to (datasets are often assembled
 * from links, e.g. git-annex or a subset of another folder); a link to
 * nothing is an error that names it rather than a silently smaller dataset.
 */
export async function listDir(dir: string): Promise<DirEntries> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    throw fsError(dir, err);
  }
  const dirs: string[] = [];
  const files: string[] = [];
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    const kind = e.isSymbolicLink() ? await linkTargetKind(join(dir, e.name)) : e.isDirectory() ? 'dir' : e.isFile() ? 'file' : null;
    if (kind === 'dir') dirs.push(e.name);
    else if (kind === 'file') files.push(e.name);
  }
  return { dirs: dirs.sort(compareNames), files: files.sort(compareNames) };
}

/** What a symbolic link points to: a directory, a file, or something else (a device, a socket). */
async function linkTargetKind(path: string): Promise<'dir' | 'file' | null> {
  let st;
  try {
    st = await stat(path);
  } catch (err) {
    if (errorCode(err) === 'ENOENT') {
      const target = await readlink(path).catch(() => '?');
      throw new DataFormatError(path, `symbolic link to ${target}, which does not exist`, { cause: err });
    }
    throw fsError(path, err);
  }
  return st.isDirectory() ? 'dir' : st.isFile() ? 'file' : null;
}

/** Plain code-unit order (not localeCompare), so results are identical on every machine. */
export function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
