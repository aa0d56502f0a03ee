/**
 * The small set of hot kernels that a backend may accelerate. Ops and their
 * gradients never call a backend directly except through these functions, so
 * a faster implementation (WebAssembly SIMD, worker threads) replaces them
 * without touching any op or gradient. Arrays are float32 or float64 typed
 * arrays; a backend may decline a call (return false) and the pure-TypeScript
 * reference is used instead.
 */
export type FloatArray = Float32Array | Float64Array;

/**
 * A strided matrix operand: element (i, j) lives at `data[offset + i*rowStride + j*colStride]`.
 * Transposed and sliced views are expressed through the strides, never copied by the caller.
 */
export interface MatrixRef<T extends FloatArray = FloatArray> {
  data: T;
  offset: number;
  rowStride: number;
  colStride: number;
}

/** Elementwise kernels a backend may vectorise; names match the core ops. */
export type UnaryKernelName =
  | 'neg' | 'abs' | 'exp' | 'log' | 'log1p' | 'sqrt' | 'rsqrt' | 'square' | 'sin' | 'cos'
  | 'tanh' | 'sigmoid' | 'relu' | 'gelu' | 'silu' | 'softplus';
export type BinaryKernelName = 'add' | 'sub' | 'mul' | 'div' | 'maximum' | 'minimum';

export interface AdamUpdateArgs {
  param: Float32Array;
  grad: Float32Array;
  m: Float32Array;
  v: Float32Array;
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  /** 1 - beta1^t and 1 - beta2^t, precomputed by the optimizer. */
  biasCorrection1: number;
  biasCorrection2: number;
  /** L2 penalty added to the gradient (Adam) ... */
  weightDecay: number;
  /** ... or decoupled decay applied to the parameter (AdamW). */
  decoupledWeightDecay: number;
}

/** Geometry of a 2-D convolution with groups = 1 (see ops/conv.ts); padding before (ph, pw) only: the output size already accounts for padding after. */
/** A max-pool fused after a convolution: its geometry over the conv output, and the argmax record (one int per pooled output). */
export interface ConvMaxPool {
  g: PoolKernelGeometry;
  arg: Int32Array;
}

/** Geometry of a 2-D pooling call (as in conv, without the output channels). */
export interface PoolKernelGeometry {
  n: number; c: number; h: number; w: number; kh: number; kw: number;
  sh: number; sw: number; ph: number; pw: number; dh: number; dw: number;
  oh: number; ow: number;
}

export interface ConvKernelGeometry {
  n: number; c: number; h: number; w: number;
  o: number; kh: number; kw: number;
  sh: number; sw: number; ph: number; pw: number; dh: number; dw: number;
  oh: number; ow: number;
}

/**
 * One GRU layer-direction over a sequence (see packages/nn gru-op.ts for the
 * formulas and layouts). Arrays are dense; outputs are fully overwritten.
 */
export interface GruForwardArgs {
  steps: number; batch: number; hidden: number; reverse: boolean;
  /** Valid steps per sequence, or null when all are full length. */
  lengths: Int32Array | null;
  /** [T·B, 3H] input projections (no bias), [3H, H] recurrent weight, biases [3H] or null, h0 [B, H]. */
  xProj: FloatArray; wHh: FloatArray; bIh: FloatArray | null; bHh: FloatArray | null; h0: FloatArray;
  /** Outputs: states by time [(T+1)·B·H], gates R, Z, N and GHN [T·B·H], output [(T+1)·B·H]. */
  hs: FloatArray; r: FloatArray; z: FloatArray; n: FloatArray; ghn: FloatArray; out: FloatArray;
}

export interface GruBackwardArgs {
  steps: number; batch: number; hidden: number; reverse: boolean;
  lengths: Int32Array | null;
  wHh: FloatArray;
  /** Saved by the forward. */
  hs: FloatArray; r: FloatArray; z: FloatArray; n: FloatArray; ghn: FloatArray;
  /** Output gradient [(T+1)·B·H]. */
  gy: FloatArray;
  /**
   * Outputs: gate gradients [T·B, 3H] (x side; h side only when dgh is
   * non-null) and the initial-state gradient [B, H]; optionally the weight
   * gradient Σ_t dGates_h(t)ᵀ·h_prev(t) [3H, H] and the two bias gradients [3H]
   * (column sums of the x-side and h-side gate gradients).
   */
  dgx: FloatArray; dgh: FloatArray | null; dh0: FloatArray;
  dwHh?: FloatArray | null; dbIh?: FloatArray | null; dbHh?: FloatArray | null;
}

/** The float32 lazy-Adam update of the rows of a row-sparse gradient (see packages/nn adam.ts). */
export interface SparseAdamRowsArgs {
  param: Float32Array;
  /** Moments (whole tables), ideally from the backend's allocFloat32. */
  m: Float32Array;
  v: Float32Array;
  /** Sorted unique rows and their gradient values [rows.length, rowSize]. */
  rows: Int32Array;
  grad: Float32Array | Float64Array;
  rowSize: number;
  beta1: number; beta2: number; eps: number;
  /** lr / (1 − β1^t) and 1 / sqrt(1 − β2^t). */
  stepSize: number; invBc2: number;
  /** L2 penalty through the gradient (Adam) and the decoupled decay factor 1 − lr·wd (AdamW; 1 for none). */
  l2: number; decay: number;
}

export interface Backend {
  readonly name: string;
  /**
   * C[M×N] = alpha·A[M×K]·B[K×N] + beta·C. All three operands share one
   * element type. C is dense row-major with leading dimension `ldc`
   * starting at `cOffset`.
   */
  gemm(
    m: number, n: number, k: number,
    alpha: number, a: MatrixRef, b: MatrixRef,
    beta: number, c: FloatArray, cOffset: number, ldc: number,
  ): void;
  /** out[i] = f(x[i]) over dense arrays of equal length; returns false to decline. */
  unary?(op: UnaryKernelName, x: FloatArray, out: FloatArray): boolean;
  /** out[i] = a[i] ∘ b[i] over dense arrays of equal length; returns false to decline. */
  binary?(op: BinaryKernelName, a: FloatArray, b: FloatArray, out: FloatArray): boolean;
  /** In-place Adam/AdamW step on dense float32 arrays; returns false to decline. */
  adamUpdate?(args: AdamUpdateArgs): boolean;
  /**
   * Backward of an elementwise activation: out[i] = g[i]·f'(x[i]) given the
   * input x and output y = f(x) (same values as the ops' reference loops).
   * Returns false to decline.
   */
  unaryGrad?(op: UnaryKernelName, x: FloatArray, y: FloatArray, g: FloatArray, out: FloatArray): boolean;
  /**
   * Max pooling, 2×2 windows, stride 2, no padding, over dense `planes`×h×w
   * input: out[planes·oh·ow] gets the maxima and arg the input index of each
   * (first maximum in row-major window order; a NaN wins). 2·oh ≤ h, 2·ow ≤ w.
   * Returns false to decline.
   */
  maxPool2x2?(src: FloatArray, planes: number, h: number, w: number, oh: number, ow: number, out: FloatArray, arg: Int32Array): boolean;
  /**
   * Batch norm + ReLU, training forward, over dense [n, c, s] activations (channel
   * ch of sample b is the block at (b·c + ch)·s): per-channel batch mean and
   * biased variance (float64 sums) into `mean`/`variance` [c], then
   * out = max(γ·(x − mean)/√(variance + eps) + β, 0). Returns false to decline.
   */
  batchNormReluForward?(x: FloatArray, n: number, c: number, s: number, gamma: FloatArray, beta: FloatArray, eps: number, out: FloatArray, mean: Float64Array, variance: Float64Array): boolean;
  /**
   * Its backward from the forward's input x, output y (the ReLU mask is y > 0),
   * the upstream gradient g and the saved mean and 1/√(variance + eps): fills
   * dx, dGamma = Σ dy·x̂ and dBeta = Σ dy. Returns false to decline.
   */
  batchNormReluBackward?(x: FloatArray, y: FloatArray, g: FloatArray, n: number, c: number, s: number, gamma: FloatArray, mean: Float64Array, invStd: Float64Array, dx: FloatArray, dGamma: FloatArray, dBeta: FloatArray): boolean;
  /**
   * Max pooling with any window geometry (padding, dilation, ceil-mode overhang)
   * over dense [n·c, h, w] input: the same maxima and arg indices as the general
   * TypeScript loop (cells outside the input skipped; arg −1 for an empty window).
   * Returns false to decline.
   */
  maxPool2d?(g: PoolKernelGeometry, src: FloatArray, out: FloatArray, arg: Int32Array): boolean;
  /** Max-pooling backward: dx (overwritten) = Σ g[i] at arg[i] (arg < 0 skipped). Returns false to decline. */
  maxPoolBackward?(arg: Int32Array, g: FloatArray, dx: FloatArray): boolean;
  /**
   * conv2d forward through im2col + GEMM without leaving the backend's memory:
   * out [N, O, oh, ow] = conv(x [N, C, H, W], weight [O, C, kh, kw]) + bias [O],
   * then max(·, 0) when `relu`. With `pool`, `out` is the max-pooled output
   * [N, O, pool.g.oh, pool.g.ow] and the unpooled one is never materialised;
   * pool.arg receives the opaque argmax record the backward needs.
   * Returns false to decline.
   */
  conv2dForward?(g: ConvKernelGeometry, x: FloatArray, weight: FloatArray, bias: FloatArray | null, out: FloatArray, relu?: boolean, pool?: ConvMaxPool | null): boolean;
  /**
   * conv2d backward given the output gradient gy [N, O, oh, ow]: fills dx
   * [N, C, H, W], dw [O, C, kh, kw] and db [O] (each when non-null;
   * overwritten). With `reluOut` (the output of a forward with relu), gy is
   * first masked where reluOut ≤ 0. With `pool` (as given to the forward),
   * gy and reluOut are the pooled gradient and output. Returns false to decline.
   */
  conv2dBackward?(g: ConvKernelGeometry, x: FloatArray, weight: FloatArray, gy: FloatArray, dx: FloatArray | null, dw: FloatArray | null, db: FloatArray | null, reluOut?: FloatArray | null, pool?: ConvMaxPool | null): boolean;
  /**
   * Zero-filled float32 storage that lives in the backend's own memory (so its
   * kernels use it in place) for the life of the process; meant for big
   * long-lived state (embedding tables, their optimizer moments). null to
   * decline (the caller allocates a normal array).
   */
  allocFloat32?(n: number): Float32Array | null;
  /** In-place lazy-Adam row update; returns false to decline (e.g. moments not from allocFloat32). */
  sparseAdamRows?(a: SparseAdamRowsArgs): boolean;
  /**
   * values[slot[i]·d ..] += scale[i] · grad[bag[i]·d ..] for every i with
   * slot[i] ≥ 0, in order, each element summed in float64 and rounded to
   * float32 (the embedding-bag table gradient). Returns false to decline.
   */
  rowScatterAdd?(d: number, slot: Int32Array, bag: Int32Array, scale: Float64Array, grad: FloatArray, values: FloatArray): boolean;
  /**
   * Embedding-bag sums out [bags, d] = Σ scale[i]·table[ids[i]] per bag (bags
   * start at offsets[b]; ids equal to pad skipped), float64 sums in groups of
   * four rows as in packages/nn. Meant for tables from allocFloat32; returns
   * false to decline (e.g. a table in the JS heap, which it would have to copy).
   */
  embeddingBagSum?(table: Float32Array, d: number, ids: Int32Array, scale: Float64Array, offsets: Int32Array, pad: number, out: Float32Array): boolean;
  /** GRU recurrence (recurrent GEMMs and gate math) over all steps; returns false to decline. */
  gruForward?(a: GruForwardArgs): boolean;
  /** Its backward through time (without the weight and bias gradients); returns false to decline. */
  gruBackward?(a: GruBackwardArgs): boolean;
}
