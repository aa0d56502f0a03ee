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
import type { Backend, FloatArray } from '../backend/backend.js';
import { showValue } from '../args.js';
import { checkOptions, NO_OPTIONS, optionKeys } from '../options.js';
import { as1d, fmtShape } from '../shape.js';
import { Tensor } from '../tensor.js';
import { expectTensor } from './operand.js';
import { squeeze, unsqueeze } from './view.js';

export type Pair = number | readonly [number, number];

export interface Conv2dOptions {
  stride?: Pair;
  /** Zero padding per side, or 'same' (stride 1 only) / 'valid'. */
  padding?: Pair | 'same' | 'valid';
  dilation?: Pair;
  groups?: number;
  /** Fused activation applied to the output: 'relu' gives relu(conv2d(...)) in one op. */
  activation?: 'relu' | null;
}

export interface Conv1dOptions {
  stride?: number;
  padding?: number | 'same' | 'valid';
  dilation?: number;
  groups?: number;
}

export const CONV2D_KEYS = optionKeys<Conv2dOptions>({ stride: true, padding: true, dilation: true, groups: true, activation: true });
const CONV1D_KEYS = optionKeys<Conv1dOptions>({ stride: true, padding: true, dilation: true, groups: true });

/** A size option as [height, width]: integers ≥ min (0 unless stated). */
export function pair(op: string, name: string, v: Pair | undefined, dflt: number, min = 0): [number, number] {
  const p: [number, number] = v === undefined ? [dflt, dflt] : typeof v === 'number' ? [v, v] : [v[0], v[1]];
  if (!p.every((x) => Number.isInteger(x) && x >= min)) {
    throw new Error(`${op}: ${name} must be ${min === 0 ? 'non-negative' : 'positive'} integers, got ${showValue(v)}`);
  }
  return p;
}

/** The tensor arguments of a convolution, checked before their fields are read (conv2d(x, w, 1) passed 1 as the bias). */
export function checkConvArgs(op: string, x: Tensor, weight: Tensor, bias: Tensor | null | undefined): void {
  expectTensor(op, 'input', x);
  expectTensor(op, 'weight', weight);
  if (bias !== undefined && bias !== null) expectTensor(op, 'bias (a Tensor, null or undefined)', bias);
}

/** A 0×k kernel has no taps: the output-size formula would still give a (wrong, larger) shape. */
export function checkKernelSize(op: string, weight: Tensor, kh: number, kw: number): void {
  if (kh < 1 || kw < 1) throw new Error(`${op}: kernel size must be positive, got ${kh}x${kw} (weight shape ${fmtShape(weight.shape)})`);
}

export interface ConvGeometry {
  n: number; c: number; h: number; w: number;
  o: number; kh: number; kw: number;
  sh: number; sw: number; ph: number; pw: number; dh: number; dw: number;
  /** Extra padding after (bottom/right), differing from ph/pw only for even kernels with 'same'. */
  phEnd: number; pwEnd: number;
  groups: number; oh: number; ow: number;
}

export function convGeometry(x: Tensor, weight: Tensor, opts: Conv2dOptions): ConvGeometry {
  if (x.rank !== 4) throw new Error(`conv2d: input must be 4-D [N,C,H,W], got shape ${fmtShape(x.shape)}`);
  if (weight.rank !== 4) throw new Error(`conv2d: weight must be 4-D [O,C/groups,kH,kW], got shape ${fmtShape(weight.shape)}`);
  const [n, c, h, w] = x.shape;
  const [o, cg, kh, kw] = weight.shape;
  const groups = opts.groups ?? 1;
  if (!Number.isInteger(groups) || groups < 1 || c % groups !== 0 || o % groups !== 0) {
    throw new Error(`conv2d: groups=${groups} must divide input channels ${c} and output channels ${o}`);
  }
  checkKernelSize('conv2d', weight, kh, kw);
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

/**
 * Scratch buffers for the per-call temporaries (the GEMM output before the
 * layout change, the regrouped output gradient, the column gradient): these
 * never outlive one conv2d call or one backward call, so reusing them spares
 * allocating (and zeroing, and collecting) tens of MB per training step. The
 * im2col matrix is saved for backward and is never taken from here.
 */
const scratchPool = new Map<string, FloatArray>();
const SCRATCH_MAX = 1 << 26;

function scratch(dtype: 'float32' | 'float64', slot: number, n: number): FloatArray {
  if (n > SCRATCH_MAX) return allocate(dtype, n) as FloatArray;
  const key = `${dtype}:${slot}`;
  let buf = scratchPool.get(key);
  if (!buf || buf.length < n) {
    buf = allocate(dtype, n) as FloatArray;
    scratchPool.set(key, buf);
  }
  return buf.length === n ? buf : buf.subarray(0, n);
}

/** Output columns x in [lo, hi) read input column x*sw - pw + j*dw inside [0, w). */
function validRange(ow: number, w: number, sw: number, off: number): [number, number] {
  // ix = x*sw + off must satisfy 0 <= ix < w.
  const lo = off >= 0 ? 0 : Math.min(ow, Math.ceil(-off / sw));
  const hi = Math.max(lo, Math.min(ow, Math.floor((w - 1 - off) / sw) + 1));
  return [lo, hi];
}

/** col[(ci*kh + i)*kw + j][b*L + y*ow + x] for the channels of one group. */
function im2col(src: FloatArray, G: ConvGeometry, c0: number, cg: number, col: FloatArray): void {
  const { n, c, h, w, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow } = G;
  const L = oh * ow;
  const cols = n * L;
  const hw = h * w;
  for (let j = 0; j < kw; j++) {
    const off = j * dw - pw;
    const [lo, hi] = validRange(ow, w, sw, off);
    for (let ci = 0; ci < cg; ci++) {
      for (let i = 0; i < kh; i++) {
        const row = ((ci * kh + i) * kw + j) * cols;
        for (let b = 0; b < n; b++) {
          const plane = (b * c + c0 + ci) * hw;
          im2colRows(src, col, row + b * L, plane, h, w, oh, ow, sh, sw, i * dh - ph, off, lo, hi);
        }
      }
    }
  }
}

/** One (channel, kernel offset, sample) block of im2col: oh rows of ow columns. */
function im2colRows(src: FloatArray, col: FloatArray, p: number, plane: number, h: number, w: number, oh: number, ow: number, sh: number, sw: number, rowOff: number, off: number, lo: number, hi: number): void {
  if (sh === 1 && sw === 1 && ow === w && hi > lo) {
    // Unit stride with output rows as wide as input rows: the valid rows are one
    // contiguous run of the input (shifted by off); copy it in one block, then
    // zero what fell outside the image (wrapped columns and padded rows).
    const ylo = Math.min(oh, Math.max(0, -rowOff));
    const yhi = Math.max(ylo, Math.min(oh, h - rowOff));
    if (yhi > ylo) {
      const s = plane + (ylo + rowOff) * w + off;
      const a = ylo * ow + lo;
      const b = (yhi - 1) * ow + hi;
      col.set(src.subarray(s + a - ylo * ow, s + b - ylo * ow), p + a);
      for (let y = ylo; y < yhi; y++) {
        const r = p + y * ow;
        for (let x = 0; x < lo; x++) col[r + x] = 0;
        for (let x = hi; x < ow; x++) col[r + x] = 0;
      }
    }
    col.fill(0, p, p + ylo * ow);
    col.fill(0, p + yhi * ow, p + oh * ow);
    return;
  }
  for (let y = 0; y < oh; y++, p += ow) {
    const iy = y * sh + rowOff;
    if (iy < 0 || iy >= h) {
      for (let x = 0; x < ow; x++) col[p + x] = 0;
      continue;
    }
    for (let x = 0; x < lo; x++) col[p + x] = 0;
    const s = plane + iy * w + off;
    if (sw === 1) {
      for (let x = lo; x < hi; x++) col[p + x] = src[s + x];
    } else {
      for (let x = lo; x < hi; x++) col[p + x] = src[s + x * sw];
    }
    for (let x = hi; x < ow; x++) col[p + x] = 0;
  }
}

/** Adds columns back into the image (the adjoint of im2col). */
function col2im(col: FloatArray, G: ConvGeometry, c0: number, cg: number, dst: FloatArray): void {
  const { n, c, h, w, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow } = G;
  const L = oh * ow;
  const cols = n * L;
  const hw = h * w;
  for (let j = 0; j < kw; j++) {
    const off = j * dw - pw;
    const [lo, hi] = validRange(ow, w, sw, off);
    for (let ci = 0; ci < cg; ci++) {
      for (let i = 0; i < kh; i++) {
        const row = ((ci * kh + i) * kw + j) * cols;
        for (let b = 0; b < n; b++) {
          const plane = (b * c + c0 + ci) * hw;
          col2imRows(col, dst, row + b * L, plane, h, w, oh, ow, sh, sw, i * dh - ph, off, lo, hi);
        }
      }
    }
  }
}

function col2imRows(col: FloatArray, dst: FloatArray, p: number, plane: number, h: number, w: number, oh: number, ow: number, sh: number, sw: number, rowOff: number, off: number, lo: number, hi: number): void {
  for (let y = 0; y < oh; y++, p += ow) {
    const iy = y * sh + rowOff;
    if (iy < 0 || iy >= h) continue;
    const s = plane + iy * w + off;
    if (sw === 1) {
      for (let x = lo; x < hi; x++) dst[s + x] += col[p + x];
    } else {
      for (let x = lo; x < hi; x++) dst[s + x * sw] += col[p + x];
    }
  }
}

/** 2-D convolution of x [N,C,H,W] with weight [O,C/groups,kH,kW] (+ bias [O]). */
export function conv2d(x: Tensor, weight: Tensor, bias?: Tensor | null, opts: Conv2dOptions = NO_OPTIONS): Tensor {
  checkOptions('conv2d', opts, CONV2D_KEYS);
  checkConvArgs('conv2d', x, weight, bias);
  if (!isFloatDType(x.dtype) || x.dtype !== weight.dtype) throw new Error(`conv2d: input and weight must share a float dtype, got ${x.dtype} and ${weight.dtype}`);
  const G = convGeometry(x, weight, opts);
  if (bias && (bias.rank !== 1 || bias.shape[0] !== G.o)) throw new Error(`conv2d: bias must have shape [${G.o}], got ${fmtShape(bias.shape)}`);
  const dtype = x.dtype;
  const backend = dtype === 'float64' ? jsBackend : getBackend();
  const xs = x.contiguous().toTypedArray() as FloatArray;
  const ws = weight.contiguous().toTypedArray() as FloatArray;
  const { n, o, groups, oh, ow } = G;
  const L = oh * ow;
  const out = allocate(dtype, n * o * L) as FloatArray;
  // The backend's fused kernels keep im2col, the GEMMs and col2im in its own memory.
  const act = opts.activation ?? null;
  if (act !== null && act !== 'relu') throw new Error(`conv2d: activation must be 'relu' or null, got '${String(act)}'`);
  const relu = act === 'relu';
  const fused = groups === 1 && backend.conv2dForward !== undefined && backend.conv2dBackward !== undefined;
  const bs = bias ? (bias.contiguous().toTypedArray() as FloatArray) : null;
  if (!(fused && backend.conv2dForward!(G, xs, ws, bs, out, relu))) {
    convForwardJs(backend, G, xs, ws, bias, out);
    if (relu) for (let i = 0; i < out.length; i++) out[i] = out[i] <= 0 ? 0 : out[i]; // NaN stays NaN, as relu()
  }
  const y = new Tensor(out, [n, o, oh, ow], dtype);
  const inputs = bias ? [x, weight, bias] : [x, weight];
  return record(y, relu ? 'conv2dRelu' : 'conv2d', inputs, (gy) => {
    let gd = gy.contiguous().toTypedArray() as FloatArray;
    const dx = x.requiresGrad ? (allocate(dtype, x.size) as FloatArray) : null;
    const dw = weight.requiresGrad ? (allocate(dtype, weight.size) as FloatArray) : null;
    const acc = bias && bias.requiresGrad ? (allocate(dtype, o) as FloatArray) : null;
    // With the fused ReLU the output doubles as the mask: d/dz relu(z) = [not relu(z) <= 0] (NaN passes, as relu()).
    if (!(fused && backend.conv2dBackward!(G, xs, ws, gd, dx, dw, acc, relu ? out : null))) {
      if (relu) {
        const masked = allocate(dtype, gd.length) as FloatArray;
        for (let i = 0; i < gd.length; i++) masked[i] = out[i] <= 0 ? 0 : gd[i];
        gd = masked;
      }
      convBackwardJs(backend, G, xs, ws, gd, dx, dw);
      if (acc) {
        for (let b = 0; b < n; b++) for (let oc = 0; oc < o; oc++) {
          let s = 0;
          const base = (b * o + oc) * L;
          for (let l = 0; l < L; l++) s += gd[base + l];
          acc[oc] += s;
        }
      }
    }
    const db = acc ? new Tensor(acc, [o], dtype) : null;
    const grads: (Tensor | null)[] = [dx ? new Tensor(dx, x.shape, dtype) : null, dw ? new Tensor(dw, weight.shape, dtype) : null];
    if (bias) grads.push(db);
    return grads;
  }, relu ? [...inputs, y] : inputs); // the fused ReLU's backward reads the output as its mask
}

/** Forward through im2col + one GEMM per group in TypeScript-side buffers. */
export function convForwardJs(backend: Backend, G: ConvGeometry, xs: FloatArray, ws: FloatArray, bias: Tensor | null | undefined, out: FloatArray): void {
  const { n, o, kh, kw, groups, oh, ow } = G;
  const cg = G.c / groups;
  const og = o / groups;
  const L = oh * ow;
  const ckk = cg * kh * kw;
  const sdt = out instanceof Float64Array ? 'float64' : 'float32';
  const tmp = scratch(sdt, 0, og * n * L);
  for (let g = 0; g < groups; g++) {
    // Not saved for backward: recomputing it there (into warm scratch memory)
    // is cheaper than keeping a fresh multi-MB matrix alive per layer.
    const col = scratch(sdt, 3, ckk * n * L);
    im2col(xs, G, g * cg, cg, col);
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
}

/** Backward through im2col + GEMMs + col2im in TypeScript-side buffers; fills dx and dw when non-null. */
export function convBackwardJs(backend: Backend, G: ConvGeometry, xs: FloatArray, ws: FloatArray, gd: FloatArray, dx: FloatArray | null, dw: FloatArray | null): void {
  const { n, o, kh, kw, groups, oh, ow } = G;
  const cg = G.c / groups;
  const og = o / groups;
  const L = oh * ow;
  const ckk = cg * kh * kw;
  const sdt = gd instanceof Float64Array ? 'float64' : 'float32';
  const gg = scratch(sdt, 1, og * n * L);
  const dcol = dx ? scratch(sdt, 2, ckk * n * L) : null;
  for (let g = 0; g < groups; g++) {
    for (let oc = 0; oc < og; oc++) {
      for (let b = 0; b < n; b++) {
        const from = (b * o + g * og + oc) * L;
        gg.set(gd.subarray(from, from + L), (oc * n + b) * L);
      }
    }
    if (dw) {
      const col = scratch(sdt, 3, ckk * n * L);
      im2col(xs, G, g * cg, cg, col);
      backend.gemm(og, ckk, n * L, 1,
        { data: gg, offset: 0, rowStride: n * L, colStride: 1 },
        { data: col, offset: 0, rowStride: 1, colStride: n * L },
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
}

/** 1-D convolution of x [N,C,L] with weight [O,C/groups,k] (+ bias [O]), via conv2d with height 1. */
export function conv1d(x: Tensor, weight: Tensor, bias?: Tensor | null, opts: Conv1dOptions = NO_OPTIONS): Tensor {
  checkOptions('conv1d', opts, CONV1D_KEYS);
  checkConvArgs('conv1d', x, weight, bias);
  if (x.rank !== 3) throw new Error(`conv1d: input must be 3-D [N,C,L], got shape ${fmtShape(x.shape)}`);
  if (weight.rank !== 3) throw new Error(`conv1d: weight must be 3-D [O,C/groups,k], got shape ${fmtShape(weight.shape)}`);
  const padding = opts.padding === 'same' || opts.padding === 'valid' ? opts.padding : ([0, opts.padding ?? 0] as const);
  const y = as1d('conv1d', 'conv2d', () => conv2d(unsqueeze(x, 2), unsqueeze(weight, 2), bias, {
    stride: [1, opts.stride ?? 1],
    padding,
    dilation: [1, opts.dilation ?? 1],
    groups: opts.groups,
  }));
  return squeeze(y, 2);
}
