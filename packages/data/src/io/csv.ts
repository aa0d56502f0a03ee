import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { parse, type CsvError } from 'csv-parse';
import { DataFormatError, errorCode } from './errors.js';
import { fsError } from './fs-utils.js';
import { checkOptionalBoolean, checkOptionKeys, type OptionKeys, showValue } from '../options.js';

export interface CsvRecord {
  fields: string[];
  /** 1-based line on which the record starts (records may span lines inside quotes). */
  line: number;
}

export interface CsvOptions {
  delimiter?: string;
  /** Tolerate stray quotes inside unquoted fields instead of failing. */
  relaxQuotes?: boolean;
}

interface ParsedRecord {
  record: string[];
  raw: string;
  info: { lines: number };
}

const CSV_KEYS: OptionKeys<CsvOptions> = { delimiter: true, relaxQuotes: true };

/** Checked when called, not at the first record: a misspelt `delimeter` parsed with ',' and failed on quotes. */
function checkCsvOptions(opts: CsvOptions): void {
  checkOptionKeys('readCsv', opts, CSV_KEYS);
  if (opts.delimiter !== undefined && (typeof opts.delimiter !== 'string' || opts.delimiter === '')) {
    throw new Error(`readCsv: delimiter must be a non-empty string, got ${showValue(opts.delimiter)}`);
  }
  checkOptionalBoolean('readCsv', 'relaxQuotes', opts.relaxQuotes);
}

/**
 * Streams RFC 4180 records (quoted fields, "" escapes, newlines inside quotes)
 * from a file, tagging each with its starting line so callers can report
 * problems as `file: line N: …`. Blank lines are skipped; records may have
 * differing field counts (callers check what they need).
 */
export function iterateCsv(path: string, opts: CsvOptions = {}): AsyncGenerator<CsvRecord> {
  checkCsvOptions(opts);
  return csvRecords(createReadStream(path), path, opts);
}

/** Parses CSV text held in memory; `name` is used in errors. */
export function parseCsv(text: string, name: string, opts: CsvOptions = {}): AsyncGenerator<CsvRecord> {
  checkCsvOptions(opts);
  return csvRecords(Readable.from([text]), name, opts);
}

export async function readCsv(path: string, opts: CsvOptions = {}): Promise<CsvRecord[]> {
  const out: CsvRecord[] = [];
  for await (const r of iterateCsv(path, opts)) out.push(r);
  return out;
}

async function* csvRecords(input: Readable, name: string, opts: CsvOptions): AsyncGenerator<CsvRecord> {
  // Tracked as the parser goes (not as we consume) because records parsed in
  // the same chunk as an error are discarded with it.
  let parsedEnd = 0;
  let parsedExtra = 0;
  const parser = parse({
    on_record: (record: string[], context: { lines: number; raw?: string }) => {
      parsedExtra += crlfInside(context.raw ?? '');
      parsedEnd = context.lines - parsedExtra;
      return record;
    },
    bom: true,
    info: true,
    raw: true,
    skip_empty_lines: true,
    relax_column_count: true,
    relax_quotes: opts.relaxQuotes ?? false,
    delimiter: opts.delimiter ?? ',',
  });
  input.on('error', (err) => parser.destroy(err));
  input.pipe(parser);
  // csv-parse counts a "\r\n" inside a quoted field as two lines (between records, as one), so
  // its count runs ahead by one for each such pair in the records before.
  let extra = 0;
  try {
    for await (const item of parser as AsyncIterable<ParsedRecord>) {
      const inside = crlfInside(item.raw);
      yield { fields: item.record, line: item.info.lines - extra - inside - lineBreaksInside(item.raw) };
      extra += inside;
    }
  } catch (err) {
    throw csvError(name, err, parsedEnd + 1, parsedExtra);
  } finally {
    // Also reached when the consumer stops early: release the file descriptor.
    input.destroy();
  }
}

/** The record itself, without blank lines before it and its own terminator. */
function recordBody(raw: string): string {
  return raw.replace(/^[\r\n]+/, '').replace(/(\r\n|\r|\n)$/, '');
}

/** Line breaks inside the record itself (inside quoted fields), each "\r\n" as one. */
function lineBreaksInside(raw: string): number {
  return recordBody(raw).match(/\r\n|\r|\n/g)?.length ?? 0;
}

/** "\r\n" pairs inside the record, which csv-parse counts as two lines each. */
function crlfInside(raw: string): number {
  return recordBody(raw).match(/\r\n/g)?.length ?? 0;
}

function csvError(name: string, err: unknown, recordStart: number, extraLines: number): DataFormatError {
  const code = errorCode(err);
  if (code?.startsWith('E')) return fsError(name, err);
  const raw = err as Partial<CsvError> & { lines?: number; raw?: string };
  const csv = { ...raw, lines: raw.lines === undefined ? undefined : raw.lines - extraLines };
  if (code === 'CSV_QUOTE_NOT_CLOSED') {
    // The open record's own text: its "\r\n" pairs were counted twice too, and blank lines
    // skipped before it are not yet in recordStart.
    const open = typeof raw.raw === 'string' ? raw.raw : '';
    const endLine = csv.lines === undefined ? undefined : csv.lines - (open.match(/\r\n/g)?.length ?? 0);
    const start = recordStart + (open.match(/^[\r\n]+/)?.[0].match(/\r\n|\r|\n/g)?.length ?? 0);
    return new DataFormatError(name, `line ${start}: unterminated quoted field (no closing quote before end of file at line ${endLine})`, { cause: err });
  }
  if (code === 'CSV_INVALID_CLOSING_QUOTE') {
    return new DataFormatError(name, `line ${csv.lines}: a quoted field must be followed by a delimiter or end of line (use "" for a literal quote inside quotes)`, { cause: err });
  }
  const detail = err instanceof Error ? err.message : String(err);
  return new DataFormatError(name, `line ${csv.lines ?? recordStart}: invalid CSV (${detail})`, { cause: err });
}
