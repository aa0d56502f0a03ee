import { describe, expect, it } from 'vitest';
import {
  add, arange, concat, expand, getBackend, linspace, listBackends, matmul, ones, permute, randn, reshape, select, setBackend, slice, softmax, sum,
  tensor, transpose, unsqueeze, view, where, withBackend, zeros,
} from '@tensorkit/core';

const m23 = () => tensor([[1, 2, 3], [4, 5, 6]]);

describe('error messages name the op and the shapes', () => {
  it('matmul', () => {
    expect(() => matmul(randn([2, 3]), randn([4, 5]))).toThrow('matmul: shapes [2,3] and [4,5] are not compatible: 3 != 4');
    expect(() => randn([5, 2, 3]).matmul(randn([5, 2, 3]))).toThrow('matmul: shapes [5,2,3] and [5,2,3] are not compatible: 3 != 2');
    expect(() => matmul(m23(), 3 as never)).toThrow('matmul: both operands must be Tensors');
  });

  it('broadcasting', () => {
    expect(() => add(m23(), m23().T)).toThrow('add: shapes [2,3] and [3,2] cannot be broadcast (dimension 0: 2 vs 3)');
    expect(() => m23().gt(tensor([1, 2]))).toThrow('gt: shapes [2,3] and [2] cannot be broadcast (dimension 1: 3 vs 2)');
    expect(() => where(tensor([true, false, true]), m23(), tensor([1, 2]))).toThrow(/where: shapes \[2,3\] and \[2\] cannot be broadcast/);
    expect(() => add(m23(), 'x' as never)).toThrow('add: expected a Tensor or number, got string');
  });

  it('reshape / view', () => {
    expect(() => reshape(m23(), [4, 2])).toThrow('reshape: cannot reshape tensor of shape [2,3] (6 elements) into [4,2] (8 elements)');
    expect(() => m23().reshape(4, -1)).toThrow('reshape: cannot reshape tensor of shape [2,3] (6 elements) into [4,-1]');
    expect(() => m23().reshape(-1, -1)).toThrow('reshape: only one dimension can be -1, got [-1,-1]');
    expect(() => view(m23().T, [6])).toThrow('view: tensor of shape [3,2] with strides [1,3] cannot be viewed as [6] without a copy; use reshape() or contiguous() first');
  });

  it('axes and indices', () => {
    expect(() => sum(m23(), 2)).toThrow('sum: axis 2 is out of range for a tensor of rank 2');
    expect(() => m23().mean(-3)).toThrow('mean: axis -3 is out of range for a tensor of rank 2');
    expect(() => sum(m23(), [0, -2])).toThrow('sum: repeated axis in [0,-2]');
    expect(() => softmax(m23(), 1.5)).toThrow('softmax: axis must be an integer, got 1.5');
    expect(() => permute(m23(), [0])).toThrow('permute: got 1 dims [0] for a tensor of rank 2');
    expect(() => permute(m23(), [1, 1])).toThrow('permute: dims [1,1] repeat an axis');
    expect(() => transpose(m23(), 0, 2)).toThrow('transpose: axis 2 is out of range for a tensor of rank 2');
    expect(() => select(m23(), 0, 2)).toThrow('select: index 2 is out of range for dimension 0 of size 2');
    expect(() => slice(m23(), 1, 0, 2, 0)).toThrow('slice: step must be a positive integer, got 0');
    expect(() => unsqueeze(m23(), 4)).toThrow('unsqueeze: axis 4 is out of range for a tensor of rank 3');
    expect(() => expand(tensor([1, 2]), [3])).toThrow('expand: cannot expand shape [2] to [3] (dimension 0: 2 vs 3)');
    expect(() => expand(m23(), [3])).toThrow('expand: cannot expand shape [2,3] to fewer dimensions [3]');
    expect(() => concat([m23(), tensor([1, 2, 3])])).toThrow('concat: tensor 1 has shape [3], incompatible with [2,3] along dim 0');
  });

  it('creation', () => {
    expect(() => tensor([[1, 2], [3]])).toThrow('tensor: ragged nested array at index [1] (expected length 2 at dimension 1)');
    expect(() => tensor([[1, 2], 3] as never)).toThrow(/tensor: ragged nested array at index \[1\]/);
    expect(() => tensor(['a'] as never)).toThrow('tensor: element at index [0] is string, expected a number or boolean');
    expect(() => tensor([1], { dtype: 'float16' as never })).toThrow("tensor: unknown dtype 'float16' (expected float32, float64, int32, bool or uint8)");
    expect(() => tensor(new Float32Array(3), { shape: [2, 2] })).toThrow('tensor: shape [2,2] needs 4 elements but the data has 3');
    expect(() => zeros([2, -1])).toThrow('zeros: invalid shape [2,-1] (dimensions must be non-negative integers)');
    expect(() => ones([1.5])).toThrow('ones: invalid shape [1.5] (dimensions must be non-negative integers)');
    expect(() => randn([-1])).toThrow('randn: invalid shape [-1]');
    expect(() => arange(0, 5, 0)).toThrow('arange: step must be a non-zero finite number, got 0');
    expect(() => linspace(0, 1, -1)).toThrow('linspace: steps must be a non-negative integer, got -1');
  });

  it('item, backward and backends', () => {
    expect(() => m23().item()).toThrow('item: tensor has 6 elements (shape [2,3]); item() needs exactly one');
    expect(() => m23().sum().backward()).toThrow('backward: this tensor does not require grad (no input had requiresGrad, or it was computed under noGrad)');
    expect(() => setBackend('no-such-backend')).toThrow(/setBackend: unknown backend 'no-such-backend' \(available: .*js/);
  });

  it("setBackend('wasm') selects the wasm backend chosen at import, as TENSORKIT_BACKEND=wasm does", () => {
    const wasm = listBackends().find((n) => n === 'wasm-simd' || n === 'wasm-relaxed-simd');
    if (wasm) {
      expect(withBackend('wasm', () => getBackend().name)).toBe(wasm);
      expect(() => setBackend('wasmm')).toThrow(`setBackend: unknown backend 'wasmm' (available: js, ${wasm}, wasm (= ${wasm}))`);
    } else {
      // TENSORKIT_BACKEND=js, or no kernels: there is nothing for 'wasm' to name.
      expect(() => setBackend('wasm')).toThrow("setBackend: unknown backend 'wasm' (available: js)");
    }
  });
});

describe('failed ops leave inputs untouched', () => {
  it('a throwing op does not modify or mark its inputs', () => {
    const a = tensor([[1, 2, 3], [4, 5, 6]], { requiresGrad: true });
    expect(() => a.matmul(a)).toThrow();
    expect(a.toArray()).toEqual([[1, 2, 3], [4, 5, 6]]);
    expect(a.grad).toBeNull();
    expect(arange(3).toArray()).toEqual([0, 1, 2]);
  });
});
