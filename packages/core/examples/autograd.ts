// Define-by-run autograd, noGrad, a custom op, and gradcheck in float64.
import assert from 'node:assert/strict';
import { gradcheck, noGrad, randn, record, tensor, Generator, type Tensor } from '@tensorkit/core';

// Every op on a tensor that requires grad records how to differentiate itself.
const w = tensor([[1, -2], [3, 0.5]], { requiresGrad: true });
const x = tensor([[1, 2]]);
const loss = x.matmul(w).relu().sum(); // relu([7, -1]) → 7
loss.backward();
// d loss / d w[i][j] = x[i] where column j is active (7 > 0), 0 where relu cut it.
assert.deepEqual(w.grad!.toArray(), [[1, 0], [2, 0]]);

// Gradients accumulate across backward() calls, as in PyTorch: clear them between steps.
x.matmul(w).relu().sum().backward();
assert.deepEqual(w.grad!.toArray(), [[2, 0], [4, 0]]);
w.grad = null;

// Under noGrad nothing is recorded: inference, or updating weights by hand.
const y = noGrad(() => x.matmul(w));
assert.equal(y.requiresGrad, false);
assert.equal(y.gradFn, null);
assert.throws(() => y.sum().backward(), /does not require grad/);

// A custom op: compute the forward on detached inputs, then record its gradient.
// The backward closure receives d(loss)/d(output) and returns one gradient per input.
function cube(a: Tensor): Tensor {
  const out = a.detach().pow(3);
  return record(out, 'cube', [a], (g) => [g.mul(a.square().mul(3))]);
}

// gradcheck compares backward() with central differences; inputs that require grad
// must be float64 (float32 differences are too noisy). It throws on a mismatch.
const g = new Generator(7);
const a = randn([3, 4], { dtype: 'float64', requiresGrad: true, generator: g });
const b = randn([4, 2], { dtype: 'float64', requiresGrad: true, generator: g });
const result = gradcheck((p, q) => cube(p).tanh().matmul(q).logSoftmax(-1), [a, b]);
assert.ok(result.ok);
console.log(result.message);

// A wrong gradient is caught (raise: false reports instead of throwing).
const wrong = (p: Tensor) => record(p.detach().pow(3), 'badCube', [p], (gr) => [gr.mul(p.square())]);
const bad = gradcheck((p) => wrong(p), [a], { raise: false });
assert.equal(bad.ok, false);
assert.match(bad.message, /gradcheck FAILED: worst element is input 0/);
