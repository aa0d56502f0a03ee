/** interpolate: PyTorch's nearest / linear / bilinear / bicubic index rules by hand, gradients by hand and by float64 gradcheck. */
import { describe, expect, it } from 'vitest';
import { interpolate, tensor, type Tensor } from '@tensorkit/core';
import { expectClose, expectGrad, f64, rnd } from './helpers.js';

const X = () => tensor([[[[1, 2], [3, 4]]]]);
const plane = (t: Tensor) => t.select(0, 0).select(0, 0);

describe('interpolate nearest (src = min(floor(dst·scale), in − 1))', () => {
  it('2× upsampling repeats each pixel; size or scaleFactor, one number or a pair', () => {
    const up = [[1, 1, 2, 2], [1, 1, 2, 2], [3, 3, 4, 4], [3, 3, 4, 4]];
    expectClose(plane(interpolate(X(), { scaleFactor: 2 })), up);
    expectClose(plane(interpolate(X(), { size: 4, mode: 'nearest' })), up);
    expectClose(plane(interpolate(X(), { size: [4, 4] })), up);
    expectClose(plane(interpolate(X(), { scaleFactor: [1, 2] })), [[1, 1, 2, 2], [3, 3, 4, 4]]);
  });

  it('non-integer ratios: 2 → 3 reads [0, 0, 1]; 4 → 2 keeps every other sample; 3-D input', () => {
    expectClose(plane(interpolate(X(), { size: [3, 3] })), [[1, 1, 2], [1, 1, 2], [3, 3, 4]]);
    expectClose(interpolate(tensor([[[1, 2, 3, 4]]]), { size: 2 }), [[[1, 3]]]);
    // scaleFactor 1.5 on 5 samples: 7 outputs reading floor(dst/1.5) = 0,0,1,2,2,3,4
    expectClose(interpolate(tensor([[[10, 11, 12, 13, 14]]]), { scaleFactor: 1.5 }), [[[10, 10, 11, 12, 12, 13, 14]]]);
  });

  it("PyTorch's CPU nearest_idx: an unchanged size copies and a doubled size halves, whatever the scale factor; float32 index arithmetic", () => {
    const x = tensor([[[10, 11, 12]]]);
    // floor(3·1.1) = 3 outputs: a copy (floor(dst/1.1) would read 0, 0, 1)
    expectClose(interpolate(x, { scaleFactor: 1.1 }), [[[10, 11, 12]]]);
    // floor(3·2.1) = 6 outputs: dst >> 1 (floor(dst/2.1) would read 0, 0, 0, 1, 1, 2)
    expectClose(interpolate(x, { scaleFactor: 2.1 }), [[[10, 10, 11, 11, 12, 12]]]);
    const xg = f64([[[10, 11, 12]]]);
    interpolate(xg, { scaleFactor: 2.1 }).sum().backward();
    expectClose(xg.grad!, [[[2, 2, 2]]]); // the gradient takes the same taps
    expectClose(plane(interpolate(X(), { scaleFactor: [1.2, 2.4] })), [[1, 1, 2, 2], [3, 3, 4, 4]]);
    // 2 → 82: float32(2/82)·41 rounds below 1, so output 41 still reads sample 0 (42 zeros, then 40 ones)
    const y = Array.from(interpolate(tensor([[[0, 1]]]), { size: 82 }).toTypedArray());
    expect(y.indexOf(1)).toBe(42);
  });

  it('gradient: each input pixel collects the output gradient of every pixel that copied it', () => {
    const x = f64([[[[1, 2], [3, 4]]]]);
    interpolate(x, { size: [3, 3] }).sum().backward();
    expectClose(x.grad!, [[[[4, 2], [2, 1]]]]); // rows and columns read [0, 0, 1]
  });
});

describe('interpolate bilinear / linear', () => {
  it('alignCorners false: half-pixel centres, clamped at the borders', () => {
    // per axis 2 → 4: src = max((dst + 0.5)/2 − 0.5, 0) = 0, 0.25, 0.75, 1.25 (→ clamped to index 1)
    expectClose(plane(interpolate(X(), { scaleFactor: 2, mode: 'bilinear' })), [
      [1, 1.25, 1.75, 2],
      [1.5, 1.75, 2.25, 2.5],
      [2.5, 2.75, 3.25, 3.5],
      [3, 3.25, 3.75, 4],
    ]);
    // 3 → 5: scale 0.6, src = 0 (clamped), 0.4, 1.0, 1.6, 2.2 (→ index 2)
    expectClose(interpolate(tensor([[[0, 10, 20]]]), { size: 5, mode: 'linear' }), [[[0, 4, 10, 16, 20]]]);
  });

  it('alignCorners true: corners map onto corners, scale (in − 1)/(out − 1)', () => {
    // out[r][c] = 1 + c/3 + 2r/3
    const want = [0, 1, 2, 3].map((r) => [0, 1, 2, 3].map((c) => 1 + c / 3 + (2 * r) / 3));
    expectClose(plane(interpolate(X(), { size: [4, 4], mode: 'bilinear', alignCorners: true })), want);
    expectClose(interpolate(tensor([[[0, 10, 20]]]), { size: 5, mode: 'linear', alignCorners: true }), [[[0, 5, 10, 15, 20]]]);
    expectClose(interpolate(tensor([[[0, 10, 20]]]), { size: 1, mode: 'linear', alignCorners: true }), [[[0]]]);
  });

  it('a given scaleFactor sets the scale (1/scaleFactor), not in/out', () => {
    // 3 → floor(3·1.7) = 5; src = (dst + 0.5)/1.7 − 0.5: 0 (clamped), 0.38235…, 0.97059…, 1.55882…, 2.14706… (→ 2)
    expectClose(interpolate(tensor([[[0, 10, 20]]], { dtype: 'float64' }), { scaleFactor: 1.7, mode: 'linear' }), [[[0, 3.8235294117647, 9.7058823529412, 15.588235294118, 20]]], 1e-10);
  });

  it('downsampling, batch and channels are independent planes', () => {
    // 4 → 2, scale 2: src = 0.5, 2.5 → means of neighbouring pairs
    const x = tensor([[[1, 3, 5, 7], [0, 0, 10, 10]], [[2, 2, 2, 2], [-1, 1, -1, 1]]]);
    expectClose(interpolate(x, { size: 2, mode: 'linear' }), [[[2, 6], [0, 10]], [[2, 2], [0, 0]]]);
  });

  it('gradient by hand: 1-D 2 → 4 taps (1), (0.75, 0.25), (0.25, 0.75), (1)', () => {
    const x = f64([[[5, 7]]]);
    interpolate(x, { size: 4, mode: 'linear' }).mul(tensor([[[1, 10, 100, 1000]]], { dtype: 'float64' })).sum().backward();
    expectClose(x.grad!, [[[1 + 7.5 + 25, 2.5 + 75 + 1000]]]);
  });
});

describe('interpolate bicubic (Keys, A = −0.75; taps i−1 … i+2 clamped to the border)', () => {
  // Weights at fraction t = 0.25: [w(1.25), w(0.25), w(0.75), w(1.75)] = [−0.10546875, 0.87890625, 0.26171875, −0.03515625];
  // at t = 0.75 the same reversed. 4 → 8 (scale 0.5): src = 0.5·d − 0.25, i.e. t alternates 0.75, 0.25.
  it('1 × 4 → 1 × 8 by hand: d = 0 reads taps [0, 0, 0, 1] (src −0.25 is not clamped), inner pixels all four', () => {
    const y = interpolate(tensor([[[[0, 1, 2, 3]]]]), { size: [1, 8], mode: 'bicubic' });
    expectClose(y, [[[[-0.10546875, 0.19140625, 0.66796875, 1.296875, 1.703125, 2.33203125, 2.80859375, 3.10546875]]]], 1e-6);
    // The weights sum to 1: a constant image stays constant, borders included.
    expectClose(interpolate(tensor([[[[5, 5, 5], [5, 5, 5]]]]), { scaleFactor: [2.5, 1.5], mode: 'bicubic' }), [[new Array(5).fill(new Array(4).fill(5))]]);
  });
  it('alignCorners: on 2 × 2 the midpoint weights are w(1.5) + w(0.5) = 0.5 per side (bilinear there), corners copied', () => {
    expectClose(plane(interpolate(X(), { size: [3, 3], mode: 'bicubic', alignCorners: true })), [[1, 1.5, 2], [2, 2.5, 3], [3, 3.5, 4]]);
  });
  it('a same-size resize copies the input (t = 0: weights [0, 1, 0, 0])', () => {
    const x = rnd([1, 2, 3, 4], 11);
    expectClose(interpolate(x, { size: [3, 4], mode: 'bicubic' }), x.toArray() as number[][][][]);
  });
});

describe('interpolate gradients (float64 gradcheck)', () => {
  it('nearest: up, down, non-integer, 3-D', () => {
    expectGrad((x) => interpolate(x, { scaleFactor: 2 }), [rnd([2, 2, 2, 3], 1)]);
    expectGrad((x) => interpolate(x, { size: [2, 3] }), [rnd([1, 2, 5, 4], 2)]);
    expectGrad((x) => interpolate(x, { scaleFactor: 1.5 }), [rnd([2, 1, 5], 3)]);
  });
  it('bilinear and linear, alignCorners false and true, size and scaleFactor', () => {
    expectGrad((x) => interpolate(x, { scaleFactor: 2, mode: 'bilinear' }), [rnd([1, 2, 3, 2], 4)]);
    expectGrad((x) => interpolate(x, { size: [5, 2], mode: 'bilinear', alignCorners: true }), [rnd([2, 1, 3, 4], 5)]);
    expectGrad((x) => interpolate(x, { scaleFactor: [0.6, 1.7], mode: 'bilinear' }), [rnd([1, 1, 5, 3], 6)]);
    expectGrad((x) => interpolate(x, { size: 7, mode: 'linear' }), [rnd([2, 2, 3], 7)]);
    expectGrad((x) => interpolate(x, { size: 2, mode: 'linear', alignCorners: true }), [rnd([1, 2, 5], 8)]);
  });
  it('bicubic: up, down, alignCorners, one-pixel axes', () => {
    expectGrad((x) => interpolate(x, { scaleFactor: 2, mode: 'bicubic' }), [rnd([1, 2, 3, 4], 12)]);
    expectGrad((x) => interpolate(x, { size: [2, 3], mode: 'bicubic' }), [rnd([2, 1, 5, 6], 13)]);
    expectGrad((x) => interpolate(x, { size: [4, 5], mode: 'bicubic', alignCorners: true }), [rnd([1, 1, 3, 2], 14)]);
    expectGrad((x) => interpolate(x, { size: [3, 3], mode: 'bicubic' }), [rnd([1, 1, 1, 2], 15)]);
  });
  it('strided (non-contiguous) inputs', () => {
    expectGrad((x) => interpolate(x.transpose(2, 3), { size: [4, 5], mode: 'bilinear' }), [rnd([1, 2, 3, 2], 9)]);
    expectGrad((x) => interpolate(x.permute(1, 2, 0), { scaleFactor: 2 }), [rnd([3, 1, 2], 10)]);
    expectClose(plane(interpolate(X().transpose(2, 3), { scaleFactor: 2 })), [[1, 1, 3, 3], [1, 1, 3, 3], [2, 2, 4, 4], [2, 2, 4, 4]]);
  });
});

describe('interpolate errors', () => {
  it('names the op, the mode and the shape', () => {
    expect(() => interpolate(X(), { mode: 'linear', size: 3 })).toThrow("interpolate: mode 'linear' needs a 3-D input [N,C,L], got shape [1,1,2,2]");
    expect(() => interpolate(tensor([[[1, 2]]]), { mode: 'bilinear', size: 3 })).toThrow("interpolate: mode 'bilinear' needs a 4-D input [N,C,H,W], got shape [1,1,2]");
    expect(() => interpolate(tensor([[1, 2]]), { size: 3 })).toThrow('interpolate: input must be 3-D [N,C,L] or 4-D [N,C,H,W], got shape [1,2]');
    expect(() => interpolate(X(), { size: 3, scaleFactor: 2 })).toThrow('interpolate: give exactly one of size and scaleFactor');
    expect(() => interpolate(X(), {})).toThrow('interpolate: give exactly one of size and scaleFactor');
    expect(() => interpolate(X(), { size: 3, alignCorners: true })).toThrow("interpolate: alignCorners can only be set with the interpolating modes 'linear', 'bilinear' and 'bicubic'");
    expect(() => interpolate(tensor([[[1, 2]]]), { mode: 'bicubic', size: 3 })).toThrow("interpolate: mode 'bicubic' needs a 4-D input [N,C,H,W], got shape [1,1,2]");
    expect(() => interpolate(X(), { mode: 'trilinear' as 'bicubic', size: 3 })).toThrow("interpolate: mode must be 'nearest', 'linear', 'bilinear' or 'bicubic', got 'trilinear'");
    expect(() => interpolate(X(), { size: [3] })).toThrow('interpolate: size must have 2 entries (one per spatial dimension), got [3]');
    expect(() => interpolate(X(), { size: [0, 2] })).toThrow('interpolate: size must be positive integers, got [0, 2]');
    expect(() => interpolate(X(), { scaleFactor: 0.4 })).toThrow('interpolate: input and output sizes must be positive, got input [1,1,2,2] and output size [0,0]');
    expect(() => interpolate(X(), { scaleFactor: -1 })).toThrow('interpolate: scaleFactor must be positive and finite, got -1');
    expect(() => interpolate(tensor([[[1, 2]]], { dtype: 'int32' }), { size: 3 })).toThrow('interpolate: input must have a float dtype, got int32');
  });
});
