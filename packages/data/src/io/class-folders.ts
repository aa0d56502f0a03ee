import { join } from 'node:path';
import { DataFormatError } from './errors.js';
import { listDir } from './fs-utils.js';

export interface ClassFile {
  path: string;
  /** Index into `classes`. */
  label: number;
  className: string;
}

export interface ClassFolderListing {
  /** Subfolder names, sorted, so label i is always the i-th name in code-unit order. */
  classes: string[];
  items: ClassFile[];
}

/**
 * Lists `root/<class>/<file>` layouts (ImageNet-style image folders, BBC text
 * folders). Files the predicate rejects (README, thumbnails) are skipped; a
 * root without class folders, or a class folder without any accepted file,
 * is an error because it would silently shift every later label.
 */
export async function listClassFolders(root: string, accept: (fileName: string) => boolean, kind: string): Promise<ClassFolderListing> {
  const { dirs } = await listDir(root);
  if (dirs.length === 0) {
    throw new DataFormatError(root, `no class folders found: expected one subdirectory per class containing ${kind} files`);
  }
  const items: ClassFile[] = [];
  for (let label = 0; label < dirs.length; label++) {
    const className = dirs[label];
    const classDir = join(root, className);
    const listing = await listDir(classDir);
    const files = listing.files.filter(accept);
    if (files.length === 0) {
      // Files one level deeper are not read: say so rather than call the folder empty.
      const deeper = listing.dirs.length ? ` (only subfolders: ${listing.dirs.slice(0, 3).join(', ')}${listing.dirs.length > 3 ? ', …' : ''}; files must sit directly in the class folder)` : '';
      throw new DataFormatError(classDir, `class folder '${className}' contains no ${kind} files${deeper}`);
    }
    for (const f of files) items.push({ path: join(classDir, f), label, className });
  }
  return { classes: dirs, items };
}

export function hasExtension(extensions: readonly string[]): (fileName: string) => boolean {
  const lower = extensions.map((e) => (e.startsWith('.') ? e : `.${e}`).toLowerCase());
  return (name) => lower.some((e) => name.toLowerCase().endsWith(e));
}
