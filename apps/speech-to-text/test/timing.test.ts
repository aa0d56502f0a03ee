import { describe, expect, it } from 'vitest';
import type { WordTiming } from '../src/decode.js';
import { assignSegments, cutAtPauses, refineWordTimes, speechSegments } from '../src/timing.js';

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
