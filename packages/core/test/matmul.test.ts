import { describe, expect, it } from 'vitest';
import { flip, Generator, matmul, randn, tensor, type Tensor } from '@tensorkit/core';
import { expectClose, expectGrad, rnd } from './helpers.js';

const A = () => tensor([[1, 2, 3], [4, 5, 6]]);
const B = () => tensor([[7, 8], [9, 10], [11, 12]]);

/** Reference product of two 2-D tensors by the textbook triple loop (float64). */
function naive(a: Tensor, b: Tensor): number[][] {
  const x = a.toArray() as number[][];
  const y = b.toArray() as number[][];
  return x.map((row) => y[0].map((_, j) => row.reduce((s, v, k) => s + v * y[k][j], 0)));
}

describe('matmul forward', () => {
  it('2-D × 2-D by hand', () => {
    // [1·7+2·9+3·11, 1·8+2·10+3·12; 4·7+5·9+6·11, 4·8+5·10+6·12]
    expectClose(matmul(A(), B()), [[58, 64], [139, 154]]);
    expect(A().matmul(B()).dtype).toBe('float32');
    expect(A().matmul(B()).toArray()).toEqual([[58, 64], [139, 154]]);
  });

  it('1-D operands are promoted and squeezed', () => {
    expectClose(matmul(tensor([1, 2, 3]), B()), [58, 64]);
    expectClose(matmul(A(), tensor([1, 0, -1])), [-2, -2]);
    const dot = matmul(tensor([1, 2, 3]), tensor([4, 5, 6]));
    expect(dot.shape).toEqual([]);
    expect(dot.item()).toBe(32);
  });

  it('batched with broadcasting batch dimensions', () => {
    const x = tensor([[[1, 0], [0, 1]], [[2, 0], [0, 3]]]); // [2,2,2]
    const m = tensor([[1, 2], [3, 4]]);
    expectClose(x.matmul(m), [[[1, 2], [3, 4]], [[2, 4], [9, 12]]]);
    expectClose(m.matmul(x), [[[1, 2], [3, 4]], [[2, 6], [6, 12]]]);
    // [2,1,2,3] @ [3,3,2] → [2,3,2,2]
    const g = new Generator(5);
    const a = randn([2, 1, 2, 3], { generator: g, dtype: 'float64' });
    const b = randn([3, 3, 2], { generator: g, dtype: 'float64' });
    const y = a.matmul(b);
    expect(y.shape).toEqual([2, 3, 2, 2]);
    for (let i = 0; i < 2; i++) for (let j = 0; j < 3; j++) {
      expectClose(y.select(0, i).select(0, j), naive(a.select(0, i).select(0, 0), b.select(0, j)), 1e-12);
    }
    // batched matrix @ vector
    expectClose(x.matmul(tensor([1, 1])), [[1, 1], [2, 3]]);
  });

  it('non-contiguous operands: transpose, slice with step, expand, flip', () => {
    expectClose(B().T.matmul(A().T), [[58, 139], [64, 154]]);
    expectClose(A().slice(1, 0, 3, 2).matmul(tensor([[1], [1]])), [[4], [10]]); // [[1,3],[4,6]]
    expectClose(tensor([1, 2]).expand(3, 2).matmul(tensor([[1], [1]])), [[3], [3], [3]]);
    expectClose(flip(A(), 1).matmul(tensor([1, 0, 0])), [3, 6]);
    expectClose(A().T.matmul(A()), [[17, 22, 27], [22, 29, 36], [27, 36, 45]]);
  });

  it('blocked kernel matches the triple loop (edge panels, K and M blocking, strided)', () => {
    const g = new Generator(9);
    const cases: [number, number, number][] = [[20, 17, 30], [5, 6, 300], [70, 5, 13]];
    for (const [m, n, k] of cases) {
      const a = randn([m, k], { generator: g, dtype: 'float64' });
      const b = randn([k, n], { generator: g, dtype: 'float64' });
      expectClose(a.matmul(b), naive(a, b), 1e-10);
      const at = randn([k, m], { generator: g, dtype: 'float64' }).T;
      expectClose(at.matmul(b), naive(at, b), 1e-10);
    }
    const a32 = randn([20, 30], { generator: g });
    const b32 = randn([30, 17], { generator: g });
    expect(a32.matmul(b32).dtype).toBe('float32');
    expectClose(a32.matmul(b32), naive(a32, b32), 1e-4);
  });

  it('dtypes: float64 stays float64; integers give exact int32, out of range an error', () => {
    expect(A().double().matmul(B().double()).dtype).toBe('float64');
    const r = tensor([[1, 2]], { dtype: 'int32' }).matmul(tensor([[3], [4]], { dtype: 'int32' }));
    expect(r.dtype).toBe('int32');
    expect(r.toArray()).toEqual([[11]]);
    // 16777217 · 1 + 1 · 1 = 16777218: float32 would round the product to 16777216 + 1 → 16777216
    expect(tensor([16777217, 1], { dtype: 'int32' }).matmul(tensor([1, 1], { dtype: 'int32' })).toArray()).toEqual(16777218);
    expect(tensor([[2, 3]], { dtype: 'uint8' }).matmul(tensor([[200], [100]], { dtype: 'uint8' })).toArray()).toEqual([[700]]);
    // an integer with a float operand promotes to the float dtype
    expect(tensor([[1, 2]], { dtype: 'int32' }).matmul(tensor([[0.5], [0.25]], { dtype: 'float64' })).dtype).toBe('float64');
    expect(() => tensor([[65536]], { dtype: 'int32' }).matmul(tensor([[65536]], { dtype: 'int32' }))).toThrow("matmul: the integer product's element 0 is 4294967296, outside int32");
  });

  it('rejects incompatible shapes with a precise message', () => {
    expect(() => matmul(tensor([[1, 2, 3], [4, 5, 6]]), randn([4, 5]))).toThrow('matmul: shapes [2,3] and [4,5] are not compatible: 3 != 4');
    expect(() => matmul(tensor([1, 2, 3]), tensor([1, 2, 3, 4]))).toThrow('matmul: shapes [3] and [4] are not compatible: 3 != 4');
    expect(() => matmul(A(), tensor([1, 2]))).toThrow('matmul: shapes [2,3] and [2] are not compatible: 3 != 2');
    expect(() => matmul(randn([2, 2, 3]), randn([3, 3, 2]))).toThrow(/matmul: shapes \[2\] and \[3\] cannot be broadcast/);
    expect(() => matmul(tensor(1), A())).toThrow(/matmul: operands must have at least 1 dimension/);
  });
});

describe('matmul gradients (float64 gradcheck)', () => {
  it('2-D', () => expectGrad((a, b) => a.matmul(b), [rnd([2, 3], 1), rnd([3, 2], 2)]));
  it('vector forms', () => {
    expectGrad((a, b) => a.matmul(b), [rnd([3], 3), rnd([3, 2], 4)]);
    expectGrad((a, b) => a.matmul(b), [rnd([2, 3], 5), rnd([3], 6)]);
    expectGrad((a, b) => a.matmul(b), [rnd([3], 7), rnd([3], 8)]);
  });
  it('batched with broadcasting', () => {
    expectGrad((a, b) => a.matmul(b), [rnd([2, 1, 2, 3], 9), rnd([2, 3, 2], 10)]);
    expectGrad((a, b) => a.matmul(b), [rnd([2, 3], 11), rnd([2, 3, 2], 12)]);
  });
  it('transposed inputs', () => expectGrad((a, b) => a.T.matmul(b.T), [rnd([3, 2], 13), rnd([2, 3], 14)]));
  it('a weight used transposed (x · wᵀ, as in a linear layer) gets a dense gradient, equal to the plain formula', () => {
    const x = rnd([4, 3], 15);
    const w = rnd([5, 3], 16);
    x.matmul(w.T).sum().backward();
    expect(w.grad!.isContiguous()).toBe(true);
    // d/dw Σ x·wᵀ = 1ᵀ·x for every row of w
    const colSums = x.detach().sum(0).toArray() as number[];
    expectClose(w.grad!, Array.from({ length: 5 }, () => colSums));
  });
  it('hand-checked: d(sum(AB))/dA = rowsum(B) broadcast', () => {
    const a = tensor([[1, 2, 3], [4, 5, 6]], { requiresGrad: true });
    const b = tensor([[7, 8], [9, 10], [11, 12]], { requiresGrad: true });
    a.matmul(b).sum().backward();
    expect(a.grad!.toArray()).toEqual([[15, 19, 23], [15, 19, 23]]);
    expect(b.grad!.toArray()).toEqual([[5, 5], [7, 7], [9, 9]]);
  });
});

describe('matmul gradients: vector against a batch', () => {
  it('[k] @ [b, k, n] and [b, m, k] @ [k]', () => {
    expectGrad((a, b) => a.matmul(b), [rnd([3], 17), rnd([2, 3, 2], 18)]);
    expectGrad((a, b) => matmul(a, b), [rnd([2, 2, 3], 19), rnd([3], 20)]);
    // by hand: d/dv Σ_b,m (M v)[b][m] = Σ_b,m M[b][m][:]
    const v = tensor([1, 2], { dtype: 'float64', requiresGrad: true });
    matmul(tensor([[[1, 2], [3, 4]], [[5, 6], [7, 8]]], { dtype: 'float64' }), v).sum().backward();
    expect(v.grad!.toArray()).toEqual([16, 20]);
  });
});
