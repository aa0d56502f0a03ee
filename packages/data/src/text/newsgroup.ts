import { checkOptionalBoolean, checkOptionKeys, type OptionKeys } from '../options.js';

export interface NewsgroupCleanOptions {
  /** Drop the e-mail header block (everything up to the first blank line). Default true. */
  headers?: boolean;
  /** Drop quoted reply lines and "In article <...> ... writes:" attributions. Default true. */
  quotes?: boolean;
  /** Drop the signature after the last `--` delimiter line. Default true. */
  signature?: boolean;
}

const CLEAN_KEYS: OptionKeys<NewsgroupCleanOptions> = { headers: true, quotes: true, signature: true };

const QUOTED_LINE = /^\s*[>|]/;
const ATTRIBUTION_END = /(writes|wrote|says|said)\s*:\s*$/i;
const ATTRIBUTION_START = /^\s*In article\b/i;
const SIGNATURE_DELIMITER = /^--\s?$/;

/**
 * Strips the parts of a Usenet post that identify the thread rather than the topic
 * (headers, quoted replies, signatures); classifiers otherwise learn names and
 * e-mail addresses instead of content, as in scikit-learn's 20 Newsgroups `remove=`.
 */
export function cleanNewsgroupPost(text: string, options: NewsgroupCleanOptions = {}): string {
  // A misspelt step (`header: false`) would otherwise run with its default, without a word.
  checkOptionKeys('cleanNewsgroupPost', options, CLEAN_KEYS);
  for (const name of ['headers', 'quotes', 'signature'] as const) checkOptionalBoolean('cleanNewsgroupPost', name, options[name]);
  const { headers = true, quotes = true, signature = true } = options;
  let lines = text.replace(/\r\n?/g, '\n').split('\n');
  if (headers) {
    const blank = lines.findIndex((l) => l.trim() === '');
    // A post with no blank line has no body we can separate from its header.
    lines = blank < 0 ? [] : lines.slice(blank + 1);
  }
  if (signature) {
    for (let i = lines.length - 1; i >= 0; i--) {
      if (SIGNATURE_DELIMITER.test(lines[i])) {
        lines = lines.slice(0, i);
        break;
      }
    }
  }
  if (quotes) lines = dropQuotes(lines);
  return lines.join('\n').trim();
}

function dropQuotes(lines: string[]): string[] {
  const kept: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (QUOTED_LINE.test(line) || ATTRIBUTION_END.test(line)) continue;
    if (ATTRIBUTION_START.test(line)) {
      // Long attributions wrap: "In article <id>" on one line, "name (Name) writes:" on the next.
      if (!ATTRIBUTION_END.test(line) && i + 1 < lines.length && ATTRIBUTION_END.test(lines[i + 1])) i++;
      continue;
    }
    kept.push(line);
  }
  return kept;
}
