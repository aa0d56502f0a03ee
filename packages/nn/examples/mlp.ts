// A small MLP learns the XOR of two signs: Sequential, crossEntropy, AdamW, clipping.
import assert from 'node:assert/strict';
import { Generator, noGrad, rand, tensor } from '@tensorkit/core';
import { AdamW, clipGradNorm, crossEntropy, Linear, ReLU, Sequential } from '@tensorkit/nn';

const g = new Generator(0);
// 256 points in [-1, 1]²; the class is 1 when x and y have the same sign.
const x = rand([256, 2], { low: -1, high: 1, generator: g });
const xy = x.toArray() as number[][];
const labels = tensor(xy.map(([a, b]) => (a * b > 0 ? 1 : 0)), { dtype: 'int32' });

// Layers take typed option objects; the generator fixes their initial weights.
const model = new Sequential(
  new Linear({ inFeatures: 2, outFeatures: 32, generator: g }),
  new ReLU(),
  new Linear({ inFeatures: 32, outFeatures: 2, generator: g }),
);
// Parameter names follow PyTorch's: children of a Sequential are "0", "1", ...
assert.deepEqual(model.namedParameters().map(([name]) => name), ['0.weight', '0.bias', '2.weight', '2.bias']);
assert.equal(model.numParameters(), 2 * 32 + 32 + 32 * 2 + 2);

const opt = new AdamW(model.parameters(), { lr: 0.03, weightDecay: 1e-4 });
let loss = Infinity;
model.train();
for (let step = 0; step < 200; step++) {
  const l = crossEntropy(model.forward(x), labels);
  opt.zeroGrad();
  l.backward();
  clipGradNorm(model.parameters(), 5); // returns the norm before clipping
  opt.step();
  loss = l.item();
}

// Evaluate in eval mode (matters for Dropout/BatchNorm) without recording a graph.
model.eval();
const predicted = noGrad(() => model.forward(x).argmax(1));
const accuracy = predicted.eq(labels).sum().item() / labels.size;
assert.ok(loss < 0.05, `final loss ${loss}`);
assert.ok(accuracy > 0.95, `accuracy ${accuracy}`);
console.log(`loss ${loss.toFixed(4)}, train accuracy ${(accuracy * 100).toFixed(1)}%`);
console.log(model.toString());
