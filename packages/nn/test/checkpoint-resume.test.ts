import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Generator, type GeneratorState, randn, Tensor, tensor } from '@tensorkit/core';
import {
  decodeCheckpoint, decodeSafetensors, encodeCheckpoint, encodeSafetensors, loadCheckpoint, restoreCheckpoint, saveCheckpoint,
  saveSafetensors, type StateDictSource,
} from '../src/checkpoint/index.js';
import { mseLoss } from '../src/losses/index.js';
import { Adam, clipGradNorm, CosineWarmupLR } from '../src/optim/index.js';

const dir = mkdtempSync(join(tmpdir(), 'tk-ckpt-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A stand-in for an nn Module: y = x·W + b, with a config and state-dict methods. */
class TinyLinear implements StateDictSource {
  readonly weight: Tensor;
  readonly bias: Tensor;
  readonly config = { inFeatures: 3, outFeatures: 2 };

  constructor(g: Generator) {
    this.weight = randn([3, 2], { generator: g, requiresGrad: true });
    this.bias = randn([2], { generator: g, requiresGrad: true });
  }

  forward(x: Tensor): Tensor {
    return x.matmul(this.weight).add(this.bias);
  }

  stateDict(): Record<string, Tensor> {
    return { weight: this.weight, bias: this.bias };
  }

  loadStateDict(sd: Record<string, Tensor>, opts: { strict?: boolean } = {}): void {
    for (const [name, p] of Object.entries(this.stateDict())) {
      const src = sd[name];
      if (!src) {
        if (opts.strict ?? true) throw new Error(`missing ${name}`);
        continue;
      }
      (p.storage as Float32Array).set(src.toTypedArray());
    }
  }
}

const N = 32;
const BATCH = 4;
const STEPS_PER_EPOCH = N / BATCH;
const data = (() => {
  const g = new Generator(123);
  const x = randn([N, 3], { generator: g });
  const y = x.matmul(tensor([[1, -1], [0.5, 2], [-1.5, 0.25]])).add(0.1);
  return { x: x.toTypedArray() as Float32Array, y: y.toTypedArray() as Float32Array };
})();

interface Cursor {
  epoch: number;
  index: number;
  permutation: number[];
}

/** Model, optimizer, schedule, RNG (shuffling + input noise) and data cursor of one training run. */
class Run {
  model: TinyLinear;
  opt: Adam;
  sched: CosineWarmupLR;
  rng: Generator;
  cursor: Cursor;
  step = 0;
  losses: number[] = [];

  constructor(seed: number) {
    this.rng = new Generator(seed);
    this.model = new TinyLinear(this.rng);
    this.opt = new Adam([{ params: [this.model.weight] }, { params: [this.model.bias], lr: 0.05 }], { lr: 0.1 });
    this.sched = new CosineWarmupLR(this.opt, { warmupSteps: 3, totalSteps: 20, minLr: 0.001 });
    this.cursor = { epoch: 0, index: 0, permutation: Array.from(this.rng.permutation(N)) };
  }

  train(steps: number): void {
    for (let s = 0; s < steps; s++) {
      if (this.cursor.index === STEPS_PER_EPOCH) {
        this.cursor = { epoch: this.cursor.epoch + 1, index: 0, permutation: Array.from(this.rng.permutation(N)) };
      }
      const rows = this.cursor.permutation.slice(this.cursor.index * BATCH, (this.cursor.index + 1) * BATCH);
      const xb = new Float32Array(BATCH * 3);
      const yb = new Float32Array(BATCH * 2);
      rows.forEach((r, i) => {
        for (let j = 0; j < 3; j++) xb[i * 3 + j] = data.x[r * 3 + j] + 0.01 * this.rng.normal();
        yb.set(data.y.subarray(r * 2, r * 2 + 2), i * 2);
      });
      const loss = mseLoss(this.model.forward(new Tensor(xb, [BATCH, 3], 'float32')), new Tensor(yb, [BATCH, 2], 'float32'));
      loss.backward();
      clipGradNorm(this.opt.params(), 5);
      this.opt.step();
      this.sched.step();
      this.opt.zeroGrad();
      this.losses.push(loss.item());
      this.cursor.index++;
      this.step++;
    }
  }
}

function bytes(t: Tensor): Uint8Array {
  const a = t.toTypedArray();
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

describe('training checkpoint', () => {
  it('resume after N steps equals uninterrupted 2N-step training bit for bit', async () => {
    const steps = 10; // crosses an epoch boundary (8 steps per epoch)
    const straight = new Run(1);
    straight.train(2 * steps);

    const first = new Run(1);
    first.train(steps);
    const path = join(dir, 'resume.safetensors');
    await saveCheckpoint(path, {
      model: first.model, optimizer: first.opt, scheduler: first.sched, rng: first.rng,
      epoch: first.cursor.epoch, step: first.step, cursor: first.cursor, extra: { losses: first.losses },
    });

    // Fresh objects with a different seed: everything must come from the checkpoint.
    const resumed = new Run(999);
    const ckpt = await loadCheckpoint(path);
    const pos = restoreCheckpoint(ckpt, { model: resumed.model, optimizer: resumed.opt, scheduler: resumed.sched, rng: resumed.rng });
    resumed.cursor = pos.cursor as Cursor;
    resumed.step = pos.step;
    resumed.train(steps);

    expect(bytes(resumed.model.weight)).toEqual(bytes(straight.model.weight));
    expect(bytes(resumed.model.bias)).toEqual(bytes(straight.model.bias));
    expect(resumed.opt.stateDict()).toEqual(straight.opt.stateDict());
    expect(resumed.sched.getLr()).toEqual(straight.sched.getLr());
    expect(resumed.rng.getState()).toEqual(straight.rng.getState());
    expect([...(pos.extra as { losses: number[] }).losses, ...resumed.losses]).toEqual(straight.losses);
    expect(straight.losses[19]).toBeLessThan(straight.losses[0] / 4);

    // Control: without restoring the RNG (data order / noise), the runs diverge.
    const partial = new Run(999);
    restoreCheckpoint(ckpt, { model: partial.model, optimizer: partial.opt, scheduler: partial.sched });
    partial.cursor = pos.cursor as Cursor;
    partial.train(steps);
    expect(bytes(partial.model.weight)).not.toEqual(bytes(straight.model.weight));
  });

  it('lays out weights, moments and JSON metadata as documented', () => {
    const run = new Run(3);
    run.train(2);
    const { tensors, metadata } = encodeCheckpoint({
      model: run.model, optimizer: run.opt, scheduler: run.sched, rng: run.rng.getState(), epoch: 0, step: 2,
      cursor: { index: 2 }, extra: { best: Infinity, worst: -Infinity, nan: NaN },
    });
    expect(Object.keys(tensors).sort()).toEqual(['model.bias', 'model.weight', 'optim.0.m', 'optim.0.v', 'optim.1.m', 'optim.1.v']);
    expect(Object.keys(metadata).sort()).toEqual(['cursor', 'epoch', 'extra', 'format', 'format_version', 'model_config', 'optimizer', 'rng', 'scheduler', 'step']);
    expect(metadata.format).toBe('tensorkit.checkpoint');
    expect(JSON.parse(metadata.model_config)).toEqual({ inFeatures: 3, outFeatures: 2 });
    expect(JSON.parse(metadata.scheduler)).toMatchObject({ type: 'CosineWarmupLR', lastStep: 2 });
    const back = decodeCheckpoint(decodeSafetensors(encodeSafetensors(tensors, { metadata })));
    expect(back.extra).toEqual({ best: Infinity, worst: -Infinity, nan: NaN });
    expect(back.optimizer!.state[0].buffers.m).toEqual(run.opt.stateDict().state[0].buffers.m);
    expect(back.optimizer!.groups[1].hyperparams.lr).toBe(run.opt.paramGroups[1].lr);
  });

  it('refuses a hand-made RNG state at the save, not at the resume', () => {
    const run = new Run(3);
    const save = (rng: unknown) => encodeCheckpoint({ model: run.model, epoch: 0, step: 0, rng: rng as GeneratorState });
    expect(() => save({ s: [0, 0, 0, 0], spareNormal: null })).toThrow('encodeCheckpoint: rng: Generator.setState: the state words must not all be 0');
    expect(() => save({ s: [1, 2, 3], spareNormal: null })).toThrow('encodeCheckpoint: rng: Generator.setState: expected {s: [four 32-bit integers], spareNormal}, got s = [1,2,3]');
    expect(() => save({ s: [1, 2, 3, 4], spareNormal: NaN })).toThrow('encodeCheckpoint: rng: Generator.setState: spareNormal must be a finite number or null');
    const state = new Generator(5).getState();
    const { tensors, metadata } = save(state);
    expect(decodeCheckpoint(decodeSafetensors(encodeSafetensors(tensors, { metadata }))).rng).toEqual(state);
  });

  it('restores extra objects whose only key is the codec’s own tag as they were', () => {
    const run = new Run(3);
    const extra = { a: { $float: 'x' }, b: { $object: [1, 2] }, c: [{ $float: NaN }, { $float: 1, other: 2 }], d: { $object: { $float: -Infinity } } };
    const { tensors, metadata } = encodeCheckpoint({ model: run.model, optimizer: run.opt, epoch: 0, step: 0, extra });
    expect(decodeCheckpoint(decodeSafetensors(encodeSafetensors(tensors, { metadata }))).extra).toEqual(extra);
  });

  it('rejects files that are not checkpoints, newer versions, config mismatches and missing parts', async () => {
    const plain = join(dir, 'plain.safetensors');
    await saveSafetensors(plain, { w: tensor([1]) });
    await expect(loadCheckpoint(plain)).rejects.toThrow(`checkpoint ${plain}: not a tensorkit training checkpoint`);

    const run = new Run(4);
    const parts = encodeCheckpoint({ model: run.model, epoch: 0, step: 0 });
    const future = decodeSafetensors(encodeSafetensors(parts.tensors, { metadata: { ...parts.metadata, format_version: '2' } }));
    expect(() => decodeCheckpoint(future, 'f.st')).toThrow('checkpoint f.st: format version 2 is not supported');

    const ckpt = decodeCheckpoint(decodeSafetensors(encodeSafetensors(parts.tensors, { metadata: parts.metadata })));
    const other = new Run(5);
    (other.model as { config: unknown }).config = { inFeatures: 3, outFeatures: 4 };
    expect(() => restoreCheckpoint(ckpt, { model: other.model })).toThrow("checkpoint's model config");
    expect(() => restoreCheckpoint(ckpt, { model: other.model, checkConfig: false })).not.toThrow();
    expect(() => restoreCheckpoint(ckpt, { optimizer: other.opt })).toThrow('has no optimizer state');
    expect(() => restoreCheckpoint(ckpt, { rng: other.rng })).toThrow('has no RNG state');

    const orphan = decodeSafetensors(encodeSafetensors({ ...parts.tensors, 'optim.0.m': tensor([0, 0]) }, { metadata: parts.metadata }));
    expect(() => decodeCheckpoint(orphan)).toThrow('optimizer buffers for parameter(s) 0 have no optimizer state');

    // A malformed optimizer entry used to crash with "Cannot convert undefined or null to object".
    const withOpt = encodeCheckpoint({ model: run.model, optimizer: run.opt, epoch: 0, step: 0 });
    for (const optimizer of ['{"type":"Adam"}', '[1]', '{"type":"Adam","step":0,"groups":[],"state":{"0":{"step":1}}}']) {
      const bad = decodeSafetensors(encodeSafetensors(withOpt.tensors, { metadata: { ...withOpt.metadata, optimizer } }));
      expect(() => decodeCheckpoint(bad, 'b.st')).toThrow("checkpoint b.st: metadata 'optimizer' must be {type, step, groups");
    }
  });

  it('rejects epoch, step and optimizer step counts that are not non-negative integers, and malformed optimizer groups', () => {
    const run = new Run(4);
    run.train(3);
    const parts = encodeCheckpoint({ model: run.model, optimizer: run.opt, epoch: 2, step: 3 });
    const opt = JSON.parse(parts.metadata.optimizer) as { groups: unknown[]; state: Record<string, { step: unknown; buffers: string[] }> };
    const withMeta = (changes: Record<string, string | undefined>) => {
      const metadata: Record<string, string> = { ...parts.metadata };
      for (const [k, v] of Object.entries(changes)) if (v === undefined) delete metadata[k]; else metadata[k] = v;
      return decodeSafetensors(encodeSafetensors(parts.tensors, { metadata }));
    };
    const state0 = (step: unknown) => JSON.stringify({ ...opt, state: { ...opt.state, 0: { ...opt.state[0], step } } });
    // Each used to load: epoch/step came back as a string, null or -1, and a bad per-parameter step turned weights into NaN on the next Adam step.
    expect(() => decodeCheckpoint(withMeta({ epoch: '"x"' }), 'c.st')).toThrow(`checkpoint c.st: metadata 'epoch' must be a non-negative integer, got "x"`);
    expect(() => decodeCheckpoint(withMeta({ epoch: undefined }), 'c.st')).toThrow(`checkpoint c.st: metadata 'epoch' must be a non-negative integer, got nothing`);
    expect(() => decodeCheckpoint(withMeta({ step: '-1' }), 'c.st')).toThrow(`checkpoint c.st: metadata 'step' must be a non-negative integer, got -1`);
    expect(() => decodeCheckpoint(withMeta({ step: '1.5' }), 'c.st')).toThrow(`checkpoint c.st: metadata 'step' must be a non-negative integer, got 1.5`);
    expect(() => decodeCheckpoint(withMeta({ optimizer: JSON.stringify({ ...opt, step: null }) }), 'c.st')).toThrow(`checkpoint c.st: metadata 'optimizer' step must be a non-negative integer, got null`);
    expect(() => decodeCheckpoint(withMeta({ optimizer: state0(-1e308) }), 'c.st')).toThrow(`checkpoint c.st: metadata 'optimizer' state 0 step must be a non-negative integer, got -1e+308`);
    expect(() => decodeCheckpoint(withMeta({ optimizer: state0(undefined) }), 'c.st')).toThrow(`checkpoint c.st: metadata 'optimizer' state 0 step must be a non-negative integer, got nothing`);
    expect(() => decodeCheckpoint(withMeta({ optimizer: JSON.stringify({ ...opt, state: { x: opt.state[0], ...opt.state } }) }), 'c.st')).toThrow(`checkpoint c.st: metadata 'optimizer' state key 'x' must be a parameter index`);
    // These used to pass decodeCheckpoint and crash restoreCheckpoint with "Cannot read properties of null (reading 'params')".
    for (const groups of [[null], [1], [{}], [{ params: null }]]) {
      expect(() => decodeCheckpoint(withMeta({ optimizer: JSON.stringify({ ...opt, groups }) }), 'c.st')).toThrow("checkpoint c.st: metadata 'optimizer' must be {type, step, groups");
    }
    const ok = decodeCheckpoint(withMeta({}), 'c.st');
    expect([ok.epoch, ok.step, ok.optimizer!.step, ok.optimizer!.state[0].step]).toEqual([2, 3, 3, 3]);
  });

  it('refuses at save time the epoch and step counts that loading refuses', () => {
    // Before: encodeCheckpoint/saveCheckpoint wrote them, and the checkpoint only failed when a run tried to resume from it.
    const model = new Run(4).model;
    expect(() => encodeCheckpoint({ model, epoch: -1, step: 0 })).toThrow('encodeCheckpoint: epoch must be a non-negative integer, got -1');
    expect(() => encodeCheckpoint({ model, epoch: 0, step: 2.5 })).toThrow('encodeCheckpoint: step must be a non-negative integer, got 2.5');
    expect(() => encodeCheckpoint({ model, epoch: NaN, step: 0 })).toThrow(/^encodeCheckpoint: epoch must be a non-negative integer/);
  });
});
