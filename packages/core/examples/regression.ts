// Gradient descent with core alone: fit y = 3x - 1 by hand-written updates.
import assert from 'node:assert/strict';
import { assignInto, Generator, linspace, noGrad, randn, zeros } from '@tensorkit/core';

const g = new Generator(0);
const x = linspace(-1, 1, 32).reshape(32, 1);
const y = x.mul(3).sub(1).add(randn([32, 1], { std: 0.01, generator: g }));

const w = zeros([1, 1], { requiresGrad: true });
const b = zeros([1], { requiresGrad: true });
const lr = 0.5;
let loss = Infinity;
for (let step = 0; step < 100; step++) {
  const l = x.matmul(w).add(b).sub(y).square().mean();
  l.backward();
  // The update is not something to differentiate: run it under noGrad, and write it into
  // the leaves' storage so they stay the same tensors (anything holding them sees it).
  noGrad(() => {
    assignInto(w, w.sub(w.grad!.mul(lr)));
    assignInto(b, b.sub(b.grad!.mul(lr)));
  });
  w.grad = null; // gradients accumulate otherwise
  b.grad = null;
  loss = l.item();
}

assert.ok(Math.abs(w.item() - 3) < 0.01, `w = ${w.item()}`);
assert.ok(Math.abs(b.item() + 1) < 0.01, `b = ${b.item()}`);
assert.ok(loss < 1e-3);
console.log(`w = ${w.item().toFixed(4)}, b = ${b.item().toFixed(4)}, loss = ${loss.toExponential(2)}`);
