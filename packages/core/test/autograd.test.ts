import { describe, expect, it } from 'vitest';
import { assignInto, backward, concat, conv2d, conv2dMaxPool, enableGrad, Generator, isGradEnabled, markModifiedInPlace, noGrad, randn, record, Tensor, tensor, zeros } from '@tensorkit/core';
import { expectClose, f64 } from './helpers.js';

describe('requiresGrad and the graph', () => {
  it('propagates to results and records the op', () => {
    const a = tensor([1, 2], { requiresGrad: true });
    const b = tensor([3, 4]);
    const c = a.mul(b);
    expect(c.requiresGrad).toBe(true);
    expect(c.isLeaf).toBe(false);
    expect(c.gradFn!.op).toBe('mul');
    expect(a.isLeaf).toBe(true);
    const d = b.mul(b);
    expect(d.requiresGrad).toBe(false);
    expect(d.gradFn).toBeNull();
  });

  it('requiresGrad_ marks leaves and returns the tensor', () => {
    const x = tensor([1]);
    expect(x.requiresGrad_()).toBe(x);
    expect(x.requiresGrad).toBe(true);
    expect(x.requiresGrad_(false).requiresGrad).toBe(false);
    const y = tensor([1], { requiresGrad: true }).mul(2);
    expect(() => y.requiresGrad_(false)).toThrow(/requiresGrad_: cannot turn off grad on a non-leaf tensor/);
  });

  it('requiresGrad_ refuses integer and bool tensors (as PyTorch)', () => {
    // Ops cast such inputs to float first, cutting the graph ('does not require grad' at
    // backward), and sum kept uint8 and handed back a truncated uint8 gradient.
    for (const dtype of ['int32', 'uint8', 'bool'] as const) {
      expect(() => tensor([1, 0], { dtype }).requiresGrad_()).toThrow(`requiresGrad_: only float32/float64 tensors can require gradients, got ${dtype}`);
    }
    expect(tensor([1], { dtype: 'int32' }).requiresGrad_(false).requiresGrad).toBe(false);
  });

  it('integer-valued results do not require grad', () => {
    const x = tensor([1, 3, 2], { requiresGrad: true });
    expect(x.argmax().requiresGrad).toBe(false);
    expect(x.gt(1).requiresGrad).toBe(false);
    expect(x.int().requiresGrad).toBe(false);
  });
});

describe('backward', () => {
  it('scalar root: d/dx Σx² = 2x', () => {
    const x = f64([1, -2, 3]);
    x.square().sum().backward();
    expect(x.grad!.toArray()).toEqual([2, -4, 6]);
    expect(x.grad!.dtype).toBe('float64');
  });

  it('takes PyTorch-style options: retainGraph is accepted (the graph is never freed), createGraph refused, options may come first', () => {
    const x = f64([1, -2]);
    const loss = x.square().sum();
    loss.backward({ retainGraph: true });
    loss.backward(undefined, { retainGraph: true });
    expect(x.grad!.toArray()).toEqual([4, -8]);
    const h = x.mul(3);
    const top = h.sum();
    top.backward({ retainGrad: true });
    expect(h.grad!.toArray()).toEqual([1, 1]);
    expect(() => loss.backward({ createGraph: true })).toThrow('backward: createGraph (higher-order gradients) is not supported');
    // A snake_case key is named (it crashed reading .shape of the options object when passed first).
    expect(() => loss.backward({ retain_graph: true } as never)).toThrow("backward: unknown option 'retain_graph' (did you mean 'retainGraph'?)");
    expect(() => backward(loss, [1] as never)).toThrow('backward: the upstream gradient must be a Tensor, got object; options go in the last argument');
    expect(() => backward(loss, 1 as never)).toThrow('backward: the upstream gradient must be a Tensor, got number');
  });

  it('non-scalar root with an upstream gradient', () => {
    const x = f64([1, 2]);
    x.mul(3).backward(tensor([1, 10], { dtype: 'float64' }));
    expect(x.grad!.toArray()).toEqual([3, 30]);
    const y = f64([[1, 2], [3, 4]]);
    y.T.mul(y.T).backward(tensor([[1, 0], [0, 2]], { dtype: 'float64' }));
    // d/dy of Σ g ∘ (yᵀ)² = 2y ∘ gᵀ
    expect(y.grad!.toArray()).toEqual([[2, 0], [0, 16]]);
  });

  it('requires an upstream gradient of the right shape', () => {
    const x = f64([1, 2]);
    expect(() => x.mul(2).backward()).toThrow('backward: a gradient must be given for a non-scalar tensor of shape [2]');
    expect(() => x.mul(2).backward(tensor([1, 2, 3]))).toThrow('backward: gradient shape [3] does not match tensor shape [2]');
    expect(() => tensor([1, 2]).sum().backward()).toThrow(/backward: this tensor does not require grad/);
  });

  it('accumulates across two backward calls', () => {
    const x = f64([1, 2]);
    const w = f64([3, 4]);
    x.mul(w).sum().backward();
    x.mul(w).sum().backward();
    expect(x.grad!.toArray()).toEqual([6, 8]);
    expect(w.grad!.toArray()).toEqual([2, 4]);
    // the same graph can be walked twice
    const y = x.square().sum();
    x.grad = null;
    y.backward();
    y.backward();
    expect(x.grad!.toArray()).toEqual([4, 8]);
  });

  it('sums over every use of a tensor (shared subexpressions, diamonds)', () => {
    const x = f64([0.5, -1]);
    x.mul(x).add(x).sum().backward(); // 2x + 1
    expect(x.grad!.toArray()).toEqual([2, -1]);
    const z = f64([0.3]);
    const a = z.mul(2);
    a.exp().add(a.sin()).sum().backward(); // 2·(e^{2z} + cos 2z)
    expectClose(z.grad!, [2 * (Math.exp(0.6) + Math.cos(0.6))], 1e-12);
  });

  it('flows through views into the leaf', () => {
    const x = f64([[1, 2, 3], [4, 5, 6]]);
    x.T.slice(0, 1).sum().backward();
    expect(x.grad!.toArray()).toEqual([[0, 1, 1], [0, 1, 1]]);
  });

  it('leaves get their own gradient tensors', () => {
    const a = f64([1, 2]);
    const b = f64([3, 4]);
    const g = tensor([1, 1], { dtype: 'float64' });
    a.add(b).backward(g);
    expect(a.grad).not.toBe(b.grad);
    expect(a.grad!.storage).not.toBe(b.grad!.storage);
    expect(a.grad!.storage).not.toBe(g.storage);
    a.grad!.storage[0] = 100;
    expect(b.grad!.toArray()).toEqual([1, 1]);
    expect(g.toArray()).toEqual([1, 1]);
    // a leaf that is itself the root
    const c = f64([5, 6]);
    c.backward(g);
    expect(c.grad!.storage).not.toBe(g.storage);
    expect(c.grad!.toArray()).toEqual([1, 1]);
    // slices of one concat gradient become separate dense buffers
    const p = f64([1, 2]);
    const q = f64([3]);
    concat([p, q]).mul(tensor([1, 2, 3], { dtype: 'float64' })).sum().backward();
    expect([p.grad!.offset, q.grad!.offset]).toEqual([0, 0]);
    expect(p.grad!.storage.length).toBe(2);
    expect(q.grad!.toArray()).toEqual([3]);
  });

  it('keeps float32 gradients in float32', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    x.mul(x).sum().backward();
    expect(x.grad!.dtype).toBe('float32');
    expect(x.grad!.toArray()).toEqual([2, 4]);
  });

  it('leaf gradients take the leaf dtype whatever the upstream gradient dtype', () => {
    const x = f64([[1, 2], [3, 4]]);
    x.sum(0).backward(tensor([1, 0.1])); // float32 upstream, float64 leaf
    expect(x.grad!.dtype).toBe('float64');
    expect(x.grad!.toArray()).toEqual([[1, Math.fround(0.1)], [1, Math.fround(0.1)]]);
    const y = tensor([1, 2], { requiresGrad: true });
    y.mul(2).backward(tensor([1, 1], { dtype: 'float64' }));
    expect(y.grad!.dtype).toBe('float32');
    expect(y.grad!.storage).toBeInstanceOf(Float32Array);
    expect(y.grad!.toArray()).toEqual([2, 2]);
  });

  it('non-leaf gradients are kept only with retainGrad', () => {
    const x = f64([1, 2]);
    const h = x.mul(2);
    h.sum().backward();
    expect(h.grad).toBeNull();
    const x2 = f64([1, 2]);
    const h2 = x2.mul(2);
    backward(h2.square().sum(), undefined, { retainGrad: true });
    expect(h2.grad!.toArray()).toEqual([4, 8]); // d/dh Σh² = 2h
    expect(x2.grad!.toArray()).toEqual([8, 16]);
  });

  it('handles deep graphs without recursion limits', () => {
    const x = f64([1]);
    let y: Tensor = x;
    for (let i = 0; i < 20000; i++) y = y.add(1);
    y.sum().backward();
    expect(x.grad!.toArray()).toEqual([1]);
  });

  it('custom ops through record()', () => {
    const x = f64([1, 2]);
    // y = 2x³ computed by hand at x = [1, 2]; dy/dx = 6x² = [6, 24]
    const out = new Tensor(new Float64Array([2, 16]), [2], 'float64');
    const y = record(out, 'twiceCube', [x], (g) => [g.mul(x.square().mul(6))]);
    expect(y.gradFn!.op).toBe('twiceCube');
    expect(y.requiresGrad).toBe(true);
    y.sum().backward();
    expect(x.grad!.toArray()).toEqual([6, 24]);
  });
});

describe('in-place modification of a tensor saved for backward', () => {
  it('backward refuses a graph whose saved tensor was overwritten (before: x.grad used the new w)', () => {
    const w = f64([100]);
    const x = f64([2]);
    const loss = x.mul(w).square().sum();
    expect(w.version).toBe(0);
    noGrad(() => assignInto(w, tensor([1], { dtype: 'float64' })));
    expect(w.version).toBe(1);
    expect(() => loss.backward()).toThrow(
      "backward: a tensor used by 'mul' (shape [1]) was modified in place after it was used (version 0 → 1); compute the loss again after the in-place change, or clone() the tensor before modifying it",
    );
    // Recomputed after the change, the loss differentiates at the new values: d/dx (x·w)² = 2x·w² = 4.
    x.mul(w).square().sum().backward();
    expect(x.grad!.toArray()).toEqual([4]);
  });

  it('views share the version: a write through a slice is caught, also for a saved view', () => {
    const a = f64([[1, 2, 3], [4, 5, 6]]);
    const b = f64([[1], [2], [3]]);
    const y = a.matmul(b).sum();
    noGrad(() => assignInto(a.T.slice(0, 1, 2), tensor([0, 0], { dtype: 'float64' })));
    expect(a.version).toBe(1);
    expect(a.reshape(6).version).toBe(1);
    expect(() => y.backward()).toThrow(/^backward: a tensor used by 'matmul' \(shape \[2,3\]\) was modified in place after it was used \(version 0 → 1\)/);
    const z = f64([1, 2, 3]);
    const zs = z.slice(0, 1).exp().sum(); // exp saves its input, a view of z
    noGrad(() => assignInto(z.slice(0, 0, 1), tensor([9], { dtype: 'float64' })));
    expect(() => zs.backward()).toThrow(/a tensor used by 'exp' \(shape \[2\]\)/);
  });

  it('ops whose backward does not read the modified values still differentiate (add, views, sum)', () => {
    const w = f64([[1, 2], [3, 4]]);
    const c = f64([5, 6]);
    const loss = w.add(1).T.reshape(4).sum().add(c.mul(2).sum());
    noGrad(() => assignInto(w, tensor(0, { dtype: 'float64' })));
    loss.backward();
    expect(w.grad!.toArray()).toEqual([[1, 1], [1, 1]]);
    expect(c.grad!.toArray()).toEqual([2, 2]);
  });

  it('an overwritten output that its op saved (exp keeps e^x) is caught too', () => {
    const x = f64([0, 1]);
    const y = x.exp();
    const loss = y.sum();
    const z = y.mul(3).sum();
    noGrad(() => assignInto(y, tensor([5, 5], { dtype: 'float64' })));
    expect(() => loss.backward()).toThrow(/a tensor used by 'exp' \(shape \[2\]\)/);
    expect(() => z.backward()).toThrow(/a tensor used by 'mul'/);
  });

  it('max() / min() over all elements and norm() protect their output too: their backward reads it', () => {
    for (const [name, f] of [
      ['max', (t: Tensor) => t.max()],
      ['min', (t: Tensor) => t.min()],
      ['norm', (t: Tensor) => t.norm()],
      ['norm', (t: Tensor) => t.norm(Infinity, 0)],
    ] as const) {
      const x = f64([3, -4]);
      const y = f(x);
      const loss = y.add(1); // add does not save y
      noGrad(() => assignInto(y, tensor(1, { dtype: 'float64' })));
      // Before: max gave NaN, norm [2, -8] (read 1 as the norm) and norm(Infinity) [0, 0], silently.
      expect(() => loss.backward(), name).toThrow(`a tensor used by '${name}' (shape [])`);
    }
  });

  it('the fused conv + ReLU ops protect their output too: their backward reads it as the ReLU mask', () => {
    const x = randn([1, 1, 6, 6], { generator: new Generator(1) });
    const w = randn([2, 1, 3, 3], { generator: new Generator(2), requiresGrad: true });
    let fusedSeen = 0;
    for (const [name, forward] of [
      ['conv2dRelu', () => conv2d(x, w, null, { padding: 1, activation: 'relu' })],
      ['conv2dReluMaxPool', () => conv2dMaxPool(x, w, null, { padding: 1, activation: 'relu' }, 2)],
    ] as const) {
      const y = forward();
      const loss = y.sum();
      noGrad(() => assignInto(y, zeros(y.shape)));
      if (y.gradFn!.op !== name) continue; // a backend without the fused kernel composes the ops instead
      expect(() => loss.backward(), name).toThrow(`a tensor used by '${name}' (shape [${y.shape}])`);
      fusedSeen++;
    }
    expect(fusedSeen).toBeGreaterThan(0);
  });

  it('markModifiedInPlace: writers outside assignInto (optimizers, state loading) bump the version', () => {
    const w = f64([1, 2]);
    const loss = w.square().sum();
    w.storage[0] = 7; // a direct write is invisible until marked
    markModifiedInPlace(w);
    expect(w.version).toBe(1);
    expect(w.detach().version).toBe(1);
    expect(() => loss.backward()).toThrow(/a tensor used by 'square' \(shape \[2\]\) was modified in place after it was used \(version 0 → 1\)/);
    // A custom op saves its inputs by default, or only what its closure names.
    const p = f64([3]);
    const q = f64([4]);
    const custom = record(p.detach().add(q.detach()), 'addLike', [p, q], (g) => [g, g], []);
    const byDefault = record(p.detach().mul(q.detach()), 'mulLike', [p, q], (g) => [g.mul(q.detach()), g.mul(p.detach())]);
    markModifiedInPlace(q);
    custom.backward();
    expect(p.grad!.toArray()).toEqual([1]);
    expect(() => byDefault.backward()).toThrow(/a tensor used by 'mulLike' \(shape \[1\]\)/);
  });
});

describe('noGrad / enableGrad / detach', () => {
  it('refuses an async function, after restoring the grad mode (it would leak past the first await)', async () => {
    const w = f64([1]);
    let afterAwait: boolean | null = null;
    let settled!: Promise<void>;
    expect(() => noGrad(() => (settled = (async () => {
      await Promise.resolve();
      afterAwait = isGradEnabled();
      throw new Error('the async work fails too');
    })()))).toThrow(/^noGrad: the function returned a Promise, but the gradient mode is global and is restored when noGrad returns/);
    expect(isGradEnabled()).toBe(true);
    expect(w.mul(2).requiresGrad).toBe(true);
    await settled.catch(() => undefined);
    expect(afterAwait).toBe(true); // why it is refused: after the await the code no longer ran under noGrad
    expect(() => noGrad(() => enableGrad(() => Promise.resolve(1)))).toThrow(/^enableGrad: the function returned a Promise/);
    expect(isGradEnabled()).toBe(true);
    // A thenable is a promise too; a plain object with no then() is an ordinary result.
    expect(() => noGrad(() => ({ then: () => undefined }))).toThrow(/^noGrad: the function returned a Promise/);
    expect(noGrad(() => ({ value: 1 }))).toEqual({ value: 1 });
  });


  it('noGrad records nothing and restores the previous state', () => {
    const x = f64([1, 2]);
    expect(isGradEnabled()).toBe(true);
    const y = noGrad(() => {
      expect(isGradEnabled()).toBe(false);
      return x.mul(2);
    });
    expect(y.requiresGrad).toBe(false);
    expect(y.gradFn).toBeNull();
    expect(y.toArray()).toEqual([2, 4]);
    expect(isGradEnabled()).toBe(true);
    expect(() => noGrad(() => { throw new Error('boom'); })).toThrow('boom');
    expect(isGradEnabled()).toBe(true);
    noGrad(() => noGrad(() => 0));
    expect(isGradEnabled()).toBe(true);
  });

  it('enableGrad turns recording back on inside noGrad', () => {
    const x = f64([1, 2]);
    const y = noGrad(() => enableGrad(() => x.mul(2)));
    expect(y.requiresGrad).toBe(true);
    expect(isGradEnabled()).toBe(true);
  });

  it('detach shares storage and cuts the graph', () => {
    const x = f64([3, 4]);
    const d = x.detach();
    expect(d.storage).toBe(x.storage);
    expect(d.requiresGrad).toBe(false);
    expect(d.isLeaf).toBe(true);
    x.mul(x.detach()).sum().backward(); // d/dx (x · const) = const
    expect(x.grad!.toArray()).toEqual([3, 4]);
    const h = x.mul(2);
    const hd = h.detach();
    expect(hd.gradFn).toBeNull();
    expect(hd.toArray()).toEqual([6, 8]);
  });
});
