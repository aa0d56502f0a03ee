/** Bilinear sample at (x, y) in pixel-index coordinates; outside the image blends towards `fill`. */
export function sampleBilinear(data: ArrayLike<number>, width: number, height: number, x: number, y: number, fill: number): number {
  const x0 = Math.floor(x);
  const y0 = Math.floor(y);
  const fx = x - x0;
  const fy = y - y0;
  const at = (xx: number, yy: number): number => (xx >= 0 && yy >= 0 && xx < width && yy < height ? data[yy * width + xx] : fill);
  const top = fx === 0 ? at(x0, y0) : at(x0, y0) * (1 - fx) + at(x0 + 1, y0) * fx;
  if (fy === 0) return top;
  const bottom = fx === 0 ? at(x0, y0 + 1) : at(x0, y0 + 1) * (1 - fx) + at(x0 + 1, y0 + 1) * fx;
  return top * (1 - fy) + bottom * fy;
}
