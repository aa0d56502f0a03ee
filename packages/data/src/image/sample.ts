/** Pixel (xx, yy), or `fill` outside the image. */
function pixelAt(data: ArrayLike<number>, width: number, height: number, xx: number, yy: number, fill: number): number {
  return xx >= 0 && yy >= 0 && xx < width && yy < height ? data[yy * width + xx] : fill;
}

/**
 * Bilinear sample at (x, y) in pixel-index coordinates; outside the image blends towards `fill`.
 * (Called once per output pixel: no closures in here — creating one per call cost more than
 * the arithmetic, most of all under tsx, which names every function it creates.)
 */
export function sampleBilinear(data: ArrayLike<number>, width: number, height: number, x: number, y: number, fill: number): number {
  const x0 = Math.floor(x);
  const y0 = Math.floor(y);
  const fx = x - x0;
  const fy = y - y0;
  const p00 = pixelAt(data, width, height, x0, y0, fill);
  const top = fx === 0 ? p00 : p00 * (1 - fx) + pixelAt(data, width, height, x0 + 1, y0, fill) * fx;
  if (fy === 0) return top;
  const p01 = pixelAt(data, width, height, x0, y0 + 1, fill);
  const bottom = fx === 0 ? p01 : p01 * (1 - fx) + pixelAt(data, width, height, x0 + 1, y0 + 1, fill) * fx;
  return top * (1 - fy) + bottom * fy;
}
