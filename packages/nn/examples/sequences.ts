// Recurrent layers on a right-padded batch: lengths make padding invisible.
import assert from 'node:assert/strict';
import { Generator, noGrad, randn } from '@tensorkit/core';
import { GRU, LSTM } from '@tensorkit/nn';

const g = new Generator(0);
// Two sequences of 3 features, 4 and 2 steps long, padded to 4 steps; batchFirst: [B, T, F].
const gru = new GRU({ inputSize: 3, hiddenSize: 5, batchFirst: true, generator: g });
const batch = randn([2, 4, 3], { generator: g });
const { output, hidden } = gru.forward(batch, { lengths: [4, 2] });
assert.deepEqual(output.shape, [2, 4, 5]); // [B, T, H]
assert.deepEqual(hidden.shape, [1, 2, 5]); // [layers·directions, B, H]

// Padded steps output zeros, and the final state is the one after each sequence's last
// valid step: the short sequence gives what it gives when run alone.
assert.equal(output.select(0, 1).slice(0, 2).abs().max().item(), 0);
const alone = gru.forward(batch.slice(0, 1, 2).slice(1, 0, 2)).hidden; // sample 1, steps 0–1
const diff = noGrad(() => alone.select(1, 0).sub(hidden.select(1, 1)).abs().max().item());
assert.ok(diff < 1e-6, `difference ${diff}`);

// Gradients flow through the fused recurrence (one autograd node per layer-direction).
output.sum().backward();
assert.deepEqual(gru.stateDict()['weight_hh_l0'].shape, [15, 5]); // PyTorch's names and [r; z; n] layout
assert.ok(gru.parameters().every((p) => p.grad !== null));

// LSTM: two layers, bidirectional; returns the cell state too.
const lstm = new LSTM({ inputSize: 3, hiddenSize: 4, numLayers: 2, bidirectional: true, generator: g });
const seq = randn([6, 2, 3], { generator: g }); // time-major by default: [T, B, F]
const out = lstm.forward(seq, { lengths: [6, 3] });
assert.deepEqual(out.output.shape, [6, 2, 8]); // both directions concatenated
assert.deepEqual(out.hidden.shape, [4, 2, 4]);
assert.deepEqual(out.cell.shape, [4, 2, 4]);
console.log(gru.toString(), lstm.toString());
