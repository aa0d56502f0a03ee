/**
 * `pnpm demo`: a short tour of tensorkit on a fresh install — the core
 * engine, then each app's shipped model on its shipped samples.
 */
import { getBackend, gradcheck, manualSeed, randn, tensor } from '@tensorkit/core';
import { runDemo as digitsDemo } from '@tensorkit/digit-recognizer';
import { runDemo as newsDemo } from '@tensorkit/news-classifier';
import { runDemo as speechDemo } from '@tensorkit/speech-to-text';

function section(title: string): void {
  console.log(`\n=== ${title} ===`);
}

async function main(): Promise<void> {
  section(`tensors and autograd (backend: ${getBackend().name})`);
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

  section('digit-recognizer: shipped model on samples/');
  await digitsDemo();

  section('news-classifier: shipped models on headlines that fit their labels (samples/headlines*.txt)');
  await newsDemo();

  section('speech-to-text: shipped models on samples/*.wav');
  await speechDemo();
}

main().catch((e: Error) => {
  process.stderr.write(`demo failed: ${e.message}\n`);
  process.exitCode = 1;
});
