/** Max and average pooling, 2-D and (through a height-1 view) 1-D. */
import { record } from '../autograd.js';
import { allocate, isFloatDType, type TypedArray } from '../dtype.js';
import type { Backend, FloatArray } from '../backend/backend.js';
import { getBackend } from '../backend/registry.js';
import { checkOptions, NO_OPTIONS, optionKeys } from '../options.js';
import { as1d, fmtShape } from '../shape.js';
import { Tensor } from '../tensor.js';
import { squeeze, unsqueeze } from './view.js';
import { pair as checkedPair, type Pair } from './conv.js';

export interface Pool2dOptions {
  /** Defaults to the kernel size. */
  stride?: Pair;
  padding?: Pair;
  dilation?: Pair;
  ceilMode?: boolean;
  /** avgPool only: count padded zeros in the divisor (PyTorch default true). */
  countIncludePad?: boolean;
}

export const POOL2D_KEYS = optionKeys<Pool2dOptions>({ stride: true, padding: true, dilation: true, ceilMode: true, countIncludePad: true });

export interface PoolGeometry {
  n: number; c: number; h: number; w: number; kh: number; kw: number;
  sh: number; sw: number; ph: number; pw: number; dh: number; dw: number; oh: number; ow: number;
}

function pair(v: Pair | undefined, dflt: readonly [number, number]): [number, number] {
  return v === undefined ? [dflt[0], dflt[1]] : typeof v === 'number' ? [v, v] : [v[0], v[1]];
}

function outSize(op: string, len: number, k: number, s: number, p: number, d: number, ceil: boolean): number {
  const span = len + 2 * p - d * (k - 1) - 1;
  let o = (ceil ? Math.ceil(span / s) : Math.floor(span / s)) + 1;
  // As in PyTorch, the last window must start inside the input or left padding.
  if (ceil && (o - 1) * s >= len + p) o--;
  if (o <= 0) throw new Error(`${op}: input length ${len} is too small for kernel ${k} (padding ${p}, dilation ${d})`);
  return o;
}

function geometry(op: string, x: Tensor, kernel: Pair, opts: Pool2dOptions): PoolGeometry {
  if (x.rank !== 4) throw new Error(`${op}: input must be 4-D [N,C,H,W], got shape ${fmtShape(x.shape)}`);
  if (!isFloatDType(x.dtype)) throw new Error(`${op}: input must be float32 or float64, got ${x.dtype}`);
  return poolGeometry(op, x.shape as [number, number, number, number], kernel, opts);
}

/** Window geometry of a 2-D pool over input of shape [n, c, h, w]; throws on bad options. */
export function poolGeometry(op: string, shape: readonly [number, number, number, number], kernel: Pair, opts: Pool2dOptions): PoolGeometry {
  const [kh, kw] = pair(kernel, [1, 1]);
  const [sh, sw] = pair(opts.stride, [kh, kw]);
  // A fractional padding gave all-NaN windows, a negative one a cropped input.
  const [ph, pw] = checkedPair(op, 'padding', opts.padding, 0);
  const [dh, dw] = pair(opts.dilation, [1, 1]);
  for (const [name, v] of [['kernel', kh], ['kernel', kw], ['stride', sh], ['stride', sw], ['dilation', dh], ['dilation', dw]] as const) {
    if (!Number.isInteger(v) || v <= 0) throw new Error(`${op}: ${name} must be a positive integer, got ${v}`);
  }
  if (ph * 2 > kh || pw * 2 > kw) throw new Error(`${op}: padding (${ph},${pw}) must be at most half the kernel (${kh},${kw})`);
  const [n, c, h, w] = shape;
  const ceil = opts.ceilMode ?? false;
  return { n, c, h, w, kh, kw, sh, sw, ph, pw, dh, dw, oh: outSize(op, h, kh, sh, ph, dh, ceil), ow: outSize(op, w, kw, sw, pw, dw, ceil) };
}

/**
 * Windows without padding or dilation that lie fully inside the input (the
 * common 2×2 stride-2 case): no bounds checks, 2×2 unrolled. Same results as
 * the general loop: the first maximum wins, a NaN wins and stops the window.
 */
function maxPoolInside(src: FloatArray, planes: number, h: number, w: number, kh: number, kw: number, sh: number, sw: number, oh: number, ow: number, out: FloatArray, arg: Int32Array): void {
  let p = 0;
  const hw = h * w;
  if (kh === 2 && kw === 2) {
    for (let pl = 0; pl < planes; pl++) {
      const base = pl * hw;
      for (let oy = 0; oy < oh; oy++) {
        let i0 = base + oy * sh * w;
        for (let ox = 0; ox < ow; ox++, p++, i0 += sw) {
          const i2 = i0 + w;
          const a = src[i0], b = src[i0 + 1], c = src[i2], d = src[i2 + 1];
          let best = a, bi = i0;
          if (a !== a) { out[p] = a; arg[p] = i0; continue; }
          if (b > best || b !== b) { best = b; bi = i0 + 1; }
          if (best === best && (c > best || c !== c)) { best = c; bi = i2; }
          if (best === best && (d > best || d !== d)) { best = d; bi = i2 + 1; }
          out[p] = best;
          arg[p] = bi;
        }
      }
    }
    return;
  }
  for (let pl = 0; pl < planes; pl++) {
    const base = pl * hw;
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++, p++) {
        const start = base + oy * sh * w + ox * sw;
        let best = src[start];
        let bi = start;
        outer: for (let i = 0; i < kh; i++) {
          const row = start + i * w;
          for (let j = 0; j < kw; j++) {
            if (best !== best) break outer;
            const v = src[row + j];
            if (v > best || v !== v) { best = v; bi = row + j; }
          }
        }
        out[p] = best;
        arg[p] = bi;
      }
    }
  }
}

export function maxPool2d(x: Tensor, kernel: Pair, opts: Pool2dOptions = NO_OPTIONS): Tensor {
  checkOptions('maxPool2d', opts, POOL2D_KEYS);
  const G = geometry('maxPool2d', x, kernel, opts);
  const src = x.contiguous().toTypedArray();
  const planes = G.n * G.c;
  const out = allocate(x.dtype, planes * G.oh * G.ow);
  const arg = new Int32Array(out.length);
  const inside = G.ph === 0 && G.pw === 0 && G.dh === 1 && G.dw === 1 &&
    (G.oh - 1) * G.sh + G.kh <= G.h && (G.ow - 1) * G.sw + G.kw <= G.w;
  if (inside) {
    const backend = getBackend();
    const fast2x2 = G.kh === 2 && G.kw === 2 && G.sh === 2 && G.sw === 2 && backend.maxPool2x2;
    if (fast2x2 && backend.maxPool2x2!(src as FloatArray, planes, G.h, G.w, G.oh, G.ow, out as FloatArray, arg)) {
      return recordMaxPool(x, out, arg, G, backend);
    }
    maxPoolInside(src as FloatArray, planes, G.h, G.w, G.kh, G.kw, G.sh, G.sw, G.oh, G.ow, out as FloatArray, arg);
    return recordMaxPool(x, out, arg, G);
  }
  // Windows past the edge (padding, ceil mode) or dilated: the backend's general kernel, else the loop below.
  const backend = getBackend();
  if (backend.maxPool2d?.(G, src as FloatArray, out as FloatArray, arg)) return recordMaxPool(x, out, arg, G, backend);
  let p = 0;
  for (let pl = 0; pl < planes; pl++) {
    const base = pl * G.h * G.w;
    for (let oy = 0; oy < G.oh; oy++) {
      for (let ox = 0; ox < G.ow; ox++, p++) {
        let best = -Infinity;
        let bi = -1;
        window: for (let i = 0; i < G.kh; i++) {
          const iy = oy * G.sh - G.ph + i * G.dh;
          if (iy < 0 || iy >= G.h) continue;
          for (let j = 0; j < G.kw; j++) {
            const ix = ox * G.sw - G.pw + j * G.dw;
            if (ix < 0 || ix >= G.w) continue;
            const idx = base + iy * G.w + ix;
            const v = src[idx];
            if (v > best || bi < 0 || Number.isNaN(v)) {
              best = v;
              bi = idx;
              if (Number.isNaN(v)) break window; // the first NaN in row-major order ends the window, as in maxPoolInside
            }
          }
        }
        out[p] = best;
        arg[p] = bi;
      }
    }
  }
  return recordMaxPool(x, out, arg, G);
}

/** `fast`: the backend that ran the forward, which then runs the backward too. */
function recordMaxPool(x: Tensor, out: TypedArray, arg: Int32Array, G: PoolGeometry, fast?: Backend): Tensor {
  const y = new Tensor(out, [G.n, G.c, G.oh, G.ow], x.dtype);
  return record(y, 'maxPool2d', [x], (g) => {
    const gd = g.contiguous().toTypedArray() as FloatArray;
    const dx = allocate(x.dtype, x.size) as FloatArray;
    if (!fast?.maxPoolBackward?.(arg, gd, dx)) scatterAddAt(dx, arg, gd);
    return [new Tensor(dx, x.shape, x.dtype)];
  }, []);
}

function scatterAddAt(dx: FloatArray, arg: Int32Array, gd: FloatArray): void {
  for (let i = 0; i < arg.length; i++) {
    const a = arg[i];
    if (a >= 0) dx[a] += gd[i];
  }
}

export function avgPool2d(x: Tensor, kernel: Pair, opts: Pool2dOptions = NO_OPTIONS): Tensor {
  checkOptions('avgPool2d', opts, POOL2D_KEYS);
  const G = geometry('avgPool2d', x, kernel, opts);
  const includePad = opts.countIncludePad ?? true;
  const src = x.contiguous().toTypedArray();
  const planes = G.n * G.c;
  const out = allocate(x.dtype, planes * G.oh * G.ow);
  const divisors = new Float64Array(G.oh * G.ow);
  for (let oy = 0; oy < G.oh; oy++) {
    for (let ox = 0; ox < G.ow; ox++) {
      let count = 0;
      let padded = 0;
      for (let i = 0; i < G.kh; i++) {
        const iy = oy * G.sh - G.ph + i * G.dh;
        for (let j = 0; j < G.kw; j++) {
          const ix = ox * G.sw - G.pw + j * G.dw;
          const inside = iy >= 0 && iy < G.h && ix >= 0 && ix < G.w;
          // Windows hanging past the padding (ceilMode) never count those cells.
          const inPad = iy >= -G.ph && iy < G.h + G.ph && ix >= -G.pw && ix < G.w + G.pw;
          if (inside) count++;
          if (inPad) padded++;
        }
      }
      divisors[oy * G.ow + ox] = includePad ? padded : Math.max(count, 1);
    }
  }
  let p = 0;
  for (let pl = 0; pl < planes; pl++) {
    const base = pl * G.h * G.w;
    for (let oy = 0; oy < G.oh; oy++) {
      for (let ox = 0; ox < G.ow; ox++, p++) {
        let s = 0;
        for (let i = 0; i < G.kh; i++) {
          const iy = oy * G.sh - G.ph + i * G.dh;
          if (iy < 0 || iy >= G.h) continue;
          for (let j = 0; j < G.kw; j++) {
            const ix = ox * G.sw - G.pw + j * G.dw;
            if (ix >= 0 && ix < G.w) s += src[base + iy * G.w + ix];
          }
        }
        out[p] = s / divisors[oy * G.ow + ox];
      }
    }
  }
  const y = new Tensor(out, [G.n, G.c, G.oh, G.ow], x.dtype);
  return record(y, 'avgPool2d', [x], (g) => {
    const gd = g.contiguous().toTypedArray();
    const dx = allocate(x.dtype, x.size);
    let q = 0;
    for (let pl = 0; pl < planes; pl++) {
      const base = pl * G.h * G.w;
      for (let oy = 0; oy < G.oh; oy++) {
        for (let ox = 0; ox < G.ow; ox++, q++) {
          const share = gd[q] / divisors[oy * G.ow + ox];
          for (let i = 0; i < G.kh; i++) {
            const iy = oy * G.sh - G.ph + i * G.dh;
            if (iy < 0 || iy >= G.h) continue;
            for (let j = 0; j < G.kw; j++) {
              const ix = ox * G.sw - G.pw + j * G.dw;
              if (ix >= 0 && ix < G.w) dx[base + iy * G.w + ix] += share;
            }
          }
        }
      }
    }
    return [new Tensor(dx, x.shape, x.dtype)];
  }, []);
}

export interface Pool1dOptions {
  stride?: number;
  padding?: number;
  dilation?: number;
  ceilMode?: boolean;
  countIncludePad?: boolean;
}

const POOL1D_KEYS = optionKeys<Pool1dOptions>({ stride: true, padding: true, dilation: true, ceilMode: true, countIncludePad: true });

function to2d(o: Pool1dOptions): Pool2dOptions {
  return {
    stride: o.stride === undefined ? undefined : [1, o.stride],
    padding: [0, o.padding ?? 0],
    dilation: [1, o.dilation ?? 1],
    ceilMode: o.ceilMode,
    countIncludePad: o.countIncludePad,
  };
}

function check1d(op: string, x: Tensor): void {
  if (x.rank !== 3) throw new Error(`${op}: input must be 3-D [N,C,L], got shape ${fmtShape(x.shape)}`);
}

export function maxPool1d(x: Tensor, kernel: number, opts: Pool1dOptions = NO_OPTIONS): Tensor {
  check1d('maxPool1d', x);
  checkOptions('maxPool1d', opts, POOL1D_KEYS);
  const o = to2d(opts);
  if (opts.stride === undefined) o.stride = [1, kernel];
  return squeeze(as1d('maxPool1d', 'maxPool2d', () => maxPool2d(unsqueeze(x, 2), [1, kernel], o)), 2);
}

export function avgPool1d(x: Tensor, kernel: number, opts: Pool1dOptions = NO_OPTIONS): Tensor {
  check1d('avgPool1d', x);
  checkOptions('avgPool1d', opts, POOL1D_KEYS);
  const o = to2d(opts);
  if (opts.stride === undefined) o.stride = [1, kernel];
  return squeeze(as1d('avgPool1d', 'avgPool2d', () => avgPool2d(unsqueeze(x, 2), [1, kernel], o)), 2);
}
