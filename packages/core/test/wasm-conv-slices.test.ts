import { describe, expect, it } from 'vitest';
import { WasmRuntime } from '../src/backend/wasm/runtime.js';

const rt = WasmRuntime.create({ dir: new URL('../wasm/build/', import.meta.url), threads: 1, simd: 'auto' });

describe.skipIf(!rt)('conv batch slices', () => {
  it('are fixed by the shapes: at most 16 for a training batch, never empty', () => {
    for (const n of [1, 7, 16, 37, 128, 256]) {
      const s = rt!.convSlices(n, 64, 288, 196);
      expect(s.tiles).toBeLessThanOrEqual(16);
      expect((s.tiles - 1) * s.nb).toBeLessThan(n); // the last slice holds at least one sample
      expect(s.tiles * s.nb).toBeGreaterThanOrEqual(n);
    }
  });

  it('get smaller for large images but stay within the tile and weight-gradient slot limits', () => {
    const big = rt!.convSlices(64, 64, 27, 224 * 224);
    expect(big.nb).toBe(1); // 64 slices of one image rather than 16 of four (cache)
    const huge = rt!.convSlices(5000, 64, 27, 224 * 224);
    expect(huge.tiles).toBeLessThanOrEqual(256); // tile indices fit the claim word with room to spare
    const wide = rt!.convSlices(512, 512, 4608, 49);
    expect(wide.tiles * 512 * 4608 * 4).toBeLessThanOrEqual(64 << 20);
  });
});
