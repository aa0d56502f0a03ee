/**
 * Word-list constraint for CTC beam search. It only forbids character extensions that would
 * leave the vocabulary; which words come out is still decided by the acoustic scores.
 */
import { LABELS, SPACE } from './alphabet.js';

export class Lexicon {
  readonly words: ReadonlySet<string>;
  private readonly prefixes = new Set<string>();

  constructor(words: Iterable<string>) {
    const set = new Set<string>();
    for (const w of words) {
      const t = w.trim();
      if (t) set.add(t);
    }
    if (set.size === 0) throw new Error('Lexicon: the word list is empty');
    this.words = set;
    for (const w of set) for (let i = 0; i <= w.length; i++) this.prefixes.add(w.slice(0, i));
  }

  /** The word being spelled at the end of a label prefix. */
  private static partial(prefix: readonly number[]): string {
    let s = '';
    for (let i = prefix.length - 1; i >= 0 && prefix[i] !== SPACE; i--) s = LABELS[prefix[i]] + s;
    return s;
  }

  /** May `token` follow `prefix`? (the allowToken callback of ctcPrefixBeamSearch) */
  allow = (prefix: readonly number[], token: number): boolean => {
    const partial = Lexicon.partial(prefix);
    if (token === SPACE) return partial !== '' && this.words.has(partial);
    return this.prefixes.has(partial + LABELS[token]);
  };

  /** True when every word of the label sequence is in the list (the last one complete). */
  complete(ids: readonly number[]): boolean {
    const p = Lexicon.partial(ids);
    return p === '' || this.words.has(p);
  }
}
