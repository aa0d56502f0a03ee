import { describe, expect, it } from 'vitest';
import { concat, conv1d, conv2d, tensor, type Tensor } from '@tensorkit/core';
import { expectClose, expectGrad, rnd } from './helpers.js';

// 1-channel 3×3 image and 2×2 kernel, as [N=1, C=1, H, W] and [O=1, C=1, kH, kW].
const IMG = [[1, 2, 3], [4, 5, 6], [7, 8, 9]];
const KER = [[1, 2], [3, 4]];
const img = (dtype: 'float32' | 'float64' = 'float32') => tensor([[IMG]], { dtype });
const ker = (dtype: 'float32' | 'float64' = 'float32') => tensor([[KER]], { dtype });
const plane = (t: Tensor) => t.select(0, 0).select(0, 0);

describe('conv2d forward (hand-computed)', () => {
  it('no padding, stride 1', () => {
    // out[i][j] = 1·x[i][j] + 2·x[i][j+1] + 3·x[i+1][j] + 4·x[i+1][j+1]
    // [1+4+12+20, 2+6+15+24; 4+10+21+32, 5+12+24+36]
    expectClose(plane(conv2d(img(), ker())), [[37, 47], [67, 77]]);
    expectClose(plane(conv2d(img(), ker(), null, { padding: 'valid' })), [[37, 47], [67, 77]]);
    expectClose(plane(conv2d(img(), ker(), tensor([0.5]))), [[37.5, 47.5], [67.5, 77.5]]);
  });

  it('padding 1 and stride 2', () => {
    // Padded 5×5 image, 4×4 output; stride 2 keeps outputs (0,0), (0,2), (2,0), (2,2):
    // (0,0): only x00 under k11 → 4·1; (0,2): k10·x01 + k11·x02 = 3·2 + 4·3 = 18;
    // (2,0): k01·x10 + k11·x20 = 2·4 + 4·7 = 36; (2,2): 5 + 12 + 24 + 36 = 77.
    const full = plane(conv2d(img(), ker(), null, { padding: 1 }));
    expect(full.shape).toEqual([4, 4]);
    expectClose(full.select(0, 0), [4, 11, 18, 9]); // rows -1..0: k10·x0(j-1) + k11·x0j
    expectClose(plane(conv2d(img(), ker(), null, { padding: 1, stride: 2 })), [[4, 18], [36, 77]]);
    // asymmetric pair: pad rows only → 4×2 output; first row = k10·x0j + k11·x0(j+1) = [3+8, 6+12]
    expectClose(plane(conv2d(img(), ker(), null, { padding: [1, 0] })).select(0, 0), [11, 18]);
  });

  it("padding 'same' with an even kernel pads after", () => {
    // total padding 1 per axis: 0 before, 1 after
    // (0,2): 1·3 + 3·6 = 21; (1,2): 6 + 27 = 33; (2,0): 7 + 16 = 23; (2,1): 8 + 18 = 26; (2,2): 9
    expectClose(plane(conv2d(img(), ker(), null, { padding: 'same' })), [[37, 47, 21], [67, 77, 33], [23, 26, 9]]);
  });

  it('dilation 2', () => {
    // kernel taps at (0,0), (0,2), (2,0), (2,2): 1·1 + 2·3 + 3·7 + 4·9 = 64
    expectClose(plane(conv2d(img(), ker(), null, { dilation: 2 })), [[64]]);
    // with 'same': dilated 3×3 footprint, 1 before and 1 after; centre = 64
    expectClose(plane(conv2d(img(), ker(), null, { dilation: 2, padding: 'same' })).select(0, 1).select(0, 1), 64);
  });

  it('channels, groups, batch and bias', () => {
    const x = tensor([[[[1, 2], [3, 4]], [[5, 6], [7, 8]]]]); // [1,2,2,2]
    // groups=2: each channel scaled by its own 1×1 weight
    const g = conv2d(x, tensor([[[[2]]], [[[3]]]]), tensor([0, 1]), { groups: 2 });
    expectClose(g, [[[[2, 4], [6, 8]], [[16, 19], [22, 25]]]]);
    // groups=1: one output mixing both channels 2·c0 + 3·c1
    expectClose(conv2d(x, tensor([[[[2]], [[3]]]])), [[[[17, 22], [27, 32]]]]);
    // batch of two: the second image is the negation
    const b = conv2d(concat([x, x.neg()]), tensor([[[[2]], [[3]]]]));
    expectClose(b, [[[[17, 22], [27, 32]]], [[[-17, -22], [-27, -32]]]]);
  });

  it('non-contiguous input and weight (transposed views)', () => {
    // x^T = [[1,4,7],[2,5,8],[3,6,9]]: [1+8+6+20, 4+14+15+32; 2+10+9+24, 5+16+18+36]
    expectClose(plane(conv2d(img().transpose(2, 3), ker())), [[35, 65], [45, 75]]);
    // transposed kernel [[1,3],[2,4]]: [1+6+8+20, 2+9+10+24; 4+15+14+32, 5+18+16+36]
    expectClose(plane(conv2d(img(), ker().transpose(2, 3))), [[35, 45], [65, 75]]);
  });

  it('float64 and float32 agree', () => {
    const y = conv2d(img('float64'), ker('float64'), null, { padding: 1 });
    expect(y.dtype).toBe('float64');
    expectClose(y, conv2d(img(), ker(), null, { padding: 1 }).toArray(), 1e-6);
  });
});

describe('conv1d forward (hand-computed)', () => {
  const x = () => tensor([[[1, 2, 3, 4, 5]]]);
  const k = () => tensor([[[1, 0, -1]]]);
  it('stride, padding, dilation, same', () => {
    expectClose(conv1d(x(), k()), [[[-2, -2, -2]]]); // x[i] - x[i+2]
    expectClose(conv1d(x(), k(), null, { padding: 1 }), [[[-2, -2, -2, -2, 4]]]); // ends: 0 - 2, 4 - 0
    expectClose(conv1d(x(), k(), null, { padding: 'same' }), [[[-2, -2, -2, -2, 4]]]);
    expectClose(conv1d(x(), k(), null, { stride: 2 }), [[[-2, -2]]]);
    expectClose(conv1d(x(), k(), null, { dilation: 2 }), [[[-4]]]); // x0 - x4
    expectClose(conv1d(x(), k(), tensor([10])), [[[8, 8, 8]]]);
  });
});

describe('conv gradients (float64 gradcheck)', () => {
  const conv = (opts: Parameters<typeof conv2d>[3]) => (x: Tensor, w: Tensor, b: Tensor) => conv2d(x, w, b, opts);

  it('plain, with bias, batch 2', () => expectGrad(conv({}), [rnd([2, 2, 3, 3], 1), rnd([2, 2, 2, 2], 2), rnd([2], 3)]));
  it('stride 2 and int padding 1', () => expectGrad(conv({ stride: 2, padding: 1 }), [rnd([1, 1, 4, 4], 4), rnd([2, 1, 3, 3], 5), rnd([2], 6)]));
  it('stride and padding pairs', () => expectGrad(conv({ stride: [1, 2], padding: [0, 1] }), [rnd([1, 2, 3, 4], 7), rnd([1, 2, 2, 2], 8), rnd([1], 9)]));
  it("padding 'same' (even kernel)", () => expectGrad(conv({ padding: 'same' }), [rnd([1, 1, 3, 3], 10), rnd([1, 1, 2, 2], 11), rnd([1], 12)]));
  it("padding 'same' with dilation", () => expectGrad(conv({ padding: 'same', dilation: 2 }), [rnd([1, 1, 4, 4], 13), rnd([1, 1, 2, 3], 14), rnd([1], 15)]));
  it("padding 'valid'", () => expectGrad(conv({ padding: 'valid' }), [rnd([1, 1, 3, 4], 16), rnd([1, 1, 2, 2], 17), rnd([1], 18)]));
  it('dilation 2', () => expectGrad(conv({ dilation: 2 }), [rnd([1, 1, 4, 4], 19), rnd([1, 1, 2, 2], 20), rnd([1], 21)]));
  it('groups 2, batch 2', () => expectGrad(conv({ groups: 2 }), [rnd([2, 4, 3, 3], 22), rnd([4, 2, 2, 2], 23), rnd([4], 24)]));
  it('depthwise (groups = channels) with stride and padding', () => {
    expectGrad(conv({ groups: 3, stride: 2, padding: 1 }), [rnd([1, 3, 3, 3], 25), rnd([3, 1, 2, 2], 26), rnd([3], 27)]);
  });
  it('without bias, non-contiguous input', () => {
    expectGrad((x, w) => conv2d(x.transpose(2, 3), w, null, { padding: 1 }), [rnd([1, 1, 2, 3], 28), rnd([1, 1, 2, 2], 29)]);
  });
  it('conv1d: stride, padding, dilation, groups', () => {
    expectGrad((x, w, b) => conv1d(x, w, b, { stride: 2, padding: 1 }), [rnd([2, 2, 5], 30), rnd([2, 2, 3], 31), rnd([2], 32)]);
    expectGrad((x, w, b) => conv1d(x, w, b, { dilation: 2, padding: 'same', groups: 2 }), [rnd([1, 2, 5], 33), rnd([2, 1, 3], 34), rnd([2], 35)]);
  });
});

describe('conv errors', () => {
  it('names the op and the shapes', () => {
    expect(() => conv2d(rnd([1, 3, 4, 4]).detach(), rnd([2, 2, 3, 3]).detach())).toThrow('conv2d: weight [2,2,3,3] expects 2 input channels (groups=1) but input [1,3,4,4] has 3');
    expect(() => conv2d(img(), tensor([[[[1, 2, 3], [4, 5, 6], [7, 8, 9], [1, 1, 1]]]]))).toThrow(/conv2d: input \[1,1,3,3\] is too small for kernel 4x3/);
    expect(() => conv2d(rnd([1, 3, 4, 4]).detach(), rnd([2, 1, 3, 3]).detach(), null, { groups: 2 })).toThrow('conv2d: groups=2 must divide input channels 3 and output channels 2');
    expect(() => conv2d(img(), ker('float64'))).toThrow('conv2d: input and weight must share a float dtype, got float32 and float64');
    expect(() => conv2d(img(), ker(), null, { padding: 'same', stride: 2 })).toThrow("conv2d: padding='same' needs stride 1");
    expect(() => conv2d(img(), ker(), tensor([1, 2]))).toThrow('conv2d: bias must have shape [1], got [2]');
    expect(() => conv2d(tensor([[1]]), ker())).toThrow('conv2d: input must be 4-D [N,C,H,W], got shape [1,1]');
    expect(() => conv1d(img(), ker())).toThrow('conv1d: input must be 3-D [N,C,L], got shape [1,1,3,3]');
  });

  it('conv1d names itself, not the conv2d it runs as', () => {
    // Before: 'conv2d: input [1,1,1,3] is too small for kernel 1x4 …' for a conv1d call.
    expect(() => conv1d(tensor([[[1, 2, 3]]]), tensor([[[1, 1, 1, 1]]]))).toThrow(
      'conv1d: input [1,1,1,3] is too small for kernel 1x4 (dilation 1x1, padding 0x0): output would be 1x0 (conv1d runs as conv2d on the input with a height-1 axis added)',
    );
    expect(() => conv1d(tensor([[[1, 2, 3]]]), tensor([[[1, 1]]], { dtype: 'float64' }))).toThrow(/^conv1d: input and weight must share a float dtype/);
  });
});

describe('conv edges: fused ReLU, strides past the kernel, strided inputs', () => {
  it("activation 'relu' by hand and by gradcheck", () => {
    // [[37, 47], [67, 77]] - 50, then ReLU
    expectClose(plane(conv2d(img(), ker(), tensor([-50]), { activation: 'relu' })), [[0, 0], [17, 27]]);
    expectGrad((x, w, b) => conv2d(x, w, b, { padding: 1, activation: 'relu' }), [rnd([1, 2, 3, 3], 36), rnd([2, 2, 2, 2], 37), rnd([2], 38)]);
  });

  it('stride larger than the dilated kernel, with padding and groups', () => {
    // stride 3 over a 5-wide padded row skips columns: 1×3 input [1,2,3], kernel [1,1] dilation 2, padding 2
    // padded [0,0,1,2,3,0,0]: windows at 0 and 3 read (0,1) and (2,0) → [1, 2]
    expectClose(plane(conv2d(tensor([[[[1, 2, 3]]]]), tensor([[[[1, 1]]]]), null, { stride: [1, 3], dilation: [1, 2], padding: [0, 2] })), [[1, 2]]);
    expectGrad((x, w) => conv2d(x, w, null, { stride: 3, dilation: 2, padding: 2, groups: 2 }), [rnd([1, 4, 5, 6], 39), rnd([2, 2, 2, 2], 40)]);
  });

  it("conv1d of a transposed input with padding 'valid' and stride 2", () => {
    expectClose(conv1d(tensor([[[1], [2], [3], [4], [5]]]).transpose(1, 2), tensor([[[1, 0, -1]]]), null, { padding: 'valid', stride: 2 }), [[[-2, -2]]]);
    expectGrad((x, w) => conv1d(x.transpose(1, 2), w, null, { padding: 'valid', stride: 2 }), [rnd([2, 5, 2], 41), rnd([3, 2, 2], 42)]);
  });
});
