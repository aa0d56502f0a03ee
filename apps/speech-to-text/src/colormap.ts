/** Perceptually ordered colour map (viridis key colours, linearly interpolated). */
const VIRIDIS: [number, number, number][] = [
  [68, 1, 84], [72, 40, 120], [62, 74, 137], [49, 104, 142], [38, 130, 142],
  [31, 158, 137], [53, 183, 121], [109, 205, 89], [180, 222, 44], [253, 231, 37],
];

export function viridis(v: number): [number, number, number] {
  const x = Math.min(1, Math.max(0, Number.isFinite(v) ? v : 0)) * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(x));
  const f = x - i;
  const a = VIRIDIS[i];
  const b = VIRIDIS[i + 1];
  return [Math.round(a[0] + f * (b[0] - a[0])), Math.round(a[1] + f * (b[1] - a[1])), Math.round(a[2] + f * (b[2] - a[2]))];
}

/**
 * A rows × cols heat map as RGB pixels; `value(r, c)` must be in [0, 1]. Row 0 is drawn at the
 * top unless `flipY` (spectrograms put low frequencies at the bottom).
 */
export function heatmapRgb(rows: number, cols: number, value: (r: number, c: number) => number, flipY = false): Uint8Array {
  const rgb = new Uint8Array(rows * cols * 3);
  for (let r = 0; r < rows; r++) {
    const y = flipY ? rows - 1 - r : r;
    for (let c = 0; c < cols; c++) rgb.set(viridis(value(r, c)), (y * cols + c) * 3);
  }
  return rgb;
}
