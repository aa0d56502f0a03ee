import { describe, expect, it } from 'vitest';
import { cleanNewsgroupPost, normalizeText, tokenize } from '../src/text/index.js';

describe('normalizeText', () => {
  it('applies NFKC, lower-cases and collapses whitespace', () => {
    expect(normalizeText('  Ｆｕｌｌ\u00a0 WIDTH\tﬁne\n\n ')).toBe('full width fine');
  });

  it('can keep case and whitespace', () => {
    expect(normalizeText('A  b', { lowercase: false, collapseWhitespace: false })).toBe('A  b');
  });
});

describe('tokenize', () => {
  it('splits words, numbers and drops punctuation by default', () => {
    expect(tokenize("Hello, World! It's 3.14 or 1,000 items.")).toEqual(['hello', 'world', "it's", '3.14', 'or', '1,000', 'items']);
  });

  it('keeps punctuation as single-character tokens when asked', () => {
    expect(tokenize('Wait... what?!', { punctuation: true })).toEqual(['wait', '.', '.', '.', 'what', '?', '!']);
  });

  it('keeps alphanumeric words whole and splits hyphens', () => {
    expect(tokenize('MP3 players, 3D state-of-the-art', { punctuation: true })).toEqual([
      'mp3', 'players', ',', '3d', 'state', '-', 'of', '-', 'the', '-', 'art',
    ]);
  });

  it('handles non-Latin scripts and diacritics', () => {
    expect(tokenize('Café Ünïcödé — Привет мир')).toEqual(['café', 'ünïcödé', 'привет', 'мир']);
  });

  it('can keep case, drop or replace numbers', () => {
    expect(tokenize('Apple sold 25 iPods', { lowercase: false })).toEqual(['Apple', 'sold', '25', 'iPods']);
    expect(tokenize('sold 25 iPods', { numbers: false })).toEqual(['sold', 'ipods']);
    expect(tokenize('sold 25 iPods in 2004', { numberToken: '<num>' })).toEqual(['sold', '<num>', 'ipods', 'in', '<num>']);
  });

  it('never makes a token of a lone combining mark or an invisible format character', () => {
    // U+FE0F (the variation selector of "❤️") is a mark: it used to come out as an invisible word.
    expect(tokenize('I \u2764\ufe0f you')).toEqual(['i', 'you']);
    expect(tokenize('\u0301lone word\u200b here\ufeff')).toEqual(['lone', 'word', 'here']);
    // With punctuation, an emoji (variation selector, skin tone, zero-width-joined family) is one token.
    expect(tokenize('I \u2764\ufe0f 👍🏽 👨\u200d👩\u200d👧 x\u200dy', { punctuation: true })).toEqual(['i', '\u2764\ufe0f', '👍🏽', '👨\u200d👩\u200d👧', 'x', 'y']);
    // Marks inside words stay there, in any script.
    expect(tokenize('cafe\u0301 हिन्दी')).toEqual(['café', 'हिन्दी']);
  });

  it('returns nothing for empty or whitespace-only text', () => {
    expect(tokenize('')).toEqual([]);
    expect(tokenize(' \n\t ')).toEqual([]);
  });
});

describe('cleanNewsgroupPost', () => {
  const post = [
    'From: alice@example.com (Alice)',
    'Subject: Re: Best GPU for rendering',
    'Organization: Example University',
    'Lines: 12',
    '',
    'In article <1993Apr5.123@bob.example.com> bob@example.com (Bob) writes:',
    '> Which card renders fastest?',
    '|  I heard the old one is fine.',
    'In article <abc@x.org>',
    '   carol@x.org (Carol) wrote:',
    'The new card renders twice as fast.',
    'Body line with -- inside is kept.',
    '-- ',
    'Alice | Example University | alice@example.com',
  ].join('\n');

  it('removes headers, quotes, attributions and the signature', () => {
    expect(cleanNewsgroupPost(post)).toBe('The new card renders twice as fast.\nBody line with -- inside is kept.');
  });

  it('each step can be turned off', () => {
    const kept = cleanNewsgroupPost(post, { headers: false, quotes: false, signature: false });
    expect(kept).toBe(post);
    expect(cleanNewsgroupPost(post, { signature: false })).toContain('alice@example.com');
    expect(cleanNewsgroupPost(post, { quotes: false })).toContain('> Which card');
    expect(cleanNewsgroupPost(post, { headers: false })).toContain('Subject: Re: Best GPU');
  });

  it('refuses a misspelt step or a value that is not true/false, also through tokenize', () => {
    expect(() => cleanNewsgroupPost(post, { header: false } as never)).toThrow(/cleanNewsgroupPost: unknown option 'header' \(did you mean 'headers'\?\)/);
    expect(() => cleanNewsgroupPost(post, { headers: 'no' } as never)).toThrow(/cleanNewsgroupPost: headers must be true or false, got "no"/);
    expect(() => tokenize(post, { newsgroup: { signatures: false } as never })).toThrow(/cleanNewsgroupPost: unknown option 'signatures'/);
  });

  it('cuts at a bare "--" line and handles CRLF', () => {
    expect(cleanNewsgroupPost('H: x\r\n\r\nbody\r\n--\r\nsig', {})).toBe('body');
  });

  it('feeds the tokenizer', () => {
    expect(tokenize(post, { newsgroup: true })).toEqual([
      'the', 'new', 'card', 'renders', 'twice', 'as', 'fast', 'body', 'line', 'with', 'inside', 'is', 'kept',
    ]);
  });
});
