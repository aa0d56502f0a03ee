import { describe, expect, it } from 'vitest';
import { decodeText } from '../src/index.js';

const utf16le = (s: string, bom = true) => Buffer.concat([bom ? Buffer.from([0xff, 0xfe]) : Buffer.alloc(0), Buffer.from(s, 'utf16le')]);
const utf16be = (s: string, bom = true) => {
  const le = Buffer.from(s, 'utf16le');
  for (let i = 0; i < le.length; i += 2) [le[i], le[i + 1]] = [le[i + 1], le[i]];
  return Buffer.concat([bom ? Buffer.from([0xfe, 0xff]) : Buffer.alloc(0), le]);
};

describe('decodeText', () => {
  it('reads UTF-8, dropping a byte-order mark', () => {
    expect(decodeText(Buffer.from('\ufeffCafé £5', 'utf8'))).toEqual({ text: 'Café £5', encoding: 'utf-8' });
  });

  it('falls back to Latin-1 for bytes that are not UTF-8', () => {
    expect(decodeText(Buffer.from('caf\xe9 \xa35', 'latin1'))).toEqual({ text: 'café £5', encoding: 'latin1' });
  });

  it('drops a UTF-8 byte-order mark in the Latin-1 fallback too', () => {
    // An editor's BOM, then a stray Latin-1 byte: the BOM used to come out as "ï»¿".
    expect(decodeText(Buffer.from('\xef\xbb\xbfcaf\xe9', 'latin1'))).toEqual({ text: 'café', encoding: 'latin1' });
  });

  it('reads UTF-16 with a byte-order mark (little and big endian), non-ASCII included', () => {
    const text = 'Striker scores — café, naïve, 東京\r\nline two';
    expect(decodeText(utf16le(text))).toEqual({ text, encoding: 'utf-16le' });
    expect(decodeText(utf16be(text))).toEqual({ text, encoding: 'utf-16be' });
  });

  it('recognises ASCII-range UTF-16 without a byte-order mark', () => {
    expect(decodeText(utf16le('Bank profits rise', false))).toEqual({ text: 'Bank profits rise', encoding: 'utf-16le' });
    expect(decodeText(utf16be('Bank profits rise', false))).toEqual({ text: 'Bank profits rise', encoding: 'utf-16be' });
  });

  it('does not take ordinary text, or text with a stray NUL, for UTF-16', () => {
    expect(decodeText(Buffer.from('ab\0cd ef', 'latin1')).encoding).toBe('utf-8');
    expect(decodeText(Buffer.from('plain text')).encoding).toBe('utf-8');
    expect(decodeText(Buffer.alloc(0))).toEqual({ text: '', encoding: 'utf-8' });
  });
});
