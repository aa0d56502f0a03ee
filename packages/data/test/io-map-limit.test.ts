import { describe, expect, it } from 'vitest';
import { mapLimit } from '../src/index.js';

describe('mapLimit', () => {
  it('keeps input order while finishing out of order, with at most `limit` calls in flight', async () => {
    let inFlight = 0;
    let peak = 0;
    const delays = [30, 5, 20, 1, 10, 2, 15];
    const out = await mapLimit(delays, 3, async (ms, i) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setTimeout(r, ms));
      inFlight--;
      return `${i}:${ms}`;
    });
    expect(out).toEqual(delays.map((ms, i) => `${i}:${ms}`));
    expect(peak).toBe(3);
  });

  it('handles an empty list and a limit above the list length', async () => {
    expect(await mapLimit([], 4, async (x: number) => x)).toEqual([]);
    expect(await mapLimit([1, 2], 10, async (x) => x * 2)).toEqual([2, 4]);
  });

  it('refuses a limit below 1 instead of returning holes without calling fn', async () => {
    let calls = 0;
    for (const limit of [0, -2, 0.5, NaN]) {
      await expect(mapLimit([1, 2], limit, async (x) => (calls++, x))).rejects.toThrow(`mapLimit: limit must be a positive integer, got ${limit}`);
    }
    expect(calls).toBe(0);
    expect(await mapLimit([1, 2], Infinity, async (x) => x)).toEqual([1, 2]);
  });

  it('rejects with the first failure', async () => {
    await expect(mapLimit([1, 2, 3], 2, async (x) => {
      if (x === 2) throw new Error('bad item 2');
      return x;
    })).rejects.toThrow('bad item 2');
  });
});
