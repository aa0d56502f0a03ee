import { readdir, readFile, stat } from 'node:fs/promises';
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
    if (e.isDirectory()) dirs.push(e.name);
    else if (e.isFile()) files.push(e.name);
  }
  return { dirs: dirs.sort(compareNames), files: files.sort(compareNames) };
}

/** Plain code-unit order (not localeCompare), so results are identical on every machine. */
export function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
