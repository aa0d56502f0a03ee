import { describe, expect, it } from 'vitest';
import { alignmentWindows } from '../src/align-windows.js';

describe('alignmentWindows (label windows for constrained CTC)', () => {
  it('gives each character the output frames of its word ± slack and the space the span of both neighbours', () => {
    // Input frames 10–30 and 40–60 → output frames 5–15 and 20–30 at subsample 2; slack 1.
    const w = alignmentWindows('no yes', [[10, 30], [40, 60]], 40, 2, 1);
    expect(w).toEqual([4, 16, 4, 16, 4, 31, 19, 31, 19, 31, 19, 31]);
  });

  it('clips windows to the output frames of the utterance', () => {
    expect(alignmentWindows('one', [[0, 50]], 20, 2, 3)).toEqual([0, 19, 0, 19, 0, 19]);
  });

  it('refuses word positions that do not match the transcript', () => {
    expect(() => alignmentWindows('no yes', [[0, 5]], 10, 2, 1)).toThrow('2 words in "no yes" but 1 word positions');
  });
});
