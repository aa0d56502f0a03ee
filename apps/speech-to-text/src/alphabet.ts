/**
 * Output units of the acoustic model: CTC blank, space, apostrophe and a–z. Characters (not
 * words) keep the model vocabulary-agnostic: the same code serves digits, yes/no or any
 * lower-case English transcript.
 */
export const BLANK = 0;
export const SPACE = 1;
export const LABELS: readonly string[] = ['<blank>', ' ', "'", ...'abcdefghijklmnopqrstuvwxyz'];
export const NUM_CLASSES = LABELS.length;

const INDEX = new Map<string, number>(LABELS.map((c, i) => [c, i]));

/**
 * Lower-cases, maps runs of whitespace/underscores/hyphens to one space and strips
 * punctuation other than the apostrophe; returns null for characters the model cannot emit
 * (digits written as numerals, accented letters) so callers can report them. Typographic
 * forms count as their plain ones (word processors and phone keyboards write "don’t" and
 * "three – seven"): curly apostrophes are the apostrophe, dashes and the ellipsis separate
 * words like hyphens, curly quotes are punctuation.
 */
export function normalizeTranscript(text: string): { text: string; bad: string[] } {
  const lowered = text.toLowerCase().replace(/[\u2018\u2019\u02bc]/g, "'").replace(/[\s_\u2010-\u2015\u2026-]+/g, ' ')
    .replace(/[.,!?;:"\u201c\u201d\u201e\u00ab\u00bb]/g, '').trim();
  const bad = [...new Set([...lowered].filter((ch) => !INDEX.has(ch)))];
  return { text: lowered.replace(/ +/g, ' '), bad };
}

/** Label ids of a normalised transcript (throws on characters outside the alphabet). */
export function encodeText(text: string): Int32Array {
  const out = new Int32Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const id = INDEX.get(text[i]);
    if (id === undefined || id === BLANK) throw new Error(`character ${JSON.stringify(text[i])} is not in the model alphabet (a–z, space, apostrophe)`);
    out[i] = id;
  }
  return out;
}

/** Text of label ids, with leading/trailing/doubled spaces removed. */
export function decodeIds(ids: readonly number[]): string {
  let s = '';
  for (const id of ids) if (id !== BLANK) s += LABELS[id];
  return s.replace(/ +/g, ' ').trim();
}

export const DIGIT_WORDS: readonly string[] = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];
