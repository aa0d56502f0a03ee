import { describe, expect, it } from 'vitest';
import { decodeImage, encodeRgbaPng, encodeRgbPng, imageInfo, svgToPng } from '@tensorkit/data';

describe('rendering helpers', () => {
  it('renders an SVG to a PNG of the stated size', async () => {
    const png = await svgToPng('<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40"><rect width="120" height="40" fill="#fff"/><line x1="0" y1="0" x2="120" y2="40" stroke="#000"/></svg>');
    expect([...png.subarray(1, 4)].map((c) => String.fromCharCode(c)).join('')).toBe('PNG');
    expect(await imageInfo(png)).toMatchObject({ width: 120, height: 40, format: 'png' });
  });

  it('encodes RGB pixels and rejects a wrong buffer size', async () => {
    const png = await encodeRgbPng(new Uint8Array(2 * 3 * 3).fill(200), 3, 2);
    expect(await imageInfo(png)).toMatchObject({ width: 3, height: 2, channels: 3 });
    await expect(encodeRgbPng(new Uint8Array(5), 3, 2)).rejects.toThrow(/expected 18/);
  });

  it('encodes RGBA pixels with their transparency and rejects a wrong buffer size', async () => {
    // grey opaque, grey fully transparent
    const png = await encodeRgbaPng(Uint8Array.from([100, 100, 100, 255, 100, 100, 100, 0]), 2, 1);
    expect(await imageInfo(png)).toMatchObject({ width: 2, height: 1, channels: 4 });
    expect(Array.from((await decodeImage(png, 'rgba.png', { dtype: 'uint8' })).data)).toEqual([100, 255]);
    await expect(encodeRgbaPng(new Uint8Array(6), 2, 1)).rejects.toThrow('encodeRgbaPng: 6 bytes for a 2x1 RGBA image (expected 8)');
  });
});
