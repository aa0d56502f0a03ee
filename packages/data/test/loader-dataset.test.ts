import { describe, expect, it } from 'vitest';
import { arrayDataset, compose, mapDataset, mapIterable, randomSplit, splitSizes, Subset, type Dataset } from '../src/loader/index.js';

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('datasets and transforms', () => {
  it('maps lazily, sync and async, passing the index', async () => {
    let calls = 0;
    const base = arrayDataset([10, 20, 30]);
    const doubled = mapDataset(base, (x, i) => {
      calls++;
      return x * 2 + i;
    });
    expect(calls).toBe(0);
    expect(doubled.length).toBe(3);
    expect(doubled.get(2)).toBe(62);
    const asyncBase: Dataset<number> = { length: 2, get: async (i) => i + 0.5 };
    expect(await mapDataset(asyncBase, (x) => x * 4).get(1)).toBe(6);
    expect(() => base.get(3)).toThrow(/index 3 out of range, expected an integer in \[0, 3\)/);
  });

  it('composes transforms left to right, awaiting async steps', async () => {
    const t = compose(
      (x: number) => x + 1,
      async (x: number) => `${x}`,
      (s: string, i: number) => `${s}#${i}`,
    );
    expect(await t(41, 7)).toBe('42#7');
    const sync = compose((x: number) => x * 3, (x: number) => x - 1);
    expect(sync(5, 0)).toBe(14);
  });

  it('Subset views selected indices in order and validates them', () => {
    const s = new Subset(arrayDataset(['a', 'b', 'c', 'd']), [3, 0]);
    expect([s.length, s.get(0), s.get(1)]).toEqual([2, 'd', 'a']);
    expect(() => new Subset(arrayDataset([1]), [1])).toThrow(/Subset: index 1 out of range/);
  });

  it('Subset refuses fractional and huge indices instead of truncating or wrapping them', () => {
    // As an Int32Array, 0.5 became 0 and 2^32 became 0: both passed the range check.
    expect(() => new Subset(arrayDataset(['a', 'b']), [0.5])).toThrow('Subset: index 0.5 out of range, expected an integer in [0, 2)');
    expect(() => new Subset(arrayDataset(['a', 'b']), [2 ** 32])).toThrow('Subset: index 4294967296 out of range');
  });

  it('maps streams', async () => {
    const out: string[] = [];
    for await (const x of mapIterable([1, 2], async (v, i) => `${v}:${i}`)) out.push(x);
    expect(out).toEqual(['1:0', '2:1']);
  });
});

describe('randomSplit', () => {
  it('partitions with the requested sizes, deterministically per seed', () => {
    const [a, b, c] = randomSplit(103, [0.8, 0.1, 0.1], 42);
    expect([a.length, b.length, c.length]).toEqual([83, 10, 10]);
    const all = [...a, ...b, ...c].sort((x, y) => x - y);
    expect(all).toEqual(range(103));
    const again = randomSplit(103, [0.8, 0.1, 0.1], 42);
    expect(Array.from(again[1])).toEqual(Array.from(b));
    const other = randomSplit(103, [0.8, 0.1, 0.1], 43);
    expect(Array.from(other[1])).not.toEqual(Array.from(b));
    expect(Array.from(a.slice(0, 20))).not.toEqual(range(20)); // actually shuffled
  });

  it('splits datasets into Subsets and accepts counts', () => {
    const ds = arrayDataset(range(10).map((i) => `item${i}`));
    const [train, val] = randomSplit(ds, [7, 3], 1);
    expect([train.length, val.length]).toEqual([7, 3]);
    const seen = new Set([...range(7).map((i) => train.get(i)), ...range(3).map((i) => val.get(i))]);
    expect(seen.size).toBe(10);
    // Floors 5, 2, 2 then hands the leftover item to the first part (as torch does).
    expect(splitSizes(10, [0.5, 0.25, 0.25])).toEqual([6, 2, 2]);
    expect(() => randomSplit(10, [0.5, 0.4], 0)).toThrow(/fractions must sum to 1 \(or be counts summing to 10\)/);
    expect(() => randomSplit(10, [-1, 2], 0)).toThrow(/non-negative/);
  });
});
