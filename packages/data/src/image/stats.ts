/** p-th quantile (p in [0, 1]) by sorting a copy; images here are at most a few hundred pixels a side. */
export function quantile(values: ArrayLike<number>, p: number): number {
  if (values.length === 0) return 0;
  const sorted = Float32Array.from(values).sort();
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.round(p * (sorted.length - 1))));
  return sorted[idx];
}

export function mean(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i];
  return values.length ? s / values.length : 0;
}

/** Pixels of the outer ring `ring` pixels wide. */
export function borderPixels(data: Float32Array, width: number, height: number, ring: number): Float32Array {
  const out: number[] = [];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (x < ring || y < ring || x >= width - ring || y >= height - ring) out.push(data[y * width + x]);
    }
  }
  return Float32Array.from(out);
}

/** Otsu's threshold for values in [0, 1] (256-bin histogram): maximises between-class variance. */
export function otsuThreshold(data: ArrayLike<number>): number {
  const bins = 256;
  const hist = new Float64Array(bins);
  for (let i = 0; i < data.length; i++) hist[Math.min(bins - 1, Math.max(0, Math.floor(data[i] * bins)))]++;
  let total = 0;
  let sumAll = 0;
  for (let b = 0; b < bins; b++) {
    total += hist[b];
    sumAll += b * hist[b];
  }
  let wB = 0;
  let sumB = 0;
  let best = 0;
  let bestVar = -1;
  for (let b = 0; b < bins - 1; b++) {
    wB += hist[b];
    sumB += b * hist[b];
    const wF = total - wB;
    if (wB === 0 || wF === 0) continue;
    const d = sumB / wB - (sumAll - sumB) / wF;
    const v = wB * wF * d * d;
    if (v > bestVar) {
      bestVar = v;
      best = b;
    }
  }
  return (best + 1) / bins;
}
