import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { parse, type CsvError } from 'csv-parse';
import { DataFormatError, errorCode } from './errors.js';
import { fsError } from './fs-utils.js';

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

/**
 * Streams RFC 4180 records (quoted fields, "" escapes, newlines inside quotes)
 * from a file, tagging each with its starting line so callers can report
 * problems as `file: line N: …`. Blank lines are skipped; records may have
 * differing field counts (callers check what they need).
 */
export function iterateCsv(path: string, opts: CsvOptions = {}): AsyncGenerator<CsvRecord> {
  return csvRecords(createReadStream(path), path, opts);
}

/** Parses CSV text held in memory; `name` is used in errors. */
export function parseCsv(text: string, name: string, opts: CsvOptions = {}): AsyncGenerator<CsvRecord> {
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
  const parser = parse({
    on_record: (record: string[], context: { lines: number }) => {
      parsedEnd = context.lines;
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
  try {
    for await (const item of parser as AsyncIterable<ParsedRecord>) {
      yield { fields: item.record, line: item.info.lines - lineBreaksInside(item.raw) };
    }
  } catch (err) {
    throw csvError(name, err, parsedEnd + 1);
  } finally {
    // Also reached when the consumer stops early: release the file descriptor.
    input.destroy();
  }
}

/** Line breaks inside the record itself, ignoring blank lines before it and its own terminator. */
function lineBreaksInside(raw: string): number {
  const body = raw.replace(/^[\r\n]+/, '').replace(/(\r\n|\r|\n)$/, '');
  return body.match(/\r\n|\r|\n/g)?.length ?? 0;
}

function csvError(name: string, err: unknown, recordStart: number): DataFormatError {
  const code = errorCode(err);
  if (code?.startsWith('E')) return fsError(name, err);
  const csv = err as Partial<CsvError> & { lines?: number };
  if (code === 'CSV_QUOTE_NOT_CLOSED') {
    return new DataFormatError(name, `line ${recordStart}: unterminated quoted field (no closing quote before end of file at line ${csv.lines})`, { cause: err });
  }
  if (code === 'CSV_INVALID_CLOSING_QUOTE') {
    return new DataFormatError(name, `line ${csv.lines}: a quoted field must be followed by a delimiter or end of line (use "" for a literal quote inside quotes)`, { cause: err });
  }
  const detail = err instanceof Error ? err.message : String(err);
  return new DataFormatError(name, `line ${csv.lines ?? recordStart}: invalid CSV (${detail})`, { cause: err });
}
