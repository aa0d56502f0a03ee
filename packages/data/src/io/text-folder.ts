import { readFile } from 'node:fs/promises';
import { hasExtension, listClassFolders } from './class-folders.js';
import { mapLimit } from './concurrency.js';
import { fsError } from './fs-utils.js';
import { decodeText, type TextEncodingName } from './text-decode.js';
import { checkOptionalFunction, checkOptionKeys, type OptionKeys } from '../options.js';

export interface TextItem {
  text: string;
  label: number;
  className: string;
  path: string;
  encoding: TextEncodingName;
}

export interface TextFolder {
  classes: string[];
  items: TextItem[];
}

export interface TextFolderOptions {
  /** File extensions to read; default ['.txt']. */
  extensions?: readonly string[];
  /** Custom file-name filter, overriding `extensions` (20 Newsgroups files have no extension). */
  accept?: (fileName: string) => boolean;
}

const TEXT_FOLDER_KEYS: OptionKeys<TextFolderOptions> = { extensions: true, accept: true };

/**
 * Reads the BBC layout: one folder per class of `.txt` files. Bytes that are
 * not valid UTF-8 are read as Latin-1 (BBC's sport/199.txt has a lone 0xA3 '£').
 */
export async function readTextFolder(dir: string, opts: TextFolderOptions = {}): Promise<TextFolder> {
  checkOptionKeys('readTextFolder', opts, TEXT_FOLDER_KEYS);
  checkOptionalFunction('readTextFolder', 'accept', opts.accept);
  const accept = opts.accept ?? hasExtension(opts.extensions ?? ['.txt']);
  const listing = await listClassFolders(dir, accept, 'text');
  const items = await mapLimit(listing.items, 32, async (f) => {
    let bytes: Buffer;
    try {
      bytes = await readFile(f.path);
    } catch (err) {
      throw fsError(f.path, err);
    }
    const { text, encoding } = decodeText(bytes);
    return { text, label: f.label, className: f.className, path: f.path, encoding };
  });
  return { classes: listing.classes, items };
}
