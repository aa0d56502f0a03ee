/**
 * The float32 fast paths (wasm max-pool and ReLU-gradient kernels, the
 * unit-stride im2col block copy, the 2×2 pooling loop) against naive loops
 * and the float64 reference path.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { conv2d, getBackend, maxPool2d, Tensor, withBackend, listBackends } from '@tensorkit/core';
import { createWasmBackend } from '../src/backend/wasm/index.js';

function lcg(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (Math.imul(a, 1664525) + 1013904223) >>> 0;
    return a / 4294967296 - 0.5;
  };
}

function randomF32(n: number, seed: number, quantize = false): Float32Array {
  const next = lcg(seed);
  const x = new Float32Array(n);
  // Quantized values make ties common.
  for (let i = 0; i < n; i++) x[i] = quantize ? Math.round(next() * 6) : next() * 4;
  return x;
}

/** Reference max-pool 2×2 stride 2: first maximum in row-major window order, a NaN wins. */
function naivePool(src: Float32Array, planes: number, h: number, w: number): { out: Float32Array; arg: Int32Array } {
  const oh = h >> 1, ow = w >> 1;
  const out = new Float32Array(planes * oh * ow);
  const arg = new Int32Array(out.length);
  let p = 0;
  for (let pl = 0; pl < planes; pl++) {
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++, p++) {
        let best = NaN, bi = -1;
        for (const [dy, dx] of [[0, 0], [0, 1], [1, 0], [1, 1]]) {
          const idx = pl * h * w + (2 * oy + dy) * w + 2 * ox + dx;
          const v = src[idx];
          if (bi < 0 || (!Number.isNaN(best) && (v > best || Number.isNaN(v)))) { best = v; bi = idx; }
        }
        out[p] = best;
        arg[p] = bi;
      }
    }
  }
  return { out, arg };
}

describe('wasm maxPool2x2 and reluGrad kernels', () => {
  const backend = createWasmBackend({ threads: 1, elementwiseMinLength: 0 })!;
  afterAll(() => backend.dispose());

  for (const [h, w] of [[4, 8], [6, 6], [6, 10], [7, 15], [28, 28], [14, 14]] as const) {
    it(`maxPool2x2 matches the naive loop on ${h}×${w} (ties and NaNs)`, () => {
      const planes = 5;
      const src = randomF32(planes * h * w, h * 31 + w, true);
      for (let i = 3; i < src.length; i += 37) src[i] = NaN;
      src[0] = NaN; src[1] = NaN; // two NaNs in one window: the first wins
      const oh = h >> 1, ow = w >> 1;
      const out = new Float32Array(planes * oh * ow).fill(7);
      const arg = new Int32Array(out.length).fill(-5);
      expect(backend.maxPool2x2!(src, planes, h, w, oh, ow, out, arg)).toBe(true);
      const ref = naivePool(src, planes, h, w);
      expect(Array.from(arg)).toEqual(Array.from(ref.arg));
      expect(Array.from(out)).toEqual(Array.from(ref.out));
    });
  }

  it('reluGrad is 0 where x <= 0, else g (a NaN x passes g, as torch)', () => {
    const n = 4099;
    const x = randomF32(n, 1);
    const g = randomF32(n, 2);
    x[0] = NaN; x[1] = 0; x[2] = -0; x[3] = Infinity; g[3] = NaN;
    const out = new Float32Array(n).fill(9);
    expect(backend.unaryGrad!('relu', x, x, g, out)).toBe(true);
    for (let i = 0; i < n; i++) {
      const want = x[i] <= 0 ? 0 : g[i];
      if (!Object.is(out[i], want) && !(Number.isNaN(out[i]) && Number.isNaN(want))) throw new Error(`at ${i}: ${out[i]} vs ${want}`);
    }
  });
});

function t32(data: Float32Array, shape: number[]): Tensor {
  return new Tensor(data, shape, 'float32');
}

describe('op fast paths agree with the reference paths', () => {
  it('maxPool2d 2×2 (float32, active backend and js) matches the naive loop, with gradient', () => {
    const [n, c, h, w] = [3, 4, 10, 14];
    const src = randomF32(n * c * h * w, 5, true);
    src[17] = NaN;
    const ref = naivePool(src, n * c, h, w);
    for (const name of new Set([getBackend().name, 'js'])) {
      withBackend(name, () => {
        const x = t32(src.slice(), [n, c, h, w]).requiresGrad_();
        const y = maxPool2d(x, 2);
        expect(Array.from(y.toTypedArray())).toEqual(Array.from(ref.out));
        const g = randomF32(y.size, 6);
        y.backward(t32(g, [...y.shape]));
        const want = new Float32Array(src.length);
        ref.arg.forEach((a, i) => (want[a] += g[i]));
        expect(Array.from(x.grad!.toTypedArray())).toEqual(Array.from(want));
      });
    }
  });

  it('maxPool2d 3×3 stride 2 (generic inside-window loop) matches float64', () => {
    const src = randomF32(2 * 3 * 9 * 11, 8, true);
    const a = maxPool2d(t32(src, [2, 3, 9, 11]), 3, { stride: 2 });
    const b = maxPool2d(new Tensor(Float64Array.from(src), [2, 3, 9, 11], 'float64'), 3, { stride: 2 });
    expect(Array.from(a.toTypedArray())).toEqual(Array.from(b.toTypedArray()));
  });

  for (const opts of [{ padding: 'same' as const }, { padding: 1 }, { padding: [2, 0] as [number, number] }, { padding: 'same' as const, dilation: 2 }]) {
    it(`conv2d float32 (${listBackends().join('/')}) matches float64 with ${JSON.stringify(opts)}, gradients included`, () => {
      const [n, c, h, w, o] = [3, 4, 7, 9, 5];
      const xs = randomF32(n * c * h * w, 11);
      const ws = randomF32(o * c * 9, 12);
      const bs = randomF32(o, 13);
      const run = (dt: 'float32' | 'float64') => {
        const cast = (a: Float32Array) => (dt === 'float32' ? a.slice() : Float64Array.from(a));
        const x = new Tensor(cast(xs), [n, c, h, w], dt).requiresGrad_();
        const wt = new Tensor(cast(ws), [o, c, 3, 3], dt).requiresGrad_();
        const b = new Tensor(cast(bs), [o], dt).requiresGrad_();
        const y = conv2d(x, wt, b, opts);
        y.backward(new Tensor(dt === 'float32' ? randomF32(y.size, 14) : Float64Array.from(randomF32(y.size, 14)), [...y.shape], dt));
        return [y, x.grad!, wt.grad!, b.grad!].map((t) => Array.from(t.toTypedArray()));
      };
      const a = run('float32');
      const b = run('float64');
      for (let k = 0; k < a.length; k++) {
        expect(a[k].length).toBe(b[k].length);
        a[k].forEach((v, i) => expect(Math.abs(v - b[k][i])).toBeLessThan(1e-4 * (1 + Math.abs(b[k][i]))));
      }
    });
  }
});
