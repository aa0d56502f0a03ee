import { checkOptionKeys, type OptionKeys } from '../options.js';
import { cleanNewsgroupPost, type NewsgroupCleanOptions } from './newsgroup.js';
import { normalizeText } from './normalize.js';

export interface TokenizeOptions {
  /** Default true. */
  lowercase?: boolean;
  /** Apply NFKC normalisation first. Default true. */
  normalize?: boolean;
  /** Keep punctuation and symbols as one-character tokens. Default false. */
  punctuation?: boolean;
  /** Keep number tokens. Default true. */
  numbers?: boolean;
  /** When set, every number is replaced by this token (e.g. '<num>') so digits don't bloat the vocabulary. */
  numberToken?: string;
  /** Clean a raw newsgroup post first (true = all cleaning steps). Default false. */
  newsgroup?: boolean | NewsgroupCleanOptions;
}

// A number keeps inner separators only between digits ("3.14", "1,000"); a word is
// alphanumeric with inner apostrophes ("don't"); anything else is one punctuation char.
// Combining marks (including the emoji variation selector U+FE0F of "❤️") belong to the
// character before them: a word cannot start with one, or "I ❤️ you" would give an invisible word.
// A symbol keeps its marks, skin tone and zero-width-joined parts, so an emoji is one token;
// invisible format characters (zero-width space and joiner, soft hyphen, BOM) are never tokens.
const SYMBOL = String.raw`[^\s\p{L}\p{M}\p{N}_\p{Cf}][\p{M}\p{Emoji_Modifier}]*`;
const TOKEN = new RegExp(
  String.raw`(\p{N}+(?:[.,]\p{N}+)*)(?![\p{L}\p{M}\p{N}_])|([\p{L}\p{N}_][\p{L}\p{M}\p{N}_]*(?:['’][\p{L}\p{M}\p{N}_]+)*)|(${SYMBOL}(?:\u200d${SYMBOL})*)`,
  'gu',
);

const TOKENIZE_KEYS: OptionKeys<TokenizeOptions> = { lowercase: true, normalize: true, punctuation: true, numbers: true, numberToken: true, newsgroup: true };

/** Splits text into word, number and (optionally) punctuation tokens. */
export function tokenize(text: string, options: TokenizeOptions = {}): string[] {
  checkOptionKeys('tokenize', options, TOKENIZE_KEYS);
  const { lowercase = true, normalize = true, punctuation = false, numbers = true, numberToken, newsgroup = false } = options;
  let src = text;
  if (newsgroup) src = cleanNewsgroupPost(src, newsgroup === true ? {} : newsgroup);
  if (normalize || lowercase) {
    src = normalizeText(src, { form: normalize ? 'NFKC' : 'none', lowercase, collapseWhitespace: false });
  }
  const out: string[] = [];
  for (const m of src.matchAll(TOKEN)) {
    if (m[1] !== undefined) {
      if (numbers) out.push(numberToken ?? m[1]);
    } else if (m[2] !== undefined) {
      out.push(m[2]);
    } else if (punctuation) {
      out.push(m[3]);
    }
  }
  return out;
}
