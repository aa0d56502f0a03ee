/** Levenshtein alignment for WER/CER, with the edit operations so reports can mark errors. */

export type EditOp = { op: 'equal' | 'substitute'; ref: string; hyp: string } | { op: 'delete'; ref: string } | { op: 'insert'; hyp: string };

export interface Alignment {
  distance: number;
  ops: EditOp[];
}

/** Minimal edit script turning ref into hyp (unit costs). */
export function align(ref: readonly string[], hyp: readonly string[]): Alignment {
  const n = ref.length;
  const m = hyp.length;
  const d = new Int32Array((n + 1) * (m + 1));
  const at = (i: number, j: number) => i * (m + 1) + j;
  for (let i = 0; i <= n; i++) d[at(i, 0)] = i;
  for (let j = 0; j <= m; j++) d[at(0, j)] = j;
  for (let i = 1; i <= n; i++) {
    for (let j = 1; j <= m; j++) {
      const sub = d[at(i - 1, j - 1)] + (ref[i - 1] === hyp[j - 1] ? 0 : 1);
      d[at(i, j)] = Math.min(sub, d[at(i - 1, j)] + 1, d[at(i, j - 1)] + 1);
    }
  }
  const ops: EditOp[] = [];
  let i = n;
  let j = m;
  while (i > 0 || j > 0) {
    if (i > 0 && j > 0 && d[at(i, j)] === d[at(i - 1, j - 1)] + (ref[i - 1] === hyp[j - 1] ? 0 : 1)) {
      ops.push({ op: ref[i - 1] === hyp[j - 1] ? 'equal' : 'substitute', ref: ref[i - 1], hyp: hyp[j - 1] });
      i--;
      j--;
    } else if (i > 0 && d[at(i, j)] === d[at(i - 1, j)] + 1) {
      ops.push({ op: 'delete', ref: ref[i - 1] });
      i--;
    } else {
      ops.push({ op: 'insert', hyp: hyp[j - 1] });
      j--;
    }
  }
  return { distance: d[at(n, m)], ops: ops.reverse() };
}

export function editDistance(ref: readonly string[], hyp: readonly string[]): number {
  return align(ref, hyp).distance;
}

export function words(s: string): string[] {
  return s.trim().split(/\s+/).filter(Boolean);
}

export interface ErrorRates {
  /** Word error rate: total word edits / total reference words. */
  wer: number;
  /** Character error rate over the space-normalised strings. */
  cer: number;
  /** Fraction of utterances transcribed exactly. */
  sentenceAccuracy: number;
  n: number;
  wordErrors: number;
  refWords: number;
  charErrors: number;
  refChars: number;
}

/**
 * Corpus-level WER/CER (errors summed over utterances, divided by total reference length).
 * References without a word but hypotheses with some make the rates Infinity (errors over
 * nothing: jiwer refuses such input, torchmetrics returns inf), not 0.
 */
export function errorRates(refs: readonly string[], hyps: readonly string[]): ErrorRates {
  if (refs.length !== hyps.length) throw new Error(`errorRates: ${refs.length} references but ${hyps.length} hypotheses`);
  let wordErrors = 0, refWords = 0, charErrors = 0, refChars = 0, exact = 0;
  for (let i = 0; i < refs.length; i++) {
    const rw = words(refs[i]);
    const hw = words(hyps[i]);
    wordErrors += editDistance(rw, hw);
    refWords += rw.length;
    const rc = [...rw.join(' ')];
    const hc = [...hw.join(' ')];
    charErrors += editDistance(rc, hc);
    refChars += rc.length;
    if (rw.join(' ') === hw.join(' ')) exact++;
  }
  return {
    wer: rate(wordErrors, refWords),
    cer: rate(charErrors, refChars),
    sentenceAccuracy: refs.length ? exact / refs.length : 0,
    n: refs.length,
    wordErrors, refWords, charErrors, refChars,
  };
}

function rate(errors: number, total: number): number {
  if (total) return errors / total;
  return errors ? Infinity : 0;
}
