// Inference under noGrad, the active backend, and the fused conv + max-pool.
import assert from 'node:assert/strict';
import { conv2d, conv2dMaxPool, getBackend, Generator, listBackends, maxPool2d, noGrad, randn, withBackend } from '@tensorkit/core';

// The WebAssembly backend is chosen at import when its kernels load (name 'wasm-simd' or
// 'wasm-relaxed-simd'); TENSORKIT_BACKEND=js selects the pure-TypeScript reference 'js'.
const active = getBackend().name;
assert.ok(listBackends().includes('js'));
assert.ok(listBackends().includes(active));

const g = new Generator(0);
const x = randn([64, 128], { generator: g });
const w = randn([128, 32], { generator: g, requiresGrad: true });

// noGrad: no graph is recorded, so nothing is kept alive for a backward pass.
const fast = noGrad(() => x.matmul(w).relu());
assert.equal(fast.gradFn, null);

// The same float32 product on the reference backend agrees to rounding error
// (the wasm GEMM sums in a different order, and may use fused multiply-add).
const reference = withBackend('js', () => noGrad(() => x.matmul(w).relu()));
const a = fast.toTypedArray();
const b = reference.toTypedArray();
let maxDiff = 0;
for (let i = 0; i < a.length; i++) maxDiff = Math.max(maxDiff, Math.abs(a[i] - b[i]));
assert.ok(maxDiff < 1e-3, `max difference ${maxDiff}`);

// float64 always runs on the reference kernels, so it is identical whatever is active.
const d1 = noGrad(() => x.double().matmul(w.double()));
const d2 = withBackend('js', () => noGrad(() => x.double().matmul(w.double())));
assert.deepEqual(d1.toTypedArray(), d2.toTypedArray());

// conv2dMaxPool = maxPool2d(relu(conv2d(...))) as one op: the unpooled activation is
// never materialised. Same values and same gradients as the composition.
const img = randn([2, 3, 8, 8], { generator: g });
const k = randn([4, 3, 3, 3], { generator: g, requiresGrad: true });
const fused = conv2dMaxPool(img, k, null, { padding: 1, activation: 'relu' }, 2);
const composed = maxPool2d(conv2d(img, k, null, { padding: 1 }).relu(), 2);
assert.deepEqual(fused.shape, [2, 4, 4, 4]);
const fv = fused.toTypedArray();
const cv = composed.toTypedArray();
for (let i = 0; i < fv.length; i++) assert.ok(Math.abs(fv[i] - cv[i]) < 1e-4);

fused.sum().backward();
const fusedGrad = k.grad!.toTypedArray().slice();
k.grad = null;
composed.sum().backward();
const composedGrad = k.grad!.toTypedArray();
for (let i = 0; i < fusedGrad.length; i++) assert.ok(Math.abs(fusedGrad[i] - composedGrad[i]) < 1e-3);

console.log(`backend ${active}: float32 matmul vs the js reference, max |diff| = ${maxDiff.toExponential(2)}`);
