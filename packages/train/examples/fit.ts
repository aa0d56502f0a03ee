// fit(): a training loop with validation, the best model saved, early stopping, a run folder, and a checkpoint to resume from.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Generator, noGrad, randn, Tensor } from '@tensorkit/core';
import { DataLoader } from '@tensorkit/data';
import { AdamW, crossEntropy, Dropout, Linear, OneCycleLR, ReLU, saveSafetensorsSync, Sequential } from '@tensorkit/nn';
import { fit, type FitOptions } from '@tensorkit/train';

// Three classes of 2-D points around three centres.
function points(n: number, g: Generator): { x: Tensor; y: number[] } {
  const centres = [[2, 0], [-1, 1.7], [-1, -1.7]];
  const noise = randn([n, 2], { generator: g, std: 0.6 }).toTypedArray();
  const y = Array.from({ length: n }, (_, i) => i % 3);
  const x = Float32Array.from({ length: 2 * n }, (_, k) => centres[y[k >> 1]][k & 1] + noise[k]);
  return { x: new Tensor(x, [n, 2], 'float32'), y };
}
const data = new Generator(0);
const train = points(480, data);
const val = points(120, data);

const root = new Generator(1);
const dropout = root.split(2); // fit() checkpoints this stream, so a resumed run draws the same masks
const model = new Sequential(
  new Linear({ inFeatures: 2, outFeatures: 32, generator: root.split(1) }),
  new ReLU(),
  new Dropout({ p: 0.1, generator: dropout }),
  new Linear({ inFeatures: 32, outFeatures: 3, generator: root.split(3) }),
);
type Batch = { x: Tensor; y: number[] };
const loader = new DataLoader<number, Batch>(
  { length: train.y.length, get: (i) => i },
  { batchSize: 32, shuffle: true, seed: 1, collate: (idx) => ({ x: train.x.indexSelect(0, idx), y: idx.map((i) => train.y[i]) }) },
);
const optimizer = new AdamW(model.parameters(), { lr: 0.02 });
const scheduler = new OneCycleLR(optimizer, { maxLr: 0.02, totalSteps: 8 * loader.length }); // stepped after every batch
const accuracy = (logits: Tensor, y: number[]) => {
  const pred = logits.argmax(1).toTypedArray();
  return y.filter((c, i) => pred[i] === c).length / y.length;
};

const dir = mkdtempSync(join(tmpdir(), 'tensorkit-fit-'));
try {
  const options: FitOptions<number, Batch> = {
    model, optimizer, scheduler, train: loader, generator: dropout, epochs: 8,
    // The forward pass and the loss of one batch; fit() does zeroGrad, backward, clipping and the update.
    step: ({ x, y }) => {
      const logits = model.forward(x);
      return { loss: crossEntropy(logits, y), metrics: { accuracy: accuracy(logits, y) } };
    },
    // Runs in eval mode after every epoch; its values are recorded as val_loss and val_accuracy.
    validate: () => noGrad(() => {
      const logits = model.forward(val.x);
      return { loss: crossEntropy(logits, val.y).item(), accuracy: accuracy(logits, val.y) };
    }),
    monitor: { metric: 'val_accuracy', mode: 'max' },
    earlyStopping: { patience: 3 },
    clipGradNorm: 1,
    onBest: () => saveSafetensorsSync(join(dir, 'best.safetensors'), model.stateDict()),
    runDir: join(dir, 'run'),
    checkpoint: { path: join(dir, 'run', 'checkpoint.safetensors'), everyBatches: 5 },
    resume: true, // continue from the checkpoint when there is one
    progress: false,
  };

  // A run stopped in the middle of epoch 3 (Ctrl-C, say) writes its checkpoint and returns...
  const stop = new AbortController();
  const first = await fit({
    ...options, signal: stop.signal,
    step: (batch, at) => {
      if (at.epoch === 3 && at.batch === 7) stop.abort();
      return options.step(batch, at);
    },
  });
  assert.deepEqual([first.interrupted, first.history.length], [true, 2]);

  // ...and the same call without the signal continues it exactly where it stopped.
  const result = await fit(options);
  assert.equal(result.interrupted, false);
  assert.ok(result.history.length === 8 || result.stoppedEarly);
  assert.ok(result.best!.val_accuracy >= 0.95, `val accuracy ${result.best!.val_accuracy}`);
  assert.ok(result.history.at(-1)!.loss < result.history[0].loss);
  assert.ok(existsSync(join(dir, 'best.safetensors')));
  // One metrics.jsonl line per epoch, each epoch once although the run was stopped halfway.
  const lines = readFileSync(join(dir, 'run', 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(lines.map((l) => l.epoch), result.history.map((h) => h.epoch));
  assert.ok(existsSync(join(dir, 'run', 'curve.png')));
  console.log(`best val accuracy ${(100 * result.best!.val_accuracy).toFixed(1)}% at epoch ${result.bestEpoch}; `
    + `${result.history.length} epochs, ${result.samplesPerSec.toFixed(0)} samples/s`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
