import { describe, expect, it } from 'vitest';
import { tensor, type Tensor } from '@tensorkit/core';
import {
  Adagrad, Adam, AdamW, CosineWarmupLR, OneCycleLR, ReduceLROnPlateau, RMSprop, SGD, StepLR, type Optimizer, type OptimizerStateDict,
} from '../src/optim/index.js';

const param = (): Tensor => tensor([1, -2], { requiresGrad: true });

/** One step with a fixed gradient, so the state dict has buffers and a step count. */
function stepped<O extends Optimizer>(opt: O): O {
  for (const p of opt.params()) p.grad = tensor([0.5, -0.25]);
  opt.step();
  return opt;
}

/** A deep copy of `sd` with group `gi`'s hyperparameters edited. */
function withHyper(sd: OptimizerStateDict, gi: number, edit: (h: Record<string, unknown>) => void): OptimizerStateDict {
  const groups = sd.groups.map((g) => ({ params: [...g.params], hyperparams: { ...g.hyperparams } }));
  edit(groups[gi].hyperparams);
  return { ...sd, groups };
}

describe('Optimizer.loadStateDict validates restored hyperparameters', () => {
  it('still restores its own state dict exactly (every optimizer type)', () => {
    for (const make of [
      () => new SGD([param()], { lr: 0.1, momentum: 0.9, nesterov: true }),
      () => new Adam([param()], { lr: 0.01 }),
      () => new AdamW([param()], { lr: 0.01 }),
      () => new RMSprop([param()], { centered: true, momentum: 0.5 }),
      () => new Adagrad([param()], { lrDecay: 0.1 }),
    ]) {
      const sd = stepped(make()).stateDict();
      const fresh = make();
      fresh.loadStateDict(sd);
      expect(fresh.stateDict()).toEqual(sd);
    }
  });

  it('refuses NaN / negative / out-of-range values, naming optimizer, group and field', () => {
    const make = () => new Adam([{ params: [param()] }, { params: [param()], lr: 0.5 }], { lr: 0.01 });
    const sd = stepped(make()).stateDict();
    const cases: [(h: Record<string, unknown>) => void, string][] = [
      [(h) => { h.lr = NaN; }, 'Adam.loadStateDict: group 1: lr must be a finite number ≥ 0, got NaN'],
      [(h) => { h.lr = Infinity; }, 'Adam.loadStateDict: group 1: lr must be a finite number ≥ 0, got Infinity'],
      [(h) => { h.weightDecay = -0.1; }, 'Adam.loadStateDict: group 1: weightDecay must be a finite number ≥ 0, got -0.1'],
      [(h) => { h.betas = [0.9, 1]; }, 'Adam.loadStateDict: group 1: betas[1] must be in [0, 1), got 1'],
      [(h) => { h.betas = 0.9; }, 'Adam.loadStateDict: group 1: betas must be an array of 2 numbers, got 0.9'],
      [(h) => { h.eps = '1e-8'; }, 'Adam.loadStateDict: group 1: eps must be a number, got "1e-8"'],
      [(h) => { h.initialLr = -1; }, 'Adam.loadStateDict: group 1: initialLr must be a finite number ≥ 0, got -1'],
    ];
    for (const [edit, message] of cases) {
      const opt = make();
      const before = opt.stateDict();
      expect(() => opt.loadStateDict(withHyper(sd, 1, edit))).toThrow(message);
      // Nothing was restored: neither hyperparameters, state nor step count.
      expect(opt.stateDict()).toEqual(before);
    }
  });

  it('refuses a group with keys of another optimizer type; a key the saved group lacks keeps the current value', () => {
    const adamSd = stepped(new Adam([param()], { lr: 0.01 })).stateDict();
    const sgd = new SGD([param()], { lr: 0.1 });
    // The state dict records its type, so that is refused first…
    expect(() => sgd.loadStateDict(adamSd)).toThrow('SGD.loadStateDict: state dict is for Adam, not SGD');
    // …and groups whose keys do not match are refused even under the right type name.
    expect(() => sgd.loadStateDict({ ...adamSd, type: 'SGD', state: {} })).toThrow(
      "SGD.loadStateDict: group 0: hyperparameter(s) 'betas', 'eps' do not belong to SGD (a state dict of another optimizer?)",
    );
    const sgdSd = sgd.stateDict();
    // A state dict from before a hyperparameter existed keeps this optimizer's value (PyTorch fills defaults too).
    const older = new SGD([param()], { lr: 0.1, momentum: 0.5 });
    older.loadStateDict(withHyper(sgdSd, 0, (h) => { delete h.momentum; }));
    expect(older.paramGroups[0].momentum).toBe(0.5);
    expect(() => new SGD([param()], { lr: 0.1 }).loadStateDict(withHyper(sgdSd, 0, (h) => { h.nesterov = true; }))).toThrow(
      'SGD.loadStateDict: group 0: nesterov needs momentum > 0 and dampening = 0',
    );
    const rms = new RMSprop([param()]);
    expect(() => rms.loadStateDict(withHyper(rms.stateDict(), 0, (h) => { h.alpha = 1.5; }))).toThrow('RMSprop.loadStateDict: group 0: alpha must be in [0, 1], got 1.5');
  });
});

describe('scheduler loadStateDict validates restored state', () => {
  const sgd = (groups = 1) => new SGD(Array.from({ length: groups }, () => ({ params: [param()] })), { lr: 0.1 });

  it('round-trips valid state', () => {
    const s = new StepLR(sgd(), { stepSize: 2 });
    s.step();
    s.step();
    const fresh = new StepLR(sgd(), { stepSize: 2 });
    fresh.loadStateDict(s.stateDict());
    expect(fresh.getLr()).toEqual(s.getLr());
    const p = new ReduceLROnPlateau(sgd());
    p.step(1);
    const q = new ReduceLROnPlateau(sgd());
    q.loadStateDict(p.stateDict());
    expect(q.stateDict()).toEqual(p.stateDict());
  });

  it('refuses a bad step count or bad base lrs, naming the scheduler and field, and keeps its state', () => {
    const opt = sgd(2);
    const s = new CosineWarmupLR(opt, { warmupSteps: 2, totalSteps: 10 });
    s.step();
    const good = s.stateDict();
    const cases: [Record<string, unknown>, string][] = [
      [{ lastStep: -1 }, 'CosineWarmupLR.loadStateDict: lastStep must be a non-negative integer, got -1'],
      [{ lastStep: 1.5 }, 'CosineWarmupLR.loadStateDict: lastStep must be a non-negative integer, got 1.5'],
      [{ lastStep: '3' }, 'CosineWarmupLR.loadStateDict: lastStep must be a non-negative integer, got "3"'],
      [{ lastStep: NaN }, 'CosineWarmupLR.loadStateDict: lastStep must be a non-negative integer, got NaN'],
      [{ baseLrs: [0.1] }, 'CosineWarmupLR.loadStateDict: baseLrs must be an array of 2 lr(s), one per parameter group, got [0.1]'],
      [{ baseLrs: [0.1, NaN] }, 'CosineWarmupLR.loadStateDict: baseLrs[1] must be a finite number ≥ 0, got NaN'],
      [{ baseLrs: [Infinity, 0.1] }, 'CosineWarmupLR.loadStateDict: baseLrs[0] must be a finite number ≥ 0, got Infinity'],
      [{ baseLrs: [0.1, -0.1] }, 'CosineWarmupLR.loadStateDict: baseLrs[1] must be a finite number ≥ 0, got -0.1'],
    ];
    for (const [edit, message] of cases) {
      expect(() => s.loadStateDict({ ...good, ...edit })).toThrow(message);
      expect(s.stateDict()).toEqual(good);
    }
  });

  it('OneCycleLR refuses a step count past totalSteps without keeping it', () => {
    const s = new OneCycleLR(sgd(), { maxLr: 1, totalSteps: 4 });
    const good = s.stateDict();
    const lr = s.getLr();
    expect(() => s.loadStateDict({ ...good, lastStep: 9 })).toThrow('OneCycleLR.loadStateDict: OneCycleLR: stepped 9 times but totalSteps is 4');
    expect(s.stateDict()).toEqual(good);
    expect(s.getLr()).toEqual(lr);
  });

  it('ReduceLROnPlateau refuses bad counters or best', () => {
    const s = new ReduceLROnPlateau(sgd());
    const good = s.stateDict();
    const cases: [Record<string, unknown>, string][] = [
      [{ numBadSteps: -2 }, 'ReduceLROnPlateau.loadStateDict: numBadSteps must be a non-negative integer, got -2'],
      [{ cooldownCounter: 0.5 }, 'ReduceLROnPlateau.loadStateDict: cooldownCounter must be a non-negative integer, got 0.5'],
      [{ lastStep: undefined }, 'ReduceLROnPlateau.loadStateDict: lastStep must be a non-negative integer, got undefined'],
      [{ best: NaN }, 'ReduceLROnPlateau.loadStateDict: best must be a number or null (not yet set), got NaN'],
      [{ best: 'low' }, 'ReduceLROnPlateau.loadStateDict: best must be a number or null (not yet set), got "low"'],
    ];
    for (const [edit, message] of cases) {
      expect(() => s.loadStateDict({ ...good, ...edit })).toThrow(message);
      expect(s.stateDict()).toEqual(good);
    }
  });
});
