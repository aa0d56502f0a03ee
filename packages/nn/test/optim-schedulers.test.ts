import { describe, expect, it } from 'vitest';
import { tensor } from '@tensorkit/core';
import {
  Adam, CosineAnnealingLR, CosineWarmupLR, ExponentialLR, LinearLR, OneCycleLR, ReduceLROnPlateau, SGD, StepLR, type LrScheduler,
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
    expect(() => new OneCycleLR(sgd(), { maxLr: 1, totalSteps: 10, divFactor: 0 })).toThrow('divFactor must be finite and > 0');
    expect(() => new OneCycleLR(sgd(), { maxLr: 1, totalSteps: 10, finalDivFactor: -1 })).toThrow('finalDivFactor must be finite and > 0');
    expect(() => new OneCycleLR(sgd(), { maxLr: NaN, totalSteps: 10 })).toThrow('maxLr must be finite');
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
});
