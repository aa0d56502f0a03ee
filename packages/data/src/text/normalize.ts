import { checkOptionKeys, type OptionKeys } from '../options.js';

export interface NormalizeOptions {
  /** Unicode normalisation form; NFKC folds compatibility characters (ligatures, full-width forms). Default 'NFKC'. */
  form?: 'NFC' | 'NFKC' | 'NFD' | 'NFKD' | 'none';
  /** Default true. */
  lowercase?: boolean;
  /** Replace every run of whitespace with one space and trim. Default true. */
  collapseWhitespace?: boolean;
}

/** Unicode-normalises, lower-cases and collapses whitespace so equal-looking texts compare equal. */
const NORMALIZE_TEXT_KEYS: OptionKeys<NormalizeOptions> = { form: true, lowercase: true, collapseWhitespace: true };

export function normalizeText(text: string, options: NormalizeOptions = {}): string {
  checkOptionKeys('normalizeText', options, NORMALIZE_TEXT_KEYS);
  const { form = 'NFKC', lowercase = true, collapseWhitespace = true } = options;
  let out = form === 'none' ? text : text.normalize(form);
  // Lower-case after NFKC: some compatibility characters only gain a lower-case mapping once decomposed.
  if (lowercase) out = out.toLowerCase();
  if (collapseWhitespace) out = out.replace(/\s+/gu, ' ').trim();
  return out;
}
