// EmbeddingBag with row-sparse gradients: a step touches only the rows a batch used.
import assert from 'node:assert/strict';
import { Generator, tensor } from '@tensorkit/core';
import { Adam, crossEntropy, EmbeddingBag, Linear } from '@tensorkit/nn';

const g = new Generator(0);
// A bag of token ids per document, averaged ('mean') into one vector: a fastText-style classifier.
const bag = new EmbeddingBag({ numEmbeddings: 10_000, embeddingDim: 16, generator: g });
const head = new Linear({ inFeatures: 16, outFeatures: 2, generator: g });

// Two documents, PyTorch-style: flat ids plus the offset where each bag starts.
const ids = [5, 17, 5, 42, 9000];
const offsets = [0, 3]; // doc 0 = [5, 17, 5], doc 1 = [42, 9000]
const logits = head.forward(bag.forward(ids, offsets));
assert.deepEqual(logits.shape, [2, 2]);

const before = bag.weight.toTypedArray().slice();
const opt = new Adam([...bag.parameters(), ...head.parameters()], { lr: 0.01 });
crossEntropy(logits, tensor([1, 0], { dtype: 'int32' })).backward();

// sparse is the default for EmbeddingBag (unlike PyTorch): no dense [10000, 16] gradient,
// just the rows that were used (a second backward before the step would append its rows).
assert.equal(bag.weight.grad, null);
assert.deepEqual([...new Set(bag.weight.sparseGrad!.rows)].sort((a, b) => a - b), [5, 17, 42, 9000]);

// Adam updates those rows lazily; every other row (and its moments) is left alone.
opt.step();
const after = bag.weight.toTypedArray();
const changedRows = new Set<number>();
for (let i = 0; i < after.length; i++) if (after[i] !== before[i]) changedRows.add(Math.floor(i / 16));
assert.deepEqual([...changedRows].sort((a, b) => a - b), [5, 17, 42, 9000]);
console.log('rows updated:', [...changedRows]);
