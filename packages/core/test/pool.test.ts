import { describe, expect, it } from 'vitest';
import { arange, avgPool1d, avgPool2d, maxPool1d, maxPool2d, tensor, type Tensor } from '@tensorkit/core';
import { expectClose, expectGrad, rnd } from './helpers.js';

/** [1,1,n,n] image holding 1..n² row by row. */
const grid = (n: number, dtype: 'float32' | 'float64' = 'float32') => arange(1, n * n + 1, 1, { dtype }).reshape(1, 1, n, n);
const plane = (t: Tensor) => t.select(0, 0).select(0, 0);
const seq = (v: number[]) => tensor([[v]]);

describe('maxPool2d forward', () => {
  it('2×2 windows on 4×4', () => {
    // [[1..4],[5..8],[9..12],[13..16]]
    expectClose(plane(maxPool2d(grid(4), 2)), [[6, 8], [14, 16]]);
    expectClose(plane(maxPool2d(grid(3), 2, { stride: 1 })), [[5, 6], [8, 9]]);
    expectClose(plane(maxPool2d(grid(3), [1, 3])), [[3], [6], [9]]);
  });

  it('padding counts as -inf, not 0', () => {
    // -[[1,2,3],[4,5,6],[7,8,9]], k2 s2 p1: windows {x00}, {x01,x02}, {x10,x20}, {x11,x12,x21,x22}
    expectClose(plane(maxPool2d(grid(3).neg(), 2, { padding: 1 })), [[-1, -2], [-4, -5]]);
  });

  it('ceilMode adds a partial last window', () => {
    expectClose(plane(maxPool2d(grid(3), 2)), [[5]]);
    // ceil((3-2)/2)+1 = 2: windows start at 0 and 2 (the second hangs over the edge)
    expectClose(plane(maxPool2d(grid(3), 2, { ceilMode: true })), [[5, 6], [8, 9]]);
  });

  it('dilation 2', () => {
    // taps (0,0),(0,2),(2,0),(2,2): (0,0) → max(1,3,9,11) = 11
    expectClose(plane(maxPool2d(grid(4), 2, { dilation: 2, stride: 1 })), [[11, 12], [15, 16]]);
  });

  it('non-contiguous input', () => {
    expectClose(plane(maxPool2d(grid(4).transpose(2, 3), 2)), [[6, 14], [8, 16]]);
    // columns 1..3 of the 4×4 grid, one 2×3 window per row pair: max(2..4, 6..8) = 8, max(10..12, 14..16) = 16
    expectClose(plane(maxPool2d(grid(4).slice(3, 1), [2, 3])), [[8], [16]]);
  });

  it('gradient goes to the window maximum', () => {
    const x = grid(4, 'float64').requiresGrad_();
    maxPool2d(x, 2).sum().backward();
    expect(plane(x.grad!).toArray()).toEqual([[0, 0, 0, 0], [0, 1, 0, 1], [0, 0, 0, 0], [0, 1, 0, 1]]);
  });

  it('the first NaN in row-major order takes the window and its gradient, with padding as without', () => {
    // NaNs at (0, 1) and (1, 0): both in the first window of each call below.
    const data = [[[[1, NaN, 2], [NaN, 3, 4], [5, 6, 7]]]];
    for (const [k, opts] of [[2, {}], [3, { padding: 1, stride: 3 }]] as const) {
      const x = tensor(data).requiresGrad_();
      const y = maxPool2d(x, k, opts);
      expect(Number.isNaN(y.toTypedArray()[0])).toBe(true);
      y.select(3, 0).select(2, 0).sum().backward();
      // The padded (general) loop used to end only the NaN's window row, so the NaN in the next row took the window.
      expect(plane(x.grad!).toArray()).toEqual([[0, 1, 0], [0, 0, 0], [0, 0, 0]]);
    }
  });
});

describe('avgPool2d forward', () => {
  it('2×2 windows on 4×4', () => {
    expectClose(plane(avgPool2d(grid(4), 2)), [[3.5, 5.5], [11.5, 13.5]]);
  });

  it('padding with and without counting padded cells', () => {
    // k2 s2 p1 on 1..9: window sums 1, 2+3, 4+7, 5+6+8+9
    expectClose(plane(avgPool2d(grid(3), 2, { padding: 1 })), [[0.25, 1.25], [2.75, 7]]);
    expectClose(plane(avgPool2d(grid(3), 2, { padding: 1, countIncludePad: false })), [[1, 2.5], [5.5, 7]]);
  });

  it('ceilMode windows past the edge divide by the cells they cover', () => {
    expectClose(plane(avgPool2d(grid(3), 2)), [[3]]);
    // (1+2+4+5)/4, (3+6)/2, (7+8)/2, 9/1
    expectClose(plane(avgPool2d(grid(3), 2, { ceilMode: true })), [[3, 4.5], [7.5, 9]]);
  });

  it('non-contiguous input and gradient', () => {
    expectClose(plane(avgPool2d(grid(4).transpose(2, 3), 2)), [[3.5, 11.5], [5.5, 13.5]]);
    const x = grid(2, 'float64').requiresGrad_();
    avgPool2d(x, 2).sum().backward();
    expect(plane(x.grad!).toArray()).toEqual([[0.25, 0.25], [0.25, 0.25]]);
  });
});

describe('1-D pooling', () => {
  it('max and avg with padding and ceilMode', () => {
    // k3 s2 p1 on [1,2,3,4]: windows [-1..1], [1..3], and with ceilMode [3..5]
    expectClose(maxPool1d(seq([1, 2, 3, 4]), 3, { stride: 2, padding: 1 }), [[[2, 4]]]);
    expectClose(maxPool1d(seq([1, 2, 3, 4]), 3, { stride: 2, padding: 1, ceilMode: true }), [[[2, 4, 4]]]);
    // divisors 3, 3 and 2 (cell 5 lies beyond the padding)
    expectClose(avgPool1d(seq([1, 2, 3, 4]), 3, { stride: 2, padding: 1, ceilMode: true }), [[[1, 3, 2]]]);
    expectClose(avgPool1d(seq([1, 2, 3, 4]), 3, { stride: 2, padding: 1, ceilMode: true, countIncludePad: false }), [[[1.5, 3, 4]]]);
    expectClose(maxPool1d(seq([1, 5, 2, 4, 3]), 2, { stride: 1, dilation: 2 }), [[[2, 5, 3]]]);
    expectClose(avgPool1d(seq([1, 2, 3, 4, 5, 6]), 2), [[[1.5, 3.5, 5.5]]]);
  });
});

describe('pool gradients (float64 gradcheck)', () => {
  // randn inputs are distinct almost surely, so max windows have no ties.
  it('maxPool2d: stride, padding, ceilMode, dilation', () => {
    expectGrad((x) => maxPool2d(x, 2), [rnd([1, 2, 4, 4], 1)]);
    expectGrad((x) => maxPool2d(x, 3, { stride: 2, padding: 1, ceilMode: true }), [rnd([1, 1, 4, 4], 2)]);
    expectGrad((x) => maxPool2d(x, 2, { dilation: 2, stride: 1 }), [rnd([1, 1, 4, 4], 3)]);
    expectGrad((x) => maxPool2d(x.transpose(2, 3), [2, 1]), [rnd([2, 1, 3, 2], 4)]);
  });

  it('avgPool2d: padding with/without countIncludePad, ceilMode', () => {
    expectGrad((x) => avgPool2d(x, 2, { padding: 1 }), [rnd([1, 1, 3, 3], 5)]);
    expectGrad((x) => avgPool2d(x, 2, { padding: 1, countIncludePad: false, ceilMode: true }), [rnd([1, 1, 4, 4], 6)]);
    expectGrad((x) => avgPool2d(x, [2, 3], { stride: [1, 2], ceilMode: true }), [rnd([1, 2, 3, 4], 7)]);
  });

  it('1-D', () => {
    expectGrad((x) => maxPool1d(x, 3, { stride: 2, padding: 1, ceilMode: true }), [rnd([1, 2, 6], 8)]);
    expectGrad((x) => avgPool1d(x, 3, { stride: 2, padding: 1, ceilMode: true }), [rnd([1, 2, 6], 9)]);
  });
});

describe('pool errors', () => {
  it('validates shapes and options', () => {
    expect(() => maxPool2d(grid(4), 2, { padding: 2 })).toThrow('maxPool2d: padding (2,2) must be at most half the kernel (2,2)');
    expect(() => avgPool2d(tensor([[1, 2]]), 2)).toThrow('avgPool2d: input must be 4-D [N,C,H,W], got shape [1,2]');
    expect(() => maxPool2d(grid(4).int(), 2)).toThrow('maxPool2d: input must be float32 or float64, got int32');
    expect(() => maxPool2d(grid(2), 3)).toThrow(/maxPool2d: input length 2 is too small for kernel 3/);
    expect(() => maxPool1d(grid(2), 2)).toThrow('maxPool1d: input must be 3-D [N,C,L], got shape [1,1,2,2]');
    expect(() => maxPool2d(grid(4), 2, { stride: 0 })).toThrow('maxPool2d: stride must be a positive integer, got 0');
  });

  it('maxPool1d and avgPool1d name themselves, not the 2-D op they run as', () => {
    // Before: 'maxPool2d: padding (0,2) must be at most half the kernel (1,2)' for a maxPool1d call.
    const x = tensor([[[1, 2, 3, 4, 5]]]);
    expect(() => maxPool1d(x, 2, { padding: 2 })).toThrow('maxPool1d: padding (0,2) must be at most half the kernel (1,2) (maxPool1d runs as maxPool2d on the input with a height-1 axis added)');
    expect(() => avgPool1d(x, 6)).toThrow(/^avgPool1d: input length 5 is too small for kernel 6/);
  });
});

describe('pool edges: dilation, strided inputs', () => {
  it('avgPool2d with dilation by hand and by gradcheck', () => {
    // taps (0,0),(0,2),(2,0),(2,2) of the 4×4 grid: (1+3+9+11)/4 = 6, then shifted by one column/row
    expectClose(plane(avgPool2d(grid(4), 2, { dilation: 2, stride: 1 })), [[6, 7], [10, 11]]);
    expectGrad((x) => avgPool2d(x, 2, { dilation: 2, stride: 1, padding: 1, countIncludePad: false }), [rnd([1, 1, 4, 4], 10)]);
    expectGrad((x) => avgPool2d(x, 3, { dilation: [1, 2], stride: 2, padding: 1, ceilMode: true }), [rnd([1, 1, 5, 6], 11)]);
  });

  it('maxPool1d with dilation and padding; 1-D pools of a transposed input', () => {
    // [1,5,2,4,3] padded by one -inf each side, k2 d2 s1: max(-inf,5), max(1,2), max(5,4), max(2,3), max(4,-inf)
    expectClose(maxPool1d(seq([1, 5, 2, 4, 3]), 2, { dilation: 2, stride: 1, padding: 1 }), [[[5, 2, 5, 3, 4]]]);
    expectGrad((x) => maxPool1d(x, 2, { dilation: 2, stride: 1, padding: 1 }), [rnd([1, 2, 6], 12)]);
    expectGrad((x) => avgPool1d(x.transpose(1, 2), 2, { countIncludePad: false, padding: 1 }), [rnd([1, 5, 2], 13)]);
    expectGrad((x) => maxPool1d(x.transpose(1, 2), 3, { stride: 2, ceilMode: true }), [rnd([2, 6, 1], 14)]);
  });
});
