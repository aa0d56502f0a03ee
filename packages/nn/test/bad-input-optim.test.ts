/**
 * Bad input to optimizers, schedulers and clipGradNorm: each is refused where it is given,
 * naming the class, the option and the valid range, instead of NaN / Infinity weights or a
 * TypeError later on.
 */
import { describe, expect, it } from 'vitest';
import { tensor, type Tensor } from '@tensorkit/core';
import {
  Adagrad, Adam, AdamW, clipGradNorm, CosineWarmupLR, ExponentialLR, OneCycleLR, ReduceLROnPlateau, RMSprop, SGD, StepLR,
  type Optimizer, type OptimizerStateDict,
} from '../src/optim/index.js';

const param = (): Tensor => tensor([1, -2], { requiresGrad: true });

function stepOnce<O extends Optimizer>(opt: O): O {
  for (const p of opt.params()) p.grad = tensor([0.5, -0.25]);
  opt.step();
  return opt;
}

describe('optimizer hyperparameters must be finite numbers in range', () => {
  it.each([
    ['SGD dampening NaN', () => new SGD([param()], { lr: 0.1, momentum: 0.9, dampening: NaN }), 'SGD: group 0: dampening must be in [0, 1], got NaN'],
    ['SGD dampening -1', () => new SGD([param()], { lr: 0.1, momentum: 0.9, dampening: -1 }), 'SGD: group 0: dampening must be in [0, 1], got -1'],
    ['SGD dampening 5', () => new SGD([param()], { lr: 0.1, momentum: 0.9, dampening: 5 }), 'SGD: group 0: dampening must be in [0, 1], got 5'],
    ['SGD momentum Infinity', () => new SGD([param()], { lr: 0.1, momentum: Infinity }), 'SGD: group 0: momentum must be a finite number ≥ 0, got Infinity'],
    ['SGD weightDecay Infinity', () => new SGD([param()], { lr: 0.1, weightDecay: Infinity }), 'SGD: group 0: weightDecay must be a finite number ≥ 0, got Infinity'],
    ['SGD nesterov string', () => new SGD([param()], { lr: 0.1, momentum: 0.9, nesterov: 'yes' as unknown as boolean }), 'SGD: group 0: nesterov must be true or false, got "yes"'],
    ['Adam eps string', () => new Adam([param()], { eps: '1e-8' as unknown as number }), 'Adam: group 0: eps must be a finite number ≥ 0, got "1e-8"'],
    ['Adam eps Infinity', () => new Adam([param()], { eps: Infinity }), 'Adam: group 0: eps must be a finite number ≥ 0, got Infinity'],
    ['Adam 3 betas', () => new Adam([param()], { betas: [0.9, 0.999, 0.5] as unknown as [number, number] }), 'Adam: group 0: betas must be an array of 2 numbers in [0, 1), got [0.9, 0.999, 0.5]'],
    ['Adam beta NaN', () => new Adam([param()], { betas: [NaN, 0.999] }), 'Adam: group 0: betas[0] must be in [0, 1), got NaN'],
    ['Adam weightDecay Infinity', () => new Adam([param()], { weightDecay: Infinity }), 'Adam: group 0: weightDecay must be a finite number ≥ 0, got Infinity'],
    ['AdamW weightDecay Infinity', () => new AdamW([param()], { weightDecay: Infinity }), 'AdamW: group 0: weightDecay must be a finite number ≥ 0, got Infinity'],
    ['RMSprop momentum Infinity', () => new RMSprop([param()], { momentum: Infinity }), 'RMSprop: group 0: momentum must be a finite number ≥ 0, got Infinity'],
    ['RMSprop centered string', () => new RMSprop([param()], { centered: 'false' as unknown as boolean }), 'RMSprop: group 0: centered must be true or false, got "false"'],
    ['Adagrad lrDecay Infinity', () => new Adagrad([param()], { lrDecay: Infinity }), 'Adagrad: group 0: lrDecay must be a finite number ≥ 0, got Infinity'],
    ['group lr NaN', () => new Adam([{ params: [param()], lr: NaN }]), 'Adam: group 0: lr must be a finite number ≥ 0, got NaN'],
  ])('%s', (_name, make, message) => {
    expect(make).toThrow(message);
  });

  it('step() re-checks each group first: an lr set to NaN by hand changes nothing', () => {
    const p = param();
    const opt = new SGD([p], { lr: 0.1 });
    opt.paramGroups[0].lr = NaN;
    p.grad = tensor([1, 1]);
    expect(() => opt.step()).toThrow('SGD.step: group 0: lr must be a finite number ≥ 0, got NaN');
    expect([...p.toTypedArray()]).toEqual([1, -2]);
    expect(opt.stepCount).toBe(0);
    opt.paramGroups[0].lr = 0.1;
    opt.step();
    expect(p.toTypedArray()[0]).toBeCloseTo(0.9, 6);
  });
});

describe('optimizer params', () => {
  it('accepts any iterable of tensors or groups, as PyTorch accepts generators', () => {
    const a = param();
    const b = param();
    expect(new Adam(new Map([['a', a], ['b', b]]).values()).params()).toEqual([a, b]);
    function* groups(): Generator<{ params: Iterable<Tensor>; lr: number }> {
      yield { params: new Set([a]), lr: 0.1 };
      yield { params: [b], lr: 0.2 };
    }
    const opt = new SGD(groups(), { lr: 1 });
    expect(opt.paramGroups.map((g) => [g.params, g.lr])).toEqual([[[a], 0.1], [[b], 0.2]]);
  });

  it('refuses a single tensor, a single group and non-iterables clearly', () => {
    expect(() => new Adam(param() as unknown as Tensor[])).toThrow('Adam: params must be an array or iterable of tensors or parameter groups, got a single Tensor of shape [2]; wrap it: [t]');
    expect(() => new Adam({ params: [param()] } as unknown as Tensor[])).toThrow('got a single parameter group; wrap it: [group]');
    expect(() => new Adam(5 as unknown as Tensor[])).toThrow('Adam: params must be an array or iterable of tensors or parameter groups, got 5');
    expect(() => new Adam([{ params: 3 }] as unknown as Tensor[])).toThrow('Adam: parameter group 0 params must be an array or iterable');
  });

  it('step(closure) calls the closure first and returns its loss, as PyTorch; a non-function is refused', () => {
    const p = param();
    const opt = new SGD([p], { lr: 0.5 });
    const loss = opt.step(() => {
      p.grad = tensor([2, 2]);
      return 7;
    });
    expect(loss).toBe(7);
    expect([...p.toTypedArray()]).toEqual([0, -3]);
    expect(opt.step()).toBeUndefined();
    expect(() => opt.step(1 as unknown as () => number)).toThrow('SGD.step: closure must be a function that recomputes the loss, got 1');
  });
});

describe('clipGradNorm', () => {
  it('takes a single tensor as PyTorch does, and refuses non-tensors', () => {
    const p = param();
    p.grad = tensor([3, 4]);
    expect(clipGradNorm(p, 1)).toBeCloseTo(5, 6);
    expect(p.grad.toTypedArray()[0]).toBeCloseTo(0.6, 5);
    expect(() => clipGradNorm([p, 3] as unknown as Tensor[], 1)).toThrow('clipGradNorm: params[1] must be a Tensor, got 3');
    expect(() => clipGradNorm(7 as unknown as Tensor, 1)).toThrow('clipGradNorm: params must be a Tensor or an iterable of tensors');
    expect(() => clipGradNorm([p], '1' as unknown as number)).toThrow('clipGradNorm: maxNorm must be a number ≥ 0, got "1"');
  });
});

describe('scheduler options', () => {
  const sgd = (): SGD => new SGD([param()], { lr: 0.1, momentum: 0.9 });
  const adam = (): Adam => new Adam([param()], { lr: 0.1 });
  it.each([
    ['StepLR gamma NaN', () => new StepLR(sgd(), { stepSize: 1, gamma: NaN }), 'StepLR: gamma must be a finite number > 0, got NaN'],
    ['StepLR gamma -1', () => new StepLR(sgd(), { stepSize: 1, gamma: -1 }), 'StepLR: gamma must be a finite number > 0, got -1'],
    ['StepLR gamma Infinity', () => new StepLR(sgd(), { stepSize: 1, gamma: Infinity }), 'StepLR: gamma must be a finite number > 0, got Infinity'],
    ['StepLR stepSize string', () => new StepLR(sgd(), { stepSize: '3' as unknown as number }), 'StepLR: stepSize must be a positive integer, got "3"'],
    ['ExponentialLR gamma Infinity', () => new ExponentialLR(sgd(), { gamma: Infinity }), 'ExponentialLR: gamma must be a finite number > 0, got Infinity'],
    ['CosineWarmupLR minLr NaN', () => new CosineWarmupLR(sgd(), { warmupSteps: 1, totalSteps: 5, minLr: NaN }), 'CosineWarmupLR: minLr must be a finite number ≥ 0, got NaN'],
    ['CosineWarmupLR minLr -1', () => new CosineWarmupLR(sgd(), { warmupSteps: 1, totalSteps: 5, minLr: -1 }), 'CosineWarmupLR: minLr must be a finite number ≥ 0, got -1'],
    ['OneCycleLR annealStrategy', () => new OneCycleLR(sgd(), { maxLr: 1, totalSteps: 10, annealStrategy: 'bogus' as 'cos' }), "OneCycleLR: annealStrategy must be 'cos' or 'linear', got \"bogus\""],
    ['OneCycleLR baseMomentum NaN', () => new OneCycleLR(sgd(), { maxLr: 1, totalSteps: 10, cycleMomentum: true, baseMomentum: NaN }), 'OneCycleLR: baseMomentum must be in [0, 1], got NaN'],
    ['OneCycleLR baseMomentum 2', () => new OneCycleLR(adam(), { maxLr: 1, totalSteps: 10, cycleMomentum: true, baseMomentum: 2 }), 'OneCycleLR: baseMomentum must be in [0, 1], got 2'],
    ['OneCycleLR maxMomentum -1', () => new OneCycleLR(adam(), { maxLr: 1, totalSteps: 10, cycleMomentum: true, maxMomentum: -1 }), 'OneCycleLR: maxMomentum must be in [0, 1], got -1'],
    ['OneCycleLR Adam maxMomentum 1', () => new OneCycleLR(adam(), { maxLr: 1, totalSteps: 10, cycleMomentum: true, maxMomentum: 1 }), 'OneCycleLR: with Adam the momentum is β1, which must be < 1; got baseMomentum 0.85 and maxMomentum 1'],
    ['OneCycleLR maxLr NaN', () => new OneCycleLR(sgd(), { maxLr: NaN, totalSteps: 10 }), 'OneCycleLR: maxLr must be a finite number ≥ 0, got NaN'],
    ['OneCycleLR maxLr[1] Infinity', () => new OneCycleLR(new SGD([{ params: [param()] }, { params: [param()] }], { lr: 0.1 }), { maxLr: [1, Infinity], totalSteps: 10 }), 'OneCycleLR: maxLr[1] must be a finite number ≥ 0, got Infinity'],
    ['ReduceLROnPlateau patience -1', () => new ReduceLROnPlateau(sgd(), { patience: -1 }), 'ReduceLROnPlateau: patience must be a non-negative integer, got -1'],
    ['ReduceLROnPlateau patience NaN', () => new ReduceLROnPlateau(sgd(), { patience: NaN }), 'ReduceLROnPlateau: patience must be a non-negative integer, got NaN'],
    ['ReduceLROnPlateau patience 2.5', () => new ReduceLROnPlateau(sgd(), { patience: 2.5 }), 'ReduceLROnPlateau: patience must be a non-negative integer, got 2.5'],
    ['ReduceLROnPlateau minLr NaN', () => new ReduceLROnPlateau(sgd(), { minLr: NaN }), 'ReduceLROnPlateau: minLr must be a finite number ≥ 0, got NaN'],
    ['ReduceLROnPlateau minLr -1', () => new ReduceLROnPlateau(sgd(), { minLr: -1 }), 'ReduceLROnPlateau: minLr must be a finite number ≥ 0, got -1'],
    ['ReduceLROnPlateau minLr Infinity', () => new ReduceLROnPlateau(sgd(), { minLr: [Infinity] }), 'ReduceLROnPlateau: minLr[0] must be a finite number ≥ 0, got Infinity'],
    ['ReduceLROnPlateau cooldown -1', () => new ReduceLROnPlateau(sgd(), { cooldown: -1 }), 'ReduceLROnPlateau: cooldown must be a non-negative integer, got -1'],
    ['ReduceLROnPlateau eps NaN', () => new ReduceLROnPlateau(sgd(), { eps: NaN }), 'ReduceLROnPlateau: eps must be a finite number ≥ 0, got NaN'],
    ['ReduceLROnPlateau threshold NaN', () => new ReduceLROnPlateau(sgd(), { threshold: NaN }), 'ReduceLROnPlateau: threshold must be a finite number ≥ 0, got NaN'],
  ])('%s', (_name, make, message) => {
    expect(make).toThrow(message);
  });

  it('refuses something that is not an optimizer before reading it', () => {
    expect(() => new StepLR({} as SGD, { stepSize: 1 })).toThrow('StepLR: optimizer must be an optimizer (SGD, Adam, …) whose paramGroups the schedule drives, got an object with keys (none)');
    expect(() => new ReduceLROnPlateau(undefined as unknown as SGD)).toThrow('ReduceLROnPlateau: optimizer must be an optimizer (SGD, Adam, …) whose paramGroups the schedule drives, got undefined');
    expect(() => new ExponentialLR({ paramGroups: [{ lr: 0.1 }] } as unknown as SGD, { gamma: 0.5 })).toThrow('ExponentialLR: optimizer paramGroups[0]: initialLr must be a finite number ≥ 0, got undefined');
  });
});

describe('Optimizer.loadStateDict checks per-parameter state as the checkpoint decoder does', () => {
  const saved = (): OptimizerStateDict => stepOnce(new Adam([param()], { lr: 0.01 })).stateDict();
  const withState = (edit: (st: { step: number; buffers: Record<string, unknown> }) => void, sd = saved()): OptimizerStateDict => {
    const st = { step: sd.state[0].step, buffers: { ...sd.state[0].buffers } as Record<string, unknown> };
    edit(st);
    return { ...sd, state: { 0: st as OptimizerStateDict['state'][number] } };
  };

  it.each([
    ['step NaN', withState((st) => { st.step = NaN; }), 'Adam.loadStateDict: parameter 0 step must be a non-negative integer, got NaN'],
    ['step -3', withState((st) => { st.step = -3; }), 'Adam.loadStateDict: parameter 0 step must be a non-negative integer, got -3'],
    ['buffer v deleted', withState((st) => { delete st.buffers.v; }), "Adam.loadStateDict: parameter 0 has taken 1 step(s) but its buffer 'v' is missing"],
    ['negative v', withState((st) => { st.buffers.v = [0.1, -1]; }), "Adam.loadStateDict: parameter 0 buffer 'v' must hold finite numbers ≥ 0 (a second moment), got -1 at index 1"],
    ['NaN m', withState((st) => { st.buffers.m = [NaN, 0]; }), "Adam.loadStateDict: parameter 0 buffer 'm' must hold finite numbers, got NaN at index 0"],
    ['foreign buffer', withState((st) => { st.buffers.momentum = [0, 0]; }), "Adam.loadStateDict: parameter 0 has a buffer 'momentum', which this optimizer does not keep (it keeps 'm', 'v'"],
    ['state not an object', { ...saved(), state: { 0: 5 } } as unknown as OptimizerStateDict, 'Adam.loadStateDict: parameter 0 state must be {step, buffers: {name: values}}, got 5'],
    ['top-level step -1', { ...saved(), step: -1 }, 'Adam.loadStateDict: step must be a non-negative integer, got -1'],
    ['top-level step 1.5', { ...saved(), step: 1.5 }, 'Adam.loadStateDict: step must be a non-negative integer, got 1.5'],
    ['no groups', { type: 'Adam', step: 0, state: {} } as unknown as OptimizerStateDict, 'Adam.loadStateDict: state dict must be {type, step, state'],
  ])('%s', (_name, sd, message) => {
    const opt = new Adam([param()], { lr: 0.01 });
    const before = opt.stateDict();
    expect(() => opt.loadStateDict(sd)).toThrow(message);
    expect(opt.stateDict()).toEqual(before);
  });

  it('a buffer that only some hyperparameters create may be absent; a state that never stepped needs none', () => {
    const sgd = new SGD([param()], { lr: 0.1, momentum: 0.9 });
    sgd.loadStateDict({ ...stepOnce(new SGD([param()], { lr: 0.1, momentum: 0.9 })).stateDict(), state: { 0: { step: 2, buffers: {} } } });
    const rms = stepOnce(new RMSprop([param()], { centered: true }));
    const sd = rms.stateDict();
    expect(() => new RMSprop([param()]).loadStateDict({ ...sd, state: { 0: { step: 1, buffers: { gradAvg: sd.state[0].buffers.gradAvg } } } }))
      .toThrow("RMSprop.loadStateDict: parameter 0 has taken 1 step(s) but its buffer 'squareAvg' is missing");
    new Adam([param()]).loadStateDict(withState((st) => { st.step = 0; st.buffers = {}; }));
  });
});
