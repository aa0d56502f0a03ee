/**
 * Connectionist Temporal Classification loss on log-probabilities, as a
 * custom autograd op: the forward–backward recursion runs once on typed
 * arrays and the gradient is produced alongside the loss (see ctc-kernel.ts).
 *
 * Guardrails (field notes §B.2): a pre-flight length check that names the
 * sample, `zeroInfinity` to neutralise impossible samples, and +Infinity —
 * never NaN — for a sample with no feasible alignment.
 */
import { isGradEnabled, record, Tensor } from '@tensorkit/core';
import { checkOptionKeys, type OptionKeys } from '../options.js';
import { ctcRepeats } from './ctc-align.js';
import { readCtcBatch } from './ctc-inputs.js';
import { ctcSample, CtcWorkspace } from './ctc-kernel.js';
import type { IndexLike } from './indices.js';
import { checkReduction, type Reduction } from './reduction.js';

export interface CtcLossOptions {
  /** Class id of the blank symbol (default 0). */
  blank?: number;
  /**
   * 'mean' (default, as PyTorch): divide each sample's loss by its target
   * length (at least 1), then average over the batch. 'sum' or 'none' ([B]).
   */
  reduction?: Reduction;
  /** Replace infinite losses (impossible alignments) by 0 with zero gradient. */
  zeroInfinity?: boolean;
  /** logProbs is [B, T, C] instead of [T, B, C]. */
  batchFirst?: boolean;
  /**
   * Throw when a sample's input is shorter than its target length plus its
   * repeats (default true). When false such samples give +Infinity (or 0
   * with zeroInfinity), as in PyTorch.
   */
  checkLengths?: boolean;
  /**
   * Alignment constraint, per sample: 2·S frame indices [first0, last0, first1, last1, …] —
   * label j may only be emitted at frames first_j … last_j (inclusive; blanks are free), as
   * in constrained CTC (Senior et al., 2015). Known word timings keep the model from
   * emitting a word far from its sound. null/undefined entries (or omitting the option)
   * leave a sample unconstrained; a sample whose windows admit no alignment gets
   * +Infinity (0 with zeroInfinity).
   */
  labelWindows?: readonly (ArrayLike<number> | null | undefined)[];
}

const OP = 'ctcLoss';

/**
 * @param logProbs [T, B, C] (or [B, T, C] with batchFirst) log-probabilities, e.g. logSoftmax(logits, -1);
 *   or one unbatched sample [T, C], as PyTorch allows (then targets are its S labels, the lengths
 *   numbers or one-element arrays, and reduction 'none' gives a scalar).
 * @param targets padded [B, S] or concatenated 1-D label ids (no blanks).
 * @param inputLengths valid frames per sample (≤ T).
 * @param targetLengths labels per sample.
 */
const KEYS: OptionKeys<CtcLossOptions> = { blank: true, reduction: true, zeroInfinity: true, batchFirst: true, checkLengths: true, labelWindows: true };

export function ctcLoss(
  logProbs: Tensor, targets: IndexLike, inputLengths: IndexLike | number, targetLengths: IndexLike | number, opts: CtcLossOptions = {},
): Tensor {
  checkOptionKeys('ctcLoss', opts, KEYS);
  if (logProbs instanceof Tensor && logProbs.rank === 2) return unbatchedCtcLoss(logProbs, targets, inputLengths, targetLengths, opts);
  if (typeof inputLengths === 'number' || typeof targetLengths === 'number') {
    throw new Error(`${OP}: lengths may be plain numbers only for one unbatched [T, C] sample; a batch needs one length per sample`);
  }
  const reduction = checkReduction(OP, opts.reduction);
  const blank = opts.blank ?? 0;
  const zeroInfinity = opts.zeroInfinity ?? false;
  const checkLengths = opts.checkLengths ?? true;
  const batch = readCtcBatch(OP, logProbs, targets, inputLengths, targetLengths, blank, opts.batchFirst ?? false);
  const { B, lp, strideT, strideB, labels, labelStart } = batch;
  const wantGrad = isGradEnabled() && logProbs.requiresGrad;
  const grad = wantGrad ? new Float64Array(lp.length) : null;
  const losses = new Float64Array(B);
  const windows = readLabelWindows(opts.labelWindows, batch.targetLengths, batch.inputLengths);
  const ws = new CtcWorkspace();
  for (let b = 0; b < B; b++) {
    const T = batch.inputLengths[b];
    const S = batch.targetLengths[b];
    const repeats = ctcRepeats(labels, labelStart[b], S);
    if (T < S + repeats) {
      if (!zeroInfinity && checkLengths) {
        throw new Error(
          `${OP}: sample ${b} cannot be aligned: input length ${T} < target length ${S} + ${repeats} repeated labels ` +
            '(filter such samples with ctcAlignable, reduce subsampling, or pass zeroInfinity: true)',
        );
      }
      losses[b] = zeroInfinity ? 0 : Infinity;
      continue;
    }
    const w = windows?.start[b] ?? -1;
    const nll = ctcSample(
      { lp, base: b * strideB, strideT, T, labels, labelStart: labelStart[b], S, blank, windows: w < 0 ? undefined : windows!.data, windowStart: w },
      ws, grad,
    );
    losses[b] = zeroInfinity && nll === Infinity ? 0 : nll;
  }

  const dtype = logProbs.dtype;
  const perSample = new Tensor(dtype === 'float32' ? Float32Array.from(losses) : losses, [B], dtype);
  const shape = logProbs.shape;
  record(perSample, OP, [logProbs], (g) => {
    const gv = g.contiguous().toTypedArray();
    const out = dtype === 'float32' ? new Float32Array(grad!.length) : new Float64Array(grad!.length);
    const T = batch.T;
    const C = batch.C;
    for (let b = 0; b < B; b++) {
      const scale = gv[b];
      for (let t = 0; t < T; t++) {
        const row = b * strideB + t * strideT;
        for (let k = 0; k < C; k++) out[row + k] = grad![row + k] * scale;
      }
    }
    return [new Tensor(out, shape, dtype)];
  });

  if (reduction === 'none') return perSample;
  if (reduction === 'sum') return perSample.sum();
  const lengths = new Float64Array(B);
  for (let b = 0; b < B; b++) lengths[b] = Math.max(1, batch.targetLengths[b]);
  return perSample.div(new Tensor(dtype === 'float32' ? Float32Array.from(lengths) : lengths, [B], dtype)).mean();
}

/** PyTorch's unbatched form: one [T, C] sample computed as a batch of one. */
function unbatchedCtcLoss(
  logProbs: Tensor, targets: IndexLike, inputLengths: IndexLike | number, targetLengths: IndexLike | number, opts: CtcLossOptions,
): Tensor {
  const one = (name: string, v: IndexLike | number): IndexLike => {
    if (typeof v === 'number') return [v];
    const n = v instanceof Tensor ? v.size : v.length;
    if (n !== 1) throw new Error(`${OP}: an unbatched [T, C] sample takes one ${name}, got ${n}`);
    return v instanceof Tensor ? v.reshape([1]) : v;
  };
  const loss = ctcLoss(logProbs.unsqueeze(opts.batchFirst ? 0 : 1), targets, one('inputLengths', inputLengths), one('targetLengths', targetLengths), opts);
  return loss.rank === 1 ? loss.reshape([]) : loss;
}

/**
 * Flattens per-sample label windows (start = -1 for an unconstrained sample), checking each:
 * frame indices must lie in the sample's input. Beyond it a window admits no alignment (a
 * silent +Infinity), and past 2³¹ it would wrap in the Int32Array.
 */
function readLabelWindows(
  arg: CtcLossOptions['labelWindows'], targetLengths: Int32Array, inputLengths: Int32Array,
): { data: Int32Array; start: Int32Array } | null {
  if (arg === undefined) return null;
  const B = targetLengths.length;
  if (!Array.isArray(arg)) throw new Error(`${OP}: labelWindows must be an array with one entry (frame indices or null) per sample, got ${typeof arg}`);
  if (arg.length !== B) throw new Error(`${OP}: labelWindows has ${arg.length} entries but the batch has ${B} samples`);
  const start = new Int32Array(B).fill(-1);
  let total = 0;
  for (let b = 0; b < B; b++) if (arg[b] != null) total += 2 * targetLengths[b];
  const data = new Int32Array(total);
  let off = 0;
  for (let b = 0; b < B; b++) {
    const w = arg[b];
    if (w == null) continue;
    const S = targetLengths[b];
    const T = inputLengths[b];
    if (typeof w !== 'object' || typeof w.length !== 'number') throw new Error(`${OP}: sample ${b}: labelWindows entry must be an array of frame indices or null, got ${typeof w}`);
    if (w.length !== 2 * S) throw new Error(`${OP}: sample ${b}: labelWindows needs 2 × ${S} frame indices (first, last per label), got ${w.length}`);
    for (let j = 0; j < S; j++) {
      const lo = w[2 * j];
      const hi = w[2 * j + 1];
      if (!Number.isInteger(lo) || !Number.isInteger(hi) || lo < 0 || hi < lo || hi >= T) {
        throw new Error(
          `${OP}: sample ${b}: label ${j} window [${String(lo)}, ${String(hi)}] must be integer frame indices with 0 <= first <= last < ${T} (the sample's input length)`,
        );
      }
      data[off + 2 * j] = lo;
      data[off + 2 * j + 1] = hi;
    }
    start[b] = off;
    off += 2 * S;
  }
  return { data, start };
}
