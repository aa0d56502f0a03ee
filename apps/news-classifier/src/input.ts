/**
 * Text files a user hands to `predict --file` and `explain --file`: read whole, decoded as the
 * corpora are (UTF-8, UTF-16, else Latin-1), refused with one line naming the file when they are
 * not a readable text file or are larger than a document can be explained or classified in memory.
 */
import { readFile, stat } from 'node:fs/promises';
import { decodeText } from '@tensorkit/data';
import { UserError } from '@tensorkit/train';

/**
 * The largest document read as input (32 MiB). Explaining it streams the features, but the tokens,
 * their values and the distinct terms stay in memory: peak RSS measured with the AG News model on
 * news text with many distinct tokens was 0.6 GB for 8 MB, 1.3 GB for 32 MB and 3.1 GB for 100 MB
 * (near Node's default heap limit on most machines; a JavaScript string cannot exceed ~512 M
 * characters at all). 32 MiB is thousands of articles: split bigger files.
 */
export const MAX_INPUT_BYTES = 32 * 1024 * 1024;

export function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/** "32.0 MiB (33,554,465 bytes)": a file just over the limit does not read as equal to it. */
export function sized(bytes: number): string {
  return `${mib(bytes)} (${bytes.toLocaleString('en-US')} bytes)`;
}

/**
 * What a file is when it is not text. Read as Latin-1 it would be classified as if it were
 * words; text never holds NUL characters (UTF-16 is decoded by now).
 */
export function binaryKind(bytes: Buffer, text: string): string | null {
  if (bytes.subarray(0, 5).toString('latin1') === '%PDF-') return 'a PDF document';
  if (bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04) return 'a ZIP archive (a .docx, .odt or .xlsx document?)';
  if (text.includes('\0')) return 'binary data (it holds NUL bytes)';
  return null;
}

/** What a failed stat of `file` means, in words (the bare code, e.g. ENOENT, said little). */
function whyUnreadable(file: string, e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return file === '-' ? ': no file named "-" (standard input is not read; give a file name)' : ': no such file';
  if (code === 'EACCES' || code === 'EPERM') return ': permission denied';
  if (code === 'ENOTDIR') return ': a folder on its path is a file';
  return '';
}

/**
 * Reads a text file given on the command line; `expected` says what it should hold (for the
 * messages). Refuses a folder, a file above `limit` bytes (before reading it) and binary data.
 */
export async function readTextFile(file: string, expected: string, limit = MAX_INPUT_BYTES): Promise<string> {
  let size: number;
  try {
    const s = await stat(file);
    if (s.isDirectory()) throw new UserError(`${file}: is a folder; expected ${expected}`);
    size = s.size;
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw new UserError(`${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})${whyUnreadable(file, e)}; expected ${expected}`);
  }
  if (size > limit) {
    throw new UserError(`${file}: too large: ${sized(size)}, over the limit of ${sized(limit)}; split it into smaller documents`);
  }
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (e) {
    throw new UserError(`${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const { text } = decodeText(bytes);
  const binary = binaryKind(bytes, text);
  if (binary) throw new UserError(`${file}: not a text file: this is ${binary}; expected ${expected}`);
  return text;
}
