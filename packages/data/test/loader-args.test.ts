import { describe, expect, it } from 'vitest';
import { arrayDataset, batchStream, collateArrays, DataLoader, mapDataset, padSequences, randomSplit, Subset } from '../src/index.js';

const ds = arrayDataset([1, 2, 3, 4, 5]);
const bad = (v: unknown): never => v as never;

describe('DataLoader refuses what it used to ignore or crash on', () => {
  it('names an unknown option key, PyTorch spellings included', () => {
    expect(() => new DataLoader(ds, bad({ batchSize: 2, batch_size: 3 }))).toThrow(/DataLoader: unknown option 'batch_size' \(did you mean 'batchSize'\?\)/);
    expect(() => new DataLoader(ds, bad({ batchSize: 2, shufle: true }))).toThrow(/unknown option 'shufle' \(did you mean 'shuffle'\?\)/);
    expect(() => new DataLoader(ds, { batchSize: 2 }).iterate(bad({ epoc: 1 }))).toThrow(/DataLoader.iterate: unknown option 'epoc'/);
  });

  it('checks the types of shuffle, dropLast, collate and batchSize', () => {
    expect(() => new DataLoader(ds, bad({ batchSize: 2, shuffle: 'false' }))).toThrow(`DataLoader: shuffle must be true or false, got "false"`);
    expect(() => new DataLoader(ds, bad({ batchSize: 2, dropLast: 1 }))).toThrow('DataLoader: dropLast must be true or false, got 1');
    expect(() => new DataLoader(ds, bad({ batchSize: 2, collate: 5 }))).toThrow('DataLoader: collate must be a function, got a number (5)');
    expect(() => new DataLoader(ds, bad({ batchSize: '2' }))).toThrow(`DataLoader: batchSize must be a positive integer, got "2"`);
    expect(() => new DataLoader(ds, bad(undefined))).toThrow(/DataLoader: options with a batchSize are required/);
  });

  it('checks the dataset: an array, a number, a NaN or fractional length', () => {
    expect(() => new DataLoader(bad([1, 2, 3]), { batchSize: 2 })).toThrow(/DataLoader: dataset must be an object with length and get\(index\), got an array \(wrap an array with arrayDataset/);
    expect(() => new DataLoader(bad(5), { batchSize: 2 })).toThrow(/got a number \(5\)/);
    expect(() => new DataLoader({ length: NaN, get: (i: number) => i }, { batchSize: 2 })).toThrow('DataLoader: dataset.length must be a non-negative integer, got NaN');
    expect(() => new DataLoader({ length: 2.5, get: (i: number) => i }, { batchSize: 2 })).toThrow(/got 2.5/);
  });

  it('setState names a misspelt cursor field (batch_index restarted the epoch)', () => {
    const loader = new DataLoader(ds, { batchSize: 1 });
    expect(() => loader.setState(bad({ epoch: 0, batch_index: 3 }))).toThrow(/DataLoader.setState: unknown cursor field 'batch_index' \(did you mean 'batchIndex'\?\)/);
    loader.setState(loader.state());
  });
});

describe('datasets, splits and batching helpers', () => {
  it('arrayDataset, mapDataset and Subset check their arguments', () => {
    expect(() => arrayDataset(bad(5))).toThrow('arrayDataset: items must be an array, got a number (5)');
    expect(() => mapDataset(ds, bad(5))).toThrow('mapDataset: fn must be a function, got a number (5)');
    expect(() => new Subset(bad([1, 2]), [0])).toThrow(/Subset: dataset must be an object/);
  });

  it('randomSplit names fractions given as a number', () => {
    expect(() => randomSplit(10, bad(0.5), 1)).toThrow('randomSplit: fractions must be an array of numbers, got a number (0.5)');
  });

  it('batchStream refuses unknown keys and a non-boolean dropLast', () => {
    expect(() => batchStream([1, 2, 3], bad({ batchSize: 2, drop_last: true }))).toThrow(/batchStream: unknown option 'drop_last' \(did you mean 'dropLast'\?\)/);
    expect(() => batchStream([1, 2, 3], bad({ batchSize: 2, dropLast: 'yes' }))).toThrow(`batchStream: dropLast must be true or false, got "yes"`);
  });

  it('padSequences and collateArrays refuse unknown keys and pad fields the items lack', () => {
    const a = new Float32Array(2);
    expect(() => padSequences([a], bad({ pad_value: 1 }))).toThrow(/padSequences: unknown option 'pad_value' \(did you mean 'padValue'\?\)/);
    expect(() => padSequences([a], bad({ padValue: '1' }))).toThrow(`padSequences: padValue must be a number, got "1"`);
    expect(() => collateArrays([{ x: a }], bad({ padd: {} }))).toThrow(/collateArrays: unknown option 'padd'/);
    expect(() => collateArrays([{ x: a, y: 1 }], bad({ pad: { X: true } }))).toThrow(/collateArrays: unknown pad field 'X' \(did you mean 'x'\?\); known pad fields: x, y/);
  });
});
