export interface AgNewsNormalizeOptions {
  /** Replacement for a backslash line-break marker. Default ' '. */
  lineBreak?: string;
  /** Remove HTML tags such as `<p>` or `<FONT face="verdana">` left in some descriptions. Default true. */
  stripTags?: boolean;
}

const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'", nbsp: ' ' };

// The corpus stores numeric references as Windows-1252 code points; 128–159 are
// control characters in Unicode, so map them to what the author typed.
const CP1252: Record<number, string> = {
  128: '€', 130: '‚', 131: 'ƒ', 132: '„', 133: '…', 134: '†', 135: '‡', 136: 'ˆ', 137: '‰', 138: 'Š', 139: '‹', 140: 'Œ',
  142: 'Ž', 145: '‘', 146: '’', 147: '“', 148: '”', 149: '•', 150: '–', 151: '—', 152: '˜', 153: '™', 154: 'š', 155: '›',
  156: 'œ', 158: 'ž', 159: 'Ÿ',
};

function fromCodePoint(n: number): string {
  if (CP1252[n] !== undefined) return CP1252[n];
  return n > 0 && n <= 0x10ffff ? String.fromCodePoint(n) : '';
}

/**
 * Undoes AG News' escaping quirks:
 * - `\$` is an escaped dollar sign; any other backslash (single or doubled)
 *   marks an original line break — the "n" of "\n" was lost, so "\new" is a
 *   break followed by "new", never a newline escape;
 * - HTML character references lost their ampersand, which became a space:
 *   "Iraq #39;s" is "Iraq's", "the  quot;best quot; offer" is "the "best" offer" and
 *   "AT amp;T" is "AT&T"; complete ones (`&lt;`, `&#39;`) also occur.
 */
export function normalizeAgNewsText(s: string, opts: AgNewsNormalizeOptions = {}): string {
  const lineBreak = opts.lineBreak ?? ' ';
  let out = s.replace(/\\\$/g, '$').replace(/\\+/g, lineBreak);
  // Bare names are only the ones in NAMED: "lt;" after a space is unlikely to be anything else.
  out = out.replace(/&([a-z]+);|&#(\d{1,7});|&#x([0-9a-f]{1,6});|(?:^| )#(\d{2,5});|(?:^| )(lt|gt|amp|quot|apos|nbsp);/gi, (m, name?: string, dec?: string, hexa?: string, bare?: string, bareName?: string) => {
    if (name !== undefined) return NAMED[name.toLowerCase()] ?? m;
    if (bareName !== undefined) return NAMED[bareName.toLowerCase()];
    if (hexa !== undefined) return fromCodePoint(parseInt(hexa, 16));
    return fromCodePoint(Number(dec ?? bare));
  });
  if (opts.stripTags ?? true) out = out.replace(/<\/?[a-z][^<>]*>/gi, ' ');
  return out.replace(/[ \t]+/g, ' ').replace(/ ?\n ?/g, '\n').trim();
}
