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

/**
 * Textbook CTC prefix beam search over a [T][C] matrix of log-probs (blank 0, no per-frame
 * pruning): prefixes as strings in a Map, every candidate scored and fully sorted each frame.
 * Slow and plain on purpose — the reference the optimised search must match.
 */
export function referencePrefixBeamSearch(rows: number[][], beamWidth: number, allow: (prefix: readonly number[], token: number) => boolean = () => true): { ids: number[]; logProb: number }[] {
  const lse = (a: number, b: number) => (a === -Infinity ? b : b === -Infinity ? a : Math.max(a, b) + Math.log1p(Math.exp(-Math.abs(a - b))));
  let beams = new Map<string, { ids: number[]; pb: number; pnb: number }>([['', { ids: [], pb: 0, pnb: -Infinity }]]);
  for (const row of rows) {
    const next = new Map<string, { ids: number[]; pb: number; pnb: number }>();
    const entry = (ids: number[]) => {
      const key = ids.join(',');
      let e = next.get(key);
      if (!e) next.set(key, (e = { ids, pb: -Infinity, pnb: -Infinity }));
      return e;
    };
    for (const { ids, pb, pnb } of beams.values()) {
      const last = ids.length ? ids[ids.length - 1] : -1;
      for (let c = 0; c < row.length; c++) {
        const p = row[c];
        if (c === 0) {
          const e = entry(ids);
          e.pb = lse(e.pb, lse(pb, pnb) + p);
        } else if (c === last) {
          const stay = entry(ids);
          stay.pnb = lse(stay.pnb, pnb + p);
          if (allow(ids, c)) {
            const e = entry([...ids, c]);
            e.pnb = lse(e.pnb, pb + p);
          }
        } else if (allow(ids, c)) {
          const e = entry([...ids, c]);
          e.pnb = lse(e.pnb, lse(pb, pnb) + p);
        }
      }
    }
    const ranked = [...next.values()].filter((e) => lse(e.pb, e.pnb) > -Infinity).sort((a, b) => lse(b.pb, b.pnb) - lse(a.pb, a.pnb));
    beams = new Map(ranked.slice(0, beamWidth).map((e) => [e.ids.join(','), e]));
  }
  return [...beams.values()].map((e) => ({ ids: e.ids, logProb: lse(e.pb, e.pnb) })).sort((a, b) => b.logProb - a.logProb);
}
