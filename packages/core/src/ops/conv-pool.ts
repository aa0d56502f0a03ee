/**
 * conv2d followed by max-pooling as one op: maxPool2d(conv2d(x, w, b, conv), kernel, pool).
 * A backend with fused conv kernels pools each batch slice while it is still in cache, so the
 * unpooled output (the largest tensor of a small CNN) is never written out, copied or kept
 * for the backward — and the pooling runs on all threads with the convolution. Anything the
 * fused kernels do not take (float64, groups, no such backend) is the composition of the two
 * ops, which is also the reference the fused path is tested against.
 */
import { enableGrad, record } from '../autograd.js';
import { allocate, isFloatDType } from '../dtype.js';
import { getBackend } from '../backend/registry.js';
import type { ConvMaxPool, FloatArray } from '../backend/backend.js';
import { Tensor } from '../tensor.js';
import { checkOptions, NO_OPTIONS } from '../options.js';
import { checkConvArgs, conv2d, convGeometry, CONV2D_KEYS, type Conv2dOptions, type Pair } from './conv.js';
import { maxPool2d, poolGeometry, POOL2D_KEYS, type Pool2dOptions } from './pool.js';

export function conv2dMaxPool(
  x: Tensor, weight: Tensor, bias: Tensor | null | undefined,
  conv: Conv2dOptions, poolKernel: Pair, pool: Pool2dOptions = NO_OPTIONS,
): Tensor {
  // The fused path reads the options itself, without conv2d's and maxPool2d's checks.
  checkOptions('conv2dMaxPool', conv, CONV2D_KEYS, 'conv option');
  checkOptions('conv2dMaxPool', pool, POOL2D_KEYS, 'pool option');
  checkConvArgs('conv2dMaxPool', x, weight, bias);
  const composed = (): Tensor => maxPool2d(conv2d(x, weight, bias, conv), poolKernel, pool);
  if (!isFloatDType(x.dtype) || x.dtype !== weight.dtype || x.dtype === 'float64' || (conv.groups ?? 1) !== 1) return composed();
  const backend = getBackend();
  if (!backend.conv2dForward || !backend.conv2dBackward) return composed();
  const G = convGeometry(x, weight, conv);
  if (bias && (bias.rank !== 1 || bias.shape[0] !== G.o)) return composed(); // conv2d reports the error
  const act = conv.activation ?? null;
  if (act !== null && act !== 'relu') return composed();
  const relu = act === 'relu';
  const P = poolGeometry('maxPool2d', [G.n, G.o, G.oh, G.ow], poolKernel, pool);
  const xs = x.contiguous().toTypedArray() as FloatArray;
  const ws = weight.contiguous().toTypedArray() as FloatArray;
  const bs = bias ? (bias.contiguous().toTypedArray() as FloatArray) : null;
  const out = allocate(x.dtype, G.n * G.o * P.oh * P.ow) as FloatArray;
  const fused: ConvMaxPool = { g: P, arg: new Int32Array(out.length) };
  if (!backend.conv2dForward(G, xs, ws, bs, out, relu, fused)) return composed();
  const y = new Tensor(out, [G.n, G.o, P.oh, P.ow], x.dtype);
  const inputs = bias ? [x, weight, bias] : [x, weight];
  return record(y, relu ? 'conv2dReluMaxPool' : 'conv2dMaxPool', inputs, (gy) => {
    const gd = gy.contiguous().toTypedArray() as FloatArray;
    const dx = x.requiresGrad ? (allocate(x.dtype, x.size) as FloatArray) : null;
    const dw = weight.requiresGrad ? (allocate(x.dtype, weight.size) as FloatArray) : null;
    const db = bias && bias.requiresGrad ? (allocate(x.dtype, G.o) as FloatArray) : null;
    if (!backend.conv2dBackward!(G, xs, ws, gd, dx, dw, db, relu ? out : null, fused)) return recompute(gy);
    const grads: (Tensor | null)[] = [dx ? new Tensor(dx, x.shape, x.dtype) : null, dw ? new Tensor(dw, weight.shape, x.dtype) : null];
    if (bias) grads.push(db ? new Tensor(db, [G.o], x.dtype) : null);
    return grads;
  }, relu ? [...inputs, y] : inputs); // the fused ReLU's backward reads the output as its mask

  /** The backend declined the backward (e.g. out of memory): differentiate the composition instead. */
  function recompute(gy: Tensor): (Tensor | null)[] {
    const leaf = (t: Tensor | null | undefined): Tensor | null => (t ? t.detach().requiresGrad_(t.requiresGrad) : null);
    const [lx, lw, lb] = [leaf(x), leaf(weight), leaf(bias)];
    enableGrad(() => maxPool2d(conv2d(lx!, lw!, lb, conv), poolKernel, pool).backward(gy));
    const grads = [lx!.grad, lw!.grad];
    if (bias) grads.push(lb!.grad);
    return grads;
  }
}
