/** RMSprop and Adagrad: hand-computed trajectories per option, convergence, sparse gradients, checkpoint resume. */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Tensor, tensor } from '@tensorkit/core';
import { loadCheckpoint, restoreCheckpoint, saveCheckpoint } from '../src/checkpoint/index.js';
import {
  Adagrad, CosineAnnealingLR, LinearLR, RMSprop, type ClosedFormScheduler, type Optimizer,
} from '../src/optim/index.js';
import { expectTrajectory, trajectory } from './optim-trajectory.js';

const dir = mkdtempSync(join(tmpdir(), 'tk-optim-adaptive-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Expected sequences below come from the update rules in the optimizers' doc comments, evaluated
// step by step in float64 outside this code base; the first step of each is also worked by hand.
describe('RMSprop', () => {
  it('plain: the first step moves each element by lr/sqrt(1-α) (sq = (1-α)·g²)', () => {
    // step 1: sq = 0.01·g², avg = 0.1·|g| + 1e-8, p -= 0.1·g/avg = 1·sign(g) (up to eps)
    expectTrajectory(trajectory((p) => new RMSprop([p], { lr: 0.1 })), [
      [1.9999996048181146e-7, -2.9999999000000095], [0.5163978906054089, -3.1970657362153942], [0.3459303035711785, -3.295613006911116],
    ]);
  });

  it('momentum: buf = μ·buf + g/avg, p -= lr·buf', () => {
    expectTrajectory(trajectory((p) => new RMSprop([p], { lr: 0.1, momentum: 0.9 })), [
      [1.9999996059283376e-7, -2.9999999000000095], [-0.3836019293946266, -4.097065646215403], [-0.8993114328839855, -5.182972088504979],
    ]);
  });

  it('centered: avg = sqrt(sq - ga²) + eps', () => {
    // step 1: sq = 0.01·g², ga = 0.01·g, sq - ga² = 0.0099·g², so p -= 0.1/sqrt(0.0099)·sign(g) = 1.0050378…·sign(g)
    expectTrajectory(trajectory((p) => new RMSprop([p], { lr: 0.1, centered: true })), [
      [-0.005037613239050165, -3.005037714249121], [0.5116512273935551, -3.2034723651490804], [0.3409705357925128, -3.302810749325362],
    ]);
  });

  it('weight decay enters the gradient (L2), α = 0.9', () => {
    // step 1: g = [0.5 + 0.1, 1 - 0.2] = [0.6, 0.8]: p -= 0.1/sqrt(0.1)·sign(g) = 0.316227…
    expectTrajectory(trajectory((p) => new RMSprop([p], { lr: 0.1, alpha: 0.9, weightDecay: 0.1 })), [
      [0.6837722506498278, -2.3162277535168387], [0.802961478230932, -2.3030630204319764], [0.7095313606272157, -2.246793954044192],
    ]);
  });

  it('centered + momentum + weight decay together', () => {
    expectTrajectory(trajectory((p) => new RMSprop([p], { lr: 0.1, alpha: 0.9, centered: true, momentum: 0.5, weightDecay: 0.1 })), [
      [0.6666666851851841, -2.333333319444445], [0.6214619189985818, -2.485520359225215], [0.5119018406106272, -2.4964337441712035],
    ]);
  });

  it('float32 parameters follow the float64 trajectory to float32 precision; buffers per option', () => {
    const make = (p: Tensor) => new RMSprop([p], { lr: 0.01, centered: true, momentum: 0.9 });
    const f32 = trajectory(make, 3, 'float32');
    trajectory(make, 3).forEach((row, s) => row.forEach((v, i) => expect(f32[s][i]).toBeCloseTo(v, 5)));
    const p = tensor([1, 2], { requiresGrad: true });
    const opt = new RMSprop([p]);
    p.grad = tensor([1, 1]);
    opt.step();
    expect(Object.keys(opt.stateDict().state[0].buffers)).toEqual(['squareAvg']);
    const q = tensor([1, 2], { requiresGrad: true });
    const opt2 = new RMSprop([q], { centered: true, momentum: 0.5 });
    q.grad = tensor([1, 1]);
    opt2.step();
    expect(Object.keys(opt2.stateDict().state[0].buffers).sort()).toEqual(['gradAvg', 'momentum', 'squareAvg']);
  });

  it('refuses row-sparse gradients before changing anything, and bad hyperparameters', () => {
    const p = tensor([[1, 2], [3, 4]], { requiresGrad: true });
    const opt = new RMSprop([p]);
    p.sparseGrad = { rows: Int32Array.from([1]), values: Float32Array.from([1, 1]), rowSize: 2 };
    expect(() => opt.step()).toThrow('RMSprop: parameter 0 (shape [2, 2]) has a row-sparse gradient, which RMSprop does not support');
    expect(Array.from(p.storage)).toEqual([1, 2, 3, 4]);
    expect(opt.stateDict().state).toEqual({});
    expect(opt.stepCount).toBe(0);
    expect(() => new RMSprop([p], { alpha: 1.5 })).toThrow('RMSprop: group 0: alpha must be in [0, 1], got 1.5');
    expect(() => new RMSprop([p], { momentum: -1 })).toThrow('momentum must be a finite number ≥ 0');
    expect(() => new RMSprop([p], { eps: -1 })).toThrow('eps must be a finite number ≥ 0');
  });
});

describe('RMSprop with tied weights', () => {
  it('a sparse gradient beside a dense one is folded into it (dense, like SGD and Adam), not refused', () => {
    // Before, any sparseGrad was refused even when p.grad existed, which Optimizer.step densifies.
    const tied = tensor([[1, 2], [3, 4]], { dtype: 'float64', requiresGrad: true });
    const dense = tensor([[1, 2], [3, 4]], { dtype: 'float64', requiresGrad: true });
    const tOpt = new RMSprop([tied], { lr: 0.1, momentum: 0.5 });
    const dOpt = new RMSprop([dense], { lr: 0.1, momentum: 0.5 });
    for (let s = 0; s < 2; s++) {
      tied.grad = tensor([[0.1, -0.2], [0.3, 0.4]], { dtype: 'float64' });
      tied.sparseGrad = { rows: Int32Array.from([1]), values: Float64Array.from([1, -1]), rowSize: 2 };
      dense.grad = tensor([[0.1, -0.2], [1.3, -0.6]], { dtype: 'float64' });
      tOpt.step();
      dOpt.step();
    }
    expect(Array.from(tied.storage)).toEqual(Array.from(dense.storage));
    expect(tOpt.stepCount).toBe(2);
  });
});

describe('Adagrad', () => {
  it('plain: the first step moves each element by lr (sum = g²)', () => {
    // step 1: p -= 0.1·g/(|g| + 1e-10) → [0.9, -2.1]
    expectTrajectory(trajectory((p) => new Adagrad([p], { lr: 0.1 })), [
      [0.90000000002, -2.09999999999], [0.9514495755539292, -2.1196116135018954], [0.9345464904622159, -2.1293706142304285],
    ]);
  });

  it('lrDecay: clr = lr / (1 + (t-1)·lrDecay)', () => {
    // step 2: clr = 0.1/1.5; p0 = 0.9 + (0.3/1.5)·0.1/sqrt(0.34)
    expectTrajectory(trajectory((p) => new Adagrad([p], { lr: 0.1, lrDecay: 0.5 })), [
      [0.90000000002, -2.09999999999], [0.9342997170426195, -2.1130744089979303], [0.9258481744967629, -2.1179539093621966],
    ]);
    expect(0.9 + (0.3 / 1.5) * 0.1 / Math.sqrt(0.34)).toBeCloseTo(0.9342997170426195, 10);
  });

  it('weight decay and initialAccumulatorValue', () => {
    // step 1: g = [0.6, 0.8], sum = [0.5 + 0.36, 0.5 + 0.64], p -= 0.1·g/(sqrt(sum) + eps)
    expectTrajectory(trajectory((p) => new Adagrad([p], { lr: 0.1, weightDecay: 0.1, initialAccumulatorValue: 0.5 })), [
      [1 - (0.1 * 0.6) / (Math.sqrt(0.86) + 1e-10), -2 - (0.1 * 0.8) / (Math.sqrt(1.14) + 1e-10)],
      [0.9570324534594467, -2.074225127812317], [0.936857178582586, -2.0642148695398994],
    ]);
  });

  it('row-sparse gradients update only the touched rows, equal to dense Adagrad with zero rows; weight decay is refused', () => {
    const init = [[1, 2], [3, 4], [5, 6]];
    const dense = tensor(init, { dtype: 'float64', requiresGrad: true });
    const sparse = tensor(init, { dtype: 'float64', requiresGrad: true });
    const opts = { lr: 0.1, lrDecay: 0.1, initialAccumulatorValue: 0.1 };
    const dOpt = new Adagrad([dense], opts);
    const sOpt = new Adagrad([sparse], opts);
    for (let s = 0; s < 3; s++) {
      // Row 2 appears twice in the sparse gradient: the contributions are summed.
      sparse.sparseGrad = { rows: Int32Array.from([2, 0, 2]), values: Float64Array.from([s, 1, 0.5, -s, 1, 1]), rowSize: 2 };
      dense.grad = tensor([[0.5, -s], [0, 0], [s + 1, 2]], { dtype: 'float64' });
      dOpt.step();
      sOpt.step();
    }
    expect(Array.from(sparse.storage)).toEqual(Array.from(dense.storage));
    expect(Array.from(sparse.storage.subarray(2, 4))).toEqual([3, 4]);
    expect(sOpt.stateDict()).toEqual(dOpt.stateDict());
    const p = tensor([[1, 2]], { requiresGrad: true });
    const opt = new Adagrad([p], { weightDecay: 0.1 });
    p.sparseGrad = { rows: Int32Array.from([0]), values: Float32Array.from([1, 1]), rowSize: 2 };
    expect(() => opt.step()).toThrow('Adagrad: weightDecay (0.1) is not compatible with row-sparse gradients');
    expect(opt.stateDict().state).toEqual({});
    expect(() => new Adagrad([p], { lrDecay: -1 })).toThrow('Adagrad: group 0: lrDecay must be a finite number ≥ 0, got -1');
    expect(() => new Adagrad([p], { initialAccumulatorValue: -1 })).toThrow('initialAccumulatorValue must be a finite number ≥ 0');
  });
});

describe('convergence on a tiny quadratic ½·Σ c·(p - t)²', () => {
  const C = [1, 4, 0.5];
  const T = [3, -1, 2];
  function minimise(opt: Optimizer<any>, p: Tensor, steps: number): number[] {
    for (let s = 0; s < steps; s++) {
      const v = p.storage;
      p.grad = tensor(C.map((c, i) => c * (v[i] - T[i])), { dtype: 'float64' });
      opt.step();
    }
    return Array.from(p.storage);
  }
  const start = () => tensor([0, 0, 0], { dtype: 'float64', requiresGrad: true });

  it('RMSprop (plain, centered + momentum) and Adagrad reach the minimum', () => {
    const cases: [string, (p: Tensor) => Optimizer<any>, number][] = [
      ['RMSprop', (p) => new RMSprop([p], { lr: 0.01 }), 2000],
      ['RMSprop centered + momentum', (p) => new RMSprop([p], { lr: 0.01, centered: true, momentum: 0.5 }), 2000],
      ['Adagrad', (p) => new Adagrad([p], { lr: 0.5 }), 2000],
    ];
    for (const [name, make, steps] of cases) {
      const p = start();
      const got = minimise(make(p), p, steps);
      got.forEach((v, i) => expect(Math.abs(v - T[i]), `${name} element ${i}: ${v}`).toBeLessThan(0.02));
    }
  });
});

describe('checkpoint resume mid-run (saveCheckpoint → loadCheckpoint → restoreCheckpoint)', () => {
  /** Two parameter groups on a quadratic, an optimizer and a schedule. */
  class Run {
    readonly w: Tensor;
    readonly b: Tensor;
    readonly opt: Optimizer<any>;
    readonly sched: ClosedFormScheduler;
    readonly model: { stateDict(): Record<string, Tensor>; loadStateDict(sd: Record<string, Tensor>): void };
    step = 0;

    constructor(init: number, makeOpt: (groups: { params: Tensor[]; lr?: number }[]) => Optimizer<any>, makeSched: (o: Optimizer<any>) => ClosedFormScheduler) {
      this.w = tensor([init, -init, 2 * init], { dtype: 'float32', requiresGrad: true });
      this.b = tensor([init / 2], { dtype: 'float64', requiresGrad: true });
      this.opt = makeOpt([{ params: [this.w] }, { params: [this.b], lr: 0.05 }]);
      this.sched = makeSched(this.opt);
      this.model = {
        stateDict: () => ({ w: this.w, b: this.b }),
        loadStateDict: (sd) => {
          this.w.storage.set(sd.w.toTypedArray());
          this.b.storage.set(sd.b.toTypedArray());
        },
      };
    }

    train(n: number): void {
      for (let s = 0; s < n; s++) {
        const k = this.step + 1;
        const w = this.w.storage;
        this.w.grad = tensor([w[0] - 1 + 0.1 * k, 3 * (w[1] + 2), Math.sin(k)], { dtype: 'float32' });
        this.b.grad = tensor([this.b.storage[0] * 0.5 - Math.cos(k)], { dtype: 'float64' });
        this.opt.step();
        this.sched.step();
        this.opt.zeroGrad();
        this.step++;
      }
    }
  }

  const bytes = (t: Tensor) => new Uint8Array(t.storage.buffer, t.storage.byteOffset, t.storage.byteLength).slice();

  const setups: [string, (g: { params: Tensor[]; lr?: number }[]) => Optimizer<any>, (o: Optimizer<any>) => ClosedFormScheduler][] = [
    ['RMSprop centered + momentum + wd, CosineAnnealingLR',
      (g) => new RMSprop(g, { lr: 0.02, alpha: 0.9, centered: true, momentum: 0.8, weightDecay: 0.01 }),
      (o) => new CosineAnnealingLR(o, { tMax: 7, etaMin: 0.001 })],
    ['Adagrad lrDecay + initialAccumulatorValue + wd, LinearLR',
      (g) => new Adagrad(g, { lr: 0.3, lrDecay: 0.05, initialAccumulatorValue: 0.2, weightDecay: 0.01 }),
      (o) => new LinearLR(o, { startFactor: 0.25, totalIters: 8 })],
  ];

  for (const [name, makeOpt, makeSched] of setups) {
    it(`${name}: resuming after 6 steps equals 12 uninterrupted steps bit for bit`, async () => {
      const straight = new Run(1, makeOpt, makeSched);
      straight.train(12);
      const first = new Run(1, makeOpt, makeSched);
      first.train(6);
      const path = join(dir, `${name.split(' ')[0]}.safetensors`);
      await saveCheckpoint(path, { model: first.model, optimizer: first.opt, scheduler: first.sched, epoch: 0, step: first.step });
      const resumed = new Run(7, makeOpt, makeSched); // different weights: everything must come from the checkpoint
      const pos = restoreCheckpoint(await loadCheckpoint(path), { model: resumed.model, optimizer: resumed.opt, scheduler: resumed.sched });
      resumed.step = pos.step;
      expect(resumed.opt.stateDict()).toEqual(first.opt.stateDict());
      expect(resumed.sched.getLr()).toEqual(first.sched.getLr());
      resumed.train(6);
      expect(bytes(resumed.w)).toEqual(bytes(straight.w));
      expect(bytes(resumed.b)).toEqual(bytes(straight.b));
      expect(resumed.opt.stateDict()).toEqual(straight.opt.stateDict());
      expect(resumed.sched.getLr()).toEqual(straight.sched.getLr());
      // Control: the schedule and the optimizer state matter (a fresh optimizer on the restored weights diverges).
      const fresh = new Run(7, makeOpt, makeSched);
      fresh.model.loadStateDict(first.model.stateDict());
      fresh.step = 6;
      fresh.train(6);
      expect(bytes(fresh.w)).not.toEqual(bytes(straight.w));
    });
  }
});
