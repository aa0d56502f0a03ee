// Early stopping on a validation score (higher is better) or a loss (mode 'min'), and carrying its state through a checkpoint.
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
assert.deepEqual(early.state(), { best: 0.95, bestEpoch: 2, bad: 2, mode: 'max' });

// The state is JSON-friendly; before any observation `best` is -Infinity, which JSON turns into null.
const fresh = new EarlyStopping(3);
const saved = JSON.parse(JSON.stringify(fresh.state()));
assert.equal(saved.best, null);
const restored = new EarlyStopping(3);
restored.restore(saved);
assert.equal(restored.best, -Infinity);
assert.equal(restored.observe(0.5, 1), true);

// mode 'min' watches a loss directly: lower is better, and best starts at +Infinity.
const byLoss = new EarlyStopping(2, 0, { mode: 'min' });
assert.deepEqual([0.7, 0.5, 0.6].map((loss, i) => byLoss.observe(loss, i + 1)), [true, true, false]);
// The mode is part of the state: a 'min' state cannot be restored into a 'max' tracker.
assert.throws(() => restored.restore(byLoss.state()), /saved with mode 'min', but this EarlyStopping uses mode 'max'/);
console.log(`stopped after epoch ${lastEpoch}; best ${early.best} at epoch ${early.bestEpoch}`);
