/**
 * Adaptive average pooling: output cell i averages input cells
 * [floor(i·L/out), ceil((i+1)·L/out)), PyTorch's window rule, so any input
 * length maps onto a fixed output size.
 */
import { checkTensor, record, showValue, Tensor } from '@tensorkit/core';

function windows(len: number, out: number): { start: Int32Array; end: Int32Array } {
  const start = new Int32Array(out);
  const end = new Int32Array(out);
  for (let i = 0; i < out; i++) {
    start[i] = Math.floor((i * len) / out);
    end[i] = Math.ceil(((i + 1) * len) / out);
  }
  return { start, end };
}

/** An adaptive pool's output size: one number for both sides, or [height, width] where null keeps the input's size (as PyTorch's None). */
export type AdaptiveSize2d = number | readonly [number | null, number | null];

/**
 * [height, width] of an adaptive 2-D output size: one positive integer, or a pair of them (or null)
 * — exactly two: [2] used to pool as [2, null] and [2, 2, 2] as [2, 2].
 */
export function adaptiveSize2d(fn: string, outputSize: unknown): [number | null, number | null] {
  const ok = (v: unknown, nullable: boolean) => (nullable && v === null) || (typeof v === 'number' && Number.isInteger(v) && v > 0);
  if (ok(outputSize, false)) return [outputSize as number, outputSize as number];
  if (Array.isArray(outputSize) && outputSize.length === 2 && ok(outputSize[0], true) && ok(outputSize[1], true)) return [outputSize[0], outputSize[1]];
  throw new Error(`${fn}: outputSize must be a positive integer or a pair [height, width] of them (null keeps that side of the input), got ${showValue(outputSize)}`);
}

/** A 1-D adaptive output size: one positive integer. */
export function adaptiveSize1d(fn: string, outputSize: unknown): number {
  if (typeof outputSize !== 'number' || !Number.isInteger(outputSize) || outputSize <= 0) throw new Error(`${fn}: outputSize must be a positive integer, got ${showValue(outputSize)}`);
  return outputSize;
}

/** x [N, C, H, W] → [N, C, oh, ow]. */
export function adaptiveAvgPool2d(x: Tensor, outputSize: AdaptiveSize2d): Tensor {
  checkTensor('adaptiveAvgPool2d', 'input', x);
  const [askH, askW] = adaptiveSize2d('adaptiveAvgPool2d', outputSize);
  if (x.rank !== 4) throw new Error(`adaptiveAvgPool2d: input must be 4-D [N,C,H,W], got shape [${x.shape}]`);
  if (x.dtype !== 'float32' && x.dtype !== 'float64') throw new Error(`adaptiveAvgPool2d: input must be float, got ${x.dtype}`);
  const [n, c, h, w] = x.shape;
  // An empty window would average nothing (0/0 = NaN), as PyTorch refuses too.
  if (h === 0 || w === 0) throw new Error(`adaptiveAvgPool2d: input [${x.shape}] has an empty spatial dimension (H and W must be > 0)`);
  const oh = askH ?? h;
  const ow = askW ?? w;
  const rows = windows(h, oh);
  const cols = windows(w, ow);
  const src = x.contiguous().toTypedArray();
  const planes = n * c;
  const out = x.dtype === 'float64' ? new Float64Array(planes * oh * ow) : new Float32Array(planes * oh * ow);
  for (let p = 0, q = 0; p < planes; p++) {
    const base = p * h * w;
    for (let i = 0; i < oh; i++) {
      for (let j = 0; j < ow; j++, q++) {
        let s = 0;
        for (let y = rows.start[i]; y < rows.end[i]; y++) for (let xx = cols.start[j]; xx < cols.end[j]; xx++) s += src[base + y * w + xx];
        out[q] = s / ((rows.end[i] - rows.start[i]) * (cols.end[j] - cols.start[j]));
      }
    }
  }
  const y = new Tensor(out, [n, c, oh, ow], x.dtype);
  return record(y, 'adaptiveAvgPool2d', [x], (g) => {
    const gd = g.contiguous().toTypedArray();
    const dx = x.dtype === 'float64' ? new Float64Array(x.size) : new Float32Array(x.size);
    for (let p = 0, q = 0; p < planes; p++) {
      const base = p * h * w;
      for (let i = 0; i < oh; i++) {
        for (let j = 0; j < ow; j++, q++) {
          const share = gd[q] / ((rows.end[i] - rows.start[i]) * (cols.end[j] - cols.start[j]));
          for (let yy = rows.start[i]; yy < rows.end[i]; yy++) for (let xx = cols.start[j]; xx < cols.end[j]; xx++) dx[base + yy * w + xx] += share;
        }
      }
    }
    return [new Tensor(dx, x.shape, x.dtype)];
  });
}

/** x [N, C, L] → [N, C, out]. */
export function adaptiveAvgPool1d(x: Tensor, outputSize: number): Tensor {
  checkTensor('adaptiveAvgPool1d', 'input', x);
  adaptiveSize1d('adaptiveAvgPool1d', outputSize);
  if (x.rank !== 3) throw new Error(`adaptiveAvgPool1d: input must be 3-D [N,C,L], got shape [${x.shape}]`);
  if (x.shape[2] === 0) throw new Error(`adaptiveAvgPool1d: input [${x.shape}] has length 0 (L must be > 0)`);
  return adaptiveAvgPool2d(x.unsqueeze(2), [1, outputSize]).squeeze(2);
}
