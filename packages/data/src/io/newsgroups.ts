import { basename, join } from 'node:path';
import { DataFormatError } from './errors.js';
import { compareNames, isDirectory, listDir } from './fs-utils.js';
import { readTarGzTextFiles } from './tar.js';
import { readTextFolder } from './text-folder.js';
import type { TextEncodingName } from './text-decode.js';
import { checkOneOf, checkOptionKeys } from '../options.js';

export interface NewsgroupsItem {
  /** The raw message, headers included. */
  text: string;
  label: number;
  group: string;
  /** The message's file name (a number in the bydate release). */
  id: string;
  encoding: TextEncodingName;
}

export interface NewsgroupsData {
  /** Group names, sorted; `label` indexes this list. */
  classes: string[];
  items: NewsgroupsItem[];
}

export interface NewsgroupsOptions {
  /** Picks `20news-bydate-<split>/` when the archive or folder holds both halves. */
  split?: 'train' | 'test';
}

/**
 * Reads 20 Newsgroups from the bydate `.tar.gz` (streamed, never extracted)
 * or from an extracted folder. Items are ordered by group, then numeric id,
 * so the result does not depend on the archive's entry order.
 */
export async function readNewsgroups(path: string, opts: NewsgroupsOptions = {}): Promise<NewsgroupsData> {
  checkOptionKeys('readNewsgroups', opts, { split: true });
  // Any other split matched no part and was reported as a folder or archive without messages.
  if (opts.split !== undefined) checkOneOf('readNewsgroups', 'split', opts.split, ['train', 'test']);
  const raw = (await isDirectory(path)) ? await fromFolder(path, opts) : await fromArchive(path, opts);
  if (raw.length === 0) throw new DataFormatError(path, 'no messages found: expected <group>/<id> files, e.g. 20news-bydate-train/alt.atheism/49960');
  raw.sort((a, b) => compareNames(a.group, b.group) || compareIds(a.id, b.id));
  const classes = [...new Set(raw.map((r) => r.group))];
  const labelOf = new Map(classes.map((c, i) => [c, i]));
  return { classes, items: raw.map((r) => ({ ...r, label: labelOf.get(r.group)! })) };
}

type RawItem = Omit<NewsgroupsItem, 'label'>;

async function fromArchive(path: string, opts: NewsgroupsOptions): Promise<RawItem[]> {
  const items: RawItem[] = [];
  const tops = new Set<string>();
  for await (const f of readTarGzTextFiles(path)) {
    const parts = f.path.split('/').filter((p) => p.length > 0);
    if (parts.length < 2) continue;
    const top = parts.length >= 3 ? parts[parts.length - 3] : '';
    if (opts.split && top !== `20news-bydate-${opts.split}`) continue;
    tops.add(top);
    items.push({ text: f.text, group: parts[parts.length - 2], id: parts[parts.length - 1], encoding: f.encoding });
  }
  if (tops.size > 1) {
    throw new DataFormatError(path, `archive holds several parts (${[...tops].join(', ')}): pass { split: 'train' | 'test' }`);
  }
  return items;
}

async function fromFolder(dir: string, opts: NewsgroupsOptions): Promise<RawItem[]> {
  const root = await groupsRoot(dir, opts);
  const folder = await readTextFolder(root, { accept: () => true });
  return folder.items.map((it) => ({ text: it.text, group: it.className, id: basename(it.path), encoding: it.encoding }));
}

/** Accepts the groups folder itself or its parent holding `20news-bydate-{train,test}`. */
async function groupsRoot(dir: string, opts: NewsgroupsOptions): Promise<string> {
  const { dirs } = await listDir(dir);
  const parts = dirs.filter((d) => d.startsWith('20news-bydate-'));
  if (parts.length === 0) return dir;
  if (opts.split) {
    const want = `20news-bydate-${opts.split}`;
    if (!parts.includes(want)) throw new DataFormatError(dir, `no ${want} folder (found ${parts.join(', ')})`);
    return join(dir, want);
  }
  if (parts.length === 1) return join(dir, parts[0]);
  throw new DataFormatError(dir, `folder holds several parts (${parts.join(', ')}): pass { split: 'train' | 'test' }`);
}

function compareIds(a: string, b: string): number {
  const na = Number(a);
  const nb = Number(b);
  if (Number.isFinite(na) && Number.isFinite(nb) && na !== nb) return na - nb;
  return compareNames(a, b);
}
