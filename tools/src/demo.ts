/**
 * `pnpm demo`: a short tour of tensorkit on a fresh install. Each app adds
 * its own section (shipped model + shipped samples) once it exists.
 */
import { gradcheck, manualSeed, randn, tensor } from '@tensorkit/core';

function section(title: string): void {
  console.log(`\n=== ${title} ===`);
}

section('tensors and autograd');
manualSeed(0);
const x = tensor([[1, 2, 3], [4, 5, 6]]);
const w = randn([3, 2], { requiresGrad: true });
const y = x.matmul(w).relu().sum();
y.backward();
console.log('x =', x.toString());
console.log('y = sum(relu(x @ w)) =', y.item().toFixed(4));
console.log('dy/dw =', w.grad!.toString());
const check = gradcheck((a) => a.tanh().matmul(a.T).logsumexp(1), [randn([3, 4], { dtype: 'float64', requiresGrad: true })]);
console.log(check.message);
