/**
 * A [T, C] matrix that is known to hold log-probabilities. Decoders accept
 * only this type, so raw logits or probabilities cannot be passed by mistake,
 * and log cannot be applied twice (a classic decoder bug: parlance/ctcdecode#93).
 * The constructors check every row's normalisation, which catches logits
 * and double-logged inputs at runtime too.
 */
import { describeValue, showValue, Tensor } from '@tensorkit/core';
import { checkOptionKeys } from '../options.js';

export type FloatMatrixData = Float32Array | Float64Array;

export interface LogProbCheck {
  /** Allowed |log Σ_c exp(row)| (default 1e-3). */
  tolerance?: number;
}

export class LogProbMatrix {
  // A private member makes the class nominal: a look-alike object literal does not type-check.
  private readonly brand = 'log-probs' as const;

  private constructor(
    /** Row-major [T, C] log-probabilities. */
    readonly data: FloatMatrixData,
    readonly T: number,
    readonly C: number,
  ) {}

  /** Wraps data that already holds log-probabilities (e.g. log_softmax output); verifies each row. */
  static fromLogProbs(data: FloatMatrixData, T: number, C: number, check: LogProbCheck = {}): LogProbMatrix {
    checkDims(data, T, C);
    const tol = checkTolerance(check);
    for (let t = 0; t < T; t++) {
      const lse = rowLogSumExp(data, t * C, C);
      if (!(Math.abs(lse) <= tol)) {
        throw new Error(
          `LogProbMatrix: frame ${t} does not hold log-probabilities (log Σ exp = ${lse}); ` +
            'use LogProbMatrix.fromLogits for raw network outputs or fromProbs for softmax outputs, and do not apply log twice',
        );
      }
    }
    return new LogProbMatrix(data, T, C);
  }

  /** Applies log-softmax to each row of raw logits. */
  static fromLogits(logits: FloatMatrixData, T: number, C: number): LogProbMatrix {
    checkDims(logits, T, C);
    const out = new Float64Array(T * C);
    for (let t = 0; t < T; t++) {
      const lse = rowLogSumExp(logits, t * C, C);
      // NaN, +Infinity or an all -Infinity row would give a row of NaN "log-probabilities".
      if (!Number.isFinite(lse)) throw new Error(`LogProbMatrix.fromLogits: frame ${t} has no finite normalisation (log Σ exp = ${lse}); the logits contain NaN, +Infinity or only -Infinity`);
      for (let c = 0; c < C; c++) out[t * C + c] = logits[t * C + c] - lse;
    }
    return new LogProbMatrix(out, T, C);
  }

  /** Takes the log of probabilities (rows must sum to 1). */
  static fromProbs(probs: FloatMatrixData, T: number, C: number, check: LogProbCheck = {}): LogProbMatrix {
    checkDims(probs, T, C);
    checkTolerance(check);
    const out = new Float64Array(T * C);
    for (let i = 0; i < out.length; i++) out[i] = Math.log(probs[i]);
    return LogProbMatrix.fromLogProbs(out, T, C, check);
  }

  /** From a [T, C] tensor of log-probabilities (e.g. one sample of a ctcLoss input). */
  static fromTensor(logProbs: Tensor, check: LogProbCheck = {}): LogProbMatrix {
    if (logProbs.rank !== 2) throw new Error(`LogProbMatrix.fromTensor: expected a [T, C] tensor, got [${logProbs.shape.join(', ')}]`);
    if (logProbs.dtype !== 'float32' && logProbs.dtype !== 'float64') throw new Error(`LogProbMatrix.fromTensor: expected a float tensor, got ${logProbs.dtype}`);
    const [T, C] = logProbs.shape;
    return LogProbMatrix.fromLogProbs(logProbs.contiguous().toTypedArray() as FloatMatrixData, T, C, check);
  }

  /** log p(class c at frame t). */
  at(t: number, c: number): number {
    return this.data[t * this.C + c];
  }
}

/**
 * Throws unless `lp` is a LogProbMatrix (checked by shape, not instanceof, so a copy of the
 * package loaded twice still passes): a Tensor or a plain array would otherwise decode to
 * nothing, with NaN statistics.
 */
export function checkLogProbMatrix(fn: string, lp: unknown): asserts lp is LogProbMatrix {
  const m = lp as Partial<LogProbMatrix> | null;
  const ok = typeof m === 'object' && m !== null && (m.data instanceof Float32Array || m.data instanceof Float64Array)
    && Number.isInteger(m.T) && Number.isInteger(m.C) && m.data.length === (m.T as number) * (m.C as number);
  if (ok) return;
  const got = lp instanceof Tensor ? `a Tensor of shape [${lp.shape.join(', ')}]` : lp === null ? 'null' : Array.isArray(lp) ? 'an array' : typeof lp === 'object' ? 'an object that is not a LogProbMatrix' : typeof lp;
  throw new Error(`${fn}: expected a LogProbMatrix ([T, C] log-probabilities), got ${got}; make one with LogProbMatrix.fromTensor(logProbs) for a [T, C] tensor of log-probabilities, or fromLogits / fromProbs for raw or softmax outputs`);
}

/** The row tolerance, refused when it is not a non-negative number (NaN would blame every frame of good data). */
function checkTolerance(check: LogProbCheck): number {
  checkOptionKeys('LogProbMatrix', check, ['tolerance'], 'check option');
  const tol = check?.tolerance ?? 1e-3;
  if (typeof tol !== 'number' || !(tol >= 0)) throw new Error(`LogProbMatrix: tolerance must be a non-negative number, got ${showValue(tol)}`);
  return tol;
}

function checkDims(data: FloatMatrixData, T: number, C: number): void {
  // A plain array would be accepted here and refused by every decoder (checkLogProbMatrix).
  if (!(data instanceof Float32Array) && !(data instanceof Float64Array)) throw new Error(`LogProbMatrix: data must be a Float32Array or Float64Array, got ${describeValue(data)}; for a tensor use LogProbMatrix.fromTensor`);
  if (!Number.isInteger(T) || !Number.isInteger(C) || T < 0 || C < 1) throw new Error(`LogProbMatrix: invalid dimensions T=${T}, C=${C}`);
  if (data.length !== T * C) throw new Error(`LogProbMatrix: data has ${data.length} values but T·C = ${T}·${C} = ${T * C}`);
}

function rowLogSumExp(d: FloatMatrixData, off: number, C: number): number {
  let m = -Infinity;
  for (let c = 0; c < C; c++) if (d[off + c] > m) m = d[off + c];
  if (m === -Infinity || Number.isNaN(m)) return m;
  let s = 0;
  for (let c = 0; c < C; c++) s += Math.exp(d[off + c] - m);
  return m + Math.log(s);
}
