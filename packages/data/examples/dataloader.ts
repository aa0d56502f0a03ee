// A map-style Dataset, a seeded shuffling DataLoader, and resuming an epoch from a cursor.
import assert from 'node:assert/strict';
import { arrayDataset, collateArrays, collateTensors, DataLoader, mapDataset, randomSplit } from '@tensorkit/data';

// Ten (features, label) items; mapDataset computes each one lazily when the loader asks for it.
const ids = arrayDataset(Array.from({ length: 10 }, (_, i) => i));
const items = mapDataset(ids, (i) => ({ x: Float32Array.of(i, i * i), y: i % 3 }));

// randomSplit is a pure function of (length, fractions, seed), like torch's random_split with a generator.
const [train, val] = randomSplit(items, [0.8, 0.2], 42);
assert.equal(train.length, 8);
assert.equal(val.length, 2);

// collateArrays stacks typed arrays into [B, ...] and turns integer fields into an Int32Array.
const loader = new DataLoader(train, { batchSize: 3, shuffle: true, seed: 7, collate: collateArrays });
assert.equal(loader.length, 3); // 8 items → batches of 3, 3, 2 (dropLast: false)

const epoch0: number[][] = [];
for await (const batch of loader) {
  assert.deepEqual(batch.x.shape, [batch.y.data.length, 2]);
  epoch0.push(Array.from(batch.y.data));
}
assert.equal(epoch0.flat().length, 8);
assert.deepEqual(loader.state(), { epoch: 1, batchIndex: 0, seed: 7, batchSize: 3 });

// Epoch 1 is interrupted after one batch; the cursor is plain JSON, fit for a checkpoint.
const seen: number[][] = [];
for await (const batch of loader) {
  seen.push(Array.from(batch.x.data));
  break;
}
const cursor = JSON.parse(JSON.stringify(loader.state()));
assert.deepEqual(cursor, { epoch: 1, batchIndex: 1, seed: 7, batchSize: 3 });

// A fresh loader (same dataset, options and seed) resumes with exactly the batches not yet seen…
const resumed = new DataLoader(train, { batchSize: 3, shuffle: true, seed: 7, collate: collateArrays });
for await (const batch of resumed.iterate({ fromCursor: cursor })) seen.push(Array.from(batch.x.data));

// …so the interrupted epoch equals an uninterrupted epoch 1 (the order is a function of seed and epoch).
const reference = new DataLoader(train, { batchSize: 3, shuffle: true, seed: 7, collate: collateArrays });
const uninterrupted: number[][] = [];
for await (const batch of reference.iterate({ epoch: 1 })) uninterrupted.push(Array.from(batch.x.data));
assert.deepEqual(seen, uninterrupted);
console.log('epoch 1 batches (x values):', uninterrupted);

// Variable-length items (frames × 2 features here) are padded per batch; a padded field `x` also gets `xLengths`.
const utterances = [{ x: new Float32Array(3 * 2), y: 1 }, { x: new Float32Array(5 * 2), y: 0 }];
const tensors = collateTensors(utterances, { pad: { x: { featDim: 2 } } });
assert.deepEqual(tensors.x.shape, [2, 5, 2]);
assert.deepEqual(Array.from(tensors.xLengths!.toTypedArray()), [3, 5]);
assert.equal(tensors.y.dtype, 'int32');
