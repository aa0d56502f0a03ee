/**
 * Transposed ("fractionally strided") 1-D and 2-D convolution with PyTorch's semantics:
 * weight [Cin, Cout/groups, kH, kW], output size
 *   Hout = (H − 1)·stride − 2·padding + dilation·(kH − 1) + outputPadding + 1.
 * A transposed convolution is the adjoint of a convolution whose input is our output
 * (shape [N, Cout, Hout, Wout]) and whose output is our input: its forward is that
 * convolution's input-gradient (GEMM + col2im), its input-gradient is that convolution's
 * forward, and its weight-gradient is that convolution's weight-gradient with the roles of
 * input and output gradient swapped. So this reuses conv.ts's kernels (and the backend's
 * fused conv paths when it has them, for float32 and groups = 1).
 */
import { record } from '../autograd.js';
import { allocate, isFloatDType } from '../dtype.js';
import { getBackend } from '../backend/registry.js';
import { jsBackend } from '../backend/js-backend.js';
import type { FloatArray } from '../backend/backend.js';
import { checkOptions, NO_OPTIONS, optionKeys } from '../options.js';
import { fmtShape } from '../shape.js';
import { Tensor } from '../tensor.js';
import { checkConvArgs, checkKernelSize, convBackwardJs, convForwardJs, pair, type ConvGeometry, type Pair } from './conv.js';
import { squeeze, unsqueeze } from './view.js';

export interface ConvTranspose2dOptions {
  stride?: Pair;
  /** Implicit zero padding removed from each side of the output (dilation·(k−1) − padding is added to the input). */
  padding?: Pair;
  /** Extra size added to one side (bottom/right) of the output; must be smaller than stride or dilation. */
  outputPadding?: Pair;
  dilation?: Pair;
  groups?: number;
}

export interface ConvTranspose1dOptions {
  stride?: number;
  padding?: number;
  outputPadding?: number;
  dilation?: number;
  groups?: number;
}

const TRANSPOSE2D_KEYS = optionKeys<ConvTranspose2dOptions>({ stride: true, padding: true, outputPadding: true, dilation: true, groups: true });
const TRANSPOSE1D_KEYS = optionKeys<ConvTranspose1dOptions>({ stride: true, padding: true, outputPadding: true, dilation: true, groups: true });

/** The geometry of the convolution this transposed convolution is the adjoint of. */
function transposeGeometry(op: string, x: Tensor, weight: Tensor, opts: ConvTranspose2dOptions): ConvGeometry {
  // convTranspose1d runs as the 2-D op with height 1: its messages show its own 3-D shapes and 1-D sizes.
  const oneD = op === 'convTranspose1d';
  const shape = (t: Tensor): string => fmtShape(oneD ? [...t.shape.slice(0, 2), ...t.shape.slice(3)] : t.shape);
  const two = (a: number, b: number, sep = ','): string => (oneD ? `${b}` : sep === ',' ? `(${a},${b})` : `${a}${sep}${b}`);
  if (x.rank !== 4) throw new Error(`${op}: input must be 4-D [N,Cin,H,W], got shape ${fmtShape(x.shape)}`);
  if (weight.rank !== 4) throw new Error(`${op}: weight must be 4-D [Cin,Cout/groups,kH,kW], got shape ${fmtShape(weight.shape)}`);
  const [n, cin, h, w] = x.shape;
  const [wc, coutg, kh, kw] = weight.shape;
  const groups = opts.groups ?? 1;
  if (!Number.isInteger(groups) || groups < 1 || cin % groups !== 0) {
    throw new Error(`${op}: groups=${groups} must be a positive integer dividing input channels ${cin} (input ${shape(x)})`);
  }
  checkKernelSize(op, weight, kh, kw);
  if (wc !== cin) throw new Error(`${op}: weight ${shape(weight)} expects ${wc} input channels but input ${shape(x)} has ${cin}`);
  const [sh, sw] = pair(op, 'stride', opts.stride, 1, 1);
  const [ph, pw] = pair(op, 'padding', opts.padding, 0, 0);
  const [oph, opw] = pair(op, 'outputPadding', opts.outputPadding, 0, 0);
  const [dh, dw] = pair(op, 'dilation', opts.dilation, 1, 1);
  if (!((oph < sh || oph < dh) && (opw < sw || opw < dw))) {
    throw new Error(`${op}: outputPadding ${two(oph, opw)} must be smaller than either stride ${two(sh, sw)} or dilation ${two(dh, dw)}`);
  }
  const hout = (h - 1) * sh - 2 * ph + dh * (kh - 1) + oph + 1;
  const wout = (w - 1) * sw - 2 * pw + dw * (kw - 1) + opw + 1;
  if (hout <= 0 || wout <= 0) {
    throw new Error(`${op}: input ${shape(x)} with kernel ${two(kh, kw, 'x')} (stride ${two(sh, sw, 'x')}, padding ${two(ph, pw, 'x')}, dilation ${two(dh, dw, 'x')}) gives a non-positive output size ${two(hout, wout, 'x')}`);
  }
  // Conv view: input [N, Cout, Hout, Wout], weight [O = Cin, Cout/groups, kH, kW], output [N, Cin, H, W].
  return { n, c: coutg * groups, h: hout, w: wout, o: cin, kh, kw, sh, sw, ph, pw, dh, dw, phEnd: ph, pwEnd: pw, groups, oh: h, ow: w };
}

/** True when the conv geometry's own output-size formula gives back (oh, ow): the backend's fused kernels assume it. */
function consistent(G: ConvGeometry): boolean {
  return Math.floor((G.h + 2 * G.ph - G.dh * (G.kh - 1) - 1) / G.sh) + 1 === G.oh
    && Math.floor((G.w + 2 * G.pw - G.dw * (G.kw - 1) - 1) / G.sw) + 1 === G.ow;
}

/**
 * 2-D transposed convolution of x [N,Cin,H,W] with weight [Cin,Cout/groups,kH,kW] (+ bias [Cout]),
 * as torch.nn.functional.conv_transpose2d: each input pixel scatters its value times the kernel
 * into the output at (stride·i − padding + dilation·ki, stride·j − padding + dilation·kj).
 */
export function convTranspose2d(x: Tensor, weight: Tensor, bias?: Tensor | null, opts: ConvTranspose2dOptions = NO_OPTIONS): Tensor {
  checkOptions('convTranspose2d', opts, TRANSPOSE2D_KEYS);
  return convTranspose('convTranspose2d', x, weight, bias, opts);
}

function convTranspose(op: string, x: Tensor, weight: Tensor, bias: Tensor | null | undefined, opts: ConvTranspose2dOptions): Tensor {
  checkConvArgs(op, x, weight, bias);
  if (!isFloatDType(x.dtype) || x.dtype !== weight.dtype) throw new Error(`${op}: input and weight must share a float dtype, got ${x.dtype} and ${weight.dtype}`);
  const G = transposeGeometry(op, x, weight, opts);
  const { n, c: cout, h: hout, w: wout } = G;
  if (bias && (bias.rank !== 1 || bias.shape[0] !== cout)) throw new Error(`${op}: bias must have shape [${cout}], got ${fmtShape(bias.shape)}`);
  const dtype = x.dtype;
  const backend = dtype === 'float64' ? jsBackend : getBackend();
  const fused = G.groups === 1 && consistent(G) && backend.conv2dForward !== undefined && backend.conv2dBackward !== undefined;
  const xs = x.contiguous().toTypedArray() as FloatArray;
  const ws = weight.contiguous().toTypedArray() as FloatArray;
  const L = hout * wout;
  const out = allocate(dtype, n * cout * L) as FloatArray;
  // Forward = the conv's input-gradient with our input as its output gradient. The conv
  // input (only read for a weight-gradient) is not needed: `out` stands in for its size.
  if (!(fused && backend.conv2dBackward!(G, out, ws, xs, out, null, null))) {
    out.fill(0);
    convBackwardJs(backend, G, new Float64Array(0) as FloatArray, ws, xs, out, null);
  }
  if (bias) {
    const bs = bias.contiguous().toTypedArray();
    for (let b = 0; b < n; b++) for (let oc = 0; oc < cout; oc++) {
      const bv = bs[oc] as number;
      const base = (b * cout + oc) * L;
      for (let l = 0; l < L; l++) out[base + l] += bv;
    }
  }
  const y = new Tensor(out, [n, cout, hout, wout], dtype);
  const inputs = bias ? [x, weight, bias] : [x, weight];
  return record(y, op, inputs, (gy) => {
    const gd = gy.contiguous().toTypedArray() as FloatArray;
    let dx: FloatArray | null = null;
    let dw: FloatArray | null = null;
    if (x.requiresGrad) {
      // d/dx = the conv's forward applied to the output gradient.
      dx = allocate(dtype, x.size) as FloatArray;
      if (!(fused && backend.conv2dForward!(G, gd, ws, null, dx))) convForwardJs(backend, G, gd, ws, null, dx);
    }
    if (weight.requiresGrad) {
      // d/dW = the conv's weight-gradient with the output gradient as its input and x as its output gradient.
      dw = allocate(dtype, weight.size) as FloatArray;
      if (!(fused && backend.conv2dBackward!(G, gd, ws, xs, null, dw, null))) convBackwardJs(backend, G, gd, ws, xs, null, dw);
    }
    const grads: (Tensor | null)[] = [dx ? new Tensor(dx, x.shape, dtype) : null, dw ? new Tensor(dw, weight.shape, dtype) : null];
    if (bias) {
      let db: Tensor | null = null;
      if (bias.requiresGrad) {
        const acc = allocate(dtype, cout) as FloatArray;
        for (let b = 0; b < n; b++) for (let oc = 0; oc < cout; oc++) {
          let s = 0;
          const base = (b * cout + oc) * L;
          for (let l = 0; l < L; l++) s += gd[base + l];
          acc[oc] += s;
        }
        db = new Tensor(acc, [cout], dtype);
      }
      grads.push(db);
    }
    return grads;
  });
}

/** 1-D transposed convolution of x [N,Cin,L] with weight [Cin,Cout/groups,k] (+ bias [Cout]), via the 2-D op with height 1. */
export function convTranspose1d(x: Tensor, weight: Tensor, bias?: Tensor | null, opts: ConvTranspose1dOptions = NO_OPTIONS): Tensor {
  checkOptions('convTranspose1d', opts, TRANSPOSE1D_KEYS);
  checkConvArgs('convTranspose1d', x, weight, bias);
  if (x.rank !== 3) throw new Error(`convTranspose1d: input must be 3-D [N,Cin,L], got shape ${fmtShape(x.shape)}`);
  if (weight.rank !== 3) throw new Error(`convTranspose1d: weight must be 3-D [Cin,Cout/groups,k], got shape ${fmtShape(weight.shape)}`);
  const y = convTranspose('convTranspose1d', unsqueeze(x, 2), unsqueeze(weight, 2), bias, {
    stride: [1, opts.stride ?? 1],
    padding: [0, opts.padding ?? 0],
    outputPadding: [0, opts.outputPadding ?? 0],
    dilation: [1, opts.dilation ?? 1],
    groups: opts.groups,
  });
  return squeeze(y, 2);
}
