import { describe, expect, it } from 'vitest';
import { arange, chunk, concat, flip, pad, repeat, roll, split, stack, tensor, zeros } from '@tensorkit/core';
import { expectClose, expectGrad, f64, rnd } from './helpers.js';

const A = () => tensor([[1, 2], [3, 4]]);

describe('concat / stack', () => {
  it('concat along each dim', () => {
    expectClose(concat([A(), tensor([[5, 6]])]), [[1, 2], [3, 4], [5, 6]]);
    expectClose(concat([A(), tensor([[5], [6]])], 1), [[1, 2, 5], [3, 4, 6]]);
    expectClose(concat([tensor([[5], [6]]), A(), A()], -1), [[5, 1, 2, 1, 2], [6, 3, 4, 3, 4]]);
  });

  it('concat of views and mixed dtypes', () => {
    expectClose(concat([A().T, flip(A(), 0)]), [[1, 3], [2, 4], [3, 4], [1, 2]]);
    const c = concat([tensor([1], { dtype: 'int32' }), tensor([0.5])]);
    expect(c.dtype).toBe('float32');
    expect(c.toArray()).toEqual([1, 0.5]);
  });

  it('stack adds a dimension', () => {
    const a = tensor([1, 2]);
    const b = tensor([3, 4]);
    expectClose(stack([a, b]), [[1, 2], [3, 4]]);
    expectClose(stack([a, b], 1), [[1, 3], [2, 4]]);
    expectClose(stack([a, b], -1), [[1, 3], [2, 4]]);
    expect(stack([A(), A(), A()], 1).shape).toEqual([2, 3, 2]);
  });

  it('errors', () => {
    expect(() => concat([A(), tensor([[1, 2, 3]])])).toThrow('concat: tensor 1 has shape [1,3], incompatible with [2,2] along dim 0');
    expect(() => concat([])).toThrow(/concat: need a non-empty array/);
    expect(() => stack([tensor([1, 2]), tensor([1, 2, 3])])).toThrow('stack: tensor 1 has shape [3] but tensor 0 has [2]');
  });
});

describe('split / chunk', () => {
  it('split by size and by sizes returns views', () => {
    const x = arange(0, 5, 1, { dtype: 'float32' });
    const parts = split(x, 2);
    expect(parts.map((p) => p.toArray())).toEqual([[0, 1], [2, 3], [4]]);
    for (const p of parts) expect(p.storage).toBe(x.storage);
    expect(split(x, [1, 4]).map((p) => p.toArray())).toEqual([[0], [1, 2, 3, 4]]);
    const m = arange(0, 6, 1, { dtype: 'float32' }).reshape(2, 3);
    expect(split(m, [2, 1], 1).map((p) => p.toArray())).toEqual([[[0, 1], [3, 4]], [[2], [5]]]);
    expect(() => split(x, [2, 2])).toThrow('split: sizes [2,2] must be non-negative integers summing to 5 (dimension 0)');
  });

  it('chunk as torch.chunk', () => {
    expect(chunk(arange(6), 4).map((p) => p.toArray())).toEqual([[0, 1], [2, 3], [4, 5]]);
    expect(chunk(arange(5), 2).map((p) => p.toArray())).toEqual([[0, 1, 2], [3, 4]]);
    expect(chunk(A().T, 2, 1).map((p) => p.toArray())).toEqual([[[1], [2]], [[3], [4]]]);
  });

  it('an empty dimension gives one empty piece from split and `chunks` from chunk (as in PyTorch)', () => {
    const e = zeros([0, 2]);
    expect(split(e, 2).map((p) => p.shape)).toEqual([[0, 2]]);
    expect(chunk(e, 3).map((p) => p.shape)).toEqual([[0, 2], [0, 2], [0, 2]]);
    expect(chunk(zeros([2, 0]), 2, 1).map((p) => p.shape)).toEqual([[2, 0], [2, 0]]);
    expect(split(e, [0, 0]).length).toBe(2);
  });
});

describe('pad', () => {
  it('pads from the last dimension backwards', () => {
    expectClose(pad(A(), [1, 0]), [[0, 1, 2], [0, 3, 4]]);
    // last dim: (0 before, 1 after); first dim: (1 before, 0 after); fill -1
    expectClose(pad(A(), [0, 1, 1, 0], -1), [[-1, -1, -1], [1, 2, -1], [3, 4, -1]]);
    expectClose(pad(A().T, [1, 1]), [[0, 1, 3, 0], [0, 2, 4, 0]]);
    expect(pad(tensor([1], { dtype: 'int32' }), [2, 0], 7).toArray()).toEqual([7, 7, 1]);
  });

  it('rejects bad pads', () => {
    expect(() => pad(A(), [1])).toThrow(/pad: pads \[1\] must hold \(before, after\) pairs/);
    expect(() => pad(A(), [-1, 0])).toThrow(/non-negative/);
  });
});

describe('flip', () => {
  it('is a view with negative strides', () => {
    const x = tensor([[1, 2, 3], [4, 5, 6]]);
    const f = flip(x, 1);
    expect(f.storage).toBe(x.storage);
    expect(f.strides).toEqual([3, -1]);
    expect(f.isContiguous()).toBe(false);
    expect(f.toArray()).toEqual([[3, 2, 1], [6, 5, 4]]);
    expect(flip(x, [0, 1]).toArray()).toEqual([[6, 5, 4], [3, 2, 1]]);
    expect(flip(x, -2).toArray()).toEqual([[4, 5, 6], [1, 2, 3]]);
    expect(flip(flip(x, 1), 1).toArray()).toEqual(x.toArray());
    expect(f.contiguous().toArray()).toEqual([[3, 2, 1], [6, 5, 4]]);
    expect(f.reshape(6).toArray()).toEqual([3, 2, 1, 6, 5, 4]);
    expect(flip(x.select(0, 0), 0).reshape(3, 1).toArray()).toEqual([[3], [2], [1]]);
  });
});

describe('combine gradients (float64 gradcheck)', () => {
  it('concat / stack', () => {
    expectGrad((a, b) => concat([a, b.T], 0).square(), [rnd([2, 3], 1), rnd([3, 1], 2)]);
    expectGrad((a, b) => stack([a, b], 1).sin(), [rnd([2, 2], 3), rnd([2, 2], 4)]);
    const fixed = rnd([1, 3], 5).detach();
    expectGrad((a) => concat([fixed, a]).mul(concat([a, fixed])), [rnd([1, 3], 6)]);
  });

  it('split / chunk outputs', () => {
    expectGrad((x) => split(x, [1, 2], 1).map((p, i) => p.mul(i + 1)), [rnd([2, 3], 7)]);
    expectGrad((x) => chunk(x, 2).map((p) => p.square()), [rnd([3, 2], 8)]);
  });

  it('pad / flip', () => {
    expectGrad((x) => pad(x, [1, 2, 0, 1], 0.5).square(), [rnd([2, 2], 9)]);
    expectGrad((x) => flip(x, [0, 1]).mul(x), [rnd([2, 3], 10)]);
    expectGrad((x) => flip(x.T, 0).exp(), [rnd([2, 3], 11)]);
  });
});

describe('combine gradients: edges', () => {
  it('concat promotes a float32 constant and the float64 gradient flows back through the cast', () => {
    const c = tensor([[1, 2]]);
    expectGrad((a) => concat([a, c], 0).mul(concat([c, a], 0)), [rnd([1, 2], 12)]);
  });

  it('stack with a negative dim of transposed inputs; uneven chunks; 3-D pad of a transposed view', () => {
    expectGrad((a, b) => stack([a, b.T], -1).square(), [rnd([2, 3], 13), rnd([3, 2], 14)]);
    expectGrad((x) => chunk(x, 3, 1).map((p, i) => p.mul(i + 1)), [rnd([2, 5], 15)]); // pieces of 2, 2, 1
    expectGrad((x) => pad(x.transpose(0, 2), [1, 0, 2, 1, 0, 1], -1).square(), [rnd([2, 2, 3], 16)]);
    expectGrad((x) => flip(x.slice(1, 0, 4, 2), [0, 1]).exp(), [rnd([2, 4], 17)]);
  });
});

describe('repeat', () => {
  it('tiles along each dim, adding leading dims (torch.Tensor.repeat)', () => {
    expectClose(repeat(A(), [1, 2]), [[1, 2, 1, 2], [3, 4, 3, 4]]);
    expectClose(repeat(A(), [2, 1]), [[1, 2], [3, 4], [1, 2], [3, 4]]);
    expectClose(A().repeat(2, 1, 2), [[[1, 2, 1, 2], [3, 4, 3, 4]], [[1, 2, 1, 2], [3, 4, 3, 4]]]);
    expectClose(tensor([1, 2, 3]).repeat([2]), [1, 2, 3, 1, 2, 3]);
    expectClose(tensor([1, 2]).repeat(2, 2), [[1, 2, 1, 2], [1, 2, 1, 2]]);
    expectClose(tensor(7).repeat(3), [7, 7, 7]);
  });

  it('transposed and strided inputs; zero repeats; always a new tensor', () => {
    expectClose(repeat(A().T, [1, 2]), [[1, 3, 1, 3], [2, 4, 2, 4]]);
    expectClose(repeat(arange(0, 6).slice(0, 0, 6, 2), [2]), [0, 2, 4, 0, 2, 4]);
    expect(repeat(A(), [0, 2]).shape).toEqual([0, 4]);
    expect(repeat(zeros([0, 2]), [3, 1]).shape).toEqual([0, 2]);
    const a = A();
    const r = repeat(a, [1, 1]);
    expect(r.storage).not.toBe(a.storage);
    expect(r.toArray()).toEqual([[1, 2], [3, 4]]);
  });

  it('errors name the op and the arguments', () => {
    expect(() => repeat(A(), [2])).toThrow('repeat: got 1 repeats [2] for a tensor of shape [2,2]; need at least one per dimension (2)');
    expect(() => repeat(A(), [1, -1])).toThrow('repeat: repeats [1,-1] must be non-negative integers');
    expect(() => repeat(A(), [1, 1.5])).toThrow('repeat: repeats [1,1.5] must be non-negative integers');
  });
});

describe('roll', () => {
  it('along dims, negative shifts and dims, several dims, flattened', () => {
    const x = tensor([[1, 2, 3], [4, 5, 6]]);
    expectClose(roll(x, 1, 1), [[3, 1, 2], [6, 4, 5]]);
    expectClose(roll(x, -1, -1), [[2, 3, 1], [5, 6, 4]]);
    expectClose(roll(x, 4, 1), [[3, 1, 2], [6, 4, 5]]);
    expectClose(roll(x, 1, 0), [[4, 5, 6], [1, 2, 3]]);
    expectClose(x.roll([1, 2], [0, 1]), [[5, 6, 4], [2, 3, 1]]);
    expectClose(roll(x, 2), [[5, 6, 1], [2, 3, 4]]);
    expectClose(roll(x, -7), [[2, 3, 4], [5, 6, 1]]);
  });

  it('transposed and strided inputs; zero shift and empty dims give a copy', () => {
    const x = tensor([[1, 2, 3], [4, 5, 6]]);
    expectClose(roll(x.T, 1, 0), [[3, 6], [1, 4], [2, 5]]);
    expectClose(roll(x.slice(1, 0, 3, 2), 1, 1), [[3, 1], [6, 4]]);
    expectClose(roll(x.T, 1), [[6, 1], [4, 2], [5, 3]]);
    const r = roll(x, 3, 1);
    expect(r.storage).not.toBe(x.storage);
    expect(r.toArray()).toEqual([[1, 2, 3], [4, 5, 6]]);
    expect(roll(zeros([2, 0]), 1, 1).shape).toEqual([2, 0]);
  });

  it('errors name the op and the arguments', () => {
    const x = tensor([[1, 2], [3, 4]]);
    expect(() => roll(x, [1, 2], [0])).toThrow('roll: shifts [1,2] and dims [0] must have the same length');
    expect(() => roll(x, [1, 2])).toThrow('roll: without dims, shifts must be a single number, got [1,2]');
    expect(() => roll(x, 1, 2)).toThrow('roll: axis 2 is out of range for a tensor of rank 2');
    expect(() => roll(x, 0.5, 0)).toThrow('roll: shifts [0.5] must be integers');
  });
});

describe('repeat / roll gradients', () => {
  it('repeat sums the copies (by hand)', () => {
    const x = f64([1, 2]);
    repeat(x, [3]).mul(tensor([1, 10, 100, 1000, 1e4, 1e5], { dtype: 'float64' })).sum().backward();
    expect(x.grad!.toArray()).toEqual([1 + 100 + 1e4, 10 + 1000 + 1e5]);
  });

  it('float64 gradcheck', () => {
    expectGrad((x) => repeat(x, [2, 3]), [rnd([2, 2], 20)]);
    expectGrad((x) => x.T.repeat(2, 1, 2).square(), [rnd([2, 3], 21)]);
    expectGrad((x) => repeat(x, [0, 1]), [rnd([2, 3], 22)]);
    expectGrad((x) => roll(x, 1, 1), [rnd([2, 3], 23)]);
    expectGrad((x) => roll(x.T, [-1, 2], [0, 1]).exp(), [rnd([3, 4], 24)]);
    expectGrad((x) => roll(x, 5), [rnd([2, 3], 25)]);
  });
});
