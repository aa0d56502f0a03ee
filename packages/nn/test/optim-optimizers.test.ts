import { describe, expect, it } from 'vitest';
import { jsBackend, registerBackend, tensor, withBackend, type AdamUpdateArgs, type Tensor } from '@tensorkit/core';
import { Adagrad, Adam, AdamW, RMSprop, SGD } from '../src/optim/index.js';
import { expectTrajectory, trajectory } from './optim-trajectory.js';

describe('SGD', () => {
  it('momentum (hand-computed)', () => {
    expectTrajectory(trajectory((p) => new SGD([p], { lr: 0.1, momentum: 0.9 })), [[0.95, -2.1], [0.935, -2.21], [0.9115, -2.319]]);
  });

  it('nesterov (hand-computed)', () => {
    expectTrajectory(trajectory((p) => new SGD([p], { lr: 0.1, momentum: 0.9, nesterov: true })), [[0.905, -2.19], [0.9215, -2.309], [0.89035, -2.4171]]);
  });

  it('dampening + weight decay (hand-computed; the first step ignores dampening)', () => {
    expectTrajectory(trajectory((p) => new SGD([p], { lr: 0.1, momentum: 0.9, dampening: 0.5, weightDecay: 0.1 }), 2), [[0.94, -2.08], [0.8963, -2.1516]]);
  });

  it('plain SGD on float32 storage', () => {
    expectTrajectory(trajectory((p) => new SGD([p], { lr: 0.5 }), 1, 'float32'), [[0.75, -2.5]], 7);
  });

  it('rejects nesterov without momentum', () => {
    expect(() => new SGD([tensor([1], { requiresGrad: true })], { lr: 0.1, nesterov: true })).toThrow('nesterov needs momentum > 0');
  });
});

describe('Adam / AdamW', () => {
  it('Adam (reference values)', () => {
    expectTrajectory(trajectory((p) => new Adam([p], { lr: 0.1 })), [
      [0.900000002, -2.099999999], [0.8808501989417752, -2.180304095729223], [0.8554536806163684, -2.2483227575247415],
    ]);
  });

  it('Adam with L2 weight decay (reference values)', () => {
    expectTrajectory(trajectory((p) => new Adam([p], { lr: 0.1, weightDecay: 0.1 })), [
      [0.9000000016666666, -2.09999999875], [0.8613529972101512, -2.1660700198578127], [0.8147177290693192, -2.207385101244511],
    ]);
  });

  it('AdamW decoupled weight decay (reference values)', () => {
    expectTrajectory(trajectory((p) => new AdamW([p], { lr: 0.1, weightDecay: 0.1 })), [
      [0.890000002, -2.079999999], [0.8619501989217752, -2.139504095739223], [0.8279341786071506, -2.1861277165773494],
    ]);
  });

  it('float32 parameters stay within float32 rounding of the float64 trajectory', () => {
    const f32 = trajectory((p) => new AdamW([p], { lr: 0.1, weightDecay: 0.1 }), 3, 'float32');
    expectTrajectory(f32, [[0.890000002, -2.079999999], [0.8619501989217752, -2.139504095739223], [0.8279341786071506, -2.1861277165773494]], 6);
  });

  it('uses the backend adamUpdate kernel when it accepts, falls back when it declines', () => {
    const calls: AdamUpdateArgs[] = [];
    let accept = false;
    registerBackend({
      ...jsBackend,
      name: 'test-adam',
      adamUpdate: (args) => {
        calls.push({ ...args });
        if (accept) args.param.fill(42);
        return accept;
      },
    });
    const expected = trajectory((p) => new AdamW([p], { lr: 0.1, weightDecay: 0.1 }), 2, 'float32');
    const declined = withBackend('test-adam', () => trajectory((p) => new AdamW([p], { lr: 0.1, weightDecay: 0.1 }), 2, 'float32'));
    expect(declined).toEqual(expected);
    expect(calls).toHaveLength(2);
    expect(calls[1]).toMatchObject({ lr: 0.1, beta1: 0.9, beta2: 0.999, weightDecay: 0, decoupledWeightDecay: 0.1 });
    expect(calls[1].biasCorrection1).toBeCloseTo(1 - 0.9 ** 2, 15);
    accept = true;
    expect(withBackend('test-adam', () => trajectory((p) => new Adam([p], { lr: 0.1 }), 1, 'float32'))).toEqual([[42, 42]]);
    // float64 parameters never go to the float32 kernel.
    calls.length = 0;
    withBackend('test-adam', () => trajectory((p) => new Adam([p]), 1, 'float64'));
    expect(calls).toHaveLength(0);
  });
});

describe('parameter groups, zeroGrad, sparse gradients', () => {
  it('per-group lr and weight decay', () => {
    const a = tensor([1], { dtype: 'float64', requiresGrad: true });
    const b = tensor([1], { dtype: 'float64', requiresGrad: true });
    const opt = new SGD([{ params: [a] }, { params: [b], lr: 0.5, weightDecay: 1 }], { lr: 0.1 });
    a.grad = tensor([1], { dtype: 'float64' });
    b.grad = tensor([1], { dtype: 'float64' });
    opt.step();
    expect(a.item()).toBeCloseTo(0.9, 14);
    expect(b.item()).toBeCloseTo(1 - 0.5 * 2, 14);
    expect(opt.paramGroups.map((g) => [g.lr, g.initialLr])).toEqual([[0.1, 0.1], [0.5, 0.5]]);
    expect(() => new SGD([a, a], { lr: 0.1 })).toThrow('more than once');
  });

  it('zeroGrad clears dense and sparse gradients; params without grads are skipped', () => {
    const p = tensor([[1, 2], [3, 4]], { requiresGrad: true });
    const q = tensor([5], { requiresGrad: true });
    const opt = new Adam([p, q]);
    p.grad = tensor([[1, 1], [1, 1]]);
    p.sparseGrad = { rows: Int32Array.from([0]), values: Float32Array.from([1, 1]), rowSize: 2 };
    opt.step();
    expect(q.item()).toBe(5);
    opt.zeroGrad();
    expect(p.grad).toBeNull();
    expect(p.sparseGrad).toBeNull();
    expect(opt.stateDict().state[1]).toBeUndefined();
  });

  it('sparse (LazyAdam) equals dense Adam on the touched rows for one step; untouched rows are unchanged', () => {
    const init = [[1, 2], [3, 4], [5, 6], [7, 8]];
    const dense = tensor(init, { requiresGrad: true });
    const sparse = tensor(init, { requiresGrad: true });
    // Row 2 appears twice: the contributions are summed before the update.
    sparse.sparseGrad = { rows: Int32Array.from([2, 0, 2]), values: Float32Array.from([0.5, -1, 0.25, 0.125, 1, 2]), rowSize: 2 };
    dense.grad = tensor([[0.25, 0.125], [0, 0], [1.5, 1], [0, 0]]);
    const dOpt = new Adam([dense], { lr: 0.1 });
    const sOpt = new Adam([sparse], { lr: 0.1 });
    dOpt.step();
    sOpt.step();
    expect(Array.from(sparse.storage)).toEqual(Array.from(dense.storage));
    expect(Array.from(sparse.storage.subarray(2, 4))).toEqual([3, 4]);
    const v = sOpt.stateDict().state[0].buffers.v;
    expect(Array.from(v.subarray(2, 4))).toEqual([0, 0]);
  });

  it('sparse SGD with momentum equals dense SGD on touched rows', () => {
    const dense = tensor([[1, 2], [3, 4]], { dtype: 'float64', requiresGrad: true });
    const sparse = tensor([[1, 2], [3, 4]], { dtype: 'float64', requiresGrad: true });
    const dOpt = new SGD([dense], { lr: 0.1, momentum: 0.9, weightDecay: 0.01 });
    const sOpt = new SGD([sparse], { lr: 0.1, momentum: 0.9, weightDecay: 0.01 });
    for (let s = 0; s < 3; s++) {
      dense.grad = tensor([[0, 0], [s + 1, -s]], { dtype: 'float64' });
      sparse.sparseGrad = { rows: Int32Array.from([1]), values: Float64Array.from([s + 1, -s]), rowSize: 2 };
      dOpt.step();
      sOpt.step();
    }
    expect(Array.from(sparse.storage.subarray(2))).toEqual(Array.from(dense.storage.subarray(2)));
    expect(Array.from(sparse.storage.subarray(0, 2))).toEqual([1, 2]);
  });

  it('rejects sparse rows out of range', () => {
    const p = tensor([[1, 2]], { requiresGrad: true });
    p.sparseGrad = { rows: Int32Array.from([1]), values: Float32Array.from([1, 1]), rowSize: 2 };
    expect(() => new Adam([p]).step()).toThrow('row 1 is out of range [0, 1)');
  });
});

describe('a step that throws changes nothing', () => {
  // Before: parameters before the bad one were already updated, and stepCount and their state advanced.
  it('checks every gradient before the first update', () => {
    for (const make of [(ps: Tensor[]) => new SGD(ps, { lr: 0.1, momentum: 0.9 }), (ps: Tensor[]) => new Adam(ps, { lr: 0.1 })]) {
      const a = tensor([1, 2], { dtype: 'float64', requiresGrad: true });
      const b = tensor([3, 4], { dtype: 'float64', requiresGrad: true });
      const opt = make([a, b]);
      a.grad = tensor([1, 1], { dtype: 'float64' });
      b.grad = tensor([1, 1, 1], { dtype: 'float64' });
      expect(() => opt.step()).toThrow('gradient of shape [3] does not match parameter shape [2]');
      expect(a.toArray()).toEqual([1, 2]);
      expect(opt.stepCount).toBe(0);
      expect(opt.stateDict().state).toEqual({});
    }
  });
});

describe('a gradient must have the parameter\'s shape, not just its size', () => {
  // Before: a [3, 2] gradient was applied to a [2, 3] weight element by element, in the wrong layout.
  it('refuses a transposed or flattened gradient before updating anything', () => {
    for (const make of [(ps: Tensor[]) => new SGD(ps, { lr: 0.1 }), (ps: Tensor[]) => new Adam(ps, { lr: 0.1 })]) {
      const w = tensor([[1, 2, 3], [4, 5, 6]], { requiresGrad: true });
      const opt = make([w]);
      w.grad = tensor([[1, 1], [1, 1], [1, 1]]);
      expect(() => opt.step()).toThrow('gradient of shape [3,2] does not match parameter shape [2,3]');
      w.grad = tensor([1, 1, 1, 1, 1, 1]);
      expect(() => opt.step()).toThrow('gradient of shape [6] does not match parameter shape [2,3]');
      expect(w.toArray()).toEqual([[1, 2, 3], [4, 5, 6]]);
      // A non-contiguous gradient of the right shape is read in the parameter's layout.
      w.grad = tensor([[1, 4], [2, 5], [3, 6]]).T;
      opt.step();
      expect(opt.stepCount).toBe(1);
    }
  });
});

describe('optimizer state dict', () => {
  it('save after 2 steps → load into a fresh optimizer → identical 3rd step (bit for bit)', () => {
    for (const make of [(ps: Tensor[]) => new AdamW(ps, { lr: 0.05 }), (ps: Tensor[]) => new SGD(ps, { lr: 0.05, momentum: 0.9, nesterov: true })]) {
      const p = tensor([0.3, -0.7, 1.1], { requiresGrad: true });
      const opt = make([p]);
      for (const g of [[1, 2, 3], [-1, 0.5, 0.25]]) {
        p.grad = tensor(g);
        opt.step();
      }
      opt.paramGroups[0].lr = 0.01;
      const sd = opt.stateDict();
      const p2 = tensor(Array.from(p.storage), { requiresGrad: true });
      const opt2 = make([p2]);
      opt2.loadStateDict(JSON.parse(JSON.stringify({ ...sd, state: {} })) as typeof sd);
      opt2.loadStateDict(sd);
      expect(opt2.paramGroups[0].lr).toBe(0.01);
      expect(opt2.stepCount).toBe(2);
      p.grad = tensor([0.1, 0.2, -0.3]);
      p2.grad = tensor([0.1, 0.2, -0.3]);
      opt.step();
      opt2.step();
      expect(Array.from(p2.storage)).toEqual(Array.from(p.storage));
    }
  });

  /** An Adam over one 2-element parameter after one step, and its state dict. */
  function adamAfterOneStep() {
    const p = tensor([1, 2], { requiresGrad: true });
    const opt = new Adam([p]);
    p.grad = tensor([1, 1]);
    opt.step();
    return { p, opt, sd: opt.stateDict() };
  }

  it('loadStateDict takes plain number arrays as buffers, and says what a JSON round trip did to typed ones', () => {
    const { sd } = adamAfterOneStep();
    const fresh = () => new Adam([tensor([1, 2], { requiresGrad: true })]);
    expect(() => fresh().loadStateDict(JSON.parse(JSON.stringify(sd)) as typeof sd)).toThrow(
      /Adam\.loadStateDict: parameter 0 buffer 'm' must be a typed array or an array of numbers, got an object \(JSON\.stringify turns a typed array into one/,
    );
    const asArrays = { ...sd, state: { 0: { step: 1, buffers: Object.fromEntries(Object.entries(sd.state[0].buffers).map(([k, v]) => [k, Array.from(v)])) } } };
    const opt2 = fresh();
    opt2.loadStateDict(JSON.parse(JSON.stringify(asArrays)) as typeof sd);
    expect(opt2.stateDict().state[0].buffers.m).toEqual(sd.state[0].buffers.m);
  });

  it('stateDict copies buffers and loadStateDict validates', () => {
    const { p, opt, sd } = adamAfterOneStep();
    expect(sd.state[0].buffers.m).toBeInstanceOf(Float32Array);
    opt.step();
    expect(sd.state[0].step).toBe(1);
    expect(() => new SGD([p], { lr: 1 }).loadStateDict(sd)).toThrow('state dict is for Adam');
    expect(() => new Adam([p, tensor([1], { requiresGrad: true })]).loadStateDict(sd)).toThrow('group 0 has 1 parameters');
    const bad = { ...sd, state: { 0: { step: 1, buffers: { m: new Float32Array(3), v: new Float32Array(3) } } } };
    expect(() => new Adam([p]).loadStateDict(bad)).toThrow("buffer 'm' has 3 values");
  });
});

describe('unknown option keys', () => {
  const p = () => tensor([1], { requiresGrad: true });
  it('are refused by every optimizer, with a did-you-mean for PyTorch spellings (weight_decay used to leave weightDecay at 0)', () => {
    expect(() => new SGD([p()], { lr: 1, weight_decay: 0.1 } as never)).toThrow(
      "SGD: unknown option 'weight_decay' (did you mean 'weightDecay'?); known options: lr, momentum, dampening, nesterov, weightDecay",
    );
    expect(() => new Adam([p()], { lr: 1e-3, amsgrad: true } as never)).toThrow("Adam: unknown option 'amsgrad'; known options: lr, betas, eps, weightDecay");
    expect(() => new AdamW([p()], { betas1: 0.9 } as never)).toThrow("AdamW: unknown option 'betas1' (did you mean 'betas'?)");
    expect(() => new RMSprop([p()], { lr: 1, Momentum: 0.9 } as never)).toThrow("RMSprop: unknown option 'Momentum' (did you mean 'momentum'?)");
    expect(() => new Adagrad([p()], { lr_decay: 0.1 } as never)).toThrow("Adagrad: unknown option 'lr_decay' (did you mean 'lrDecay'?)");
    expect(() => new SGD([p()], 0.1 as never)).toThrow('SGD: options must be an object, got a number (0.1)');
  });

  it('are refused in a parameter group, naming the group', () => {
    expect(() => new SGD([{ params: [p()] }, { params: [p()], lr: 0.1, weight_decay: 0.1 } as never], { lr: 1 })).toThrow(
      "SGD: parameter group 1: unknown key 'weight_decay' (did you mean 'weightDecay'?); known keys: params, lr, momentum, dampening, nesterov, weightDecay",
    );
    const ok = new SGD([{ params: [p()], weightDecay: 0.1 }], { lr: 1 });
    expect(ok.paramGroups[0].weightDecay).toBe(0.1);
  });
});

describe('in-place writes are marked for autograd', () => {
  it('a backward through a graph built before step() is refused: the weights it saved have changed (PyTorch: "modified by an inplace operation")', () => {
    for (const make of [(p: Tensor) => new SGD([p], { lr: 0.1 }), (p: Tensor) => new Adam([p], { lr: 0.1 })]) {
      const p = tensor([1, 2], { requiresGrad: true });
      const opt = make(p);
      const loss = p.mul(p).sum();
      loss.backward();
      const stale = p.mul(p).sum();
      opt.step();
      expect(p.version).toBe(1);
      expect(() => stale.backward()).toThrow("backward: a tensor used by 'mul' (shape [2]) was modified in place after it was used (version 0 → 1)");
      // A graph built after the step is fine.
      p.grad = null;
      p.mul(p).sum().backward();
      expect(p.grad).not.toBeNull();
    }
  });
});
