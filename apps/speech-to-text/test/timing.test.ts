import { describe, expect, it } from 'vitest';
import type { WordTiming } from '../src/decode.js';
import { assignSegments, cutAtPauses, refineWordTimes, speechSegments, splitWords } from '../src/timing.js';

const word = (w: string, start: number, end: number): WordTiming => ({ word: w, start, end, firstFrame: 0, lastFrame: 0 });

describe('speech segments and word-time refinement', () => {
  it('finds loud runs, bridging short gaps and dropping blips', () => {
    // 10 ms frames: speech 0.10–0.40, a 30 ms dip inside it, a 20 ms click at 0.60, speech 0.80–1.00.
    const e = new Float32Array(110).fill(-10);
    for (let t = 10; t < 40; t++) e[t] = 0;
    for (let t = 20; t < 23; t++) e[t] = -10;
    e[60] = e[61] = 0;
    for (let t = 80; t < 100; t++) e[t] = 0;
    const segs = speechSegments(e, 0.01);
    expect(segs.map((s) => [+s.start.toFixed(2), +s.end.toFixed(2)])).toEqual([[0.1, 0.4], [0.8, 1.0]]);
  });

  it('matches words to segments in order, letting early CTC spikes snap to the sound', () => {
    const segs = [{ start: 0, end: 0.38 }, { start: 0.58, end: 1.17 }, { start: 1.32, end: 1.99 }];
    // Path spans as a BiGRU gives them: later words start right after the previous word.
    const path = [word('three', 0, 0.3), word('seven', 0.32, 1.06), word('one', 1.08, 1.9)];
    expect(assignSegments(path.map((w) => (w.start + w.end) / 2), segs)).toEqual([0, 1, 2]);
    const refined = refineWordTimes(path, segs, 1.99);
    expect(refined.map((w) => [w.word, w.start, w.end])).toEqual([['three', 0, 0.38], ['seven', 0.58, 1.17], ['one', 1.32, 1.99]]);
  });

  it('splits a segment shared by words where the path moves on, and ignores stray noise segments', () => {
    const segs = [{ start: 0.1, end: 0.9 }, { start: 1.5, end: 1.52 }];
    const path = [word('two', 0.15, 0.4), word('six', 0.5, 0.85)];
    const refined = refineWordTimes(path, segs, 2);
    expect(refined.map((w) => [w.word, w.start, +w.end.toFixed(3)])).toEqual([['two', 0.1, 0.45], ['six', 0.45, 0.9]]);
  });

  it('cuts a recording into one piece per word at the middle of each pause, covering it end to end', () => {
    const pieces = cutAtPauses([{ start: 0.5, end: 1.0 }, { start: 1.4, end: 2.0 }, { start: 3.0, end: 3.5 }], 4);
    expect(pieces.map((p) => [p.start, p.end])).toEqual([[0, 1.2], [1.2, 2.5], [2.5, 4]]);
    expect(cutAtPauses([{ start: 0.2, end: 0.4 }], 1)).toEqual([{ start: 0, end: 1 }]);
  });
});

describe('splitWords (cutting a recording into one piece per word)', () => {
  /** 10 ms frames of energy: -10 in pauses, `level` over each [start, end) run (frames). */
  function energyOf(n: number, runs: [number, number, number][]): Float32Array {
    const e = new Float32Array(n).fill(-10);
    for (const [a, b, level] of runs) for (let t = a; t < b; t++) e[t] = level;
    return e;
  }
  const rounded = (segs: { start: number; end: number }[] | null) => segs?.map((s) => [+s.start.toFixed(2), +s.end.toFixed(2)]);

  it('finds one segment per word, padded half-way into the pauses (at most 50 ms)', () => {
    const e = energyOf(200, [[20, 60, 0], [80, 120, 0], [140, 180, 0]]);
    expect(rounded(splitWords(e, 0.01, 2, 3))).toEqual([[0.15, 0.65], [0.75, 1.25], [1.35, 1.85]]);
  });

  it('does not accept a threshold that merges two words and counts a noise burst as the third', () => {
    // Words 1 and 2 are separated by an 80 ms pause that is only a little quieter than speech, and
    // a 150 ms noise burst sits at the end. A low threshold sees 3 segments: the merged pair (0.88 s),
    // word 3 and the burst. A higher one sees the three words (0.4 s each) and drops the burst.
    const e = energyOf(300, [[20, 60, 0], [60, 68, -4], [68, 108, 0], [140, 180, 0], [240, 255, -6]]);
    expect(rounded(splitWords(e, 0.01, 3, 3))).toEqual([[0.15, 0.64], [0.64, 1.13], [1.35, 1.85]]);
  });

  it('gives up (null) when no threshold gives plausible word lengths', () => {
    // Two words, one ten times longer than the other: not two comparable words.
    const e = energyOf(300, [[10, 30, 0], [60, 260, 0]]);
    expect(splitWords(e, 0.01, 3, 2)).toBeNull();
  });
});
