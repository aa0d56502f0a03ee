/**
 * Resampling of the spatial dimensions of [N, C, L] or [N, C, H, W] tensors, as
 * torch.nn.functional.interpolate with mode 'nearest', 'linear' (3-D) or 'bilinear' (4-D).
 *
 * Index rules (PyTorch's): per axis, scale = 1/scaleFactor when a scale factor was given,
 * else in/out; with alignCorners, scale = (in − 1)/(out − 1) (0 when out = 1).
 *   nearest:  src = dst when out = in, floor(dst/2) when out = 2·in (whatever the scale factor),
 *             else min(floor(dst·scale), in − 1) with scale and product rounded to float32
 *   linear:   src = alignCorners ? dst·scale : max((dst + 0.5)·scale − 0.5, 0)   (half-pixel centres)
 *             i0 = min(floor(src), in − 1), i1 = min(i0 + 1, in − 1), λ = src − i0,
 *             out = (1 − λ)·x[i0] + λ·x[i1]
 * Both are linear in x: the gradient scatters the output gradient back with the same taps.
 */
import { record } from '../autograd.js';
import { allocate, isFloatDType } from '../dtype.js';
import type { FloatArray } from '../backend/backend.js';
import { fmtShape } from '../shape.js';
import { Tensor } from '../tensor.js';

export type InterpolateMode = 'nearest' | 'linear' | 'bilinear';

export interface InterpolateOptions {
  /** Output spatial size: L for 3-D input, [H, W] (or one number for both) for 4-D. Give this or scaleFactor. */
  size?: number | readonly number[];
  /** Multiplier per spatial axis (one number for all); output size = floor(input size · scaleFactor). */
  scaleFactor?: number | readonly number[];
  /** Default 'nearest'. 'linear' needs a 3-D input, 'bilinear' a 4-D one. */
  mode?: InterpolateMode;
  /** Linear modes only: map the corner pixels' centres onto each other (default false: half-pixel centres). */
  alignCorners?: boolean;
}

/** Per output index: the two source indices and their weights (nearest: one index, weight 1). */
interface Taps { i0: Int32Array; i1: Int32Array; l0: Float64Array; l1: Float64Array }

function axisTaps(inSize: number, outSize: number, factor: number | null, mode: InterpolateMode, alignCorners: boolean): Taps {
  const t: Taps = { i0: new Int32Array(outSize), i1: new Int32Array(outSize), l0: new Float64Array(outSize), l1: new Float64Array(outSize) };
  if (mode === 'nearest') {
    // As PyTorch's CPU kernel (nearest_idx): equal sizes copy and a doubled size halves the
    // index whatever the scale factor; otherwise the scale and dst·scale are float32 values.
    const scale = Math.fround(factor !== null ? 1 / factor : inSize / outSize);
    for (let d = 0; d < outSize; d++) {
      const s = outSize === inSize ? d : outSize === 2 * inSize ? d >> 1 : Math.min(Math.floor(Math.fround(d * scale)), inSize - 1);
      t.i0[d] = s; t.i1[d] = s; t.l0[d] = 1; t.l1[d] = 0;
    }
    return t;
  }
  const scale = alignCorners ? (outSize > 1 ? (inSize - 1) / (outSize - 1) : 0) : factor !== null ? 1 / factor : inSize / outSize;
  for (let d = 0; d < outSize; d++) {
    const src = alignCorners ? d * scale : Math.max((d + 0.5) * scale - 0.5, 0);
    const i0 = Math.min(Math.floor(src), inSize - 1);
    const lam = Math.min(Math.max(src - i0, 0), 1);
    t.i0[d] = i0;
    t.i1[d] = i0 < inSize - 1 ? i0 + 1 : i0;
    t.l0[d] = 1 - lam;
    t.l1[d] = lam;
  }
  return t;
}

function perAxis(name: string, v: number | readonly number[], k: number): number[] {
  const a = typeof v === 'number' ? new Array<number>(k).fill(v) : [...v];
  if (a.length !== k) throw new Error(`interpolate: ${name} must have ${k} entr${k === 1 ? 'y' : 'ies'} (one per spatial dimension), got ${JSON.stringify(v)}`);
  return a;
}

/** Resizes the last one (3-D input) or two (4-D input) dimensions of x; see InterpolateOptions. */
export function interpolate(x: Tensor, opts: InterpolateOptions): Tensor {
  const mode = opts.mode ?? 'nearest';
  if (mode !== 'nearest' && mode !== 'linear' && mode !== 'bilinear') throw new Error(`interpolate: mode must be 'nearest', 'linear' or 'bilinear', got '${String(mode)}'`);
  if (x.rank !== 3 && x.rank !== 4) throw new Error(`interpolate: input must be 3-D [N,C,L] or 4-D [N,C,H,W], got shape ${fmtShape(x.shape)}`);
  if (mode === 'linear' && x.rank !== 3) throw new Error(`interpolate: mode 'linear' needs a 3-D input [N,C,L], got shape ${fmtShape(x.shape)}`);
  if (mode === 'bilinear' && x.rank !== 4) throw new Error(`interpolate: mode 'bilinear' needs a 4-D input [N,C,H,W], got shape ${fmtShape(x.shape)}`);
  if (opts.alignCorners && mode === 'nearest') throw new Error("interpolate: alignCorners can only be set with the interpolating modes 'linear' and 'bilinear'");
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
    if (!outSizes.every((s) => Number.isInteger(s) && s > 0)) throw new Error(`interpolate: size must be positive integers, got ${JSON.stringify(opts.size)}`);
    factors = outSizes.map(() => null);
  } else {
    factors = perAxis('scaleFactor', opts.scaleFactor!, k);
    if (!factors.every((f) => f !== null && Number.isFinite(f) && f > 0)) throw new Error(`interpolate: scaleFactor must be positive and finite, got ${JSON.stringify(opts.scaleFactor)}`);
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
  for (let p = 0; p < planes; p++) {
    const ib = p * h * w;
    let o = p * oh * ow;
    for (let y = 0; y < oh; y++) {
      const r0 = ib + rows.i0[y] * w, r1 = ib + rows.i1[y] * w, a0 = rows.l0[y], a1 = rows.l1[y];
      for (let c = 0; c < ow; c++, o++) {
        const c0 = cols.i0[c], c1 = cols.i1[c], b0 = cols.l0[c], b1 = cols.l1[c];
        out[o] = a0 * (b0 * src[r0 + c0] + b1 * src[r0 + c1]) + a1 * (b0 * src[r1 + c0] + b1 * src[r1 + c1]);
      }
    }
  }
  const y = new Tensor(out, [...x.shape.slice(0, 2), ...outSizes], dtype);
  return record(y, 'interpolate', [x], (gy) => {
    const g = gy.contiguous().toTypedArray() as FloatArray;
    const dx = allocate(dtype, x.size) as FloatArray;
    for (let p = 0; p < planes; p++) {
      const ib = p * h * w;
      let o = p * oh * ow;
      for (let yy = 0; yy < oh; yy++) {
        const r0 = ib + rows.i0[yy] * w, r1 = ib + rows.i1[yy] * w, a0 = rows.l0[yy], a1 = rows.l1[yy];
        for (let c = 0; c < ow; c++, o++) {
          const c0 = cols.i0[c], c1 = cols.i1[c], b0 = cols.l0[c], b1 = cols.l1[c];
          const gv = g[o];
          dx[r0 + c0] += a0 * b0 * gv;
          dx[r0 + c1] += a0 * b1 * gv;
          dx[r1 + c0] += a1 * b0 * gv;
          dx[r1 + c1] += a1 * b1 * gv;
        }
      }
    }
    return [new Tensor(dx, x.shape, dtype)];
  });
}
