// safetensors model files, and a training checkpoint that resumes bit for bit.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Generator, randn, type Tensor } from '@tensorkit/core';
import {
  Adam, buildModule, CosineWarmupLR, Dropout, Linear, loadCheckpoint, loadSafetensorsSync, mseLoss, ReLU,
  restoreCheckpoint, saveCheckpoint, saveSafetensorsSync, Sequential,
} from '@tensorkit/nn';

const dir = mkdtempSync(join(tmpdir(), 'tensorkit-example-'));
/** The raw bytes of a tensor's elements, for bit-exact comparisons. */
function bytes(t: Tensor): Uint8Array {
  const a = t.toTypedArray();
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

// A toy regression set: y = sum of the inputs.
const X = randn([32, 4], { generator: new Generator(123) });
const Y = X.sum(1, true);

/** Everything a run owns: one seed drives the weights, the dropout masks and the data order. */
function makeRun(seed: number) {
  const rng = new Generator(seed);
  const model = new Sequential(
    new Linear({ inFeatures: 4, outFeatures: 16, generator: rng }),
    new ReLU(),
    new Dropout({ p: 0.1, generator: rng }),
    new Linear({ inFeatures: 16, outFeatures: 1, generator: rng }),
  );
  const optimizer = new Adam(model.parameters(), { lr: 0.02 });
  const scheduler = new CosineWarmupLR(optimizer, { warmupSteps: 4, totalSteps: 24 });
  const cursor = { epoch: 0, index: 0, order: Array.from(rng.permutation(32)) };
  return { rng, model, optimizer, scheduler, cursor, step: 0, losses: [] as number[] };
}
type Run = ReturnType<typeof makeRun>;

function train(run: Run, steps: number): void {
  for (let s = 0; s < steps; s++) {
    if (run.cursor.index === 4) run.cursor = { epoch: run.cursor.epoch + 1, index: 0, order: Array.from(run.rng.permutation(32)) };
    const rows = run.cursor.order.slice(run.cursor.index * 8, run.cursor.index * 8 + 8);
    const loss = mseLoss(run.model.forward(X.indexSelect(0, rows)), Y.indexSelect(0, rows));
    run.optimizer.zeroGrad();
    loss.backward();
    run.optimizer.step();
    run.scheduler.step();
    run.cursor.index++;
    run.step++;
    run.losses.push(loss.item());
  }
}

try {
  // 1. Model files: weights in safetensors, the config in __metadata__ (strings only).
  const trained = makeRun(1);
  train(trained, 8);
  const file = join(dir, 'model.safetensors');
  saveSafetensorsSync(file, trained.model.stateDict(), { metadata: { config: JSON.stringify(trained.model.config) } });
  const { tensors, metadata } = loadSafetensorsSync(file);
  const loaded = buildModule<Sequential>(JSON.parse(metadata.config));
  loaded.loadStateDict(tensors);
  for (const [name, t] of Object.entries(trained.model.stateDict())) assert.deepEqual(bytes(loaded.stateDict()[name]), bytes(t), name);

  // storeAs 'F16' halves the data (values round to half precision; they load as float32).
  const half = join(dir, 'model-f16.safetensors');
  saveSafetensorsSync(half, trained.model.stateDict(), { storeAs: 'F16' });
  assert.ok(statSync(half).size < statSync(file).size * 0.6);
  assert.equal(loadSafetensorsSync(half).tensors['0.weight'].dtype, 'float32');

  // 2. Resumable checkpoints: 24 steps in one go...
  const straight = makeRun(7);
  train(straight, 24);

  // ...or 10 steps, a checkpoint, and 14 more steps in fresh objects built with another seed.
  const first = makeRun(7);
  train(first, 10);
  const ckptPath = join(dir, 'step-10.safetensors');
  await saveCheckpoint(ckptPath, {
    model: first.model, optimizer: first.optimizer, scheduler: first.scheduler, rng: first.rng,
    epoch: first.cursor.epoch, step: first.step, cursor: first.cursor, extra: { losses: first.losses },
  });

  const resumed = makeRun(999);
  const position = restoreCheckpoint(await loadCheckpoint(ckptPath), {
    model: resumed.model, optimizer: resumed.optimizer, scheduler: resumed.scheduler, rng: resumed.rng,
  });
  resumed.cursor = position.cursor as Run['cursor'];
  resumed.step = position.step;
  train(resumed, 14);

  // Same weights to the bit, same losses, same learning rate and RNG state.
  for (const [name, t] of Object.entries(straight.model.stateDict())) assert.deepEqual(bytes(resumed.model.stateDict()[name]), bytes(t), name);
  assert.deepEqual([...(position.extra as { losses: number[] }).losses, ...resumed.losses], straight.losses);
  assert.deepEqual(resumed.scheduler.getLr(), straight.scheduler.getLr());
  assert.deepEqual(resumed.rng.getState(), straight.rng.getState());
  assert.ok(straight.losses[23] < straight.losses[0] / 4);
  console.log(`loss ${straight.losses[0].toFixed(3)} → ${straight.losses[23].toFixed(3)}; resumed run identical`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
