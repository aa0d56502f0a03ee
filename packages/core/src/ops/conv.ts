/**
 * 1-D and 2-D convolution (cross-correlation, as in PyTorch) with stride,
 * padding, dilation and groups, lowered to GEMM through im2col over the whole
 * batch: one large product per group keeps the fast backend busy. Backward:
 * dW = dY·colᵀ, dcol = Wᵀ·dY followed by col2im.
 */
import { record } from '../autograd.js';
import { allocate, isFloatDType } from '../dtype.js';
import { getBackend } from '../backend/registry.js';
import { jsBackend } from '../backend/js-backend.js';
import type { FloatArray } from '../backend/backend.js';
import { fmtShape } from '../shape.js';
import { Tensor } from '../tensor.js';
import { squeeze, unsqueeze } from './view.js';

export type Pair = number | readonly [number, number];

export interface Conv2dOptions {
  stride?: Pair;
  /** Zero padding per side, or 'same' (stride 1 only) / 'valid'. */
  padding?: Pair | 'same' | 'valid';
  dilation?: Pair;
  groups?: number;
}

export interface Conv1dOptions {
  stride?: number;
  padding?: number | 'same' | 'valid';
  dilation?: number;
  groups?: number;
}

function pair(op: string, name: string, v: Pair | undefined, dflt: number): [number, number] {
  const p: [number, number] = v === undefined ? [dflt, dflt] : typeof v === 'number' ? [v, v] : [v[0], v[1]];
  if (!p.every((x) => Number.isInteger(x) && x >= 0)) throw new Error(`${op}: ${name} must be non-negative integers, got ${JSON.stringify(v)}`);
  return p;
}

export interface ConvGeometry {
  n: number; c: number; h: number; w: number;
  o: number; kh: number; kw: number;
  sh: number; sw: number; ph: number; pw: number; dh: number; dw: number;
  /** Extra padding after (bottom/right), differing from ph/pw only for even kernels with 'same'. */
  phEnd: number; pwEnd: number;
  groups: number; oh: number; ow: number;
}

function geometry(x: Tensor, weight: Tensor, opts: Conv2dOptions): ConvGeometry {
  if (x.rank !== 4) throw new Error(`conv2d: input must be 4-D [N,C,H,W], got shape ${fmtShape(x.shape)}`);
  if (weight.rank !== 4) throw new Error(`conv2d: weight must be 4-D [O,C/groups,kH,kW], got shape ${fmtShape(weight.shape)}`);
  const [n, c, h, w] = x.shape;
  const [o, cg, kh, kw] = weight.shape;
  const groups = opts.groups ?? 1;
  if (!Number.isInteger(groups) || groups < 1 || c % groups !== 0 || o % groups !== 0) {
    throw new Error(`conv2d: groups=${groups} must divide input channels ${c} and output channels ${o}`);
  }
  if (cg * groups !== c) throw new Error(`conv2d: weight ${fmtShape(weight.shape)} expects ${cg * groups} input channels (groups=${groups}) but input ${fmtShape(x.shape)} has ${c}`);
  const [sh, sw] = pair('conv2d', 'stride', opts.stride, 1);
  if (sh === 0 || sw === 0) throw new Error('conv2d: stride must be positive');
  const [dh, dw] = pair('conv2d', 'dilation', opts.dilation, 1);
  if (dh === 0 || dw === 0) throw new Error('conv2d: dilation must be positive');
  let ph: number, pw: number, phEnd: number, pwEnd: number;
  if (opts.padding === 'same') {
    if (sh !== 1 || sw !== 1) throw new Error("conv2d: padding='same' needs stride 1");
    const th = dh * (kh - 1);
    const tw = dw * (kw - 1);
    ph = Math.floor(th / 2); phEnd = th - ph;
    pw = Math.floor(tw / 2); pwEnd = tw - pw;
  } else if (opts.padding === 'valid') {
    ph = pw = phEnd = pwEnd = 0;
  } else {
    [ph, pw] = pair('conv2d', 'padding', opts.padding, 0);
    phEnd = ph; pwEnd = pw;
  }
  const oh = Math.floor((h + ph + phEnd - dh * (kh - 1) - 1) / sh) + 1;
  const ow = Math.floor((w + pw + pwEnd - dw * (kw - 1) - 1) / sw) + 1;
  if (oh <= 0 || ow <= 0) {
    throw new Error(`conv2d: input ${fmtShape(x.shape)} is too small for kernel ${kh}x${kw} (dilation ${dh}x${dw}, padding ${ph}x${pw}): output would be ${oh}x${ow}`);
  }
  return { n, c, h, w, o, kh, kw, sh, sw, ph, pw, dh, dw, phEnd, pwEnd, groups, oh, ow };
}

/** col[(ci*kh + i)*kw + j][b*L + y*ow + x] for the channels of one group. */
function im2col(src: FloatArray, G: ConvGeometry, c0: number, cg: number, col: FloatArray): void {
  const { n, c, h, w, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow } = G;
  const L = oh * ow;
  const cols = n * L;
  for (let ci = 0; ci < cg; ci++) {
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) {
        const row = ((ci * kh + i) * kw + j) * cols;
        for (let b = 0; b < n; b++) {
          const plane = (b * c + c0 + ci) * h * w;
          let p = row + b * L;
          for (let y = 0; y < oh; y++) {
            const iy = y * sh - ph + i * dh;
            if (iy < 0 || iy >= h) {
              col.fill(0, p, p + ow);
              p += ow;
              continue;
            }
            const rowBase = plane + iy * w;
            let ix = -pw + j * dw;
            for (let xx = 0; xx < ow; xx++, ix += sw) col[p++] = ix >= 0 && ix < w ? src[rowBase + ix] : 0;
          }
        }
      }
    }
  }
}

/** Adds columns back into the image (the adjoint of im2col). */
function col2im(col: FloatArray, G: ConvGeometry, c0: number, cg: number, dst: FloatArray): void {
  const { n, c, h, w, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow } = G;
  const L = oh * ow;
  const cols = n * L;
  for (let ci = 0; ci < cg; ci++) {
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) {
        const row = ((ci * kh + i) * kw + j) * cols;
        for (let b = 0; b < n; b++) {
          const plane = (b * c + c0 + ci) * h * w;
          let p = row + b * L;
          for (let y = 0; y < oh; y++) {
            const iy = y * sh - ph + i * dh;
            if (iy < 0 || iy >= h) {
              p += ow;
              continue;
            }
            const rowBase = plane + iy * w;
            let ix = -pw + j * dw;
            for (let xx = 0; xx < ow; xx++, ix += sw, p++) if (ix >= 0 && ix < w) dst[rowBase + ix] += col[p];
          }
        }
      }
    }
  }
}

/** 2-D convolution of x [N,C,H,W] with weight [O,C/groups,kH,kW] (+ bias [O]). */
export function conv2d(x: Tensor, weight: Tensor, bias?: Tensor | null, opts: Conv2dOptions = {}): Tensor {
  if (!isFloatDType(x.dtype) || x.dtype !== weight.dtype) throw new Error(`conv2d: input and weight must share a float dtype, got ${x.dtype} and ${weight.dtype}`);
  const G = geometry(x, weight, opts);
  if (bias && (bias.rank !== 1 || bias.shape[0] !== G.o)) throw new Error(`conv2d: bias must have shape [${G.o}], got ${fmtShape(bias.shape)}`);
  const dtype = x.dtype;
  const backend = dtype === 'float64' ? jsBackend : getBackend();
  const xs = x.contiguous().toTypedArray() as FloatArray;
  const ws = weight.contiguous().toTypedArray() as FloatArray;
  const { n, o, kh, kw, groups, oh, ow } = G;
  const cg = G.c / groups;
  const og = o / groups;
  const L = oh * ow;
  const ckk = cg * kh * kw;
  const out = allocate(dtype, n * o * L) as FloatArray;
  const tmp = allocate(dtype, og * n * L) as FloatArray;
  const cols: FloatArray[] = [];
  for (let g = 0; g < groups; g++) {
    const col = allocate(dtype, ckk * n * L) as FloatArray;
    im2col(xs, G, g * cg, cg, col);
    cols.push(col);
    backend.gemm(og, n * L, ckk, 1,
      { data: ws, offset: g * og * ckk, rowStride: ckk, colStride: 1 },
      { data: col, offset: 0, rowStride: n * L, colStride: 1 },
      0, tmp, 0, n * L);
    // tmp is [og, N, L]; the output wants [N, O, L].
    for (let oc = 0; oc < og; oc++) {
      const bv = bias ? bias.storage[bias.offset + (g * og + oc) * bias.strides[0]] : 0;
      for (let b = 0; b < n; b++) {
        const from = (oc * n + b) * L;
        const to = (b * o + g * og + oc) * L;
        for (let l = 0; l < L; l++) out[to + l] = tmp[from + l] + bv;
      }
    }
  }
  const y = new Tensor(out, [n, o, oh, ow], dtype);
  const inputs = bias ? [x, weight, bias] : [x, weight];
  return record(y, 'conv2d', inputs, (gy) => {
    const gd = gy.contiguous().toTypedArray() as FloatArray;
    const dx = x.requiresGrad ? (allocate(dtype, x.size) as FloatArray) : null;
    const dw = weight.requiresGrad ? (allocate(dtype, weight.size) as FloatArray) : null;
    const gg = allocate(dtype, og * n * L) as FloatArray;
    const dcol = dx ? (allocate(dtype, ckk * n * L) as FloatArray) : null;
    for (let g = 0; g < groups; g++) {
      for (let oc = 0; oc < og; oc++) {
        for (let b = 0; b < n; b++) {
          const from = (b * o + g * og + oc) * L;
          gg.set(gd.subarray(from, from + L), (oc * n + b) * L);
        }
      }
      if (dw) {
        backend.gemm(og, ckk, n * L, 1,
          { data: gg, offset: 0, rowStride: n * L, colStride: 1 },
          { data: cols[g], offset: 0, rowStride: 1, colStride: n * L },
          0, dw, g * og * ckk, ckk);
      }
      if (dx && dcol) {
        backend.gemm(ckk, n * L, og, 1,
          { data: ws, offset: g * og * ckk, rowStride: 1, colStride: ckk },
          { data: gg, offset: 0, rowStride: n * L, colStride: 1 },
          0, dcol, 0, n * L);
        col2im(dcol, G, g * cg, cg, dx);
      }
    }
    let db: Tensor | null = null;
    if (bias && bias.requiresGrad) {
      const acc = allocate(dtype, o);
      for (let b = 0; b < n; b++) for (let oc = 0; oc < o; oc++) {
        let s = 0;
        const base = (b * o + oc) * L;
        for (let l = 0; l < L; l++) s += gd[base + l];
        acc[oc] += s;
      }
      db = new Tensor(acc, [o], dtype);
    }
    const grads: (Tensor | null)[] = [dx ? new Tensor(dx, x.shape, dtype) : null, dw ? new Tensor(dw, weight.shape, dtype) : null];
    if (bias) grads.push(db);
    return grads;
  });
}

/** 1-D convolution of x [N,C,L] with weight [O,C/groups,k] (+ bias [O]), via conv2d with height 1. */
export function conv1d(x: Tensor, weight: Tensor, bias?: Tensor | null, opts: Conv1dOptions = {}): Tensor {
  if (x.rank !== 3) throw new Error(`conv1d: input must be 3-D [N,C,L], got shape ${fmtShape(x.shape)}`);
  if (weight.rank !== 3) throw new Error(`conv1d: weight must be 3-D [O,C/groups,k], got shape ${fmtShape(weight.shape)}`);
  const padding = opts.padding === 'same' || opts.padding === 'valid' ? opts.padding : ([0, opts.padding ?? 0] as const);
  const y = conv2d(unsqueeze(x, 2), unsqueeze(weight, 2), bias, {
    stride: [1, opts.stride ?? 1],
    padding,
    dilation: [1, opts.dilation ?? 1],
    groups: opts.groups,
  });
  return squeeze(y, 2);
}
