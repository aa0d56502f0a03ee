// Tensors, dtypes, views that share storage, and NumPy broadcasting.
import assert from 'node:assert/strict';
import { arange, assignInto, tensor, zeros } from '@tensorkit/core';

// Nested arrays give float32 by default; shape and strides count elements, row-major.
const x = tensor([[1, 2, 3], [4, 5, 6]]);
assert.equal(x.dtype, 'float32');
assert.deepEqual(x.shape, [2, 3]);
assert.deepEqual(x.strides, [3, 1]);

// Integer ranges are int32. Reshaping a contiguous tensor is a view: same buffer.
const flat = arange(6);
const grid = flat.reshape(2, 3);
assert.equal(flat.dtype, 'int32');
assert.equal(grid.storage, flat.storage);

// transpose / slice / select / expand change only shape, strides and offset.
const t = x.T;
assert.deepEqual(t.strides, [1, 3]);
assert.equal(t.storage, x.storage);
assert.equal(t.isContiguous(), false);
assert.deepEqual(x.select(1, 2).toArray(), [3, 6]); // x[:, 2]

// Writing into a view writes into its base (x[:, 1:2] = ...).
assignInto(x.slice(1, 1, 2), tensor([[20], [50]]));
assert.deepEqual(x.toArray(), [[1, 20, 3], [4, 50, 6]]);

// view() refuses what would need a copy; reshape() copies only then.
assert.throws(() => t.view(6), /cannot be viewed as \[6\] without a copy/);
assert.deepEqual(t.reshape(6).toArray(), [1, 4, 20, 50, 3, 6]);

// Broadcasting: [2, 3] + [3], and [2, 1] * [1, 3] gives an outer product.
assert.deepEqual(x.add(tensor([10, 20, 30])).toArray(), [[11, 40, 33], [14, 70, 36]]);
assert.deepEqual(tensor([[1], [2]]).mul(tensor([[1, 2, 3]])).toArray(), [[1, 2, 3], [2, 4, 6]]);

// Type promotion: int32 with float32 gives float32, and so does a fractional scalar;
// comparisons give bool, and summing bools counts them.
assert.equal(grid.add(x).dtype, 'float32');
assert.equal(grid.mul(0.5).dtype, 'float32');
assert.equal(grid.mul(2).dtype, 'int32');
const big = x.gt(4);
assert.equal(big.dtype, 'bool');
assert.equal(big.sum().item(), 3);

// Reductions take a dim (or a list of dims) and keepdim.
assert.deepEqual(x.sum(1).toArray(), [24, 60]);
assert.deepEqual(x.max(0, true).shape, [1, 3]);
assert.deepEqual(x.argmax(1).toArray(), [1, 1]);

// Shape errors name the op and the shapes.
assert.throws(() => x.matmul(zeros([4, 5])), { message: 'matmul: shapes [2,3] and [4,5] are not compatible: 3 != 4' });
assert.throws(() => x.add(zeros([4])), /add: shapes \[2,3\] and \[4\] cannot be broadcast/);

console.log(x.toString());
