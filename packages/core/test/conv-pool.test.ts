import { describe, expect, it } from 'vitest';
import { conv2d, conv2dMaxPool, maxPool2d, tensor, type Tensor } from '@tensorkit/core';
import { expectClose, expectGrad, rnd } from './helpers.js';

describe('conv2dMaxPool (the reference path: conv2d then maxPool2d)', () => {
  it('forward by hand: 1×1 conv (×2, +1) then 2×2 max', () => {
    const x = tensor([[[[1, 5, 2, 0], [3, 4, -1, 7], [0, 0, 9, 8], [6, -2, 1, 1]]]]);
    const y = conv2dMaxPool(x, tensor([[[[2]]]]), tensor([1]), {}, 2);
    // window maxima 5, 7, 6, 9 → 2·m + 1
    expectClose(y, [[[[11, 15], [13, 19]]]]);
  });

  it('ceil mode keeps the overhanging window (7 → 4), with a fused ReLU', () => {
    const x = rnd([2, 3, 7, 7], 3).detach().float();
    const w = rnd([4, 3, 3, 3], 4).detach().float();
    const y = conv2dMaxPool(x, w, null, { padding: 1, activation: 'relu' }, 2, { ceilMode: true });
    expect(y.shape).toEqual([2, 4, 4, 4]);
    const ref = maxPool2d(conv2d(x, w, null, { padding: 1 }).relu(), 2, { ceilMode: true });
    expectClose(y, ref.toArray() as number[][][][], 1e-5);
  });

  it('float64 gradcheck: 2×2 pool, bias, batch 2', () => {
    expectGrad((x: Tensor, w: Tensor, b: Tensor) => conv2dMaxPool(x, w, b, { padding: 1 }, 2), [rnd([2, 2, 4, 4], 5), rnd([3, 2, 3, 3], 6), rnd([3], 7)]);
  });

  it('float64 gradcheck: stride-1 3×3 pool with padding, fused ReLU', () => {
    expectGrad((x: Tensor, w: Tensor) => conv2dMaxPool(x, w, null, { activation: 'relu' }, 3, { stride: 1, padding: 1 }), [rnd([1, 2, 5, 5], 8), rnd([2, 2, 2, 2], 9)]);
  });

  it('bad pool options are reported by name', () => {
    expect(() => conv2dMaxPool(rnd([1, 1, 4, 4]).detach().float(), rnd([1, 1, 3, 3]).detach().float(), null, {}, 4, { padding: 3 })).toThrow('maxPool2d: padding (3,3) must be at most half the kernel (4,4)');
  });
});
