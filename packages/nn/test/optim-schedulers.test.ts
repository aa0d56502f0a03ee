import { describe, expect, it } from 'vitest';
import { tensor } from '@tensorkit/core';
import {
  Adam, ChainedScheduler, CosineAnnealingLR, CosineWarmupLR, ExponentialLR, LinearLR, OneCycleLR, ReduceLROnPlateau, SequentialLR, SGD, StepLR,
  type LrScheduler, type ScheduleFactory,
} from '../src/optim/index.js';

const sgd = (lr = 0.1, momentum = 0) => new SGD([tensor([1], { requiresGrad: true })], { lr, momentum });

/** lr after 0, 1, …, n-1 scheduler steps. */
function lrs(s: LrScheduler, n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    if (i > 0) s.step();
    out.push(s.getLr()[0]);
  }
  return out;
}

function expectClose(got: number[], expected: number[]): void {
  expect(got).toHaveLength(expected.length);
  got.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 12));
}

describe('closed-form schedules', () => {
  it('StepLR: base · γ^⌊t/s⌋', () => {
    expectClose(lrs(new StepLR(sgd(), { stepSize: 3, gamma: 0.5 }), 10), Array.from({ length: 10 }, (_, t) => 0.1 * 0.5 ** Math.floor(t / 3)));
  });

  it('ExponentialLR: base · γ^t', () => {
    expectClose(lrs(new ExponentialLR(sgd(), { gamma: 0.9 }), 8), Array.from({ length: 8 }, (_, t) => 0.1 * 0.9 ** t));
  });

  it('CosineWarmupLR: linear warmup from 0, cosine to minLr, then flat', () => {
    const base = 0.1;
    const min = 0.01;
    const expected = Array.from({ length: 20 }, (_, t) => {
      if (t < 5) return (base * t) / 5;
      if (t >= 15) return min;
      return min + (base - min) * 0.5 * (1 + Math.cos((Math.PI * (t - 5)) / 10));
    });
    const got = lrs(new CosineWarmupLR(sgd(base), { warmupSteps: 5, totalSteps: 15, minLr: min }), 20);
    expectClose(got, expected);
    expect(got[5]).toBeCloseTo(base, 15);
    expect(got[10]).toBeCloseTo((base + min) / 2, 15);
  });

  it('CosineAnnealingLR: etaMin + (base - etaMin)·½(1 + cos(π·t/tMax)), continuing past tMax as PyTorch', () => {
    const c = Math.cos(Math.PI / 4);
    const down = [0.1, 0.01 + 0.045 * (1 + c), 0.055, 0.01 + 0.045 * (1 - c), 0.01];
    expectClose(lrs(new CosineAnnealingLR(sgd(), { tMax: 4, etaMin: 0.01 }), 9), [...down, ...down.slice(0, 4).reverse()]);
    expectClose(lrs(new CosineAnnealingLR(sgd(0.2), { tMax: 2 }), 3), [0.2, 0.1, 0]);
    expect(() => new CosineAnnealingLR(sgd(), { tMax: 0 })).toThrow('CosineAnnealingLR: tMax must be a positive integer, got 0');
    expect(() => new CosineAnnealingLR(sgd(), { tMax: 3, etaMin: -1 })).toThrow('etaMin must be a finite number ≥ 0');
  });

  it('LinearLR: base·(start + (end - start)·min(t, total)/total); PyTorch defaults 1/3 → 1 over 5 steps', () => {
    expectClose(lrs(new LinearLR(sgd()), 7), [1 / 30, 0.7 / 15, 0.06, 1.1 / 15, 1.3 / 15, 0.1, 0.1]);
    expectClose(lrs(new LinearLR(sgd(), { startFactor: 1, endFactor: 0.5, totalIters: 2 }), 4), [0.1, 0.075, 0.05, 0.05]);
    expect(() => new LinearLR(sgd(), { startFactor: 0 })).toThrow('LinearLR: startFactor must be in (0, 1], got 0');
    expect(() => new LinearLR(sgd(), { endFactor: 1.5 })).toThrow('LinearLR: endFactor must be in [0, 1], got 1.5');
    expect(() => new LinearLR(sgd(), { totalIters: 2.5 })).toThrow('LinearLR: totalIters must be a positive integer, got 2.5');
  });

  it('OneCycleLR follows PyTorch (two phases, cosine)', () => {
    const minLr = 0.04 / 1e4;
    const cosAnneal = (a: number, b: number, p: number) => b + ((a - b) / 2) * (Math.cos(Math.PI * p) + 1);
    // Phase 1 ends at step 0.3·10 - 1 = 2, phase 2 at step 9.
    const expected = Array.from({ length: 10 }, (_, t) => (t <= 2 ? cosAnneal(0.04, 1, t / 2) : cosAnneal(1, minLr, (t - 2) / 7)));
    const got = lrs(new OneCycleLR(sgd(), { maxLr: 1, totalSteps: 10 }), 10);
    expectClose(got, expected);
    expect(got.slice(0, 4).map((v) => +v.toFixed(4))).toEqual([0.04, 0.52, 1, 0.9505]);
    expect(got[9]).toBeCloseTo(4e-6, 15);
  });

  it('OneCycleLR stays at the final lr on step totalSteps (where the last step() of a loop lands; PyTorch climbs back there)', () => {
    const s = new OneCycleLR(sgd(), { maxLr: 1, totalSteps: 5 });
    for (let t = 0; t < 5; t++) s.step();
    expect(s.getLr()[0]).toBeCloseTo(0.04 / 1e4, 15);
    expect(() => s.step()).toThrow('stepped 6 times but totalSteps is 5');
  });

  it('OneCycleLR three-phase, linear, per-group maxLr, and stepping past totalSteps throws', () => {
    const opt = new SGD([{ params: [tensor([1], { requiresGrad: true })] }, { params: [tensor([1], { requiresGrad: true })] }], { lr: 1 });
    const s = new OneCycleLR(opt, { maxLr: [1, 2], epochs: 2, stepsPerEpoch: 5, threePhase: true, annealStrategy: 'linear' });
    const lin = (a: number, b: number, p: number) => (b - a) * p + a;
    const init = 0.04;
    const expected = Array.from({ length: 11 }, (_, t) => (t <= 2 ? lin(init, 1, t / 2) : t <= 4 ? lin(1, init, (t - 2) / 2) : lin(init, init / 1e4, Math.min(1, (t - 4) / 5))));
    const got: number[][] = [];
    for (let t = 0; t <= 10; t++) {
      if (t > 0) s.step();
      got.push(s.getLr());
    }
    got.forEach(([a, b], t) => {
      expect(a).toBeCloseTo(expected[t], 12);
      expect(b).toBeCloseTo(2 * expected[t], 12);
    });
    expect(() => s.step()).toThrow('stepped 11 times but totalSteps is 10');
  });

  it('OneCycleLR with a zero-width phase stays finite (no 0/0) and rejects non-positive div factors', () => {
    const minLr = 0.04 / 1e4;
    const cosAnneal = (a: number, b: number, p: number) => b + ((a - b) / 2) * (Math.cos(Math.PI * p) + 1);
    // pctStart·totalSteps = 1: the warmup phase ends at step 0, so step 0 is already at the peak.
    const opt = sgd(0.1, 0.9);
    const got = lrs(new OneCycleLR(opt, { maxLr: 1, totalSteps: 10, pctStart: 0.1, cycleMomentum: true }), 10);
    expectClose(got, Array.from({ length: 10 }, (_, t) => (t === 0 ? 1 : cosAnneal(1, minLr, t / 9))));
    expect(opt.paramGroups[0].momentum).toBeCloseTo(0.95, 12);
    expect(lrs(new OneCycleLR(sgd(), { maxLr: 1, totalSteps: 2, pctStart: 0.5 }), 2)[0]).toBe(1);
    // Three phases whose last one has zero width: stepping to totalSteps lands on the final lr.
    const s = new OneCycleLR(sgd(), { maxLr: 1, totalSteps: 10, pctStart: 0.55, threePhase: true });
    const three = lrs(s, 11);
    expect(three.every(Number.isFinite)).toBe(true);
    expect(three[10]).toBeCloseTo(minLr, 15);
    expect(() => new OneCycleLR(sgd(), { maxLr: 1, totalSteps: 10, divFactor: 0 })).toThrow('divFactor must be a finite number > 0, got 0');
    expect(() => new OneCycleLR(sgd(), { maxLr: 1, totalSteps: 10, finalDivFactor: -1 })).toThrow('finalDivFactor must be a finite number > 0, got -1');
    expect(() => new OneCycleLR(sgd(), { maxLr: NaN, totalSteps: 10 })).toThrow('OneCycleLR: maxLr must be a finite number ≥ 0, got NaN');
  });

  it('OneCycleLR cycles SGD momentum and Adam β1 inversely to the lr', () => {
    const opt = sgd(0.1, 0.9);
    const s = new OneCycleLR(opt, { maxLr: 1, totalSteps: 10, cycleMomentum: true });
    expect(opt.paramGroups[0].momentum).toBeCloseTo(0.95, 15);
    s.step();
    s.step();
    expect(opt.paramGroups[0].momentum).toBeCloseTo(0.85, 15);
    const adam = new Adam([tensor([1], { requiresGrad: true })]);
    new OneCycleLR(adam, { maxLr: 1, totalSteps: 10, cycleMomentum: true });
    expect(adam.paramGroups[0].betas).toEqual([0.95, 0.999]);
  });
});

describe('ReduceLROnPlateau', () => {
  it('reduces after more than `patience` bad steps, respecting cooldown and minLr', () => {
    const opt = sgd(0.1);
    const s = new ReduceLROnPlateau(opt, { patience: 2, factor: 0.5, cooldown: 1, minLr: 0.02 });
    const seen: number[] = [];
    for (const m of [1, 0.9, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95]) {
      s.step(m);
      seen.push(opt.paramGroups[0].lr);
    }
    // Reduction on the 3rd bad step (index 4); one cooldown step; then 3 more bad steps (index 8); and so on until minLr.
    expectClose(seen, [0.1, 0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.05, 0.025, 0.025, 0.025, 0.025, 0.02, 0.02]);
  });

  it('relative threshold: tiny improvements do not count; max mode with absolute threshold', () => {
    const opt = sgd(1);
    const s = new ReduceLROnPlateau(opt, { patience: 0, threshold: 0.1 });
    s.step(1);
    s.step(0.95); // not 10 % better
    expect(opt.paramGroups[0].lr).toBeCloseTo(0.1, 15);
    const opt2 = sgd(1);
    const s2 = new ReduceLROnPlateau(opt2, { mode: 'max', patience: 0, threshold: 0.5, thresholdMode: 'abs', factor: 0.5 });
    s2.step(1);
    s2.step(1.6);
    expect(opt2.paramGroups[0].lr).toBe(1);
    s2.step(2);
    expect(opt2.paramGroups[0].lr).toBe(0.5);
    expect(() => s2.step()).toThrow('pass the monitored metric');
  });
  it('rejects an unknown mode or thresholdMode instead of silently using the other one', () => {
    // PyTorch spells it 'min'; 'MIN' used to be taken as 'max' and cut the lr while the loss fell.
    expect(() => new ReduceLROnPlateau(sgd(), { mode: 'MIN' as 'min' })).toThrow("mode must be 'min' or 'max', got 'MIN'");
    expect(() => new ReduceLROnPlateau(sgd(), { thresholdMode: 'relative' as 'rel' })).toThrow("thresholdMode must be 'rel' or 'abs', got 'relative'");
  });
});

describe('scheduler state dicts', () => {
  it('restoring mid-run continues the same lr sequence (JSON round trip)', () => {
    const makers: ((o: SGD) => LrScheduler)[] = [
      (o) => new StepLR(o, { stepSize: 2, gamma: 0.3 }),
      (o) => new CosineWarmupLR(o, { warmupSteps: 3, totalSteps: 12 }),
      (o) => new OneCycleLR(o, { maxLr: 0.5, totalSteps: 12 }),
      (o) => new CosineAnnealingLR(o, { tMax: 4, etaMin: 0.01 }),
      (o) => new LinearLR(o, { startFactor: 0.2, totalIters: 7 }),
      (o) => new SequentialLR(o, [(p) => new LinearLR(p, { startFactor: 0.2, totalIters: 3 }), (p) => new CosineAnnealingLR(p, { tMax: 8 })], [3]),
      (o) => new ChainedScheduler(o, [(p) => new LinearLR(p, { startFactor: 0.2, totalIters: 3 }), (p) => new StepLR(p, { stepSize: 2, gamma: 0.5 })]),
    ];
    for (const make of makers) {
      const a = make(sgd());
      for (let i = 0; i < 5; i++) a.step();
      const sd = JSON.parse(JSON.stringify(a.stateDict()));
      const b = make(sgd());
      b.loadStateDict(sd);
      expect(b.getLr()).toEqual(a.getLr());
      for (let i = 0; i < 4; i++) {
        a.step();
        b.step();
        expect(b.getLr()).toEqual(a.getLr());
      }
    }
    const p = new ReduceLROnPlateau(sgd(), { patience: 1 });
    p.step(3);
    p.step(4);
    const q = new ReduceLROnPlateau(sgd(), { patience: 1 });
    q.loadStateDict(JSON.parse(JSON.stringify(p.stateDict())));
    expect(q.stateDict()).toEqual(p.stateDict());
    expect(new ReduceLROnPlateau(sgd()).stateDict().best).toBeNull();
    expect(() => new StepLR(sgd(), { stepSize: 1 }).loadStateDict({ type: 'ExponentialLR' })).toThrow('state dict is for ExponentialLR');
  });

  it('a SequentialLR / ChainedScheduler state dict names its members and is refused by another combination', () => {
    const seq = new SequentialLR(sgd(), [(o) => new LinearLR(o), (o) => new StepLR(o, { stepSize: 2 })], [5]);
    seq.step();
    expect(seq.stateDict()).toEqual({ type: 'SequentialLR', lastStep: 1, baseLrs: [0.1], schedulers: ['LinearLR', 'StepLR'] });
    const other = new SequentialLR(sgd(), [(o) => new LinearLR(o), (o) => new ExponentialLR(o, { gamma: 0.5 })], [5]);
    expect(() => other.loadStateDict(seq.stateDict())).toThrow('SequentialLR.loadStateDict: state dict is for schedulers ["LinearLR","StepLR"], this SequentialLR has ["LinearLR","ExponentialLR"]');
    expect(() => new ChainedScheduler(sgd(), [(o) => new LinearLR(o)]).loadStateDict(seq.stateDict())).toThrow('state dict is for SequentialLR');
  });

  it('unknown option keys are refused, with a did-you-mean for PyTorch spellings', () => {
    expect(() => new StepLR(sgd(), { step_size: 2 } as never)).toThrow(
      "StepLR: unknown option 'step_size' (did you mean 'stepSize'?); known options: stepSize, gamma",
    );
    expect(() => new ReduceLROnPlateau(sgd(), { patience: 2, threshold_mode: 'abs' } as never)).toThrow(
      "ReduceLROnPlateau: unknown option 'threshold_mode' (did you mean 'thresholdMode'?); known options: mode, factor, patience, threshold, thresholdMode, cooldown, minLr, eps",
    );
    expect(() => new OneCycleLR(sgd(), { maxLr: 1, totalSteps: 10, pct_start: 0.2 } as never)).toThrow("OneCycleLR: unknown option 'pct_start' (did you mean 'pctStart'?)");
    expect(() => new CosineAnnealingLR(sgd(), { tMax: 3, eta_min: 0.1 } as never)).toThrow("unknown option 'eta_min' (did you mean 'etaMin'?)");
    expect(() => new CosineWarmupLR(sgd(), { warmupSteps: 1, totalSteps: 3, min_lr: 0 } as never)).toThrow("unknown option 'min_lr' (did you mean 'minLr'?)");
    expect(() => new LinearLR(sgd(), { start_factor: 0.1 } as never)).toThrow("unknown option 'start_factor' (did you mean 'startFactor'?)");
    expect(() => new ExponentialLR(sgd(), { gamma: 0.5, verbose: true } as never)).toThrow("ExponentialLR: unknown option 'verbose'; known options: gamma");
  });
});

describe('combining schedules on one optimizer', () => {
  it('ChainedScheduler multiplies its members\' factors (PyTorch: LinearLR warm-up chained with StepLR)', () => {
    // LinearLR(startFactor 0.5, totalIters 2): factors 0.5, 0.75, 1, 1; StepLR(stepSize 1, γ 0.5): 1, 0.5, 0.25, 0.125.
    // Base lr 1, so the products are PyTorch's chained lrs: 0.5, 0.375, 0.25, 0.125.
    const s = new ChainedScheduler(sgd(1), [(o) => new LinearLR(o, { startFactor: 0.5, totalIters: 2 }), (o) => new StepLR(o, { stepSize: 1, gamma: 0.5 })]);
    expectClose(lrs(s, 4), [0.5, 0.375, 0.25, 0.125]);
    // ExponentialLR(0.9) × StepLR(stepSize 2, γ 0.1) from base 0.1: 0.1·0.9^t·0.1^⌊t/2⌋.
    const e = new ChainedScheduler(sgd(), [(o) => new ExponentialLR(o, { gamma: 0.9 }), (o) => new StepLR(o, { stepSize: 2 })]);
    expectClose(lrs(e, 5), [0.1, 0.09, 0.1 * 0.81 * 0.1, 0.1 * 0.729 * 0.1, 0.1 * 0.6561 * 0.01]);
  });

  it('SequentialLR: LinearLR warm-up, then CosineAnnealingLR restarting at the milestone (PyTorch SequentialLR)', () => {
    // Steps 0-2: 0.1·(0.25 + 0.75·t/3) = 0.025, 0.05, 0.075. From milestone 3 the cosine runs its own steps 0..4 with
    // tMax 4: 0.1·½(1 + cos(πk/4)) = 0.1, 0.1·(2+√2)/4, 0.05, 0.1·(2-√2)/4, 0.
    const s = new SequentialLR(sgd(), [(o) => new LinearLR(o, { startFactor: 0.25, totalIters: 3 }), (o) => new CosineAnnealingLR(o, { tMax: 4 })], [3]);
    const r2 = Math.SQRT2;
    expectClose(lrs(s, 8), [0.025, 0.05, 0.075, 0.1, (0.1 * (2 + r2)) / 4, 0.05, (0.1 * (2 - r2)) / 4, 0]);
    // Three stages with two milestones; each stage starts from the base lr (1): StepLR(1, γ 0.5) for 2 steps, ExponentialLR(0.1) for 2, LinearLR(0.5 → 1 over 2).
    const t = new SequentialLR(sgd(1), [
      (o) => new StepLR(o, { stepSize: 1, gamma: 0.5 }), (o) => new ExponentialLR(o, { gamma: 0.1 }), (o) => new LinearLR(o, { startFactor: 0.5, totalIters: 2 }),
    ], [2, 4]);
    expectClose(lrs(t, 7), [1, 0.5, 1, 0.1, 0.5, 0.75, 1]);
  });

  it('SequentialLR runs a OneCycleLR member\'s momentum cycle too', () => {
    const opt = sgd(0.1, 0.9);
    const s = new SequentialLR(opt, [(o) => new LinearLR(o, { totalIters: 2 }), (o) => new OneCycleLR(o, { maxLr: 1, totalSteps: 10, cycleMomentum: true })], [2]);
    expect(opt.paramGroups[0].momentum).toBe(0.9);
    s.step();
    s.step();
    // The one-cycle's step 0: lr = maxLr/25, momentum = maxMomentum.
    expect(opt.paramGroups[0].lr).toBeCloseTo(0.04, 12);
    expect(opt.paramGroups[0].momentum).toBeCloseTo(0.95, 12);
  });

  it('refuses a second scheduler on an optimizer, naming both and the combinators', () => {
    const opt = sgd(1);
    new LinearLR(opt, { startFactor: 0.5, totalIters: 2 });
    expect(() => new StepLR(opt, { stepSize: 1, gamma: 0.5 })).toThrow(
      /^StepLR: this optimizer already has a LinearLR scheduler\. .*new SequentialLR\(optimizer, \[\(o\) => new LinearLR\(o, …\), \(o\) => new StepLR\(o, …\)\].*new ChainedScheduler/,
    );
    expect(opt.paramGroups[0].lr).toBe(0.5); // the refused one changed nothing
    expect(() => new SequentialLR(opt, [(o) => new StepLR(o, { stepSize: 1 })], [])).toThrow('SequentialLR: this optimizer already has a LinearLR scheduler');
    // ChainedScheduler is offered only when both schedules are factors of the base lr (it refuses the others).
    expect(() => new CosineAnnealingLR(opt, { tMax: 4 })).toThrow(/^CosineAnnealingLR: this optimizer already has a LinearLR scheduler\. .*new SequentialLR\(optimizer, \[\(o\) => new LinearLR\(o, …\), \(o\) => new CosineAnnealingLR\(o, …\)\], \[milestone\]\) runs them one after the other; or, to replace it, call its detach\(\) first\.$/);
    const plateau = sgd(1);
    new ReduceLROnPlateau(plateau);
    expect(() => new ReduceLROnPlateau(plateau)).toThrow('ReduceLROnPlateau: this optimizer already has a ReduceLROnPlateau scheduler. Two would each cut the lr on their own plateaus; use one per optimizer (call the old one\'s detach() first to replace it).');
    // A scheduler whose options were refused never attached: the optimizer is still free.
    const other = sgd(1);
    expect(() => new StepLR(other, { stepSize: 0 })).toThrow('stepSize must be a positive integer');
    expect(() => new StepLR(other, { stepSize: 1 })).not.toThrow();
  });

  it('detach() hands the optimizer to a new scheduler, which starts from the base lr; the old one refuses to step', () => {
    const opt = sgd(1);
    const warm = new LinearLR(opt, { startFactor: 0.5, totalIters: 4 });
    warm.step();
    expect(opt.paramGroups[0].lr).toBeCloseTo(0.625, 12);
    expect(() => new StepLR(opt, { stepSize: 1, gamma: 0.5 })).toThrow(/or, to replace it, call its detach\(\) first\.$/);
    warm.detach();
    expect(opt.paramGroups[0].lr).toBeCloseTo(0.625, 12); // detaching changes no lr
    const decay = new StepLR(opt, { stepSize: 1, gamma: 0.5 });
    expect(opt.paramGroups[0].lr).toBe(1);
    decay.step();
    expect(opt.paramGroups[0].lr).toBe(0.5);
    expect(() => warm.step()).toThrow('LinearLR.step: this scheduler was detached from its optimizer (detach()); step the scheduler that replaced it');
    expect(() => warm.loadStateDict(warm.stateDict())).toThrow('LinearLR.loadStateDict: this scheduler was detached');
    expect(opt.paramGroups[0].lr).toBe(0.5);
    // The successor is attached: a third scheduler is refused, naming it.
    expect(() => new ExponentialLR(opt, { gamma: 0.9 })).toThrow('ExponentialLR: this optimizer already has a StepLR scheduler');
    // ReduceLROnPlateau after a warm-up, the common case, and the other way round.
    const b = sgd(1);
    new LinearLR(b, { startFactor: 0.1, totalIters: 2 }).detach();
    const plateau = new ReduceLROnPlateau(b, { patience: 0, factor: 0.5 });
    plateau.step(1);
    plateau.step(2);
    expect(b.paramGroups[0].lr).toBeCloseTo(0.05, 12);
    plateau.detach();
    expect(() => plateau.step(3)).toThrow('ReduceLROnPlateau.step: this scheduler was detached');
    expect(() => new CosineAnnealingLR(b, { tMax: 4 })).not.toThrow();
  });

  it('a member of a SequentialLR cannot be detached on its own', () => {
    const opt = sgd(1);
    const seq = new SequentialLR(opt, [(o) => new LinearLR(o, { totalIters: 2 }), (o) => new ExponentialLR(o, { gamma: 0.5 })], [2]);
    expect(() => seq.schedulers[0].detach()).toThrow('LinearLR.detach: this schedule is a member of a SequentialLR / ChainedScheduler; detach that instead');
    seq.detach();
    expect(() => new StepLR(opt, { stepSize: 1 })).not.toThrow();
  });

  it('ReduceLROnPlateau and a closed-form schedule on one optimizer are refused, in either order', () => {
    // The closed-form schedule would set the lr afresh at its next step, silently undoing each plateau reduction.
    const a = sgd();
    new CosineWarmupLR(a, { warmupSteps: 2, totalSteps: 10 });
    expect(() => new ReduceLROnPlateau(a)).toThrow(/^ReduceLROnPlateau: this optimizer already has a CosineWarmupLR scheduler\. .*undo ReduceLROnPlateau's reductions/);
    const b = sgd();
    new ReduceLROnPlateau(b);
    expect(() => new StepLR(b, { stepSize: 1 })).toThrow('StepLR: this optimizer already has a ReduceLROnPlateau scheduler');
  });

  it('resuming the way apps do (a new optimizer and scheduler, then loadStateDict) is unaffected', () => {
    const make = (o: SGD) => new SequentialLR(o, [(p) => new LinearLR(p, { startFactor: 0.5, totalIters: 2 }), (p) => new ExponentialLR(p, { gamma: 0.5 })], [2]);
    const a = make(sgd(1));
    for (let i = 0; i < 3; i++) a.step();
    const b = make(sgd(1));
    b.loadStateDict(JSON.parse(JSON.stringify(a.stateDict())));
    b.loadStateDict(a.stateDict()); // loading twice attaches nothing new
    expect(b.getLr()).toEqual(a.getLr());
  });

  it('refuses members given as built schedulers, non-multiplicative members of a chain, and bad milestones', () => {
    expect(() => new SequentialLR(sgd(), [new LinearLR(sgd()) as never], [])).toThrow(
      'SequentialLR: schedulers[0] must be a function (optimizer) => scheduler that SequentialLR calls with its optimizer, e.g. (o) => new LinearLR(o, { totalIters: 5 }); got a LinearLR (already built)',
    );
    const opt = sgd(0.1);
    expect(() => new ChainedScheduler(opt, [(o) => new StepLR(o, { stepSize: 1, gamma: 0.5 }), (o) => new CosineAnnealingLR(o, { tMax: 4 })])).toThrow(
      'ChainedScheduler: schedulers[1] is a CosineAnnealingLR, whose lr is not base lr · a factor of the step',
    );
    expect(opt.paramGroups[0].lr).toBe(0.1); // the members' lrs were put back
    expect(() => new StepLR(opt, { stepSize: 1 })).not.toThrow(); // and nothing attached
    const lin: ScheduleFactory = (o) => new LinearLR(o);
    expect(() => new SequentialLR(sgd(), [lin, lin], [])).toThrow('SequentialLR: milestones must be an array of 1 step(s), one fewer than the 2 scheduler(s), got []');
    expect(() => new SequentialLR(sgd(), [lin, lin, lin], [3, 3])).toThrow('SequentialLR: milestones must be increasing integers ≥ 1, got [3,3]');
    expect(() => new SequentialLR(sgd(), [() => new StepLR(sgd(), { stepSize: 1 })], [])).toThrow('SequentialLR: schedulers[0] made a StepLR of another optimizer');
  });
});
