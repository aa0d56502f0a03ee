import { Generator, getDefaultGenerator, manualSeed } from '@tensorkit/core';
import { describe, expect, it } from 'vitest';
import {
  arrayDataset,
  batchStream,
  collateArrays,
  collateTensors,
  DataLoader,
  epochPermutation,
  padSequences,
  prefetch,
  stackArrays,
  type Dataset,
} from '../src/loader/index.js';

const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const ids = arrayDataset(range(23));

async function collect<B>(it: AsyncIterable<B>): Promise<B[]> {
  const out: B[] = [];
  for await (const b of it) out.push(b);
  return out;
}

describe('DataLoader ordering', () => {
  it('without shuffle yields dataset order, last batch partial unless dropLast', async () => {
    const loader = new DataLoader(ids, { batchSize: 5 });
    expect(loader.length).toBe(5);
    const batches = await collect(loader);
    expect(batches.map((b) => b.length)).toEqual([5, 5, 5, 5, 3]);
    expect(batches.flat()).toEqual(range(23));
    const dropped = new DataLoader(ids, { batchSize: 5, dropLast: true });
    expect((await collect(dropped)).flat()).toEqual(range(20));
  });

  it('same seed → same batches; a new loader replays them exactly', async () => {
    const a = await collect(new DataLoader(ids, { batchSize: 4, shuffle: true, seed: 7 }));
    const b = await collect(new DataLoader(ids, { batchSize: 4, shuffle: true, seed: 7, prefetch: 0 }));
    expect(a).toEqual(b);
    expect(a.flat().sort((x, y) => x - y)).toEqual(range(23));
    expect(a.flat()).not.toEqual(range(23));
    const c = await collect(new DataLoader(ids, { batchSize: 4, shuffle: true, seed: 8 }));
    expect(c).not.toEqual(a);
  });

  it('each epoch gets a different order that is a pure function of (seed, epoch)', async () => {
    const loader = new DataLoader(ids, { batchSize: 23, shuffle: true, seed: 3 });
    const e0 = (await collect(loader))[0];
    const e1 = (await collect(loader))[0];
    const e2 = (await collect(loader))[0];
    expect(e0).not.toEqual(e1);
    expect(e1).not.toEqual(e2);
    expect(loader.state()).toEqual({ epoch: 3, batchIndex: 0, seed: 3, batchSize: 23 });
    // Replaying epoch 1 directly (fresh loader, no epoch 0 first) gives the same order.
    const fresh = new DataLoader(ids, { batchSize: 23, shuffle: true, seed: 3 });
    expect((await collect(fresh.iterate({ epoch: 1 })))[0]).toEqual(e1);
    expect(Array.from(epochPermutation(23, 3, 2))).toEqual(e2);
  });

  it('resumes mid-epoch from a cursor with exactly the remaining batches', async () => {
    const opts = { batchSize: 3, shuffle: true, seed: 11 };
    const reference = new DataLoader(ids, opts);
    await collect(reference); // epoch 0
    const epoch1 = await collect(reference);

    const run = new DataLoader(ids, opts);
    await collect(run);
    const seen: number[][] = [];
    for await (const b of run) {
      seen.push(b);
      if (seen.length === 3) break; // "crash" after processing 3 batches of epoch 1
    }
    const cursor = run.state();
    expect(cursor).toEqual({ epoch: 1, batchIndex: 3, seed: 11, batchSize: 3 });

    const resumed = new DataLoader(ids, opts);
    const rest = await collect(resumed.iterate({ fromCursor: JSON.parse(JSON.stringify(cursor)) }));
    expect([...seen, ...rest]).toEqual(epoch1);
    expect(resumed.state()).toEqual({ epoch: 2, batchIndex: 0, seed: 11, batchSize: 3 });
    // ...and the following epoch matches the uninterrupted run.
    expect(await collect(resumed)).toEqual(await collect(reference));
  });

  it('without a seed, shuffles with a seed drawn from the global generator, so manualSeed fixes the order', async () => {
    const saved = getDefaultGenerator().getState();
    try {
      const shuffled = () => new DataLoader(ids, { batchSize: 23, shuffle: true });
      manualSeed(1);
      const a = shuffled();
      expect(a.seed).toBe(new Generator(1).nextUint32());
      manualSeed(1);
      const again = shuffled();
      manualSeed(2);
      const b = shuffled();
      expect(b.seed).toBe(new Generator(2).nextUint32());
      const [orderA] = await collect(a);
      expect(await collect(again)).toEqual([orderA]);
      expect((await collect(b))[0]).not.toEqual(orderA);
      expect([...orderA].sort((x, y) => x - y)).toEqual(range(23));

      // An explicit seed wins, and neither it nor an unshuffled loader consumes a draw.
      manualSeed(1);
      expect(new DataLoader(ids, { batchSize: 4, shuffle: true, seed: 9 }).seed).toBe(9);
      expect(new DataLoader(ids, { batchSize: 4 }).seed).toBe(0);
      expect(shuffled().seed).toBe(a.seed);
      expect(() => new DataLoader(ids, { batchSize: 4, shuffle: true, seed: NaN })).toThrow('DataLoader: seed must be a finite number, got NaN');
    } finally {
      getDefaultGenerator().setState(saved);
    }
  });

  it('rejects a cursor taken with another seed', () => {
    const loader = new DataLoader(ids, { batchSize: 3, shuffle: true, seed: 1 });
    expect(() => loader.iterate({ fromCursor: { epoch: 0, batchIndex: 1, seed: 2 } })).toThrow(/cursor was taken with seed 2, this loader uses seed 1/);
    expect(() => loader.iterate({ fromCursor: { epoch: 0, batchIndex: 99, seed: 1 } })).toThrow(/batchIndex 99 out of range \[0, 8\]/);
  });

  it('counts one epoch per pass over an empty loader (dropLast with fewer items than a batch)', async () => {
    const loader = new DataLoader(arrayDataset([1, 2, 3]), { batchSize: 4, dropLast: true, shuffle: true, seed: 2 });
    expect(loader.length).toBe(0);
    expect(loader.state().epoch).toBe(0);
    for (let pass = 1; pass <= 3; pass++) {
      expect(await collect(loader)).toEqual([]);
      expect(loader.state()).toEqual({ epoch: pass, batchIndex: 0, seed: 2, batchSize: 4 });
    }
  });

  it('rejects a cursor taken with another batch size, whose batchIndex would point at other items', async () => {
    const first = new DataLoader(ids, { batchSize: 2, shuffle: true, seed: 4 });
    for await (const _ of first) break;
    const cursor = first.state();
    expect(() => new DataLoader(ids, { batchSize: 3, shuffle: true, seed: 4 }).setState(cursor)).toThrow(/cursor was taken with batchSize 2, this loader uses 3; its batchIndex would point at other items/);
    // A cursor from before batchSize was recorded still resumes.
    const { batchSize: _omit, ...older } = cursor;
    const resumed = new DataLoader(ids, { batchSize: 2, shuffle: true, seed: 4 });
    resumed.setState(older);
    expect(resumed.state()).toEqual(cursor);
  });
});

describe('DataLoader with async items, collate and prefetch', () => {
  it('refuses a concurrency or prefetch depth that cannot fetch, at construction', async () => {
    // concurrency 0 used to start no fetch at all and hand out batches of holes.
    for (const concurrency of [0, -1, 1.5, NaN]) {
      expect(() => new DataLoader(ids, { batchSize: 4, concurrency })).toThrow(`DataLoader: concurrency must be a positive integer, got ${concurrency}`);
    }
    expect(() => new DataLoader(ids, { batchSize: 4, prefetch: -1 })).toThrow('DataLoader: prefetch must be a non-negative integer, got -1');
    const batches = await collect(new DataLoader(ids, { batchSize: 10, concurrency: 1, prefetch: 0 }));
    expect(batches.flat()).toEqual(range(23));
  });

  it('keeps batch order under random item latency, collates, and prefetches ahead', async () => {
    let started = 0;
    const slow: Dataset<{ x: Float32Array; y: number }> = {
      length: 12,
      async get(i) {
        started++;
        await new Promise((r) => setTimeout(r, (i * 7) % 5));
        return { x: Float32Array.of(i, -i), y: i % 3 };
      },
    };
    const loader = new DataLoader(slow, { batchSize: 4, shuffle: true, seed: 5, prefetch: 2, collate: (items) => collateArrays(items) });
    const order = loader.batchIndices(0).map((b) => Array.from(b));
    const it = loader.iterate();
    const first = (await it.next()).value!;
    expect(first.x.shape).toEqual([4, 2]);
    expect(Array.from(first.x.data)).toEqual(order[0].flatMap((i) => [i, -i]));
    expect(first.y.data).toBeInstanceOf(Int32Array);
    expect(Array.from(first.y.data)).toEqual(order[0].map((i) => i % 3));
    // While we hold batch 0, the loader is already fetching the following two batches.
    // Polls until the prefetch has started every item (up to 10 s: a loaded CI machine is slow, not wrong).
    for (let t = 0; t < 2000 && started < 12; t++) await new Promise((r) => setTimeout(r, 5));
    expect(started).toBe(12);
    const rest = [];
    for await (const b of { [Symbol.asyncIterator]: () => it }) rest.push(Array.from(b.x.data).filter((_, k) => k % 2 === 0));
    expect(rest).toEqual(order.slice(1));
  });

  it('fetches nothing ahead with prefetch 0', async () => {
    let started = 0;
    const counted: Dataset<number> = { length: 12, get: (i) => (started++, i) };
    const it = new DataLoader(counted, { batchSize: 4, prefetch: 0 }).iterate();
    await it.next();
    await new Promise((r) => setTimeout(r, 20));
    expect(started).toBe(4);
    await it.return(undefined);
  });

  it('surfaces item errors in order and stops', async () => {
    const bad: Dataset<number> = {
      length: 6,
      get(i) {
        if (i === 4) throw new Error('corrupt item 4');
        return i;
      },
    };
    const got: number[][] = [];
    const run = async () => {
      for await (const b of new DataLoader(bad, { batchSize: 2, prefetch: 3 })) got.push(b);
    };
    await expect(run()).rejects.toThrow('corrupt item 4');
    expect(got).toEqual([[0, 1], [2, 3]]);
  });
});

describe('collation helpers', () => {
  it('stacks equal-length arrays and refuses ragged ones', () => {
    const s = stackArrays([Int32Array.of(1, 2), Int32Array.of(3, 4)], [1, 2]);
    expect(s.shape).toEqual([2, 1, 2]);
    expect(s.data).toBeInstanceOf(Int32Array);
    expect(Array.from(s.data)).toEqual([1, 2, 3, 4]);
    expect(() => stackArrays([Float32Array.of(1), Float32Array.of(1, 2)])).toThrow(/item 1 has 2 values, item 0 has 1; variable-length items need padSequences/);
  });

  it('pads sequences of frames and reports lengths', () => {
    const p = padSequences([Float32Array.of(1, 2, 3, 4), Float32Array.of(5, 6)], { featDim: 2, padValue: -1 });
    expect(p.shape).toEqual([2, 2, 2]);
    expect(Array.from(p.data)).toEqual([1, 2, 3, 4, 5, 6, -1, -1]);
    expect(Array.from(p.lengths)).toEqual([2, 1]);
    const tokens = padSequences([Int32Array.of(7), Int32Array.of(8, 9, 10)]);
    expect(tokens.shape).toEqual([2, 3]);
    expect(Array.from(tokens.data)).toEqual([7, 0, 0, 8, 9, 10]);
    expect(() => padSequences([Float32Array.of(1, 2, 3)], { featDim: 2 })).toThrow(/not a multiple of featDim 2/);
  });

  it('collateArrays pads requested fields and types numeric fields', () => {
    const batch = collateArrays(
      [
        { audio: Float32Array.of(0.1, 0.2, 0.3), label: 1, weight: 0.5 },
        { audio: Float32Array.of(0.4), label: 2, weight: 1 },
      ],
      { pad: { audio: true } },
    );
    expect(batch.audio.shape).toEqual([2, 3]);
    expect('lengths' in batch.audio && Array.from(batch.audio.lengths)).toEqual([3, 1]);
    expect(batch.label.data).toBeInstanceOf(Int32Array);
    expect(batch.weight.data).toBeInstanceOf(Float32Array);
  });

  it('collateTensors builds core tensors with shapes, dtypes and lengths', () => {
    const batch = collateTensors(
      [
        { image: Uint8Array.of(1, 2, 3, 4), feats: Float32Array.of(1, 2, 3, 4), label: 3 },
        { image: Uint8Array.of(5, 6, 7, 8), feats: Float32Array.of(5, 6), label: 0 },
      ],
      { pad: { feats: { featDim: 2 } } },
    );
    expect(batch.image.shape).toEqual([2, 4]);
    expect(batch.image.dtype).toBe('uint8');
    expect(batch.feats.shape).toEqual([2, 2, 2]);
    expect(batch.feats.dtype).toBe('float32');
    expect((batch.feats.toArray() as number[][][]).flat(2)).toEqual([1, 2, 3, 4, 5, 6, 0, 0]);
    expect(batch.featsLengths?.dtype).toBe('int32');
    expect(batch.featsLengths!.toArray()).toEqual([2, 1]);
    expect(batch.label.dtype).toBe('int32');
  });

  it('collates strings, booleans and number arrays as default_collate does', () => {
    const items = [
      { name: 'cat', flag: true, box: [1, 2, 3], score: [0.5, 1] },
      { name: 'dog', flag: false, box: [4, 5, 6], score: [2, 0.25] },
    ];
    const arrays = collateArrays(items);
    expect(arrays.name).toEqual(['cat', 'dog']);
    expect(arrays.flag).toEqual({ data: Uint8Array.of(1, 0), shape: [2], dtype: 'bool' });
    expect(arrays.box).toEqual({ data: Int32Array.of(1, 2, 3, 4, 5, 6), shape: [2, 3] });
    expect(arrays.score).toEqual({ data: Float32Array.of(0.5, 1, 2, 0.25), shape: [2, 2] });
    const tensors = collateTensors(items);
    expect(tensors.name).toEqual(['cat', 'dog']);
    expect([tensors.flag.dtype, tensors.flag.toArray()]).toEqual(['bool', [true, false]]);
    expect([tensors.box.dtype, tensors.box.shape, tensors.box.toArray()]).toEqual(['int32', [2, 3], [[1, 2, 3], [4, 5, 6]]]);
    expect([tensors.score.dtype, tensors.score.toArray()]).toEqual(['float32', [[0.5, 1], [2, 0.25]]]);
    // Ragged number arrays can be padded like typed arrays.
    const padded = collateTensors([{ ids: [7] }, { ids: [8, 9, 10] }], { pad: { ids: true } });
    expect(padded.ids.toArray()).toEqual([[7, 0, 0], [8, 9, 10]]);
    expect(padded.idsLengths!.toArray()).toEqual([1, 3]);
  });

  it('refuses fields it cannot collate with errors naming the field', () => {
    expect(() => collateArrays([{ x: [1, 2] }, { x: [3, 4, 5] }])).toThrow(
      "collateArrays: field 'x' holds arrays of different lengths (item 0: 2, item 1: 3); stacking needs equal lengths, or pad the field with { pad: { x: true } }",
    );
    expect(() => collateArrays([{ x: Float32Array.of(1) }, { x: Float32Array.of(1, 2) }])).toThrow(/field 'x' holds arrays of different lengths \(item 0: 1, item 1: 2\)/);
    const nested = [{ meta: { id: 1 } }, { meta: { id: 2 } }] as never[];
    expect(() => collateArrays(nested)).toThrow(
      "collateArrays: field 'meta' of item 0 is an object; fields must be numbers, booleans, strings, typed arrays or arrays of numbers",
    );
    expect(() => collateArrays([{ when: new Date(0) }] as never[])).toThrow("field 'when' of item 0 is a Date;");
    expect(() => collateArrays([{ y: 1 }, { y: '1' }] as never[])).toThrow(`collateArrays: field 'y' is a number (1) in item 0 but a string ("1") in item 1`);
    expect(() => collateArrays([{ x: [1, 'a'] }] as never[])).toThrow(`collateArrays: field 'x' of item 0 holds a string ("a") at index 1; arrays must hold only numbers`);
    expect(() => collateArrays([{ s: 'a' }], { pad: { s: true } })).toThrow("pad lists field 's', whose values are strings; only arrays can be padded");
    expect(() => collateArrays([{ id: 3e9 }])).toThrow("field 'id' holds the integer 3000000000, outside the int32 range");
    expect(() => collateTensors([1, 2] as never[])).toThrow('collateArrays: item 0 is a number (1), expected a record of fields');
  });

  it('refuses typed arrays of different types in one field rather than truncating them into item 0 type', () => {
    // Stacked into item 0's Int32Array, 0.7 became 0; into a Uint8Array, 300 became 44.
    expect(() => collateArrays([{ x: Int32Array.of(1, 2) }, { x: Float32Array.of(0.7, 2.5) }])).toThrow(
      "collateArrays: field 'x': item 0 is a Int32Array but item 1 is a Float32Array; convert the items to one array type first",
    );
    expect(() => collateTensors([{ x: Uint8Array.of(1) }, { x: Float32Array.of(300) }], { pad: { x: true } })).toThrow("field 'x': item 0 is a Uint8Array but item 1 is a Float32Array");
    expect(() => stackArrays([Int16Array.of(1), Int32Array.of(70000)])).toThrow('stackArrays: item 0 is a Int16Array but item 1 is a Int32Array');
    expect(() => padSequences([Int32Array.of(1), Float32Array.of(0.5, 1.5)])).toThrow('padSequences: item 0 is a Int32Array but item 1 is a Float32Array');
  });

  it('refuses a fractional or negative minLength, and names the field a padding error comes from', () => {
    // minLength 2.5 used to give shape [1, 2.5] over 2 values.
    expect(() => padSequences([new Float32Array(2)], { minLength: 2.5 })).toThrow('padSequences: minLength must be a non-negative integer, got 2.5');
    expect(() => collateArrays([{ x: new Float32Array(2) }], { pad: { x: { minLength: -1 } } })).toThrow(
      "collateArrays: field 'x': padSequences: minLength must be a non-negative integer, got -1",
    );
    expect(() => collateArrays([{ x: new Float32Array(4) }, { x: new Float32Array(5) }], { pad: { x: { featDim: 2 } } })).toThrow(
      "collateArrays: field 'x': padSequences: item 1 has 5 values, not a multiple of featDim 2",
    );
    expect(padSequences([new Float32Array(2)], { minLength: 3 }).shape).toEqual([1, 3]);
    // A NaN pad value used to pad with 0.
    expect(Array.from(padSequences([Float32Array.of(1), Float32Array.of(2, 3)], { padValue: NaN }).data)).toEqual([1, NaN, 2, 3]);
  });
});

describe('streams', () => {
  it('batchStream groups an async stream in order', async () => {
    async function* gen() {
      for (let i = 0; i < 7; i++) yield i;
    }
    expect(await collect(batchStream(gen(), { batchSize: 3 }))).toEqual([[0, 1, 2], [3, 4, 5], [6]]);
    expect(await collect(batchStream(range(7), { batchSize: 3, dropLast: true, collate: (xs) => xs.join('') }))).toEqual(['012', '345']);
  });

  it('prefetch closes its source when the consumer stops early', async () => {
    let closed = false;
    async function* src() {
      try {
        for (let i = 0; ; i++) yield i;
      } finally {
        closed = true;
      }
    }
    for await (const x of prefetch(src(), 3)) if (x === 2) break;
    expect(closed).toBe(true);
  });
});
