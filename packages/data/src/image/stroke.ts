/** Mean stroke width of a mask as 2·area / boundary length (a stroke of width w and length L has area wL, boundary ≈ 2L). */
export function estimateStrokeWidth(mask: Uint8Array, width: number, height: number): number {
  let area = 0;
  let boundary = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      if (!mask[i]) continue;
      area++;
      if (x === 0 || y === 0 || x === width - 1 || y === height - 1 || !mask[i - 1] || !mask[i + 1] || !mask[i - width] || !mask[i + width]) {
        boundary++;
      }
    }
  }
  return boundary ? (2 * area) / boundary : 0;
}
