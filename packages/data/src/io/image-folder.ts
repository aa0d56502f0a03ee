import { checkOptionKeys } from '../options.js';
import { hasExtension, listClassFolders, type ClassFolderListing } from './class-folders.js';

export const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg', '.webp', '.gif', '.tif', '.tiff', '.bmp', '.avif', '.svg'] as const;

/** Lists `dir/<class>/<image>`; decode items lazily with readImage so big folders stay cheap. */
export async function readImageFolder(dir: string, opts: { extensions?: readonly string[] } = {}): Promise<ClassFolderListing> {
  checkOptionKeys('readImageFolder', opts, { extensions: true });
  return listClassFolders(dir, hasExtension(opts.extensions ?? IMAGE_EXTENSIONS), 'image');
}
