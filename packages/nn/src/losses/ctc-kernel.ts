/**
 * The CTC forward–backward recursion for one sample, in log space with
 * float64 accumulators, O(T·S) time on typed arrays.
 *
 * Extended labels l' = [blank, y1, blank, y2, …, yS, blank] (L = 2S + 1).
 *   α_t(s): log-probability of all path prefixes that end in state s at frame
 *           t, including frame t's emission.
 *   β_t(s): log-probability of all path suffixes from state s at frame t,
 *           *excluding* frame t's emission.
 * Then p(y|x) = Σ_s exp(α_{T-1}(s)) over the two final states, and the
 * occupation probability of (t, s) is γ_t(s) = exp(α_t(s) + β_t(s) - log p).
 * Because every path visits exactly one state per frame, the true partial
 * derivative of the loss -log p with respect to the log-prob input is
 *   ∂loss/∂lp_{t,k} = -Σ_{s : l'_s = k} γ_t(s).
 * (PyTorch returns exp(lp) minus this, which is the same gradient once it goes
 * through log_softmax; ours is the exact partial, so gradcheck passes with or
 * without a log_softmax in front.) Keeping β free of frame t's emission means
 * no `lp - lp` subtraction, which would give NaN where lp = -inf.
 *
 * Optional label windows constrain the alignment (as in Senior et al., 2015,
 * "constrained CTC"): label j may only be emitted at frames [lo_j, hi_j];
 * blanks stay free. A path through a forbidden (t, s) contributes nothing to α
 * or β, so the loss and its gradient are those of the restricted path set.
 */

/** Scratch buffers reused across samples (sized for the largest one). */
export class CtcWorkspace {
  alpha = new Float64Array(0);
  betaCur = new Float64Array(0);
  betaNext = new Float64Array(0);
  emit = new Float64Array(0);
  ext = new Int32Array(0);
  /** skip[s] = 1 when the transition s-2 → s is allowed (distinct non-blank labels). */
  skip = new Uint8Array(0);
  /** First and last frame at which state s may be occupied (label windows; blanks: every frame). */
  firstFrame = new Int32Array(0);
  lastFrame = new Int32Array(0);

  reserve(T: number, L: number): void {
    if (this.alpha.length < T * L) this.alpha = new Float64Array(T * L);
    if (this.ext.length < L) {
      this.betaCur = new Float64Array(L);
      this.betaNext = new Float64Array(L);
      this.emit = new Float64Array(L);
      this.ext = new Int32Array(L);
      this.skip = new Uint8Array(L);
      this.firstFrame = new Int32Array(L);
      this.lastFrame = new Int32Array(L);
    }
  }
}

export interface CtcSampleArgs {
  lp: Float32Array | Float64Array;
  /** Offset of this sample's frame 0, class 0 in `lp`. */
  base: number;
  strideT: number;
  /** Number of valid frames for this sample. */
  T: number;
  labels: Int32Array;
  labelStart: number;
  S: number;
  blank: number;
  /**
   * Label windows: label j may be emitted only at frames windows[windowStart + 2j] through
   * windows[windowStart + 2j + 1] (inclusive). Omitted: no constraint.
   */
  windows?: Int32Array;
  windowStart?: number;
}

function logSumExp2(a: number, b: number): number {
  const m = a > b ? a : b;
  if (m === -Infinity) return -Infinity;
  return m + Math.log(Math.exp(a - m) + Math.exp(b - m));
}

function logSumExp3(a: number, b: number, c: number): number {
  let m = a > b ? a : b;
  if (c > m) m = c;
  if (m === -Infinity) return -Infinity;
  return m + Math.log(Math.exp(a - m) + Math.exp(b - m) + Math.exp(c - m));
}

/**
 * Returns the negative log-likelihood (+Infinity when no alignment has
 * non-zero probability). When `grad` is given, adds ∂nll/∂lp into it at the
 * same offsets as `lp`; nothing is added for an infinite loss.
 */
export function ctcSample(a: CtcSampleArgs, ws: CtcWorkspace, grad: Float64Array | null): number {
  const { lp, base, strideT, T, labels, labelStart, S, blank } = a;
  if (T === 0) return S === 0 ? 0 : Infinity;
  const L = 2 * S + 1;
  ws.reserve(T, L);
  const { alpha, ext, skip, firstFrame, lastFrame } = ws;
  for (let s = 0; s < L; s++) {
    ext[s] = s & 1 ? labels[labelStart + (s >> 1)] : blank;
    skip[s] = s >= 2 && ext[s] !== blank && ext[s] !== ext[s - 2] ? 1 : 0;
    const w = a.windows && s & 1 ? (a.windowStart ?? 0) + 2 * (s >> 1) : -1;
    firstFrame[s] = w < 0 ? 0 : a.windows![w];
    lastFrame[s] = w < 0 ? T - 1 : a.windows![w + 1];
  }

  // Forward. States outside [lo, hi] either cannot be reached yet or can no
  // longer reach the end, so they stay at -inf and are skipped.
  alpha.fill(-Infinity, 0, L);
  if (firstFrame[0] <= 0) alpha[0] = lp[base + blank];
  if (L > 1 && firstFrame[1] <= 0) alpha[1] = lp[base + ext[1]];
  for (let t = 1; t < T; t++) {
    const prev = (t - 1) * L;
    const cur = t * L;
    const row = base + t * strideT;
    const lo = Math.max(0, L - 2 * (T - t));
    const hi = Math.min(L - 1, 2 * t + 1);
    alpha.fill(-Infinity, cur, cur + L);
    for (let s = lo; s <= hi; s++) {
      if (t < firstFrame[s] || t > lastFrame[s]) continue;
      const x = alpha[prev + s];
      const y = s > 0 ? alpha[prev + s - 1] : -Infinity;
      const z = skip[s] ? alpha[prev + s - 2] : -Infinity;
      const m = logSumExp3(x, y, z);
      alpha[cur + s] = m === -Infinity ? -Infinity : m + lp[row + ext[s]];
    }
  }
  const last = (T - 1) * L;
  const logp = L > 1 ? logSumExp2(alpha[last + L - 1], alpha[last + L - 2]) : alpha[last];
  if (!(logp > -Infinity)) return logp === -Infinity ? Infinity : NaN;
  if (grad) backwardPass(a, ws, L, logp, grad);
  return -logp;
}

function backwardPass(a: CtcSampleArgs, ws: CtcWorkspace, L: number, logp: number, grad: Float64Array): void {
  const { lp, base, strideT, T } = a;
  const { alpha, ext, skip, emit, firstFrame, lastFrame } = ws;
  let cur = ws.betaCur;
  let next = ws.betaNext;
  next.fill(-Infinity, 0, L);
  next[L - 1] = 0;
  if (L > 1) next[L - 2] = 0;
  accumulate(alpha, (T - 1) * L, next, L, logp, ext, grad, base + (T - 1) * strideT);
  for (let t = T - 2; t >= 0; t--) {
    const rowNext = base + (t + 1) * strideT;
    // β_t(s) only continues through states allowed at frame t + 1.
    for (let s = 0; s < L; s++) emit[s] = t + 1 < firstFrame[s] || t + 1 > lastFrame[s] ? -Infinity : next[s] + lp[rowNext + ext[s]];
    const lo = Math.max(0, L - 2 * (T - t));
    const hi = Math.min(L - 1, 2 * t + 1);
    cur.fill(-Infinity, 0, L);
    for (let s = lo; s <= hi; s++) {
      const x = emit[s];
      const y = s + 1 < L ? emit[s + 1] : -Infinity;
      const z = s + 2 < L && skip[s + 2] ? emit[s + 2] : -Infinity;
      cur[s] = logSumExp3(x, y, z);
    }
    accumulate(alpha, t * L, cur, L, logp, ext, grad, base + t * strideT);
    const tmp = cur;
    cur = next;
    next = tmp;
  }
}

function accumulate(alpha: Float64Array, aOff: number, beta: Float64Array, L: number, logp: number, ext: Int32Array, grad: Float64Array, row: number): void {
  for (let s = 0; s < L; s++) {
    const g = alpha[aOff + s] + beta[s];
    if (g > -Infinity) grad[row + ext[s]] -= Math.exp(g - logp);
  }
}
