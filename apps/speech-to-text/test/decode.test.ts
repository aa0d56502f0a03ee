import { describe, expect, it } from 'vitest';
import { Generator } from '@tensorkit/core';
import { ctcGreedyDecode, ctcPrefixBeamSearch, LogProbMatrix } from '@tensorkit/nn';
import { BLANK, decodeIds, encodeText, LABELS, NUM_CLASSES, SPACE } from '../src/alphabet.js';
import { bestPath, decode, decodingName, outsideWordListNote, wordTimings } from '../src/decode.js';
import { Lexicon } from '../src/lexicon.js';

const C = NUM_CLASSES;
const id = (ch: string) => LABELS.indexOf(ch);

/** A [T, C] probability matrix where frame t puts `p` on the given symbol and spreads the rest. */
function peaky(symbols: string[], p = 0.9): LogProbMatrix {
  const T = symbols.length;
  const probs = new Float64Array(T * C).fill((1 - p) / (C - 1));
  symbols.forEach((s, t) => (probs[t * C + (s === '-' ? BLANK : id(s))] = p));
  return LogProbMatrix.fromProbs(probs, T, C);
}

function randomLogProbs(rng: Generator, T: number, sharp = 3): LogProbMatrix {
  const logits = new Float64Array(T * C);
  for (let i = 0; i < logits.length; i++) logits[i] = sharp * rng.normal();
  return LogProbMatrix.fromLogits(logits, T, C);
}

describe('decoding hand-built probability matrices', () => {
  it('collapses repeats, drops blanks and keeps blank-separated doubles', () => {
    const lp = peaky(['-', 't', 't', 'h', 'r', 'e', '-', 'e', 'e', '-', ' ', 'o', 'n', 'n', 'e', '-']);
    expect(decode(lp, { beam: 1 }).text).toBe('three one');
    expect(decode(lp, { beam: 8 }).text).toBe('three one');
  });

  it('beam search sums alignments: "a" wins over the single best path "-"', () => {
    // Frame probabilities (blank, a): (0.6, 0.4) twice. Best path is "--" (0.36) → "", but
    // P("a") = 0.4·0.4 + 0.6·0.4 + 0.4·0.6 = 0.64 > P("") = 0.36.
    const probs = new Float64Array(2 * C);
    for (let t = 0; t < 2; t++) {
      probs[t * C + BLANK] = 0.6 - 1e-6 * (C - 2);
      probs[t * C + id('a')] = 0.4;
      for (let c = 0; c < C; c++) if (c !== BLANK && c !== id('a')) probs[t * C + c] = 1e-6;
    }
    const lp = LogProbMatrix.fromProbs(probs, 2, C);
    expect(decode(lp, { beam: 1 }).text).toBe('');
    expect(decode(lp, { beam: 4 }).text).toBe('a');
  });

  it('the word list keeps letters the acoustics favour only while they spell a known word', () => {
    // Acoustically "tvo" (v beats w at frame 2), but w is a close second.
    const probs = new Float64Array(4 * C).fill(1e-4);
    const set = (t: number, ch: string, p: number) => (probs[t * C + (ch === '-' ? BLANK : id(ch))] = p);
    set(0, 't', 0.9); set(1, 'v', 0.5); set(1, 'w', 0.45); set(2, 'o', 0.9); set(3, '-', 0.9);
    for (let t = 0; t < 4; t++) {
      let s = 0;
      for (let c = 0; c < C; c++) s += probs[t * C + c];
      for (let c = 0; c < C; c++) probs[t * C + c] /= s;
    }
    const lp = LogProbMatrix.fromProbs(probs, 4, C);
    expect(decode(lp, { beam: 8 }).text).toBe('tvo');
    const lex = new Lexicon(['two', 'three']);
    expect(decode(lp, { beam: 8, lexicon: lex }).text).toBe('two');
  });

  it('lexicon constraint: space only after a complete word, letters only along a word', () => {
    const lex = new Lexicon(['one', 'two']);
    const ids = (s: string) => Array.from(encodeText(s));
    expect(lex.allow(ids('on'), id('e'))).toBe(true);
    expect(lex.allow(ids('on'), SPACE)).toBe(false);
    expect(lex.allow(ids('one'), SPACE)).toBe(true);
    expect(lex.allow(ids('one '), id('t'))).toBe(true);
    expect(lex.allow(ids('one '), id('x'))).toBe(false);
    expect(lex.complete(ids('one tw'))).toBe(false);
    expect(lex.complete(ids('one two'))).toBe(true);
  });
});

describe('beam width 1 equals greedy', () => {
  it('on random matrices of several sharpnesses', () => {
    const rng = new Generator(7);
    for (let i = 0; i < 60; i++) {
      const lp = randomLogProbs(rng, 5 + rng.randint(0, 40), [0.5, 2, 5][i % 3]);
      const greedy = ctcGreedyDecode(lp, { blank: BLANK });
      const beam1 = ctcPrefixBeamSearch(lp, { beamWidth: 1, blank: BLANK });
      expect(beam1[0].ids).toEqual(greedy.ids);
      expect(decode(lp, { beam: 1 }).ids).toEqual(greedy.ids);
    }
  });
});

describe('beam 1 with the word list', () => {
  it('is a width-1 search within the word list, not plain greedy', () => {
    // Acoustically "tvo" (v beats w at frame 1, w a close second): greedy keeps the non-word.
    const probs = new Float64Array(4 * C).fill(1e-4);
    const set = (t: number, ch: string, p: number) => (probs[t * C + (ch === '-' ? BLANK : id(ch))] = p);
    set(0, 't', 0.9); set(1, 'v', 0.5); set(1, 'w', 0.45); set(2, 'o', 0.9); set(3, '-', 0.9);
    for (let t = 0; t < 4; t++) {
      let sum = 0;
      for (let c = 0; c < C; c++) sum += probs[t * C + c];
      for (let c = 0; c < C; c++) probs[t * C + c] /= sum;
    }
    const lp = LogProbMatrix.fromProbs(probs, 4, C);
    expect(decode(lp, { beam: 1 }).text).toBe('tvo');
    const d = decode(lp, { beam: 1, lexicon: new Lexicon(['two', 'three']) });
    expect(d.text).toBe('two');
    expect(d.outsideWordList).toBeUndefined();
  });

  it('says when it cannot finish a listed word instead of silently printing the unconstrained path', () => {
    // "tw" then silence: the single width-1 hypothesis is stuck inside "two" (o is improbable).
    const lp = peaky(['t', 'w', '-', '-']);
    const lex = new Lexicon(['two', 'three']);
    const d = decode(lp, { beam: 1, lexicon: lex });
    expect(d.text).toBe('tw');
    expect(d.outsideWordList).toBe(true);
    // A wider beam finds "two" (the o on a frame where it is unlikely beats no word at all).
    const wide = decode(lp, { beam: 8, lexicon: lex });
    expect(wide.text).toBe('two');
    expect(wide.outsideWordList).toBeUndefined();
    // Without a word list nothing is outside it.
    expect(decode(lp, { beam: 1 }).outsideWordList).toBeUndefined();
    expect(decode(lp, { beam: 8 }).outsideWordList).toBeUndefined();
  });

  it('names the decoding as it is', () => {
    expect(decodingName(1, false)).toBe('greedy');
    expect(decodingName(1, true)).toBe('greedy + word list');
    expect(decodingName(16, true)).toBe('beam 16 + word list');
    expect(outsideWordListNote(1)).toMatch(/no transcript made only of the model's words was found at beam 1; the unconstrained best path is used instead .*a wider --beam/);
    expect(outsideWordListNote(16)).not.toMatch(/wider/);
  });
});

describe('best CTC path and word timings', () => {
  it('aligns each label to its frames', () => {
    const lp = peaky(['-', 'n', 'o', '-', '-', ' ', '-', 'n', 'o', 'o', '-']);
    const ids = Array.from(encodeText('no no'));
    const path = bestPath(lp, ids)!;
    expect(Array.from(path)).toEqual([-1, 0, 1, -1, -1, 2, -1, 3, 4, 4, -1]);
    const words = wordTimings(lp, ids, 0.02, 1);
    expect(words.map((w) => w.word)).toEqual(['no', 'no']);
    expect(words[0].start).toBeCloseTo(0.02);
    expect(words[0].end).toBeCloseTo(0.06);
    expect(words[1].start).toBeCloseTo(0.14);
    expect(words[1].end).toBeCloseTo(0.2);
  });

  it('returns null when the labels cannot fit', () => {
    const lp = peaky(['a', 'a']);
    expect(bestPath(lp, Array.from(encodeText('aa')))).toBeNull();
    expect(bestPath(lp, Array.from(encodeText('ab')))).not.toBeNull();
  });

  it('decodeIds trims and squeezes spaces', () => {
    expect(decodeIds([SPACE, id('a'), SPACE, SPACE, id('b'), SPACE])).toBe('a b');
  });
});
