/** Typed-array helpers shared by the fused recurrent ops. */
import { getBackend, jsBackend, Tensor, type Backend, type FloatArray } from '@tensorkit/core';

export type FloatType = 'float32' | 'float64';

export function allocFloat(dtype: FloatType, n: number): FloatArray {
  return dtype === 'float64' ? new Float64Array(n) : new Float32Array(n);
}

/** Dense elements of t (aliasing its storage when already contiguous). */
export function dense(t: Tensor): FloatArray {
  return t.contiguous().toTypedArray() as FloatArray;
}

/** float64 (gradient checks) always runs on the reference backend, as core's matmul does. */
export function backendFor(dtype: FloatType): Backend {
  return dtype === 'float64' ? jsBackend : getBackend();
}

export function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/** Column sums of a rows×cols row-major block: the bias gradient. */
export function columnSums(src: FloatArray, rows: number, cols: number, dtype: FloatType): Tensor {
  const acc = new Float64Array(cols);
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    for (let c = 0; c < cols; c++) acc[c] += src[base + c];
  }
  const out = allocFloat(dtype, cols);
  out.set(acc);
  return new Tensor(out, [cols], dtype);
}

/** Everything one layer-direction of a recurrent net needs. */
export interface RecurrentArgs {
  /** x·W_ihᵀ for every step, time-major [T·B, G·H], without bias. */
  xProj: Tensor;
  /** [G·H, H]. */
  wHh: Tensor;
  bIh: Tensor | null;
  bHh: Tensor | null;
  /** Initial hidden state [B, H]. */
  h0: Tensor;
  steps: number;
  batch: number;
  /** Valid steps per sequence (null = all T); padded steps freeze the state and output zeros. */
  lengths: Int32Array | null;
  /** Run from each sequence's last valid step back to step 0. */
  reverse: boolean;
}

export function checkArgs(op: string, a: RecurrentArgs, gates: number): { H: number; dtype: FloatType } {
  const H = a.wHh.shape[1];
  const dtype = a.xProj.dtype;
  if (dtype !== 'float32' && dtype !== 'float64') throw new Error(`${op}: expected float tensors, got ${dtype}`);
  const GH = gates * H;
  const bad = (t: Tensor | null, shape: number[]) => t !== null && (t.dtype !== dtype || t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i]));
  if (a.wHh.rank !== 2 || a.wHh.shape[0] !== GH || a.wHh.dtype !== dtype) throw new Error(`${op}: weight_hh must be [${GH}, ${H}] ${dtype}, got [${a.wHh.shape}] ${a.wHh.dtype}`);
  if (bad(a.xProj, [a.steps * a.batch, GH])) throw new Error(`${op}: input projection must be [${a.steps * a.batch}, ${GH}], got [${a.xProj.shape}]`);
  if (bad(a.bIh, [GH]) || bad(a.bHh, [GH])) throw new Error(`${op}: biases must be [${GH}] ${dtype}`);
  if (bad(a.h0, [a.batch, H])) throw new Error(`${op}: initial state must be [${a.batch}, ${H}] ${dtype}, got [${a.h0.shape}] ${a.h0.dtype}`);
  return { H, dtype };
}
