import { describe, expect, it } from 'vitest';
import {
  arange, cast, eye, full, Generator, linspace, ones, promoteTypes, rand, randint, randn, scalar, Tensor, tensor, zeros,
} from '@tensorkit/core';
import { expectClose, expectGrad, f64 } from './helpers.js';

describe('tensor()', () => {
  it('infers shape and defaults to float32', () => {
    const t = tensor([[1, 2, 3], [4, 5, 6]]);
    expect(t.shape).toEqual([2, 3]);
    expect(t.dtype).toBe('float32');
    expect(t.storage).toBeInstanceOf(Float32Array);
    expect(t.strides).toEqual([3, 1]);
    expect(t.size).toBe(6);
    expect(t.rank).toBe(2);
    expect(t.ndim).toBe(2);
    expect(t.toArray()).toEqual([[1, 2, 3], [4, 5, 6]]);
  });

  it('stores float32 with float32 rounding and float64 exactly', () => {
    expect(tensor([0.1]).toArray()).toEqual([Math.fround(0.1)]);
    expect(tensor([0.1], { dtype: 'float64' }).toArray()).toEqual([0.1]);
    expect(tensor([0.1], { dtype: 'float64' }).storage).toBeInstanceOf(Float64Array);
  });

  it('int32 truncates toward zero, uint8 refuses values it would wrap, bool from booleans', () => {
    const i = tensor([1.7, -1.7, 3], { dtype: 'int32' });
    expect(i.dtype).toBe('int32');
    expect(i.toArray()).toEqual([1, -1, 3]);
    expect(tensor([255, 0.5], { dtype: 'uint8' }).toArray()).toEqual([255, 0]);
    expect(() => tensor([255, 256, 300], { dtype: 'uint8' })).toThrow('tensor: the value 256 at flat index 1 cannot be converted to uint8 without overflow (uint8 holds 0..255');
    const b = tensor([[true, false], [false, true]]);
    expect(b.dtype).toBe('bool');
    expect(b.storage).toBeInstanceOf(Uint8Array);
    expect(b.toArray()).toEqual([[true, false], [false, true]]);
    expect(tensor([0, 2, -1], { dtype: 'bool' }).toArray()).toEqual([false, true, true]);
  });

  it('scalars are rank 0', () => {
    const s = tensor(2.5);
    expect(s.shape).toEqual([]);
    expect(s.size).toBe(1);
    expect(s.item()).toBe(2.5);
    expect(s.toArray()).toBe(2.5);
    const s2 = scalar(7, 'int32');
    expect([s2.shape, s2.dtype, s2.item()]).toEqual([[], 'int32', 7]);
  });

  it('uses a typed array of the same dtype as storage, copies otherwise', () => {
    const data = new Float64Array([1, 2, 3, 4, 5, 6]);
    const t = tensor(data, { shape: [2, 3] });
    expect(t.dtype).toBe('float64');
    expect(t.storage).toBe(data);
    expect(t.toArray()).toEqual([[1, 2, 3], [4, 5, 6]]);
    const c = tensor(data, { dtype: 'int32' });
    expect(c.storage).not.toBe(data);
    expect(c.toArray()).toEqual([1, 2, 3, 4, 5, 6]);
    expect(tensor(new Int32Array([4, 5])).dtype).toBe('int32');
    const bytes = new Uint8Array([1, 0]);
    expect(tensor(bytes, { dtype: 'bool' }).storage).toBe(bytes);
    expect(tensor(bytes, { dtype: 'bool' }).toArray()).toEqual([true, false]);
  });

  it('copies other typed arrays into the dtype that holds their values (a Uint8ClampedArray was refused; an Int16Array became uint8 garbage)', () => {
    const pixels = new Uint8ClampedArray([1, 255]);
    const u = tensor(pixels);
    expect([u.dtype, Array.from(u.storage)]).toEqual(['uint8', [1, 255]]);
    expect(u.storage).not.toBe(pixels);
    expect([tensor(new Int16Array([-5, 300])).dtype, tensor(new Int16Array([-5, 300])).toArray()]).toEqual(['int32', [-5, 300]]);
    expect(tensor(new Int8Array([-128])).toArray()).toEqual([-128]);
    expect(tensor(new Uint16Array([65535])).toArray()).toEqual([65535]);
    expect([tensor(new Uint32Array([4294967295])).dtype, tensor(new Uint32Array([4294967295])).item()]).toEqual(['float64', 4294967295]);
    expect(tensor(new Int16Array([1, 2]), { dtype: 'float32' }).toArray()).toEqual([1, 2]);
    expect(() => tensor(new BigInt64Array([1n]) as unknown as Int32Array)).toThrow('tensor: cannot hold a BigInt64Array (no int64/bigint dtype)');
  });

  it('a Uint8Array holding values other than 0/1 is copied as 0/1 for a bool tensor', () => {
    const bytes = new Uint8Array([0, 2, 255]);
    const b = tensor(bytes, { dtype: 'bool' });
    expect(b.storage).not.toBe(bytes);
    expect(Array.from(b.storage)).toEqual([0, 1, 1]);
    // Shared raw bytes made true == true false and sums count 2s.
    expect(b.eq(tensor([true, true, true])).toArray()).toEqual([false, true, true]);
    expect(b.sum().item()).toBe(2);
  });

  it('reshapes flat nested data with the shape option', () => {
    expect(tensor([1, 2, 3, 4], { shape: [2, 2] }).toArray()).toEqual([[1, 2], [3, 4]]);
  });

  it('honours requiresGrad', () => {
    const t = tensor([1, 2], { requiresGrad: true });
    expect(t.requiresGrad).toBe(true);
    expect(t.isLeaf).toBe(true);
    expect(tensor([1, 2]).requiresGrad).toBe(false);
  });

  it('refuses requiresGrad for integer and bool dtypes (as PyTorch)', () => {
    expect(() => tensor([1, 2], { dtype: 'int32', requiresGrad: true })).toThrow('requiresGrad_: only float32/float64 tensors can require gradients, got int32');
    expect(() => zeros([2], { dtype: 'uint8', requiresGrad: true })).toThrow(/got uint8/);
    expect(() => arange(3, undefined, 1, { requiresGrad: true })).toThrow(/got int32/);
    expect(arange(3, undefined, 1, { dtype: 'float64', requiresGrad: true }).requiresGrad).toBe(true);
  });
});

describe('new Tensor(storage, shape, dtype, strides?, offset?) validates its layout', () => {
  it('refuses a storage shorter than shape, strides and offset need (before: NaN sums, null elements)', () => {
    expect(() => new Tensor(new Float32Array([1, 2, 3]), [2, 2], 'float32')).toThrow(
      'Tensor: shape [2,2] and offset 0 read storage indices 0..3, but the storage has 3 element(s)',
    );
    expect(() => new Tensor(new Float32Array(4), [2, 2], 'float32', undefined, 1)).toThrow(/indices 1\.\.4, but the storage has 4/);
    expect(() => new Tensor(new Float32Array(6), [2, 3], 'float32', [3, 2])).toThrow(
      'Tensor: shape [2,3] with strides [3,2] and offset 0 read storage indices 0..7, but the storage has 6 element(s)',
    );
    // A negative stride reads below its offset (flip's views).
    expect(() => new Tensor(new Float32Array(3), [3], 'float32', [-1], 1)).toThrow(/indices -1\.\.1/);
  });

  it('refuses a storage of another type than the dtype, and malformed shapes, strides or offsets', () => {
    // Before: a Float32Array labelled int32 held 1.5.
    expect(() => new Tensor(new Float32Array([1.5, 2, 3, 4]), [2, 2], 'int32')).toThrow('Tensor: dtype int32 needs an Int32Array storage, got Float32Array');
    expect(() => new Tensor(new Int32Array(2), [2], 'float32')).toThrow('Tensor: dtype float32 needs a Float32Array storage, got Int32Array');
    expect(() => new Tensor(new Float64Array(2), [2], 'float32')).toThrow(/needs a Float32Array storage, got Float64Array/);
    expect(() => new Tensor(new Uint8Array(2), [2], 'int32')).toThrow(/got Uint8Array/);
    expect(() => new Tensor([1, 2] as never, [2], 'float32')).toThrow(/needs a Float32Array storage, got Array/);
    expect(() => new Tensor(new Float32Array(2), [2], 'float16' as never)).toThrow(/^Tensor: unknown dtype float16/);
    expect(() => new Tensor(new Float32Array(4), [2, -2], 'float32')).toThrow('Tensor: shape must be an array of non-negative integers, got [2,-2]');
    expect(() => new Tensor(new Float32Array(4), [1.5], 'float32')).toThrow(/shape must be an array of non-negative integers, got \[1\.5\]/);
    expect(() => new Tensor(new Float32Array(4), [2, 2], 'float32', [2])).toThrow('Tensor: strides must be 2 integer(s), one per dimension of shape [2,2], got [2]');
    expect(() => new Tensor(new Float32Array(4), [4], 'float32', undefined, -1)).toThrow('Tensor: offset must be a non-negative integer, got -1');
  });

  it('accepts every valid layout: longer storage, offsets, stride-0 and negative strides, bool in Uint8Array, empty tensors', () => {
    expect(new Tensor(new Float32Array([1, 2, 3, 4, 5]), [2, 2], 'float32').sum().item()).toBe(10);
    expect(new Tensor(new Float32Array([0, 1, 2, 3]), [3], 'float32', undefined, 1).toArray()).toEqual([1, 2, 3]);
    expect(new Tensor(new Float32Array([7]), [2, 3], 'float32', [0, 0]).toArray()).toEqual([[7, 7, 7], [7, 7, 7]]);
    expect(new Tensor(new Float32Array([1, 2, 3]), [3], 'float32', [-1], 2).toArray()).toEqual([3, 2, 1]);
    expect(new Tensor(new Uint8Array([1, 0]), [2], 'bool').toArray()).toEqual([true, false]);
    expect(new Tensor(new Float32Array(0), [0, 5], 'float32').shape).toEqual([0, 5]);
    expect(new Tensor(new Float64Array([4]), [], 'float64').item()).toBe(4);
  });
});

describe('constant creators', () => {
  it('zeros / ones / full', () => {
    expect(zeros([2, 2]).toArray()).toEqual([[0, 0], [0, 0]]);
    expect(ones([3], { dtype: 'int32' }).toArray()).toEqual([1, 1, 1]);
    expect(ones([3], { dtype: 'int32' }).dtype).toBe('int32');
    expect(full([2], 2.7, { dtype: 'int32' }).toArray()).toEqual([2, 2]);
    expect(full([1, 2], -1.5, { dtype: 'float64' }).toArray()).toEqual([[-1.5, -1.5]]);
    expect(full([2], 1, { dtype: 'bool' }).toArray()).toEqual([true, true]);
    expect(zeros([0, 3]).size).toBe(0);
    expect(zeros([]).shape).toEqual([]);
    expect(zeros([2], { requiresGrad: true }).requiresGrad).toBe(true);
  });

  it('zerosLike / onesLike / fullLike keep shape and dtype', () => {
    const t = tensor([[1, 2]], { dtype: 'float64' });
    expect(t.zerosLike().toArray()).toEqual([[0, 0]]);
    expect(t.onesLike().dtype).toBe('float64');
    expect(t.fullLike(3, 'int32').toArray()).toEqual([[3, 3]]);
  });

  it('arange', () => {
    const a = arange(5);
    expect(a.dtype).toBe('int32');
    expect(a.toArray()).toEqual([0, 1, 2, 3, 4]);
    expect(arange(1, 7, 2).toArray()).toEqual([1, 3, 5]);
    expect(arange(5, 0, -2).toArray()).toEqual([5, 3, 1]);
    expect(arange(3, 3).toArray()).toEqual([]);
    const f = arange(0, 1, 0.25);
    expect(f.dtype).toBe('float32');
    expect(f.toArray()).toEqual([0, 0.25, 0.5, 0.75]);
    // A fractional end also gives floats (as torch.arange): ceil(2.5) = 3 values.
    expect(arange(0, 2.5).dtype).toBe('float32');
    expect(arange(0, 2.5).toArray()).toEqual([0, 1, 2]);
    expect(arange(0, 3, 1, { dtype: 'float64' }).dtype).toBe('float64');
    // NaN made a tensor of shape [NaN]; Infinity a RangeError from the typed array.
    expect(() => arange(NaN)).toThrow('arange: start and end must be finite numbers, got 0 and NaN');
    expect(() => arange(0, Infinity)).toThrow('arange: start and end must be finite numbers, got 0 and Infinity');
    expect(() => arange(-Infinity, 0, 1)).toThrow(/arange: start and end must be finite/);
  });

  it('linspace includes both ends', () => {
    expect(linspace(0, 1, 5).toArray()).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(linspace(2, -2, 3).toArray()).toEqual([2, 0, -2]);
    expect(linspace(3, 9, 1).toArray()).toEqual([3]);
    expect(linspace(3, 9, 0).toArray()).toEqual([]);
  });

  it('eye', () => {
    expect(eye(3).toArray()).toEqual([[1, 0, 0], [0, 1, 0], [0, 0, 1]]);
    expect(eye(2, 3).toArray()).toEqual([[1, 0, 0], [0, 1, 0]]);
    expect(eye(3, 2, { dtype: 'int32' }).toArray()).toEqual([[1, 0], [0, 1], [0, 0]]);
  });
});

describe('random creators', () => {
  it('rand is uniform in [low, high) and reproducible from a seed', () => {
    const a = rand([2000], { generator: new Generator(3) });
    const b = rand([2000], { generator: new Generator(3) });
    expect(a.toArray()).toEqual(b.toArray());
    const v = Array.from(a.toTypedArray());
    expect(Math.min(...v)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...v)).toBeLessThan(1);
    const mean = v.reduce((s, x) => s + x, 0) / v.length;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.03);
    const r = rand([500], { generator: new Generator(1), low: -2, high: -1, dtype: 'float64' });
    expect(r.dtype).toBe('float64');
    const rv = Array.from(r.toTypedArray());
    expect(Math.min(...rv)).toBeGreaterThanOrEqual(-2);
    expect(Math.max(...rv)).toBeLessThan(-1);
  });

  it('rand never returns high, even for a draw within rounding of it', () => {
    /** A generator whose every draw is the largest uniform() can return, 1 − 2⁻⁵³. */
    class Topmost extends Generator {
      override uniform(): number { return 1 - 2 ** -53; }
    }
    const one = (opts: Parameters<typeof rand>[1]) => rand([1], { generator: new Topmost(0), ...opts }).toTypedArray()[0];
    expect(one({})).toBe(Math.fround(1 - 2 ** -24)); // the last float32 below 1, not 1
    expect(one({ low: -1, high: 0.1 })).toBe(0.10000000149011612 - 2 ** -27); // 0.1 rounds up in float32: one step below that
    expect(one({ low: -2, high: -1 })).toBe(Math.fround(-1 - 2 ** -23));
    expect(one({ low: -1, high: 0 })).toBe(-(2 ** -53)); // below 0 already
    expect(one({ low: -(2 ** -149), high: 0 })).toBe(-1.401298464324817e-45); // −0 would be high
    expect(one({ low: 1, high: 1 + 2 ** -52, dtype: 'float64' })).toBe(1);
    expect(one({ low: 0, high: 1, dtype: 'float64' })).toBe(1 - 2 ** -53);
  });

  it('randn has the requested mean and std', () => {
    const t = randn([4000], { generator: new Generator(7), mean: 3, std: 2, dtype: 'float64' });
    const v = Array.from(t.toTypedArray());
    const m = v.reduce((s, x) => s + x, 0) / v.length;
    const sd = Math.sqrt(v.reduce((s, x) => s + (x - m) ** 2, 0) / (v.length - 1));
    expect(Math.abs(m - 3)).toBeLessThan(0.1);
    expect(Math.abs(sd - 2)).toBeLessThan(0.1);
    expect(randn([2, 2], { requiresGrad: true }).requiresGrad).toBe(true);
  });

  it('randint stays in [low, high) and hits every value', () => {
    const t = randint(-2, 3, [400], { generator: new Generator(11) });
    expect(t.dtype).toBe('int32');
    expect(new Set(Array.from(t.toTypedArray()))).toEqual(new Set([-2, -1, 0, 1, 2]));
  });

  it('refuse dtypes that would silently truncate or wrap the draws', () => {
    // rand/randn into int32 gave mostly zeros (uniform) or truncated normals.
    expect(() => rand([3], { dtype: 'int32' })).toThrow('rand: dtype must be float32 or float64, got int32 (use randint for integers)');
    expect(() => randn([3], { dtype: 'bool' })).toThrow('randn: dtype must be float32 or float64, got bool');
    expect(() => randn([3], { dtype: 'float16' as never })).toThrow("randn: unknown dtype 'float16'");
    // randint(0, 2^32) stored draws past 2^31 as negative int32s.
    expect(() => randint(0, 2 ** 32, [3])).toThrow('randint: range [0, 4294967296) does not fit dtype int32');
    expect(() => randint(-1, 3, [3], { dtype: 'uint8' })).toThrow('randint: range [-1, 3) does not fit dtype uint8');
    expect(randint(0, 256, [3], { dtype: 'uint8', generator: new Generator(1) }).dtype).toBe('uint8');
    expect(randint(-(2 ** 31), 2 ** 31, [3], { generator: new Generator(1) }).dtype).toBe('int32');
  });

  it('randint refuses requiresGrad on integer dtypes instead of dropping it, as tensor() does', () => {
    const g = new Generator(5);
    expect(() => randint(0, 4, [3], { generator: g, requiresGrad: true })).toThrow('randint: only float32/float64 tensors can require gradients, got int32');
    expect(() => randint(0, 4, [3], { dtype: 'uint8', requiresGrad: true })).toThrow('randint: only float32/float64 tensors can require gradients, got uint8');
    expect(g.nextUint32()).toBe(new Generator(5).nextUint32()); // refused before drawing
    const f = randint(0, 4, [3], { dtype: 'float32', requiresGrad: true });
    expect(f.requiresGrad).toBe(true);
    expect(f.isLeaf).toBe(true);
  });
});

describe('dtype conversion and promotion', () => {
  it('to / float / double / int', () => {
    const t = tensor([1.9, -1.9, 0]);
    expect(t.int().toArray()).toEqual([1, -1, 0]);
    expect(t.double().dtype).toBe('float64');
    expect(t.int().float().toArray()).toEqual([1, -1, 0]);
    expect(t.to('bool').toArray()).toEqual([true, true, false]);
    expect(tensor([true, false]).to('float32').toArray()).toEqual([1, 0]);
    expect(t.to('float32')).toBe(t);
  });

  it('cast by hand: truncation toward zero, float32 rounding, bool', () => {
    expect(cast(tensor([1.9, -1.9, 0.5]), 'int32').toArray()).toEqual([1, -1, 0]);
    expect(cast(tensor([0.1, 1 / 3], { dtype: 'float64' }), 'float32').toArray()).toEqual([Math.fround(0.1), Math.fround(1 / 3)]);
    expect(cast(tensor([[0, 2], [-1, 0]]).T, 'bool').toArray()).toEqual([[false, true], [true, false]]);
  });

  it('cast is differentiable between float dtypes (float64 gradcheck) and cuts the graph into integers', () => {
    // Dyadic inputs and a dyadic eps (1/16) survive the float32 step exactly, so the central
    // differences through float64 → float32 → float64 are exact.
    expectGrad((x) => cast(cast(x, 'float32'), 'float64').square(), [f64([0.5, -1.25, 2])], { eps: 0.0625 });
    expectGrad((x) => x.T.float().to('float64').mul(x.T), [f64([[0.5, -1.25], [2, 0.75]])], { eps: 0.0625 });
    const a = tensor([1, 2], { requiresGrad: true }); // float32 leaf
    a.double().mul(tensor([0.1, 3], { dtype: 'float64' })).sum().backward();
    expect(a.grad!.dtype).toBe('float32');
    expect(a.grad!.toArray()).toEqual([Math.fround(0.1), 3]);
    expect(cast(a, 'int32').requiresGrad).toBe(false);
    expect(cast(a, 'float32')).toBe(a);
  });

  it('promotes types in arithmetic', () => {
    expect(promoteTypes('int32', 'float32')).toBe('float32');
    expect(promoteTypes('float32', 'float64')).toBe('float64');
    expect(promoteTypes('bool', 'uint8')).toBe('uint8');
    const i = tensor([1, 2], { dtype: 'int32' });
    expect(i.add(tensor([0.5, 0.5])).dtype).toBe('float32');
    expect(i.mul(2).dtype).toBe('int32');
    expect(i.add(0.5).toArray()).toEqual([1.5, 2.5]);
    expect(i.div(2).toArray()).toEqual([0.5, 1]);
    expect(tensor([1], { dtype: 'float32' }).add(tensor([1], { dtype: 'float64' })).dtype).toBe('float64');
    // Two bools: a logical or, as PyTorch (this read 2 when bool arithmetic went through uint8); with a number, a count.
    expect(tensor([true]).add(tensor([true])).toArray()).toEqual([true]);
    expect(tensor([true]).add(1).toArray()).toEqual([2]);
  });
});

describe('toArray / item', () => {
  it('item needs exactly one element', () => {
    expect(tensor([[4]]).item()).toBe(4);
    expect(() => tensor([1, 2]).item()).toThrow(/item: tensor has 2 elements/);
  });

  it('toArray reads views in logical order', () => {
    const t = tensor([[1, 2, 3], [4, 5, 6]]);
    expect(t.T.toArray()).toEqual([[1, 4], [2, 5], [3, 6]]);
    expect(t.select(1, 2).toArray()).toEqual([3, 6]);
    expect(t.select(0, 1).select(0, 2).item()).toBe(6);
    expectClose(t.slice(1, 1), [[2, 3], [5, 6]]);
  });

  it('Tensor instances are recognisable', () => {
    expect(tensor([1])).toBeInstanceOf(Tensor);
  });
});

describe('random factories refuse what torch refuses', () => {
  it('rand with low > high, randn with a negative std, bernoulli outside [0, 1]', () => {
    expect(() => rand([2], { low: 1, high: 0 })).toThrow('rand: need finite low ≤ high, got low 1 and high 0');
    expect(() => randn([2], { std: -1 })).toThrow('randn: need a finite mean and a finite std ≥ 0, got mean 0 and std -1');
    expect(() => new Generator(1).bernoulli(2)).toThrow('Generator.bernoulli: p must be a probability in [0, 1], got 2');
    expect(() => new Generator(1).bernoulli(NaN)).toThrow(/got NaN/);
    // The edges are fine: an empty range gives its one value, std 0 the mean.
    expect(Array.from(rand([2], { low: 3, high: 3 }).storage)).toEqual([3, 3]);
    expect(Array.from(randn([2], { mean: 5, std: 0 }).storage)).toEqual([5, 5]);
  });
});

describe('a tensor too large to allocate', () => {
  it('is refused with its dtype, element count and size (the engine said only "Invalid typed array length")', () => {
    expect(() => zeros([1e6, 1e6])).toThrow(/^cannot allocate a float32 tensor of 1,000,000,000,000 elements \(3\.6 TiB\): Invalid typed array length/);
    expect(() => zeros([1e6, 1e6], { dtype: 'int32' })).toThrow(/^cannot allocate an int32 tensor of 1,000,000,000,000 elements/);
    expect(() => randn([1e5, 1e5])).toThrow(RangeError);
  });
});
