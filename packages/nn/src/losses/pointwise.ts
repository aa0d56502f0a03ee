/**
 * Shared machinery of the elementwise losses that compare an input with a target of the
 * same shape (mseLoss, bceWithLogits, l1Loss, smoothL1Loss, huberLoss, klDivLoss, bceLoss): the input checks, and
 * a fused op computing the loss and its exact piecewise derivatives per element (so kinks
 * such as |x - y| at x = y get PyTorch's subgradient, not whatever a composition gives).
 */
import { record, Tensor, type DType, type TypedArray } from '@tensorkit/core';

/**
 * Shapes must match exactly: silent broadcasting of [N] against [N, 1] is a classic bug.
 * `name` is what the loss calls its first argument ('input', 'logits').
 */
export function checkSameShape(op: string, name: string, input: Tensor, target: Tensor): void {
  if (input.rank !== target.rank || input.shape.some((d, i) => d !== target.shape[i])) {
    throw new Error(`${op}: ${name} shape [${input.shape.join(', ')}] and target shape [${target.shape.join(', ')}] must be equal`);
  }
}

/** Checks both are Tensors, the input is floating point and the shapes are equal. */
export function checkPair(op: string, input: Tensor, target: Tensor): void {
  if (!(input instanceof Tensor) || !(target instanceof Tensor)) throw new Error(`${op}: input and target must be Tensors`);
  if (input.dtype !== 'float32' && input.dtype !== 'float64') throw new Error(`${op}: input must be float32 or float64, got ${input.dtype}`);
  checkSameShape(op, 'input', input, target);
}

/** A per-element option (`weight`, `posWeight`) broadcast to `shape` (no gradient), or null. */
export function broadcastValues(op: string, name: string, t: Tensor | undefined, shape: readonly number[]): TypedArray | null {
  if (t === undefined) return null;
  if (!(t instanceof Tensor)) throw new Error(`${op}: ${name} must be a Tensor`);
  try {
    return t.detach().expand(shape).contiguous().toTypedArray();
  } catch {
    throw new Error(`${op}: ${name} of shape [${t.shape.join(', ')}] cannot broadcast to the input shape [${shape.join(', ')}]`);
  }
}

/** The loss of one element, and (in `d`) its derivatives by the input (d[0]) and the target (d[1]). */
export interface PointwiseKernel {
  value(x: number, y: number): number;
  grad(x: number, y: number, d: Float64Array): void;
}

/** Elementwise loss tensor (unreduced) of `input` against `target`, optionally weighted. */
export function pointwiseLoss(op: string, input: Tensor, target: Tensor, kernel: PointwiseKernel, weight: TypedArray | null = null): Tensor {
  const shape = input.shape;
  const dtype: DType = input.dtype === 'float64' || target.dtype === 'float64' ? 'float64' : 'float32';
  const x = input.toTypedArray();
  const y = target.toTypedArray();
  const n = x.length;
  const out = dtype === 'float32' ? new Float32Array(n) : new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = (w(weight, i)) * kernel.value(x[i], y[i]);
  return record(new Tensor(out, shape, dtype), op, [input, target], (g) => {
    const gv = g.contiguous().toTypedArray();
    const gx = input.requiresGrad ? new Float64Array(n) : null;
    const gy = target.requiresGrad ? new Float64Array(n) : null;
    const d = new Float64Array(2);
    for (let i = 0; i < n; i++) {
      const scale = gv[i] * w(weight, i);
      kernel.grad(x[i], y[i], d);
      if (gx) gx[i] = scale * d[0];
      if (gy) gy[i] = scale * d[1];
    }
    return [
      gx ? new Tensor(gx, shape, 'float64').to(input.dtype) : null,
      gy ? new Tensor(gy, shape, 'float64').to(target.dtype) : null,
    ];
  });
}

function w(weight: TypedArray | null, i: number): number {
  return weight ? weight[i] : 1;
}
