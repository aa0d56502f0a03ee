import { toBytes } from '../options.js';

export type TextEncodingName = 'utf-8' | 'utf-16le' | 'utf-16be' | 'latin1';

export interface DecodedText {
  text: string;
  encoding: TextEncodingName;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Which UTF-16 the bytes are, if they are: a byte-order mark says so (Windows Notepad's
 * "Unicode" files carry one); without one, text that is mostly ASCII has a zero in every
 * other byte — every high byte on one side, (almost) none on the other.
 */
function utf16Kind(bytes: Uint8Array): 'utf-16le' | 'utf-16be' | null {
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return 'utf-16le';
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) return 'utf-16be';
  const pairs = Math.floor(bytes.length / 2);
  if (pairs < 2 || bytes.length % 2 !== 0) return null;
  // Every file goes through here, so stop as soon as neither byte order can reach 90%.
  const allowedMisses = pairs - Math.ceil(0.9 * pairs);
  let evenZeros = 0;
  let oddZeros = 0;
  for (let i = 0, seen = 1; i < 2 * pairs; i += 2, seen++) {
    if (bytes[i] === 0) evenZeros++;
    if (bytes[i + 1] === 0) oddZeros++;
    if (evenZeros > 0 && oddZeros > 0) return null;
    if (seen - oddZeros > allowedMisses && seen - evenZeros > allowedMisses) return null;
  }
  if (oddZeros >= 0.9 * pairs && evenZeros === 0) return 'utf-16le';
  if (evenZeros >= 0.9 * pairs && oddZeros === 0) return 'utf-16be';
  return null;
}

/**
 * Decodes bytes as UTF-8, or as UTF-16 when they are that (a byte-order mark, or ASCII-range
 * text with a zero in every other byte), falling back to Latin-1 when they are not valid
 * UTF-8: old corpora (20 Newsgroups, BBC) mix in single Latin-1 bytes, and Latin-1 maps every
 * byte to a character, so nothing is lost or replaced by U+FFFD. A leading byte-order mark is
 * dropped. (Read as Latin-1, a UTF-16 file would become letters separated by NUL characters.)
 */
export function decodeText(input: Uint8Array | ArrayBuffer): DecodedText {
  const bytes = toBytes('decodeText', input);
  const utf16 = utf16Kind(bytes);
  if (utf16) {
    const decoded = new TextDecoder(utf16).decode(bytes);
    return { text: decoded, encoding: utf16 };
  }
  try {
    return { text: strictUtf8.decode(bytes), encoding: 'utf-8' };
  } catch {
    // A UTF-8 byte-order mark followed by a stray Latin-1 byte would otherwise start the text with "ï»¿".
    const start = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
    return { text: Buffer.from(bytes.buffer, bytes.byteOffset + start, bytes.byteLength - start).toString('latin1'), encoding: 'latin1' };
  }
}
