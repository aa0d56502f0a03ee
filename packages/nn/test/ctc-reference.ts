import { Generator, randn, type Tensor } from '@tensorkit/core';

/** Deterministic [T, B, C] float64 log-probs from seeded normal logits. */
export function randomLogProbs(T: number, B: number, C: number, seed: number): Tensor {
  return randn([T, B, C], { dtype: 'float64', generator: new Generator(seed) }).logSoftmax(-1);
}

/**
 * -log p(target) for sample b by enumerating every one of the C^T paths (blank 0) and
 * collapsing each. With `windows`, only paths whose frames emitting label j all lie in
 * windows[j] count (a label's repeated frames count as that label) — the constrained CTC
 * reference.
 */
export function bruteForceCtcNll(lp: Tensor, b: number, T: number, target: number[], windows?: [number, number][]): number {
  const C = lp.shape[2];
  const B = lp.shape[1];
  const data = lp.contiguous().toTypedArray();
  const path = new Array<number>(T).fill(0);
  let total = 0;
  for (let n = 0; n < C ** T; n++) {
    let r = n;
    for (let t = 0; t < T; t++) {
      path[t] = r % C;
      r = Math.floor(r / C);
    }
    const collapsed: number[] = [];
    let prev = 0;
    let inside = true;
    for (let t = 0; t < T; t++) {
      const k = path[t];
      if (k !== 0 && k !== prev) collapsed.push(k);
      if (k !== 0 && windows) {
        const w = windows[collapsed.length - 1];
        if (!w || t < w[0] || t > w[1]) inside = false;
      }
      prev = k;
    }
    if (!inside || collapsed.length !== target.length || collapsed.some((k, i) => k !== target[i])) continue;
    let logp = 0;
    for (let t = 0; t < T; t++) logp += data[(t * B + b) * C + path[t]];
    total += Math.exp(logp);
  }
  return -Math.log(total);
}
