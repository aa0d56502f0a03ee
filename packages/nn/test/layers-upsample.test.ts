import { describe, expect, it } from 'vitest';
import { Generator, randn, tensor } from '@tensorkit/core';
import { buildModule } from '../src/config.js';
import { ConvTranspose2d, Sequential, Upsample } from '../src/layers/index.js';
import { expectClose } from '../../core/test/helpers.js';
import { f64, gradcheckModule } from './layers-helpers.js';

describe('Upsample', () => {
  it('nearest (default), bilinear and bicubic by hand', () => {
    const x = tensor([[[[1, 2], [3, 4]]]]);
    expectClose(new Upsample({ scaleFactor: 2 }).forward(x), [[[[1, 1, 2, 2], [1, 1, 2, 2], [3, 3, 4, 4], [3, 3, 4, 4]]]]);
    expectClose(new Upsample({ size: [3, 3] }).forward(x), [[[[1, 1, 2], [1, 1, 2], [3, 3, 4]]]]);
    expectClose(new Upsample({ scaleFactor: 2, mode: 'bilinear' }).forward(x).select(0, 0).select(0, 0).select(0, 1), [1.5, 1.75, 2.25, 2.5]);
    expectClose(new Upsample({ size: 5, mode: 'linear', alignCorners: true }).forward(tensor([[[0, 10, 20]]])), [[[0, 5, 10, 15, 20]]]);
    // Bicubic 4 → 8 (weights −0.10546875, 0.87890625, 0.26171875, −0.03515625 and reversed; see core's interpolate tests).
    expectClose(new Upsample({ size: [1, 8], mode: 'bicubic' }).forward(tensor([[[[0, 1, 2, 3]]]])).select(0, 0).select(0, 0).select(0, 0),
      [-0.10546875, 0.19140625, 0.66796875, 1.296875, 1.703125, 2.33203125, 2.80859375, 3.10546875], 1e-6);
  });

  it('config: plain JSON, rebuilt by buildModule, no parameters', () => {
    const m = new Upsample({ scaleFactor: [2, 3], mode: 'bilinear' });
    expect(m.config).toEqual({ type: 'Upsample', size: null, scaleFactor: [2, 3], mode: 'bilinear', alignCorners: null });
    expect(JSON.parse(JSON.stringify(m.config))).toEqual(m.config);
    const copy = buildModule<Upsample>(m.config);
    const x = randn([1, 2, 2, 3]);
    expect(copy.forward(x).toArray()).toEqual(m.forward(x).toArray());
    expect(m.parameters()).toEqual([]);
    expect(Object.keys(m.stateDict())).toEqual([]);
  });

  it('gradcheck: nearest, bilinear, linear with alignCorners, bicubic, and inside a decoder with a ConvTranspose2d', () => {
    for (const [m, shape] of [
      [new Upsample({ scaleFactor: 2 }), [1, 2, 2, 3]],
      [new Upsample({ size: [3, 5], mode: 'bilinear' }), [2, 1, 2, 3]],
      [new Upsample({ scaleFactor: 2.5, mode: 'linear', alignCorners: true }), [1, 2, 3]],
      [new Upsample({ scaleFactor: 1.5, mode: 'bicubic' }), [1, 2, 3, 2]],
      [new Sequential(new Upsample({ scaleFactor: 2, mode: 'bilinear' }), new ConvTranspose2d({ inChannels: 2, outChannels: 1, kernelSize: 3, padding: 1, generator: new Generator(1) })), [1, 2, 2, 2]],
    ] as const) {
      const r = gradcheckModule(m, [f64([...shape], 3)], (x) => m.forward(x));
      expect(r.ok, r.message).toBe(true);
    }
  });

  it('errors name the layer or op', () => {
    expect(() => new Upsample({})).toThrow('Upsample: give exactly one of size and scaleFactor, got size null and scaleFactor null');
    expect(() => new Upsample({ size: 4, scaleFactor: 2 })).toThrow('Upsample: give exactly one of size and scaleFactor');
    expect(() => new Upsample({ size: 4, alignCorners: true })).toThrow("Upsample: alignCorners can only be set with the interpolating modes 'linear', 'bilinear' and 'bicubic'");
    expect(() => new Upsample({ size: 4, mode: 'area' as 'bicubic' })).toThrow("Upsample: mode must be 'nearest', 'linear', 'bilinear' or 'bicubic', got 'area'");
    expect(() => new Upsample({ size: 4, mode: 'linear' }).forward(randn([1, 1, 2, 2]))).toThrow("interpolate: mode 'linear' needs a 3-D input [N,C,L], got shape [1,1,2,2]");
  });
});
