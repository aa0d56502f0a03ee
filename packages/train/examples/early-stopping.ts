// Early stopping on a validation score (higher is better), and carrying its state through a checkpoint.
import assert from 'node:assert/strict';
import { EarlyStopping } from '@tensorkit/train';

const valAccuracy = [0.9, 0.95, 0.951, 0.949, 0.95, 0.97];
const early = new EarlyStopping(2, 0.005); // stop after 2 epochs without a gain of more than 0.005

const improvedAt: number[] = [];
let lastEpoch = 0;
for (let epoch = 1; epoch <= valAccuracy.length; epoch++) {
  lastEpoch = epoch;
  // observe() returns true on a new best: the moment to save the model.
  if (early.observe(valAccuracy[epoch - 1], epoch)) improvedAt.push(epoch);
  if (early.shouldStop) break;
}
assert.deepEqual(improvedAt, [1, 2]); // 0.951 is within minDelta of 0.95: not an improvement
assert.equal(lastEpoch, 4); // epochs 3 and 4 brought nothing, so epoch 6's 0.97 is never reached
assert.deepEqual(early.state(), { best: 0.95, bestEpoch: 2, bad: 2 });

// The state is JSON-friendly; before any observation `best` is -Infinity, which JSON turns into null.
const fresh = new EarlyStopping(3);
const saved = JSON.parse(JSON.stringify(fresh.state()));
assert.equal(saved.best, null);
const restored = new EarlyStopping(3);
restored.restore(saved);
assert.equal(restored.best, -Infinity);
assert.equal(restored.observe(0.5, 1), true);
console.log(`stopped after epoch ${lastEpoch}; best ${early.best} at epoch ${early.bestEpoch}`);
