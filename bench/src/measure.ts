/** Timing helpers: warm up, then report the median of repeated runs. */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Runs fn until at least minMs has passed per sample; returns seconds per call (median of `samples`). */
export async function timeIt(fn: () => unknown | Promise<unknown>, { warmup = 2, warmupMs = 1000, samples = 5, minMs = 200 } = {}): Promise<number> {
  // Warm up by count and by time, so the JIT has settled before we measure.
  const w0 = performance.now();
  for (let i = 0; i < warmup || performance.now() - w0 < warmupMs; i++) await fn();
  const per: number[] = [];
  for (let s = 0; s < samples; s++) {
    let calls = 0;
    const t0 = performance.now();
    do {
      await fn();
      calls++;
    } while (performance.now() - t0 < minMs);
    per.push((performance.now() - t0) / 1000 / calls);
  }
  return median(per);
}

export function peakRssMB(): number {
  return process.resourceUsage().maxRSS / 1024;
}
