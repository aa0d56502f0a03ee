export type TextEncodingName = 'utf-8' | 'latin1';

export interface DecodedText {
  text: string;
  encoding: TextEncodingName;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Decodes bytes as UTF-8, falling back to Latin-1 when they are not valid
 * UTF-8: old corpora (20 Newsgroups, BBC) mix in single Latin-1 bytes, and
 * Latin-1 maps every byte to a character, so nothing is lost or replaced by U+FFFD.
 * A leading UTF-8 byte-order mark is dropped.
 */
export function decodeText(bytes: Uint8Array): DecodedText {
  try {
    return { text: strictUtf8.decode(bytes), encoding: 'utf-8' };
  } catch {
    return { text: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1'), encoding: 'latin1' };
  }
}
