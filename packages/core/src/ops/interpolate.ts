/**
 * Resampling of the spatial dimensions of [N, C, L] or [N, C, H, W] tensors, as
 * torch.nn.functional.interpolate with mode 'nearest', 'linear' (3-D), 'bilinear' or 'bicubic' (4-D).
 *
 * Index rules (PyTorch's): per axis, scale = 1/scaleFactor when a scale factor was given,
 * else in/out; with alignCorners, scale = (in − 1)/(out − 1) (0 when out = 1).
 *   nearest:  src = dst when out = in, floor(dst/2) when out = 2·in (whatever the scale factor),
 *             else min(floor(dst·scale), in − 1) with scale and product rounded to float32
 *   linear:   src = alignCorners ? dst·scale : max((dst + 0.5)·scale − 0.5, 0)   (half-pixel centres)
 *             i0 = min(floor(src), in − 1), i1 = min(i0 + 1, in − 1), λ = src − i0,
 *             out = (1 − λ)·x[i0] + λ·x[i1]
 *   cubic:    src = alignCorners ? dst·scale : (dst + 0.5)·scale − 0.5   (not clamped), i = floor(src),
 *             t = src − i; taps x[i−1 … i+2] (indices clamped to [0, in − 1]) weighted by Keys' cubic
 *             convolution kernel with A = −0.75 at distances t + 1, t, 1 − t, 2 − t
 * All are linear in x: the gradient scatters the output gradient back with the same taps.
 */
import { record } from '../autograd.js';
import { allocate, isFloatDType } from '../dtype.js';
import type { FloatArray } from '../backend/backend.js';
import { showValue } from '../args.js';
import { checkOptions, NO_OPTIONS, optionKeys } from '../options.js';
import { fmtShape } from '../shape.js';
import { Tensor } from '../tensor.js';

export type InterpolateMode = 'nearest' | 'linear' | 'bilinear' | 'bicubic';

export interface InterpolateOptions {
  /** Output spatial size: L for 3-D input, [H, W] (or one number for both) for 4-D. Give this or scaleFactor. */
  size?: number | readonly number[];
  /** Multiplier per spatial axis (one number for all); output size = floor(input size · scaleFactor). */
  scaleFactor?: number | readonly number[];
  /** Default 'nearest'. 'linear' needs a 3-D input, 'bilinear' and 'bicubic' a 4-D one. */
  mode?: InterpolateMode;
  /** Interpolating modes only: map the corner pixels' centres onto each other (default false: half-pixel centres). */
  alignCorners?: boolean;
}

const INTERPOLATE_KEYS = optionKeys<InterpolateOptions>({ size: true, scaleFactor: true, mode: true, alignCorners: true });

/** Per output index d: `n` source indices idx[d·n + j] with weights wt[d·n + j] (nearest 1, linear 2, cubic 4). */
interface Taps { n: number; idx: Int32Array; wt: Float64Array }

/** PyTorch's bicubic kernel parameter (upsample_bicubic2d; OpenCV's too). */
const CUBIC_A = -0.75;
/** Keys' cubic convolution weight at distance |x| ≤ 1 and at 1 < |x| < 2. */
const cubicNear = (x: number): number => ((CUBIC_A + 2) * x - (CUBIC_A + 3)) * x * x + 1;
const cubicFar = (x: number): number => ((CUBIC_A * x - 5 * CUBIC_A) * x + 8 * CUBIC_A) * x - 4 * CUBIC_A;

function axisTaps(inSize: number, outSize: number, factor: number | null, mode: InterpolateMode, alignCorners: boolean): Taps {
  if (mode === 'nearest') {
    const t: Taps = { n: 1, idx: new Int32Array(outSize), wt: new Float64Array(outSize).fill(1) };
    // As PyTorch's CPU kernel (nearest_idx): equal sizes copy and a doubled size halves the
    // index whatever the scale factor; otherwise the scale and dst·scale are float32 values.
    const scale = Math.fround(factor !== null ? 1 / factor : inSize / outSize);
    for (let d = 0; d < outSize; d++) {
      t.idx[d] = outSize === inSize ? d : outSize === 2 * inSize ? d >> 1 : Math.min(Math.floor(Math.fround(d * scale)), inSize - 1);
    }
    return t;
  }
  const scale = alignCorners ? (outSize > 1 ? (inSize - 1) / (outSize - 1) : 0) : factor !== null ? 1 / factor : inSize / outSize;
  if (mode === 'bicubic') {
    const t: Taps = { n: 4, idx: new Int32Array(4 * outSize), wt: new Float64Array(4 * outSize) };
    for (let d = 0; d < outSize; d++) {
      // Unlike the linear modes, a negative source position is kept: the clamped taps supply the border.
      const src = alignCorners ? d * scale : (d + 0.5) * scale - 0.5;
      const i = Math.floor(src);
      const f = src - i;
      const w = [cubicFar(f + 1), cubicNear(f), cubicNear(1 - f), cubicFar(2 - f)];
      for (let j = 0; j < 4; j++) {
        t.idx[4 * d + j] = Math.min(Math.max(i - 1 + j, 0), inSize - 1);
        t.wt[4 * d + j] = w[j];
      }
    }
    return t;
  }
  const t: Taps = { n: 2, idx: new Int32Array(2 * outSize), wt: new Float64Array(2 * outSize) };
  for (let d = 0; d < outSize; d++) {
    const src = alignCorners ? d * scale : Math.max((d + 0.5) * scale - 0.5, 0);
    const i0 = Math.min(Math.floor(src), inSize - 1);
    const lam = Math.min(Math.max(src - i0, 0), 1);
    t.idx[2 * d] = i0;
    t.idx[2 * d + 1] = i0 < inSize - 1 ? i0 + 1 : i0;
    t.wt[2 * d] = 1 - lam;
    t.wt[2 * d + 1] = lam;
  }
  return t;
}

function perAxis(name: string, v: number | readonly number[], k: number): number[] {
  const a = typeof v === 'number' ? new Array<number>(k).fill(v) : [...v];
  if (a.length !== k) throw new Error(`interpolate: ${name} must have ${k} entr${k === 1 ? 'y' : 'ies'} (one per spatial dimension), got ${JSON.stringify(v)}`);
  return a;
}

/** Resizes the last one (3-D input) or two (4-D input) dimensions of x; see InterpolateOptions. */
export function interpolate(x: Tensor, opts: InterpolateOptions = NO_OPTIONS): Tensor {
  checkOptions('interpolate', opts, INTERPOLATE_KEYS);
  const mode = opts.mode ?? 'nearest';
  if (mode !== 'nearest' && mode !== 'linear' && mode !== 'bilinear' && mode !== 'bicubic') throw new Error(`interpolate: mode must be 'nearest', 'linear', 'bilinear' or 'bicubic', got '${String(mode)}'`);
  if (x.rank !== 3 && x.rank !== 4) throw new Error(`interpolate: input must be 3-D [N,C,L] or 4-D [N,C,H,W], got shape ${fmtShape(x.shape)}`);
  if (mode === 'linear' && x.rank !== 3) throw new Error(`interpolate: mode 'linear' needs a 3-D input [N,C,L], got shape ${fmtShape(x.shape)}`);
  if ((mode === 'bilinear' || mode === 'bicubic') && x.rank !== 4) throw new Error(`interpolate: mode '${mode}' needs a 4-D input [N,C,H,W], got shape ${fmtShape(x.shape)}`);
  if (opts.alignCorners && mode === 'nearest') throw new Error("interpolate: alignCorners can only be set with the interpolating modes 'linear', 'bilinear' and 'bicubic'");
  if (!isFloatDType(x.dtype)) throw new Error(`interpolate: input must have a float dtype, got ${x.dtype}`);
  const hasSize = opts.size !== undefined && opts.size !== null;
  const hasScale = opts.scaleFactor !== undefined && opts.scaleFactor !== null;
  if (hasSize === hasScale) throw new Error('interpolate: give exactly one of size and scaleFactor');
  const k = x.rank - 2;
  const inSizes = x.shape.slice(2);
  let outSizes: number[];
  let factors: (number | null)[];
  if (hasSize) {
    outSizes = perAxis('size', opts.size!, k);
    if (!outSizes.every((s) => Number.isInteger(s) && s > 0)) throw new Error(`interpolate: size must be positive integers, got ${showValue(opts.size)}`);
    factors = outSizes.map(() => null);
  } else {
    factors = perAxis('scaleFactor', opts.scaleFactor!, k);
    if (!factors.every((f) => f !== null && Number.isFinite(f) && f > 0)) throw new Error(`interpolate: scaleFactor must be positive and finite, got ${showValue(opts.scaleFactor)}`);
    outSizes = inSizes.map((s, i) => Math.floor(s * factors[i]!));
  }
  if (inSizes.some((s) => s <= 0) || outSizes.some((s) => s <= 0)) {
    throw new Error(`interpolate: input and output sizes must be positive, got input ${fmtShape(x.shape)} and output size ${fmtShape(outSizes)}`);
  }
  const alignCorners = opts.alignCorners ?? false;
  const [h, w] = k === 2 ? inSizes : [1, inSizes[0]];
  const [oh, ow] = k === 2 ? outSizes : [1, outSizes[0]];
  const rows = k === 2 ? axisTaps(h, oh, factors[0], mode, alignCorners) : axisTaps(1, 1, null, 'nearest', false);
  const cols = axisTaps(w, ow, factors[k - 1], mode, alignCorners);
  const planes = x.shape[0] * x.shape[1];
  const dtype = x.dtype;
  const src = x.contiguous().toTypedArray() as FloatArray;
  const out = allocate(dtype, planes * oh * ow) as FloatArray;
  // Separable: each input row is resampled along the columns once (tmp: h × ow), then each
  // output row mixes its source rows — nr + nc multiply-adds per output instead of nr · nc.
  const nr = rows.n, nc = cols.n;
  const tmp = new Float64Array(h * ow);
  const acc = new Float64Array(ow);
  for (let p = 0; p < planes; p++) {
    const ib = p * h * w;
    for (let r = 0; r < h; r++) {
      const row = ib + r * w;
      for (let c = 0; c < ow; c++) {
        let acc = 0;
        for (let b = 0; b < nc; b++) acc += cols.wt[c * nc + b] * src[row + cols.idx[c * nc + b]];
        tmp[r * ow + c] = acc;
      }
    }
    const ob = p * oh * ow;
    for (let y = 0; y < oh; y++) {
      // Summed in float64 and rounded once, as the float32 output would otherwise round every term.
      acc.fill(0);
      for (let a = 0; a < nr; a++) {
        const t = rows.idx[y * nr + a] * ow, wa = rows.wt[y * nr + a];
        for (let c = 0; c < ow; c++) acc[c] += wa * tmp[t + c];
      }
      out.set(acc, ob + y * ow);
    }
  }
  const y = new Tensor(out, [...x.shape.slice(0, 2), ...outSizes], dtype);
  return record(y, 'interpolate', [x], (gy) => {
    // The adjoint, in reverse order: output rows back onto the source rows, then columns back.
    const g = gy.contiguous().toTypedArray() as FloatArray;
    const dx = allocate(dtype, x.size) as FloatArray;
    const gt = new Float64Array(h * ow);
    const dRow = new Float64Array(w);
    for (let p = 0; p < planes; p++) {
      gt.fill(0);
      const ob = p * oh * ow;
      for (let yy = 0; yy < oh; yy++) {
        const o = ob + yy * ow;
        for (let a = 0; a < nr; a++) {
          const t = rows.idx[yy * nr + a] * ow, wa = rows.wt[yy * nr + a];
          for (let c = 0; c < ow; c++) gt[t + c] += wa * g[o + c];
        }
      }
      const ib = p * h * w;
      for (let r = 0; r < h; r++) {
        dRow.fill(0);
        for (let c = 0; c < ow; c++) {
          const gv = gt[r * ow + c];
          for (let b = 0; b < nc; b++) dRow[cols.idx[c * nc + b]] += cols.wt[c * nc + b] * gv;
        }
        dx.set(dRow, ib + r * w);
      }
    }
    return [new Tensor(dx, x.shape, dtype)];
  });
}
