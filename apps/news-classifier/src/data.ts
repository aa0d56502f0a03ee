/**
 * Dataset layouts and their train/test sides. A folder is recognised by what
 * it holds, so users point `--data` at a dataset without naming its format:
 *   - AG News: train.csv / test.csv (+ optional classes.txt)
 *   - 20 Newsgroups bydate: 20news-bydate-{train,test}.tar.gz or the extracted folders
 *   - anything else with class subfolders of .txt files (the BBC layout)
 * A single .csv or 20news-bydate archive may also be named directly.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { listDir, readAgNews, readNewsgroups, readTextFolder } from '@tensorkit/data';
import { UserError } from '@tensorkit/train';
import { MAX_INPUT_BYTES } from './input.js';

export type LayoutKind = 'ag_news' | '20news' | 'folder';
export type Side = 'train' | 'test';

export interface Layout {
  kind: LayoutKind;
  dir: string;
  /** Where each side lives (absent when the folder does not hold it). */
  train?: string;
  test?: string;
}

export interface TextExample {
  text: string;
  label: number;
  /** Where the text came from (file, or file:line) — shown in reports. */
  source: string;
  /** Ordering key within its class when the layout has one (20NG article numbers grow with time). */
  order?: number;
}

export interface TextDataset {
  layout: Layout;
  side: Side;
  /** Path that was read. */
  path: string;
  classes: string[];
  items: TextExample[];
}

async function kindOf(path: string): Promise<'file' | 'dir' | null> {
  try {
    const s = await stat(path);
    return s.isDirectory() ? 'dir' : s.isFile() ? 'file' : null;
  } catch {
    return null;
  }
}

const NG_PARTS = { train: '20news-bydate-train', test: '20news-bydate-test' } as const;

/** Recognises the layout of `dir`; throws a UserError saying what was expected otherwise. */
export async function detectLayout(dir: string): Promise<Layout> {
  const k = await kindOf(dir);
  if (k === null) throw new UserError(`${dir}: no such folder`);
  if (k !== 'dir') return fileLayout(dir);
  // listDir counts symbolic links as what they point to (datasets are often linked in).
  const listing = await listDir(dir);
  const files = new Set(listing.files);
  const dirs = listing.dirs;
  const names = new Set([...listing.dirs, ...listing.files]);
  if (names.size === 0) {
    throw new UserError(`${dir}: empty folder (expected AG News train.csv/test.csv, 20news-bydate-*.tar.gz, or class subfolders of .txt files)`);
  }

  if (files.has('train.csv') || files.has('test.csv')) {
    return {
      kind: 'ag_news',
      dir,
      train: files.has('train.csv') ? join(dir, 'train.csv') : undefined,
      test: files.has('test.csv') ? join(dir, 'test.csv') : undefined,
    };
  }
  const ng: Layout = { kind: '20news', dir };
  for (const side of ['train', 'test'] as const) {
    const part = NG_PARTS[side];
    if (files.has(`${part}.tar.gz`)) ng[side] = join(dir, `${part}.tar.gz`);
    else if (dirs.includes(part)) ng[side] = join(dir, part);
  }
  if (!ng.train && files.has('20news-bydate.tar.gz')) {
    // The combined release holds both halves in one archive.
    ng.train = ng.test = join(dir, '20news-bydate.tar.gz');
  }
  if (ng.train || ng.test) return ng;
  // The extracted half itself (…/20news-bydate-test) is a class folder of extension-less files.
  const self = basename(dir);
  if (self === NG_PARTS.train || self === NG_PARTS.test) {
    return { kind: '20news', dir, [self === NG_PARTS.train ? 'train' : 'test']: dir };
  }
  if (dirs.length > 0) {
    let found = false;
    for (const d of dirs) {
      const inner = await listDir(join(dir, d));
      const nested = await nestedDataset(dir, d, inner);
      if (nested) throw new UserError(nested);
      if (inner.files.some(isTxt)) found = true;
    }
    if (found) return { kind: 'folder', dir, train: dir, test: dir };
    throw new UserError(`${dir}: class folders found (${dirs.slice(0, 5).join(', ')}${dirs.length > 5 ? ', …' : ''}) but none holds .txt files`);
  }
  throw new UserError(
    `${dir}: unknown dataset layout (found ${[...names].slice(0, 5).join(', ')}${names.size > 5 ? ', …' : ''}); expected AG News train.csv/test.csv, ` +
      `20news-bydate-train.tar.gz / 20news-bydate-test.tar.gz (or the extracted folders), or class subfolders of .txt files`,
  );
}

const isTxt = (f: string) => f.toLowerCase().endsWith('.txt');

/**
 * The dataset's parent named instead of the dataset (`--data bbc_news` for `bbc_news/bbc/<class>/*.txt`):
 * a class folder whose subfolders hold the .txt files, with fewer (often no, or a README.TXT) of its
 * own than such subfolders. Read as a class it would be one class of the wrong name, or none.
 */
async function nestedDataset(dir: string, d: string, inner: { dirs: string[]; files: string[] }): Promise<string | null> {
  if (inner.dirs.length === 0) return null;
  const own = inner.files.filter(isTxt);
  const withTxt: string[] = [];
  for (const sub of inner.dirs) {
    // An unreadable subfolder is not evidence either way (the reader names it later if it matters).
    const names = await readdir(join(dir, d, sub)).catch(() => [] as string[]);
    if (names.some(isTxt)) withTxt.push(sub);
  }
  if (withTxt.length === 0 || own.length >= withTxt.length) return null;
  const list = (xs: string[]) => xs.slice(0, 6).join(', ') + (xs.length > 6 ? ', …' : '');
  const what = own.length === 0
    ? `contains no .txt files (only subfolders: ${list(inner.dirs)})`
    : `holds subfolders of .txt files (${list(withTxt)}) and only ${own.length === 1 ? `1 .txt file (${own[0]})` : `${own.length} .txt files`} of its own`;
  return `${dir}: class folder '${d}' ${what}; did you mean --data ${join(dir, d)}?`;
}

/**
 * A single file named directly: an AG News-style CSV (used for whichever side is asked — the user
 * chose it), or a 20 Newsgroups bydate archive (its side from its name; the combined archive holds both).
 */
function fileLayout(file: string): Layout {
  const name = basename(file).toLowerCase();
  const dir = dirname(file);
  if (name.endsWith('.csv')) return { kind: 'ag_news', dir, train: file, test: file };
  if (name === `${NG_PARTS.train}.tar.gz`) return { kind: '20news', dir, train: file };
  if (name === `${NG_PARTS.test}.tar.gz`) return { kind: '20news', dir, test: file };
  if (name === '20news-bydate.tar.gz') return { kind: '20news', dir, train: file, test: file };
  throw new UserError(`${file}: expected a dataset folder, an AG News-style .csv or a 20news-bydate-*.tar.gz archive`);
}

/** Reads one side of the dataset at `dir` (the side must exist in that layout). */
export async function loadDataset(dir: string, side: Side): Promise<TextDataset> {
  const layout = await detectLayout(dir);
  const path = layout[side];
  if (!path) {
    const want = layout.kind === 'ag_news' ? `${side}.csv` : `${NG_PARTS[side]}.tar.gz or folder ${NG_PARTS[side]}/`;
    throw new UserError(`${dir}: ${layout.kind === 'ag_news' ? 'AG News' : '20 Newsgroups'} layout without a ${side} side (expected ${want})`);
  }
  if (layout.kind === 'ag_news') {
    await checkUtf8(path);
    const d = await readAgNews(path);
    refuseEmpty(d.items, (it) => `${path}: line ${it.line}: empty title and description`);
    refuseHuge(d.items, (it) => `${path}: line ${it.line}`);
    return {
      layout, side, path, classes: d.classes,
      items: d.items.map((it) => ({ text: it.text, label: it.label, source: `${basename(path)}:${it.line}` })),
    };
  }
  if (layout.kind === '20news') {
    const split = path.endsWith('20news-bydate.tar.gz') ? { split: side } : {};
    const d = await readNewsgroups(path, split);
    refuseEmpty(d.items, (it) => `${path}: ${it.group}/${it.id}: empty post`);
    if (side === 'train') refuseBinary(d.items, (it) => `${path}: ${it.group}/${it.id}`);
    refuseHuge(d.items, (it) => `${path}: ${it.group}/${it.id}`);
    return {
      layout, side, path, classes: d.classes,
      items: d.items.map((it) => ({ text: it.text, label: it.label, source: `${it.group}/${it.id}`, order: Number(it.id) })),
    };
  }
  const d = await readTextFolder(path);
  refuseEmpty(d.items, (it) => `${it.path}: empty file`);
  if (side === 'train') refuseBinary(d.items, (it) => it.path);
  refuseHuge(d.items, (it) => it.path);
  const cut = path.length + 1;
  return { layout, side, path, classes: d.classes, items: d.items.map((it) => ({ text: it.text, label: it.label, source: it.path.slice(cut) })) };
}

/**
 * A document without text would be classified by the model's bias alone and still
 * counted in eval's accuracy (or trained on as a bias-only example): name it instead.
 */
function refuseEmpty<T extends { text: string }>(items: readonly T[], where: (it: T) => string): void {
  const empty = items.filter((it) => it.text.trim() === '');
  if (empty.length === 0) return;
  const more = empty.length > 1 ? ` (${empty.length} empty documents in all; remove them)` : ' (remove it)';
  throw new UserError(`${where(empty[0])}: expected the text of a document${more}`);
}

/**
 * A training document holding NUL characters is binary data that happens to sit among the texts (an
 * image or a document saved with a .txt name, a truncated download): read as Latin-1 it would be
 * trained on as a document of junk tokens, so training refuses it by name, as `predict --file` does.
 * `eval` still scores every file of its test side (one junk document costs at most one prediction;
 * refusing would leave the whole test set unscored). UTF-16 files are decoded before this.
 */
function refuseBinary<T extends { text: string }>(items: readonly T[], where: (it: T) => string): void {
  const binary = items.filter((it) => it.text.includes('\0'));
  if (binary.length === 0) return;
  const more = binary.length > 1 ? ` (${binary.length} such files in all; remove them)` : ' (remove it)';
  throw new UserError(`${where(binary[0])}: not a text file: this is binary data (it holds NUL bytes); expected the text of a document${more}`);
}

/**
 * A document above the input limit (predict/explain's, MAX_INPUT_BYTES characters) is refused by
 * name: it would be classified, but explaining it in the report (or training on it) needs memory
 * in proportion, and beyond ~512 M characters the text cannot even be held as one string.
 */
function refuseHuge<T extends { text: string }>(items: readonly T[], where: (it: T) => string): void {
  const huge = items.find((it) => it.text.length > MAX_INPUT_BYTES);
  if (huge) throw new UserError(`${where(huge)}: too large: ${huge.text.length.toLocaleString('en-US')} characters, over the limit of ${MAX_INPUT_BYTES.toLocaleString('en-US')} per document; split it into smaller documents`);
}

/** The shipped model for a layout (eval's default). */
export function defaultModelName(kind: LayoutKind): string {
  return kind === 'ag_news' ? 'ag_news.safetensors' : kind === '20news' ? '20news.safetensors' : 'bbc.safetensors';
}

/**
 * A CSV is one document in one encoding: a stray Latin-1 byte would otherwise
 * turn into U+FFFD silently, so say where it is. (Per-message corpora — 20NG,
 * class folders — fall back to Latin-1 per file instead, as those corpora need.)
 */
export async function checkUtf8(path: string): Promise<void> {
  const bytes = await readFile(path);
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return;
  } catch {
    // Locate the first bad sequence for the message.
  }
  let line = 1;
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i];
    const len = b < 0x80 ? 1 : b >= 0xc2 && b < 0xe0 ? 2 : b >= 0xe0 && b < 0xf0 ? 3 : b >= 0xf0 && b < 0xf5 ? 4 : 0;
    let ok = len > 0 && i + len <= bytes.length;
    for (let k = 1; ok && k < len; k++) ok = (bytes[i + k] & 0xc0) === 0x80;
    if (ok && len > 2) {
      // Rejects overlong forms and surrogates that pass the byte-pattern check.
      try {
        new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(i, i + len));
      } catch {
        ok = false;
      }
    }
    if (!ok) break;
    if (b === 0x0a) line++;
    i += len;
  }
  throw new UserError(`${path}: line ${line}: not valid UTF-8 (byte 0x${bytes[i]?.toString(16).padStart(2, '0')} at offset ${i}); save the file as UTF-8`);
}
