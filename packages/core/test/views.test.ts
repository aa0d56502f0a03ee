import { describe, expect, it } from 'vitest';
import {
  arange, assignInto, concat, contiguous, expand, flatten, noGrad, pad, permute, reshape, select, slice, squeeze, Tensor, tensor, transpose, unsqueeze, view, zeros,
} from '@tensorkit/core';
import { expectClose, expectGrad, rnd } from './helpers.js';

const grid = () => arange(0, 12, 1, { dtype: 'float32' }).reshape(3, 4); // [[0,1,2,3],[4,5,6,7],[8,9,10,11]]

describe('views alias storage', () => {
  it('reshape / view / flatten of a contiguous tensor share storage', () => {
    const t = grid();
    const r = t.reshape(2, 6);
    const v = t.view([4, 3]);
    const f = t.flatten();
    for (const x of [r, v, f]) expect(x.storage).toBe(t.storage);
    expect(r.toArray()).toEqual([[0, 1, 2, 3, 4, 5], [6, 7, 8, 9, 10, 11]]);
    expect(t.reshape(-1, 2).shape).toEqual([6, 2]);
    t.storage[5] = 50;
    expect(r.toArray()).toEqual([[0, 1, 2, 3, 4, 50], [6, 7, 8, 9, 10, 11]]);
    expect(v.toArray()).toEqual([[0, 1, 2], [3, 4, 50], [6, 7, 8], [9, 10, 11]]);
    expect((f.toArray() as number[])[5]).toBe(50);
  });

  it('permute / transpose / T change strides, not data', () => {
    const t = grid();
    const p = t.T;
    expect(p.storage).toBe(t.storage);
    expect(p.shape).toEqual([4, 3]);
    expect(p.strides).toEqual([1, 4]);
    expect(p.isContiguous()).toBe(false);
    expect(p.toArray()).toEqual([[0, 4, 8], [1, 5, 9], [2, 6, 10], [3, 7, 11]]);
    const x = arange(0, 24, 1, { dtype: 'float32' }).reshape(2, 3, 4);
    const q = permute(x, [2, 0, 1]);
    expect(q.shape).toEqual([4, 2, 3]);
    expect(q.strides).toEqual([1, 12, 4]);
    // q[i][j][k] = x[j][k][i] = 12j + 4k + i; q[3][1][2] = 12 + 8 + 3 = 23.
    expect(q.select(0, 3).select(0, 1).select(0, 2).item()).toBe(23);
    expect(transpose(x, 0, 2).shape).toEqual([4, 3, 2]);
    expect(x.transpose(0, -1).select(0, 1).toArray()).toEqual([[1, 13], [5, 17], [9, 21]]);
  });

  it('narrow counts a negative start from the end and refuses a range past the end, as torch.narrow', () => {
    const t = grid();
    expect(t.narrow(0, -1, 1).toArray()).toEqual([[8, 9, 10, 11]]);
    expect(t.narrow(1, -3, 2).toArray()).toEqual([[1, 2], [5, 6], [9, 10]]);
    expect(t.narrow(0, 3, 0).shape).toEqual([0, 4]);
    expect(() => t.narrow(0, 2, 2)).toThrow('narrow: length 2 from start 2 must be a non-negative integer within dimension 0 of size 3');
    expect(() => t.narrow(1, 0, -1)).toThrow(/narrow: length -1/);
    expect(() => t.narrow(0, 4, 0)).toThrow('narrow: start 4 is out of range for dimension 0 of size 3');
  });

  it('slice / narrow / select with steps and negative indices', () => {
    const t = grid();
    const s = t.slice(1, 1, 4, 2); // columns 1 and 3
    expect(s.storage).toBe(t.storage);
    expect(s.offset).toBe(1);
    expect(s.strides).toEqual([4, 2]);
    expect(s.toArray()).toEqual([[1, 3], [5, 7], [9, 11]]);
    expect(t.slice(0, -2).toArray()).toEqual([[4, 5, 6, 7], [8, 9, 10, 11]]);
    expect(t.slice(1, -3, -1).toArray()).toEqual([[1, 2], [5, 6], [9, 10]]);
    expect(t.slice(1, 10, 20).shape).toEqual([3, 0]);
    expect(t.narrow(0, 1, 2).toArray()).toEqual([[4, 5, 6, 7], [8, 9, 10, 11]]);
    expect(select(t, 1, -1).toArray()).toEqual([3, 7, 11]);
    expect(t.select(0, 2).offset).toBe(8);
    // Slice of a transposed view: columns of t become rows.
    expect(slice(t.T, 0, 1, 3).toArray()).toEqual([[1, 5, 9], [2, 6, 10]]);
  });

  it('writes through a view reach the base tensor', () => {
    const t = grid();
    assignInto(t.slice(1, 0, 4, 3), tensor([[-1, -2], [-3, -4], [-5, -6]]));
    expect(t.toArray()).toEqual([[-1, 1, 2, -2], [-3, 5, 6, -4], [-5, 9, 10, -6]]);
  });

  it('assignInto reads an overlapping source as it was before the write (NumPy)', () => {
    // x[1:] = x[:-1]: before the fix the write clobbered its own source, giving [0,0,0,0,0].
    const x = arange(5).float();
    assignInto(x.slice(0, 1), x.slice(0, 0, 4));
    expect(x.toArray()).toEqual([0, 0, 1, 2, 3]);
    const y = arange(5).float();
    assignInto(y.slice(0, 0, 4), y.slice(0, 1));
    expect(y.toArray()).toEqual([1, 2, 3, 4, 4]);
    // Transpose in place through an aliasing view, and a source that is a separate array over the same memory.
    const m = tensor([[1, 2], [3, 4]]);
    assignInto(m, m.T);
    expect(m.toArray()).toEqual([[1, 3], [2, 4]]);
    const z = arange(4).float();
    const alias = new Tensor(z.storage.subarray(0, 3), [3], 'float32');
    assignInto(z.slice(0, 1), alias);
    expect(z.toArray()).toEqual([0, 0, 1, 2]);
  });

  it('assignInto broadcasts a smaller source (PyTorch copy_) and names itself in errors', () => {
    const t = grid();
    assignInto(t.slice(0, 0, 2), tensor([7, 8, 9, 10]));
    expect(t.toArray()).toEqual([[7, 8, 9, 10], [7, 8, 9, 10], [8, 9, 10, 11]]);
    assignInto(t.slice(1, 1, 3), tensor([[-1], [-2], [-3]]));
    expect(t.toArray()).toEqual([[7, -1, -1, 10], [7, -2, -2, 10], [8, -3, -3, 11]]);
    assignInto(t.select(0, 2), tensor(0));
    expect(t.select(0, 2).toArray()).toEqual([0, 0, 0, 0]);
    // A row of the tensor itself, broadcast over all rows.
    const u = grid();
    assignInto(u, u.select(0, 1));
    expect(u.toArray()).toEqual([[4, 5, 6, 7], [4, 5, 6, 7], [4, 5, 6, 7]]);
    expect(() => assignInto(grid(), tensor([1, 2, 3]))).toThrow('assignInto: source of shape [3] cannot be broadcast to the destination shape [3,4]');
    expect(() => assignInto(grid().slice(0, 0, 1), grid())).toThrow('assignInto: source of shape [3,4] cannot be broadcast to the destination shape [1,4]');
    expect(() => assignInto(tensor([1]).expand(3), tensor([1, 2, 3]))).toThrow(/^assignInto: the destination \(shape \[3\], strides \[0\]\) has elements sharing memory/);
  });

  it('assignInto into a tensor that requires grad is refused outside noGrad (the write would be missing from every gradient)', () => {
    const w = tensor([1, 2], { requiresGrad: true });
    expect(() => assignInto(w, tensor([3, 4]))).toThrow('assignInto: the destination (shape [2]) requires grad, and an in-place write is not differentiable here; update parameters inside noGrad');
    expect(() => assignInto(w.mul(2).slice(0, 0, 1), tensor([0]))).toThrow('assignInto: the destination (shape [1]) requires grad');
    noGrad(() => assignInto(w, tensor([3, 4])));
    expect(w.toArray()).toEqual([3, 4]);
  });

  it('assignInto from a source that requires grad is refused outside noGrad (its gradient would silently be 0)', () => {
    // Before: out held h's values, but out.sum().backward() left h.grad null, so h's parameters never learned.
    const h = tensor([1, 2], { requiresGrad: true });
    const out = zeros([2, 2]);
    expect(() => assignInto(out.select(0, 1), h.mul(2))).toThrow('assignInto: the source (shape [2]) requires grad, and an in-place write is not differentiable here, so its gradient would be lost');
    assignInto(out.select(0, 1), h.detach());
    noGrad(() => assignInto(out.select(0, 0), h));
    expect(out.toArray()).toEqual([[1, 2], [1, 2]]);
    // concat and pad, which build their output with it, still record their gradients.
    const y = concat([h, h.mul(3)]).add(pad(h, [1, 0]).sum());
    y.sum().backward();
    expect(h.grad!.toArray()).toEqual([4 + 4, 4 + 4]);
  });

  it('assignInto converts the source to the destination dtype as to() does (raw values were copied: 0.5 into bool stored 0)', () => {
    const b = tensor([false, false, false]);
    assignInto(b, tensor([2, 0.5, 0]));
    expect(Array.from(b.storage)).toEqual([1, 1, 0]);
    expect(b.sum().item()).toBe(2);
    const i = tensor([0, 0], { dtype: 'int32' });
    assignInto(i, tensor([1.7, -2.5]));
    expect(i.toArray()).toEqual([1, -2]);
  });

  it('expand broadcasts with stride 0', () => {
    const c = tensor([[1], [2]]);
    const e = c.expand(2, 3);
    expect(e.storage).toBe(c.storage);
    expect(e.strides).toEqual([1, 0]);
    expect(e.toArray()).toEqual([[1, 1, 1], [2, 2, 2]]);
    expect(expand(tensor([1, 2]), [2, -1]).toArray()).toEqual([[1, 2], [1, 2]]);
    c.storage[1] = 9;
    expect(e.toArray()).toEqual([[1, 1, 1], [9, 9, 9]]);
    expect(tensor([5]).broadcastTo([2, 2]).toArray()).toEqual([[5, 5], [5, 5]]);
  });

  it('squeeze / unsqueeze', () => {
    const t = tensor([[[1, 2, 3]]]); // [1,1,3]
    expect(t.squeeze().shape).toEqual([3]);
    expect(t.squeeze(0).shape).toEqual([1, 3]);
    expect(squeeze(t, [0, 1]).shape).toEqual([3]);
    expect(t.squeeze(2).shape).toEqual([1, 1, 3]); // size 3: no-op
    const u = unsqueeze(tensor([1, 2]), 1);
    expect(u.shape).toEqual([2, 1]);
    expect(u.toArray()).toEqual([[1], [2]]);
    expect(tensor([1, 2]).unsqueeze(-1).shape).toEqual([2, 1]);
    const base = tensor([1, 2]);
    expect(base.unsqueeze(0).storage).toBe(base.storage);
    expect(base.unsqueeze(0).squeeze(0).storage).toBe(base.storage);
  });

  it('contiguous copies only when needed; clone always copies; detach aliases', () => {
    const t = grid();
    expect(t.contiguous()).toBe(t);
    const c = t.T.contiguous();
    expect(c.storage).not.toBe(t.storage);
    expect(c.isContiguous()).toBe(true);
    expect(c.toArray()).toEqual(t.T.toArray());
    const k = t.clone();
    expect(k.storage).not.toBe(t.storage);
    k.storage[0] = 100;
    expect(t.storage[0]).toBe(0);
    const d = t.detach();
    expect(d.storage).toBe(t.storage);
    expect(contiguous(t.slice(1, 0, 2)).toArray()).toEqual([[0, 1], [4, 5], [8, 9]]);
  });

  it('reshape of a non-contiguous view copies only when it must', () => {
    const t = grid();
    const tt = t.T; // strides [1,4]
    const r = tt.reshape(12);
    expect(r.storage).not.toBe(t.storage);
    expect(r.toArray()).toEqual([0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11]);
    expect(() => tt.view(12)).toThrow(/view: tensor of shape \[4,3\] with strides \[1,4\] cannot be viewed as \[12\]/);
    // Row-slicing keeps rows contiguous, so merging the last two dims of a 3-D slice is still a view.
    const x = arange(0, 24, 1, { dtype: 'float32' }).reshape(2, 3, 4).slice(2, 0, 2); // [2,3,2], strides [12,4,1]
    const m = view(x, [2, 3, 2]).reshape(6, 2);
    expect(m.storage).toBe(x.storage);
    expect(m.strides).toEqual([4, 1]);
    expect(m.toArray()).toEqual([[0, 1], [4, 5], [8, 9], [12, 13], [16, 17], [20, 21]]);
    // Splitting a strided dim is a view too.
    const s = arange(0, 12, 1, { dtype: 'float32' }).slice(0, 0, 12, 2); // [0,2,...,10], stride 2
    const sv = reshape(s, [2, 3]);
    expect(sv.storage).toBe(s.storage);
    expect(sv.strides).toEqual([6, 2]);
    expect(sv.toArray()).toEqual([[0, 2, 4], [6, 8, 10]]);
    expect(flatten(tensor([[[1, 2]], [[3, 4]]]), 1).shape).toEqual([2, 2]);
    expect(flatten(tensor(3)).shape).toEqual([1]);
  });
});

describe('view gradients (float64 gradcheck)', () => {
  it('reshape / view / flatten', () => {
    expectGrad((x) => x.reshape(3, 2).mul(x.reshape(3, 2)), [rnd([2, 3], 1)]);
    expectGrad((x) => flatten(x.T, 0).square(), [rnd([2, 3], 2)]);
    expectGrad((x) => x.T.reshape(6).square(), [rnd([2, 3], 3)]); // copying reshape
    expectGrad((x) => x.view([6]).square(), [rnd([2, 3], 4)]);
  });

  it('permute / transpose', () => {
    expectGrad((x) => permute(x, [2, 0, 1]).square().mul(tensor([[[1]], [[2]], [[3]]], { dtype: 'float64' })), [rnd([2, 2, 3], 5)]);
    expectGrad((x) => x.transpose(0, 1).matmul(x), [rnd([3, 2], 6)]);
  });

  it('slice (with step) / narrow / select', () => {
    expectGrad((x) => x.slice(1, 0, 4, 2).square(), [rnd([2, 4], 7)]);
    expectGrad((x) => x.narrow(0, 1, 2).sin(), [rnd([3, 2], 8)]);
    expectGrad((x) => [x.select(0, 1).square(), x.select(1, -1).exp()], [rnd([3, 2], 9)]);
  });

  it('expand / squeeze / unsqueeze / contiguous / clone', () => {
    expectGrad((x) => x.expand(3, 2, 2).square().mul(arange(0, 12, 1, { dtype: 'float64' }).reshape(3, 2, 2)), [rnd([2, 1], 10)]);
    expectGrad((x) => x.unsqueeze(0).squeeze(0).unsqueeze(2).square(), [rnd([2, 3], 11)]);
    expectGrad((x) => x.T.contiguous().square(), [rnd([2, 3], 12)]);
    expectGrad((x) => x.clone().mul(x), [rnd([2, 3], 13)]);
  });

  it('non-contiguous inputs to gradcheck', () => {
    const base = rnd([3, 4], 14);
    expectGrad((x) => x.square(), [base.detach().T.requiresGrad_()]);
  });

  it('values of a view-op gradient are exact', () => {
    const x = tensor([[1, 2, 3], [4, 5, 6]], { requiresGrad: true });
    x.slice(1, 0, 3, 2).sum().backward();
    expect(x.grad!.toArray()).toEqual([[1, 0, 1], [1, 0, 1]]);
    const y = tensor([[1], [2]], { requiresGrad: true });
    y.expand(2, 3).sum().backward();
    expectClose(y.grad!, [[3], [3]]);
  });
});

describe('view gradients: broadcastTo, partial flatten, strided views', () => {
  it('broadcastTo sums the gradient back over the broadcast axes', () => {
    const w = arange(0, 12, 1, { dtype: 'float64' }).reshape(2, 2, 3);
    expectGrad((x) => x.broadcastTo([2, 2, 3]).mul(w), [rnd([2, 1], 15)]);
    const x = tensor([[1], [2]], { dtype: 'float64', requiresGrad: true });
    x.broadcastTo([2, 2, 3]).mul(w).sum().backward();
    // x[i] meets w[b][i][k] for every b, k: row 0 → (0+1+2) + (6+7+8) = 24, row 1 → (3+4+5) + (9+10+11) = 42
    expect(x.grad!.toArray()).toEqual([[24], [42]]);
  });

  it('flatten of middle dims, squeeze of a dim list, select with a negative index', () => {
    expectGrad((x) => flatten(x, 1, 2).square(), [rnd([2, 2, 3], 16)]);
    expectGrad((x) => squeeze(x.unsqueeze(0).unsqueeze(2), [0, 2]).exp(), [rnd([2, 3], 17)]);
    expectGrad((x) => select(x.T, 0, -1).square(), [rnd([2, 3], 18)]);
  });

  it('view and reshape of a strided (sliced, permuted) tensor', () => {
    expectGrad((x) => view(x.slice(2, 0, 2), [2, 3, 2]).reshape(6, 2).square(), [rnd([2, 3, 4], 19)]);
    expectGrad((x) => reshape(permute(x, [2, 0, 1]), [4, 6]).sin(), [rnd([2, 3, 4], 20)]);
    expectGrad((x) => transpose(x.slice(1, 0, 3, 2), 0, 1).exp(), [rnd([2, 3], 21)]);
  });
});
