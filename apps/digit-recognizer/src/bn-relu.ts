/**
 * Batch normalisation followed by ReLU as one op. Composed from core ops, a
 * BatchNorm2d + ReLU pair makes about fifteen passes over the activations
 * (means through permuted copies, broadcasts, the elementwise gradient
 * chain); the fused kernel makes two forward and two backward passes, which
 * roughly halves the non-GEMM cost of a training step of the digit CNN.
 * On the wasm backend the training passes run as its SIMD batch-norm kernels
 * (float64 channel sums, about 5× faster than these loops); the loops below
 * are the reference, the float64 path and the fallback.
 * Semantics are PyTorch's BatchNorm (biased batch variance for normalising,
 * unbiased variance folded into the running estimate, momentum 0.1) with the
 * ReLU applied after the affine transform.
 */
import { getBackend, isGradEnabled, markModifiedInPlace, ones, record, scalar, Tensor, zeros, type TypedArray } from '@tensorkit/core';
import { Module, registerModule, type ModuleConfig } from '@tensorkit/nn';

type Floats = Float32Array | Float64Array;

export interface BatchNormReLUConfig extends ModuleConfig {
  type: 'digits.BatchNormReLU';
  numFeatures: number;
  eps: number;
  momentum: number;
}

/** Channels sit in dimension 1; everything after it is one "spatial" block per channel. */
function layout(x: Tensor, channels: number): { n: number; c: number; s: number } {
  if ((x.rank !== 2 && x.rank !== 4) || x.shape[1] !== channels) {
    throw new Error(`BatchNormReLU: expected [N, ${channels}] or [N, ${channels}, H, W], got [${x.shape.join(', ')}]`);
  }
  return { n: x.shape[0], c: channels, s: x.rank === 4 ? x.shape[2] * x.shape[3] : 1 };
}

function alloc(like: TypedArray, size: number): Floats {
  return like instanceof Float64Array ? new Float64Array(size) : new Float32Array(size);
}

interface BnState {
  weight: Tensor;
  bias: Tensor;
  runningMean: Tensor;
  runningVar: Tensor;
  counter: Tensor;
  eps: number;
  momentum: number;
}

/** Training mode: normalise with batch statistics and update the running ones. */
export function batchNormReluTrain(x: Tensor, st: BnState): Tensor {
  const { n, c, s } = layout(x, st.weight.size);
  const m = n * s;
  if (m <= 1) throw new Error(`BatchNormReLU: need more than one value per channel in training, got input [${x.shape.join(', ')}]`);
  const xc = x.contiguous();
  const xs = xc.toTypedArray() as Floats;
  const gamma = st.weight.toTypedArray() as Floats;
  const beta = st.bias.toTypedArray() as Floats;
  const mean = new Float64Array(c);
  const invStd = new Float64Array(c);
  const out = alloc(xs, xs.length);
  const backend = getBackend();
  const variance = new Float64Array(c);
  if (backend.batchNormReluForward?.(xs, n, c, s, gamma, beta, st.eps, out, mean, variance)) {
    const rm = st.runningMean.storage;
    const rv = st.runningVar.storage;
    for (let ch = 0; ch < c; ch++) {
      invStd[ch] = 1 / Math.sqrt(variance[ch] + st.eps);
      rm[ch] = (1 - st.momentum) * rm[ch] + st.momentum * mean[ch];
      rv[ch] = (1 - st.momentum) * rv[ch] + st.momentum * variance[ch] * (m / (m - 1));
    }
  } else for (let ch = 0; ch < c; ch++) {
    // One pass for both moments, accumulated in float64 (activations here are O(1), so
    // E[x²] − E[x]² loses nothing that matters); a second pass writes the output.
    let sum = 0;
    let sumSq = 0;
    for (let b = 0; b < n; b++) {
      const base = (b * c + ch) * s;
      for (let i = 0; i < s; i++) {
        const v = xs[base + i];
        sum += v;
        sumSq += v * v;
      }
    }
    const mu = sum / m;
    const sq = Math.max(0, sumSq - sum * mu);
    const varBiased = sq / m;
    const inv = 1 / Math.sqrt(varBiased + st.eps);
    mean[ch] = mu;
    invStd[ch] = inv;
    const scale = gamma[ch] * inv;
    const shift = beta[ch] - mu * scale;
    for (let b = 0; b < n; b++) {
      const base = (b * c + ch) * s;
      for (let i = 0; i < s; i++) {
        const v = xs[base + i] * scale + shift;
        out[base + i] = v <= 0 ? 0 : v; // NaN stays NaN, as core relu()
      }
    }
    const rm = st.runningMean.storage;
    const rv = st.runningVar.storage;
    rm[ch] = (1 - st.momentum) * rm[ch] + st.momentum * mu;
    rv[ch] = (1 - st.momentum) * rv[ch] + st.momentum * varBiased * (m / (m - 1));
  }
  st.counter.storage[0] += 1;
  for (const t of [st.runningMean, st.runningVar, st.counter]) markModifiedInPlace(t);
  const y = new Tensor(out, x.shape, x.dtype);
  if (!isGradEnabled()) return y;
  return record(y, 'batchNormRelu', [x, st.weight, st.bias], (g) => {
    const gs = g.contiguous().toTypedArray() as Floats;
    const dx = alloc(xs, xs.length);
    const dGamma = alloc(xs, c);
    const dBeta = alloc(xs, c);
    if (!backend.batchNormReluBackward?.(xs, out, gs, n, c, s, gamma, mean, invStd, dx, dGamma, dBeta)) for (let ch = 0; ch < c; ch++) {
      const mu = mean[ch];
      const inv = invStd[ch];
      let sumDy = 0;
      let sumDyXhat = 0;
      for (let b = 0; b < n; b++) {
        const base = (b * c + ch) * s;
        for (let i = 0; i < s; i++) {
          const k = base + i;
          if (!(out[k] <= 0)) {
            const dy = gs[k];
            sumDy += dy;
            sumDyXhat += dy * (xs[k] - mu) * inv;
          }
        }
      }
      dGamma[ch] = sumDyXhat;
      dBeta[ch] = sumDy;
      const k1 = gamma[ch] * inv;
      const meanDy = sumDy / m;
      const meanDyXhat = sumDyXhat / m;
      for (let b = 0; b < n; b++) {
        const base = (b * c + ch) * s;
        for (let i = 0; i < s; i++) {
          const k = base + i;
          const xhat = (xs[k] - mu) * inv;
          const dy = out[k] <= 0 ? 0 : gs[k];
          dx[k] = k1 * (dy - meanDy - xhat * meanDyXhat);
        }
      }
    }
    return [new Tensor(dx, x.shape, x.dtype), new Tensor(dGamma, [c], x.dtype), new Tensor(dBeta, [c], x.dtype)];
  });
}

/** Eval mode: a fixed per-channel scale and shift, then ReLU (differentiable, for saliency). */
export function batchNormReluEval(x: Tensor, st: BnState): Tensor {
  const { n, c, s } = layout(x, st.weight.size);
  const xs = x.contiguous().toTypedArray() as Floats;
  const gamma = st.weight.toTypedArray();
  const beta = st.bias.toTypedArray();
  const rm = st.runningMean.toTypedArray();
  const rv = st.runningVar.toTypedArray();
  const inv = new Float64Array(c);
  const out = alloc(xs, xs.length);
  for (let ch = 0; ch < c; ch++) {
    inv[ch] = 1 / Math.sqrt(rv[ch] + st.eps);
    const scale = gamma[ch] * inv[ch];
    const shift = beta[ch] - rm[ch] * scale;
    for (let b = 0; b < n; b++) {
      const base = (b * c + ch) * s;
      for (let i = 0; i < s; i++) {
        const v = xs[base + i] * scale + shift;
        out[base + i] = v <= 0 ? 0 : v; // NaN stays NaN, as core relu()
      }
    }
  }
  const y = new Tensor(out, x.shape, x.dtype);
  if (!isGradEnabled()) return y;
  return record(y, 'batchNormReluEval', [x, st.weight, st.bias], (g) => {
    const gs = g.contiguous().toTypedArray() as Floats;
    const dx = alloc(xs, xs.length);
    const dGamma = alloc(xs, c);
    const dBeta = alloc(xs, c);
    for (let ch = 0; ch < c; ch++) {
      const scale = gamma[ch] * inv[ch];
      let sumDy = 0;
      let sumDyXhat = 0;
      for (let b = 0; b < n; b++) {
        const base = (b * c + ch) * s;
        for (let i = 0; i < s; i++) {
          const k = base + i;
          if (!(out[k] <= 0)) {
            const dy = gs[k];
            dx[k] = dy * scale;
            sumDy += dy;
            sumDyXhat += dy * (xs[k] - rm[ch]) * inv[ch];
          }
        }
      }
      dGamma[ch] = sumDyXhat;
      dBeta[ch] = sumDy;
    }
    return [new Tensor(dx, x.shape, x.dtype), new Tensor(dGamma, [c], x.dtype), new Tensor(dBeta, [c], x.dtype)];
  });
}

/**
 * BatchNorm (1d over [N, C] or 2d over [N, C, H, W]) + ReLU. Parameter and
 * buffer names match PyTorch's BatchNorm so state dicts line up.
 */
export class BatchNormReLU extends Module {
  readonly config: BatchNormReLUConfig;

  constructor(opts: { numFeatures: number; eps?: number; momentum?: number }) {
    super();
    const c = opts.numFeatures;
    if (!Number.isInteger(c) || c < 1) throw new Error(`BatchNormReLU: numFeatures must be a positive integer, got ${c}`);
    this.config = { type: 'digits.BatchNormReLU', numFeatures: c, eps: opts.eps ?? 1e-5, momentum: opts.momentum ?? 0.1 };
    this.checkOptions(opts);
    if (!(this.config.eps > 0)) throw new Error(`BatchNormReLU: eps must be a positive number, got ${String(opts.eps)}`);
    if (!(this.config.momentum >= 0 && this.config.momentum <= 1)) throw new Error(`BatchNormReLU: momentum must be in [0, 1], got ${String(opts.momentum)}`);
    this.registerParameter('weight', ones([c]));
    this.registerParameter('bias', zeros([c]));
    this.registerBuffer('running_mean', zeros([c]));
    this.registerBuffer('running_var', ones([c]));
    this.registerBuffer('num_batches_tracked', scalar(0, 'int32'));
  }

  private state(): BnState {
    return {
      weight: this.param('weight'),
      bias: this.param('bias'),
      runningMean: this.buffer('running_mean')!,
      runningVar: this.buffer('running_var')!,
      counter: this.buffer('num_batches_tracked')!,
      eps: this.config.eps,
      momentum: this.config.momentum,
    };
  }

  forward(x: Tensor): Tensor {
    return this.training ? batchNormReluTrain(x, this.state()) : batchNormReluEval(x, this.state());
  }
}

registerModule<BatchNormReLUConfig>('digits.BatchNormReLU', (c) => new BatchNormReLU(c), { replace: true });
