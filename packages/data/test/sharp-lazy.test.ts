import { describe, expect, it } from 'vitest';

/** Whether sharp's native library (libvips) is loaded into this process. */
function sharpLoaded(): boolean {
  const report = process.report.getReport() as { sharedObjects: string[] };
  return report.sharedObjects.some((so) => /sharp|vips/.test(so));
}

describe('sharp is loaded on first use', () => {
  it('importing the package does not load it (≈ 0.3 s of every CLI start); encoding a PNG does', async () => {
    // Each test file runs in its own process (pool 'forks'), so nothing loaded sharp before.
    const data = await import('../src/index.js');
    expect(sharpLoaded()).toBe(false);
    const png = await data.encodePng(new Uint8Array([0, 255, 128, 64]), 2, 2);
    expect(sharpLoaded()).toBe(true);
    expect((await data.imageInfo(png))).toMatchObject({ width: 2, height: 2, format: 'png' });
  });
});
