import { access, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { iterateCsv } from './csv.js';
import { DataFormatError } from './errors.js';
import { fsError } from './fs-utils.js';
import { normalizeAgNewsText } from './ag-news-normalize.js';
import { checkOptionKeys, type OptionKeys } from '../options.js';

export interface AgNewsItem {
  /** 0-based class index (the file's 1-based id minus one). */
  label: number;
  title: string;
  description: string;
  /** Title and description joined by a newline. */
  text: string;
  /** Line of the CSV file the row starts on. */
  line: number;
}

export interface AgNewsData {
  classes: string[];
  items: AgNewsItem[];
}

export interface AgNewsOptions {
  /** Class names; default: `classes.txt` beside the CSV, else the four standard AG News classes. */
  classes?: string[];
  /** Undo the corpus' escaping quirks (backslashes, ` #39;` entities, HTML tags). Default true. */
  normalize?: boolean;
  /** What a backslash line-break marker becomes when normalising. Default ' '. */
  lineBreak?: string;
}

const AG_NEWS_KEYS: OptionKeys<AgNewsOptions> = { classes: true, normalize: true, lineBreak: true };

export const AG_NEWS_CLASSES = ['World', 'Sports', 'Business', 'Sci/Tech'] as const;

/** The header row of the widespread Kaggle copy of AG News: `Class Index,Title,Description`. */
function isHeaderRow(fields: readonly string[]): boolean {
  const [c, t, d] = fields.map((f) => f.trim());
  return /^(class( ?index)?|label)$/i.test(c) && /^title$/i.test(t) && /^description$/i.test(d);
}

/**
 * Reads AG News `"class","title","description"` rows (the official train.csv/test.csv format;
 * a first line `Class Index,Title,Description`, as in the Kaggle copy, is skipped as a header).
 */
export async function readAgNews(csvPath: string, opts: AgNewsOptions = {}): Promise<AgNewsData> {
  checkOptionKeys('readAgNews', opts, AG_NEWS_KEYS);
  const classes = opts.classes ?? (await readClassesBeside(csvPath)) ?? [...AG_NEWS_CLASSES];
  const normalize = opts.normalize ?? true;
  const clean = (s: string): string => (normalize ? normalizeAgNewsText(s, { lineBreak: opts.lineBreak }) : s);
  const items: AgNewsItem[] = [];
  let header = false;
  for await (const { fields, line } of iterateCsv(csvPath)) {
    if (fields.length !== 3) {
      throw new DataFormatError(csvPath, `line ${line}: expected 3 fields "class","title","description", found ${fields.length}`);
    }
    if (line === 1 && isHeaderRow(fields)) {
      header = true;
      continue;
    }
    const id = fields[0].trim();
    const classId = /^\d+$/.test(id) ? Number(id) : NaN;
    if (!(classId >= 1 && classId <= classes.length)) {
      throw new DataFormatError(csvPath, `line ${line}: class id '${fields[0]}' is not an integer in 1..${classes.length} (${classes.length} classes: ${classes.join(', ')})`);
    }
    const title = clean(fields[1]);
    const description = clean(fields[2]);
    items.push({ label: classId - 1, title, description, text: `${title}\n${description}`, line });
  }
  if (items.length === 0) throw new DataFormatError(csvPath, `${header ? 'no rows after the header line' : 'empty file'}: expected rows of "class","title","description"`);
  return { classes, items };
}

/** One class name per line; the i-th line is class id i (1-based). */
export async function readClassList(path: string): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw fsError(path, err);
  }
  const classes = text.split(/\r?\n/).map((s) => s.trim()).filter((s) => s.length > 0);
  if (classes.length === 0) throw new DataFormatError(path, 'empty class list: expected one class name per line');
  return classes;
}

async function readClassesBeside(csvPath: string): Promise<string[] | null> {
  const path = join(dirname(csvPath), 'classes.txt');
  try {
    await access(path);
  } catch {
    return null;
  }
  return readClassList(path);
}
