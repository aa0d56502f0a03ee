/**
 * WebAssembly SIMD backend: a packed-panel 4×8 SGEMM (relaxed-SIMD FMA where the
 * engine accepts it) running on the main thread plus worker threads that share
 * one `WebAssembly.Memory`. Every call stays synchronous. Float32 only: float64
 * calls (gradient checks) go to the `fallback` backend, or to a plain JS loop.
 *
 *   const wasm = createWasmBackend({ fallback: jsBackend }); // null if unavailable
 */
import type { AdamUpdateArgs, Backend, BinaryKernelName, ConvKernelGeometry, ConvMaxPool, FloatArray, GruBackwardArgs, GruForwardArgs, MatrixRef, PoolKernelGeometry, SparseAdamRowsArgs, UnaryKernelName } from '../backend.js';
import { checkOptions, NO_OPTIONS, optionKeys } from '../../options.js';
import { WasmRuntime, align, defaultThreads, type ParallelPlan, type SimdMode } from './runtime.js';

export type { SimdMode } from './runtime.js';

export interface WasmBackendOptions {
  /** Receives the calls this backend does not handle (float64 GEMM). */
  fallback?: Backend;
  /** Total threads including the caller's; default TENSORKIT_THREADS, else min(cores, 4). 1 = no workers. */
  threads?: number;
  /** 'auto' (default) prefers the relaxed-SIMD build when the engine validates it. */
  simd?: SimdMode;
  /** Split a GEMM over threads only when 2·m·n·k ≥ this (default 2^22). */
  parallelMinFlops?: number;
  /**
   * Pause parallel GEMMs for a while (50 ms, doubling up to 2 s) when the threads
   * keep getting unbalanced shares, i.e. the cores are busy with other work. Default true.
   */
  adaptiveThreads?: boolean;
  /** unary/binary/adamUpdate decline arrays shorter than this (default 16384: copying in and out only pays off for long arrays). */
  elementwiseMinLength?: number;
  /** allocFloat32 declines arrays shorter than this (default 65536: small state is cheaper in the JS heap). */
  persistentMinLength?: number;
  /** ... and allocations past this many bytes in total (default 256 MiB; persistent blocks are never freed). */
  persistentMaxBytes?: number;
  /** Folder with kernels-*.wasm and worker.mjs (default: packages/core/wasm/build/). */
  wasmDir?: URL;
  /**
   * 3×3 / stride 1 / padding 1 convolutions run their forward as Winograd F(2×2, 3×3) (2.25×
   * fewer multiplies) when they have at least this many input channels, and their input
   * gradient so when they have this many output channels; Infinity = never. Default 16.
   */
  winogradMinChannels?: number;
}

export interface WasmBackend extends Backend {
  /** True when the relaxed-SIMD (fused multiply-add) kernels were loaded. */
  readonly relaxedSimd: boolean;
  /** Threads requested (main thread + workers). */
  readonly threads: number;
  /**
   * Diagnostics: parallel calls (GEMMs and convolutions), GEMMs by tiling mode
   * ([shared packed B, self-packing tiles]), their tiles, how many of those the
   * workers computed, and how often CPU contention paused parallel calls.
   */
  readonly stats: {
    readonly parallelCalls: number; readonly tiles: number; readonly workerTiles: number;
    readonly byMode: readonly number[]; readonly backoffs: number;
  };
  /** Resolves once the worker threads are up; until then GEMMs run on the calling thread only. */
  ready(): Promise<void>;
  /** Stops the worker threads (the backend keeps working single-threaded). */
  dispose(): void;
}

const DEFAULT_ELEMENTWISE_MIN = 16384;

const OPTION_KEYS = optionKeys<WasmBackendOptions>({
  fallback: true, threads: true, simd: true, parallelMinFlops: true, adaptiveThreads: true, elementwiseMinLength: true,
  persistentMinLength: true, persistentMaxBytes: true, wasmDir: true, winogradMinChannels: true,
});

/** Default location of the build output; src/ and dist/ sit at the same depth. */
const DEFAULT_DIR = new URL('../../../wasm/build/', import.meta.url);

/** Op codes of binaryF32 / unaryF32 in wasm/assembly/elementwise.ts. */
const BINARY_OPS: Partial<Record<BinaryKernelName, number>> = { add: 0, sub: 1, mul: 2, div: 3, maximum: 4, minimum: 5 };
const UNARY_OPS: Partial<Record<UnaryKernelName, number>> = {
  neg: 0, abs: 1, sqrt: 2, square: 3, relu: 4, rsqrt: 5, exp: 6, tanh: 7, sigmoid: 8, silu: 9,
};

/** Operands whose index span exceeds this multiple of their element count are gathered, not copied whole. */
const MAX_SPAN_RATIO = 4;

/**
 * Creates the wasm backend, or returns null when the kernels are not built or
 * the runtime lacks SIMD / shared memory (the caller then uses pure TypeScript).
 */
export function createWasmBackend(options: WasmBackendOptions = NO_OPTIONS): WasmBackend | null {
  checkOptions('createWasmBackend', options, OPTION_KEYS);
  const dir = options.wasmDir ?? DEFAULT_DIR;
  // 0 or 1.5 used to become 1 without a word.
  if (options.threads !== undefined && !(Number.isInteger(options.threads) && options.threads >= 1)) {
    throw new Error(`createWasmBackend: threads must be a positive integer (1 = no workers), got ${options.threads}`);
  }
  const threads = options.threads ?? defaultThreads();
  const rt = WasmRuntime.create({ dir, threads, simd: options.simd ?? 'auto', adaptive: options.adaptiveThreads ?? true });
  if (!rt) return null;
  const fallback = options.fallback;
  const parallelMinFlops = options.parallelMinFlops ?? 2 ** 22;
  const winogradMinChannels = options.winogradMinChannels ?? 16;
  const elementwiseMin = options.elementwiseMinLength ?? DEFAULT_ELEMENTWISE_MIN;
  const persistentMin = options.persistentMinLength ?? 65536;
  const persistentMax = options.persistentMaxBytes ?? 256 * 2 ** 20;

  /**
   * Stages a strided operand in wasm memory at byte offset `dst`. Returns the
   * element strides to use and the byte address of element (0, 0); `bytes` is
   * the space used. Dense-ish views are copied as one block (memcpy); sparse
   * views are gathered into a dense row-major block.
   */
  function stage(x: MatrixRef, rows: number, cols: number, dst: number, probe: boolean): { ptr: number; rs: number; cs: number; bytes: number } {
    const { data, offset, rowStride: rs, colStride: cs } = x;
    // An operand already in wasm memory (a weight from allocFloat32) is used where it is.
    const home = data instanceof Float32Array ? residentAt(data) : undefined;
    if (home !== undefined) return { ptr: home + offset * 4, rs, cs, bytes: 0 };
    const lo = offset + Math.min(0, (rows - 1) * rs) + Math.min(0, (cols - 1) * cs);
    const hi = offset + Math.max(0, (rows - 1) * rs) + Math.max(0, (cols - 1) * cs);
    const span = hi - lo + 1;
    if (span <= MAX_SPAN_RATIO * rows * cols + 64) {
      const bytes = align(span * 4, 64);
      if (!probe) rt!.f32.set((data as Float32Array).subarray(lo, hi + 1), dst >> 2);
      return { ptr: dst + (offset - lo) * 4, rs, cs, bytes };
    }
    const bytes = align(rows * cols * 4, 64);
    if (!probe) {
      const f = rt!.f32;
      let d = dst >> 2;
      for (let i = 0; i < rows; i++) {
        let s = offset + i * rs;
        for (let j = 0; j < cols; j++, s += cs) f[d++] = data[s];
      }
    }
    return { ptr: dst, rs: cols, cs: 1, bytes };
  }

  function gemm(
    m: number, n: number, k: number,
    alpha: number, a: MatrixRef, b: MatrixRef,
    beta: number, c: FloatArray, cOffset: number, ldc: number,
  ): void {
    if (m <= 0 || n <= 0) return;
    if (!(c instanceof Float32Array) || (k > 0 && !(a.data instanceof Float32Array && b.data instanceof Float32Array))) {
      if (fallback) fallback.gemm(m, n, k, alpha, a, b, beta, c, cOffset, ldc);
      else jsGemm(m, n, k, alpha, a, b, beta, c, cOffset, ldc);
      return;
    }
    const plan = alpha !== 0 && 2 * m * n * k >= parallelMinFlops ? rt!.plan(m, n, k, rt!.maxThreads) : null;
    if (plan) rt!.prewake(plan.threads);
    // Layout: [A copy][B copy][C block][parallel scratch]; sizes are probed first
    // so that memory grows at most once.
    const cBytes = align(m * n * 4, 64);
    let aInfo = { ptr: 0, rs: 0, cs: 0, bytes: 0 };
    let bInfo = aInfo;
    if (k > 0) {
      aInfo = stage(a, m, k, 0, true);
      bInfo = stage(b, k, n, 0, true);
    }
    const aAt = rt!.operandBase;
    const bAt = aAt + aInfo.bytes;
    const cAt = bAt + bInfo.bytes;
    const scratchAt = cAt + cBytes;
    if (!rt!.ensure(scratchAt + (plan ? plan.scratchBytes : 0))) {
      // Does not fit in 2 GiB of wasm memory: compute in JS.
      if (fallback) fallback.gemm(m, n, k, alpha, a, b, beta, c, cOffset, ldc);
      else jsGemm(m, n, k, alpha, a, b, beta, c, cOffset, ldc);
      return;
    }
    if (k > 0) {
      aInfo = stage(a, m, k, aAt, false);
      bInfo = stage(b, k, n, bAt, false);
    }
    const f = rt!.f32;
    const cIdx = cAt >> 2;
    const dense = ldc === n;
    if (beta !== 0) {
      if (dense) f.set(c.subarray(cOffset, cOffset + m * n), cIdx);
      else for (let i = 0; i < m; i++) f.set(c.subarray(cOffset + i * ldc, cOffset + i * ldc + n), cIdx + i * n);
    }
    rt!.gemm(m, n, k, aInfo.ptr, aInfo.rs, aInfo.cs, bInfo.ptr, bInfo.rs, bInfo.cs, cAt, n, alpha, beta, plan, scratchAt);
    if (dense) c.set(f.subarray(cIdx, cIdx + m * n), cOffset);
    else for (let i = 0; i < m; i++) c.set(f.subarray(cIdx + i * n, cIdx + (i + 1) * n), cOffset + i * ldc);
  }

  /** Stages dense float32 arrays at consecutive 64-byte-aligned offsets; returns their byte offsets or null. */
  function stageArrays(arrays: Float32Array[], copy: boolean[]): number[] | null {
    const offs: number[] = [];
    let at = rt!.operandBase;
    for (const x of arrays) {
      offs.push(at);
      at += align(x.length * 4, 64);
    }
    if (!rt!.ensure(at)) return null;
    const f = rt!.f32;
    for (let i = 0; i < arrays.length; i++) if (copy[i]) f.set(arrays[i], offs[i] >> 2);
    return offs;
  }

  function unary(op: UnaryKernelName, x: FloatArray, out: FloatArray): boolean {
    const code = UNARY_OPS[op];
    const n = x.length;
    if (code === undefined || !(x instanceof Float32Array) || !(out instanceof Float32Array) || out.length !== n || n < elementwiseMin) return false;
    const offs = stageArrays([x], [true]);
    if (!offs) return false;
    rt!.k.unaryF32(code, offs[0], offs[0], n);
    out.set(rt!.f32.subarray(offs[0] >> 2, (offs[0] >> 2) + n));
    return true;
  }

  function binary(op: BinaryKernelName, a: FloatArray, b: FloatArray, out: FloatArray): boolean {
    const code = BINARY_OPS[op];
    const n = a.length;
    if (code === undefined || !(a instanceof Float32Array) || !(b instanceof Float32Array) || !(out instanceof Float32Array)) return false;
    if (b.length !== n || out.length !== n || n < elementwiseMin) return false;
    const offs = stageArrays([a, b], [true, true]);
    if (!offs) return false;
    rt!.k.binaryF32(code, offs[0], offs[1], offs[0], n);
    out.set(rt!.f32.subarray(offs[0] >> 2, (offs[0] >> 2) + n));
    return true;
  }

  function adamUpdate(args: AdamUpdateArgs): boolean {
    const { param, grad, m, v } = args;
    const n = param.length;
    if (!(param instanceof Float32Array) || !(grad instanceof Float32Array) || !(m instanceof Float32Array) || !(v instanceof Float32Array)) return false;
    if (grad.length !== n || m.length !== n || v.length !== n || n < elementwiseMin) return false;
    // Arrays from allocFloat32 are updated where they live; others are copied in (and back out).
    const homes = [residentAt(param), undefined, residentAt(m), residentAt(v)];
    const arrays = [param, grad, m, v];
    const staged = arrays.filter((_, i) => homes[i] === undefined);
    const offs = stageArrays(staged, staged.map(() => true));
    if (!offs) return false;
    let next = 0;
    const ptr = homes.map((h) => h ?? offs[next++]);
    rt!.k.adamF32(ptr[0], ptr[1], ptr[2], ptr[3], n,
      args.lr, args.beta1, args.beta2, args.eps, args.biasCorrection1, args.biasCorrection2,
      args.weightDecay, args.decoupledWeightDecay);
    const f = rt!.f32;
    for (const i of [0, 2, 3]) if (homes[i] === undefined) arrays[i].set(f.subarray(ptr[i] >> 2, (ptr[i] >> 2) + n));
    return true;
  }

  function unaryGrad(op: UnaryKernelName, x: FloatArray, _y: FloatArray, g: FloatArray, out: FloatArray): boolean {
    const n = x.length;
    if (op !== 'relu' || !(x instanceof Float32Array) || !(g instanceof Float32Array) || !(out instanceof Float32Array)) return false;
    if (g.length !== n || out.length !== n || n < elementwiseMin || typeof rt!.k.reluGradF32 !== 'function') return false;
    const offs = stageArrays([x, g], [true, true]);
    if (!offs) return false;
    rt!.k.reluGradF32(offs[0], offs[1], offs[0], n);
    out.set(rt!.f32.subarray(offs[0] >> 2, (offs[0] >> 2) + n));
    return true;
  }

  function maxPool2x2(src: FloatArray, planes: number, h: number, w: number, oh: number, ow: number, out: FloatArray, arg: Int32Array): boolean {
    const n = planes * h * w;
    const no = planes * oh * ow;
    if (!(src instanceof Float32Array) || !(out instanceof Float32Array) || src.length !== n || out.length !== no || arg.length !== no || n < elementwiseMin) return false;
    if (2 * oh > h || 2 * ow > w || typeof rt!.k.maxPool2x2F32 !== 'function') return false;
    const at = rt!.operandBase;
    const outAt = at + align(n * 4, 64);
    const argAt = outAt + align(no * 4, 64);
    if (!rt!.ensure(argAt + no * 4)) return false;
    rt!.f32.set(src, at >> 2);
    rt!.k.maxPool2x2F32(at, planes, h, w, oh, ow, outAt, argAt);
    out.set(rt!.f32.subarray(outAt >> 2, (outAt >> 2) + no));
    arg.set(new Int32Array(rt!.memory.buffer, argAt, no));
    return true;
  }

  function maxPool2d(g: PoolKernelGeometry, src: FloatArray, out: FloatArray, arg: Int32Array): boolean {
    const n = g.n * g.c * g.h * g.w;
    const no = g.n * g.c * g.oh * g.ow;
    if (!(src instanceof Float32Array) || !(out instanceof Float32Array) || src.length !== n || out.length !== no || arg.length !== no || n < elementwiseMin) return false;
    if (typeof rt!.k.maxPoolF32 !== 'function') return false;
    const at = regions([n * 4, no * 4, no * 4]);
    if (!at) return false;
    const [srcAt, outAt, argAt] = at;
    new Int32Array(rt!.memory.buffer, GEOM_BYTE, 14).set([g.n, g.c, g.h, g.w, g.kh, g.kw, g.sh, g.sw, g.ph, g.pw, g.dh, g.dw, g.oh, g.ow]);
    put(src, srcAt);
    rt!.k.maxPoolF32(GEOM_BYTE, srcAt, outAt, argAt);
    take(out, outAt);
    arg.set(new Int32Array(rt!.memory.buffer, argAt, no));
    return true;
  }

  function maxPoolBackward(arg: Int32Array, g: FloatArray, dx: FloatArray): boolean {
    if (!(g instanceof Float32Array) || !(dx instanceof Float32Array) || arg.length !== g.length || typeof rt!.k.maxPoolGradF32 !== 'function') return false;
    const at = regions([arg.length * 4, g.length * 4, dx.length * 4]);
    if (!at) return false;
    const [argAt, gAt, dxAt] = at;
    put(arg, argAt);
    put(g, gAt);
    rt!.k.maxPoolGradF32(argAt, gAt, arg.length, dxAt, dx.length);
    take(dx, dxAt);
    return true;
  }

  // Batch norm + ReLU: the per-channel sums run in wasm (float64), the per-channel
  // coefficients in between are a few hundred scalars computed here.
  function bnShapeOk(arrays: FloatArray[], len: number, n: number, c: number, s: number): boolean {
    return s >= 1 && len === n * c * s && len >= elementwiseMin && arrays.every((a) => a instanceof Float32Array) && typeof rt!.k.bnSumsF32 === 'function';
  }

  function batchNormReluForward(x: FloatArray, n: number, c: number, s: number, gamma: FloatArray, beta: FloatArray, eps: number, out: FloatArray, mean: Float64Array, variance: Float64Array): boolean {
    if (!bnShapeOk([x, out], x.length, n, c, s) || out.length !== x.length || n * s < 2) return false;
    const at = regions([x.length * 4, 16 * c, 8 * c]);
    if (!at) return false;
    const [xAt, sumsAt, coefAt] = at;
    put(x, xAt);
    rt!.k.bnSumsF32(xAt, n, c, s, sumsAt);
    const sums = new Float64Array(rt!.memory.buffer, sumsAt, 2 * c);
    const coef = new Float32Array(rt!.memory.buffer, coefAt, 2 * c);
    const m = n * s;
    for (let ch = 0; ch < c; ch++) {
      const sum = sums[2 * ch];
      const mu = sum / m;
      const v = Math.max(0, sums[2 * ch + 1] - sum * mu) / m;
      const scale = gamma[ch] / Math.sqrt(v + eps);
      mean[ch] = mu;
      variance[ch] = v;
      coef[2 * ch] = scale;
      coef[2 * ch + 1] = beta[ch] - mu * scale;
    }
    // In place: x's region becomes the output.
    rt!.k.bnReluApplyF32(xAt, n, c, s, coefAt, xAt);
    take(out, xAt);
    return true;
  }

  function batchNormReluBackward(x: FloatArray, y: FloatArray, g: FloatArray, n: number, c: number, s: number, gamma: FloatArray, mean: Float64Array, invStd: Float64Array, dx: FloatArray, dGamma: FloatArray, dBeta: FloatArray): boolean {
    const len = x.length;
    if (!bnShapeOk([x, y, g, dx], len, n, c, s) || y.length !== len || g.length !== len || dx.length !== len) return false;
    const at = regions([len * 4, len * 4, len * 4, 16 * c, 12 * c]);
    if (!at) return false;
    const [xAt, yAt, gAt, sumsAt, coefAt] = at;
    put(x, xAt);
    put(y, yAt);
    put(g, gAt);
    rt!.k.bnReluGradSumsF32(xAt, yAt, gAt, n, c, s, sumsAt);
    const sums = new Float64Array(rt!.memory.buffer, sumsAt, 2 * c);
    const coef = new Float32Array(rt!.memory.buffer, coefAt, 3 * c);
    const m = n * s;
    for (let ch = 0; ch < c; ch++) {
      const mu = mean[ch];
      const inv = invStd[ch];
      const sumDy = sums[2 * ch];
      // Σ dy·(x − μ)·inv from Σ dy and Σ dy·x.
      const sumDyXhat = (sums[2 * ch + 1] - mu * sumDy) * inv;
      dGamma[ch] = sumDyXhat;
      dBeta[ch] = sumDy;
      const k1 = gamma[ch] * inv;
      const meanDy = sumDy / m;
      const meanDyXhat = sumDyXhat / m;
      // dx = k1·(dy − meanDy − (x − μ)·inv·meanDyXhat) as a·dy + b·x + k.
      coef[3 * ch] = k1;
      coef[3 * ch + 1] = -k1 * inv * meanDyXhat;
      coef[3 * ch + 2] = k1 * (mu * inv * meanDyXhat - meanDy);
    }
    rt!.k.bnReluGradApplyF32(xAt, yAt, gAt, n, c, s, coefAt, gAt);
    take(dx, gAt);
    return true;
  }

  /** Byte offset of the conv geometry record, in the unused first page (see runtime.ts). */
  const GEOM_BYTE = 1024;

  /**
   * How a GEMM on operands in wasm memory will be split. Planned once, before
   * memory is laid out: a later plan may differ (workers coming up, contention
   * back-off ending) and need more scratch than was reserved.
   */
  function planGemm(m: number, n: number, k: number): ParallelPlan | null {
    return 2 * m * n * k >= parallelMinFlops ? rt!.plan(m, n, k, rt!.maxThreads) : null;
  }

  /** GEMM on operands already in wasm memory with a plan from planGemm; scratch holds plan.scratchBytes bytes. */
  function gemmInPlace(plan: ParallelPlan | null, m: number, n: number, k: number, a: number, ars: number, acs: number, b: number, brs: number, bcs: number, c: number, ldc: number, scratch: number): void {
    if (plan) rt!.prewake(plan.threads);
    rt!.gemm(m, n, k, a, ars, acs, b, brs, bcs, c, ldc, 1, 0, plan, scratch);
  }

  /** Lays out byte regions of the given sizes from operandBase (64-byte aligned); null if memory cannot grow. */
  function regions(sizes: number[]): number[] | null {
    const at: number[] = [];
    let p = rt!.operandBase;
    for (const s of sizes) {
      at.push(p);
      p += align(Math.max(s, 4), 64);
    }
    return rt!.ensure(p) ? at : null;
  }

  function writeGeometry(g: ConvKernelGeometry): void {
    const i32 = new Int32Array(rt!.memory.buffer, GEOM_BYTE, 14);
    i32.set([g.n, g.c, g.h, g.w, g.kh, g.kw, g.sh, g.sw, g.ph, g.pw, g.dh, g.dw, g.oh, g.ow]);
  }

  /** Geometry record of a fused pool, just after the conv's. */
  const POOL_GEOM_BYTE = GEOM_BYTE + 64;

  /** Whether a pool fused after a conv fits the kernels: shapes agree; 2×2/2 windows inside the input use the fast path. */
  function poolPlan(g: ConvKernelGeometry, pool: ConvMaxPool | null | undefined, pooledLength: number): { fast2x2: boolean } | null | false {
    if (!pool) return null;
    const p = pool.g;
    if (p.n !== g.n || p.c !== g.o || p.h !== g.oh || p.w !== g.ow || pool.arg.length !== pooledLength || pooledLength !== g.n * g.o * p.oh * p.ow) return false;
    const inside = p.ph === 0 && p.pw === 0 && p.dh === 1 && p.dw === 1 && (p.oh - 1) * p.sh + p.kh <= p.h && (p.ow - 1) * p.sw + p.kw <= p.w;
    return { fast2x2: inside && p.kh === 2 && p.kw === 2 && p.sh === 2 && p.sw === 2 };
  }

  function writePoolGeometry(p: PoolKernelGeometry): void {
    new Int32Array(rt!.memory.buffer, POOL_GEOM_BYTE, 14).set([p.n, p.c, p.h, p.w, p.kh, p.kw, p.sh, p.sw, p.ph, p.pw, p.dh, p.dw, p.oh, p.ow]);
  }

  /**
   * 3×3, stride 1, padding 1 ('same'), no dilation: the shape Winograd F(2×2, 3×3) serves,
   * forward and for dx — when its 2×2 tiles cover the image with little waste (7×7 needs
   * 4×4 tiles for 49 outputs, 31% wasted, and measured no faster than im2col).
   */
  function winogradShape(g: ConvKernelGeometry): boolean {
    const tiles = Math.ceil(g.h / 2) * Math.ceil(g.w / 2);
    return g.kh === 3 && g.kw === 3 && g.sh === 1 && g.sw === 1 && g.dh === 1 && g.dw === 1 && g.ph === 1 && g.pw === 1 &&
      g.oh === g.h && g.ow === g.w && g.h * g.w >= 0.85 * 4 * tiles;
  }

  /**
   * True when every value is finite. Winograd's transforms add and subtract inputs (and
   * weights), so an Infinity there becomes Inf − Inf = NaN in outputs that im2col gives as
   * ±Infinity (or finite): such inputs take the im2col path. One pass, cheap next to the GEMMs.
   */
  function allFinite(...xs: Float32Array[]): boolean {
    let s = 0;
    for (const x of xs) for (let i = 0; i < x.length; i++) s += x[i] * 0; // NaN once any value is ±Infinity or NaN
    return s === 0;
  }

  function conv2dForward(g: ConvKernelGeometry, x: FloatArray, weight: FloatArray, bias: FloatArray | null, out: FloatArray, relu = false, pool: ConvMaxPool | null = null): boolean {
    if (!(x instanceof Float32Array) || !(weight instanceof Float32Array) || !(out instanceof Float32Array) || (bias && !(bias instanceof Float32Array))) return false;
    // An empty batch has no slices to share out (convSlices divides by n, and the job
    // would wait forever for NaN tiles): the reference loops handle it.
    if (g.n === 0) return false;
    const pp = poolPlan(g, pool, out.length);
    if (pp === false) return false;
    const L = g.oh * g.ow;
    const ckk = g.c * g.kh * g.kw;
    const wino = g.c >= winogradMinChannels && winogradShape(g) && allFinite(x, weight);
    const slices = rt!.convSlices(g.n, g.o, ckk, L, wino ? { h: g.h, w: g.w } : null);
    const at = regions([x.length * 4, weight.length * 4, (bias ? bias.length : 1) * 4, out.length * 4, pp ? out.length * 4 : 4, wino ? 16 * weight.length / 9 * 4 : 4, slices.scratchBytes]);
    if (!at) return false;
    const [xAt, wAt, bAt, outAt, argAt, uAt, scratchAt] = at;
    rt!.prewake(rt!.maxThreads);
    const f = rt!.f32;
    f.set(x, xAt >> 2);
    f.set(weight, wAt >> 2);
    if (bias) f.set(bias, bAt >> 2);
    if (wino) rt!.k.winogradWeights(wAt, g.o, g.c, uAt, 0);
    writeGeometry(g);
    if (pp) writePoolGeometry(pool!.g);
    rt!.convolution({
      backward: false, geom: GEOM_BYTE, o: g.o, x: xAt, w: wAt, bias: bias ? bAt : 0, relu: relu ? 1 : 0,
      out: outAt, gy: 0, dwSlots: 0, scratch: scratchAt, slices, parallel: 2 * g.n * L * g.o * ckk >= parallelMinFlops,
      pool: pp ? { geom: POOL_GEOM_BYTE, arg: argAt, fast2x2: pp.fast2x2 } : null, winograd: wino ? uAt : 0,
    });
    take(out, outAt);
    if (pp) pool!.arg.set(new Int32Array(rt!.memory.buffer, argAt, out.length));
    return true;
  }

  function conv2dBackward(g: ConvKernelGeometry, x: FloatArray, weight: FloatArray, gy: FloatArray, dx: FloatArray | null, dw: FloatArray | null, db: FloatArray | null, reluOut: FloatArray | null = null, pool: ConvMaxPool | null = null): boolean {
    if (!(x instanceof Float32Array) || !(weight instanceof Float32Array) || !(gy instanceof Float32Array)) return false;
    if (g.n === 0) return false; // as in conv2dForward
    if (reluOut && (!(reluOut instanceof Float32Array) || reluOut.length !== gy.length)) return false;
    if ((dx && !(dx instanceof Float32Array)) || (dw && !(dw instanceof Float32Array)) || (db && !(db instanceof Float32Array))) return false;
    const pp = poolPlan(g, pool, gy.length);
    if (pp === false) return false;
    if (!dx && !dw && !db) return true;
    const L = g.oh * g.ow;
    const OL = pp ? pool!.g.oh * pool!.g.ow : L;
    const ckk = g.c * g.kh * g.kw;
    // dx as Winograd when its input (the output gradient) has enough channels.
    const wino = dx !== null && g.o >= winogradMinChannels && winogradShape(g) && allFinite(gy, weight);
    const slices = rt!.convSlices(g.n, g.o, ckk, L, wino ? { h: g.h, w: g.w } : null);
    const at = regions([x.length * 4, weight.length * 4, gy.length * 4, reluOut ? gy.length * 4 : 4, pp ? gy.length * 4 : 4, dw ? slices.tiles * weight.length * 4 : 4, x.length * 4, g.o * 4, wino ? 16 * weight.length / 9 * 4 : 4, slices.scratchBytes]);
    if (!at) return false;
    const [xAt, wAt, gyAt, reluAt, argAt, dwAt, dxAt, dbAt, uAt, scratchAt] = at;
    rt!.prewake(rt!.maxThreads);
    const f = rt!.f32;
    f.set(gy, gyAt >> 2);
    if (reluOut) f.set(reluOut, reluAt >> 2);
    if (pp) new Int32Array(rt!.memory.buffer, argAt, gy.length).set(pool!.arg);
    if (dw) f.set(x, xAt >> 2);
    if (dx) f.set(weight, wAt >> 2);
    if (wino) rt!.k.winogradWeights(wAt, g.o, g.c, uAt, 1);
    writeGeometry(g);
    if (pp) writePoolGeometry(pool!.g);
    if (dw || dx || reluOut) {
      rt!.convolution({
        backward: true, geom: GEOM_BYTE, o: g.o, x: xAt, w: wAt, bias: 0, relu: reluOut ? reluAt : 0,
        out: dx ? dxAt : 0, gy: gyAt, dwSlots: dw ? dwAt : 0, scratch: scratchAt, slices,
        parallel: 2 * g.n * L * g.o * ckk * ((dw ? 1 : 0) + (dx ? 1 : 0)) >= parallelMinFlops,
        pool: pp ? { geom: POOL_GEOM_BYTE, arg: argAt, fast2x2: pp.fast2x2 } : null, winograd: wino ? uAt : 0,
      });
    }
    if (db) {
      // gy is masked by now (the slices mask it in place); with a pool, each
      // pooled gradient lands on exactly one unpooled output, so the sums agree.
      rt!.k.biasGradF32(gyAt, g.o, g.n, OL, dbAt);
      take(db, dbAt);
    }
    if (dw) {
      // Slice partial sums, added in slice order.
      const size = weight.length;
      for (let t = 1; t < slices.tiles; t++) rt!.k.addInto(1, size, dwAt + t * size * 4, dwAt, size);
      take(dw, dwAt);
    }
    if (dx) take(dx, dxAt);
    return true;
  }

  const allF32 = (xs: (FloatArray | null)[]): boolean => xs.every((x) => x === null || x instanceof Float32Array);

  /** Copies `src` into wasm memory at byte offset `at` (no-op for null). */
  function put(src: FloatArray | Int32Array | null, at: number): void {
    if (!src) return;
    if (src instanceof Int32Array) new Int32Array(rt!.memory.buffer, at, src.length).set(src);
    else rt!.f32.set(src, at >> 2);
  }

  function take(dst: FloatArray, at: number): void {
    dst.set(rt!.f32.subarray(at >> 2, (at >> 2) + dst.length));
  }

  // The recurrent GEMMs are small ([B, H]·[H, 3H]): they run on the calling
  // thread, between the steps' gate kernels, on operands that stay in wasm memory.
  function gruForward(a: GruForwardArgs): boolean {
    const { steps: T, batch: B, hidden: H, reverse, lengths } = a;
    if (H % 2 !== 0 || !allF32([a.xProj, a.wHh, a.bIh, a.bHh, a.h0, a.hs, a.r, a.z, a.n, a.ghn, a.out])) return false;
    const G = 3 * H;
    const BH = B * H;
    const at = regions([a.xProj.length * 4, a.wHh.length * 4, G * 4, G * 4, B * 4, B * G * 4, a.hs.length * 4, T * BH * 4, T * BH * 4, T * BH * 4, T * BH * 4, a.out.length * 4]);
    if (!at) return false;
    const [xpAt, wAt, bihAt, bhhAt, lenAt, ghAt, hsAt, rAt, zAt, nAt, ghnAt, outAt] = at;
    put(a.xProj, xpAt);
    put(a.wHh, wAt);
    put(a.bIh, bihAt);
    put(a.bHh, bhhAt);
    put(lengths, lenAt);
    put(a.h0, hsAt + (reverse ? T * BH * 4 : 0));
    const hasBias = (a.bIh ? 1 : 0) | (a.bHh ? 2 : 0);
    for (let k = 0; k < T; k++) {
      const t = reverse ? T - 1 - k : k;
      const prev = hsAt + (reverse ? t + 1 : t) * BH * 4;
      const next = hsAt + (reverse ? t : t + 1) * BH * 4;
      // gh [B, 3H] = h_prev · W_hhᵀ
      rt!.gemm(B, G, H, prev, H, 1, wAt, 1, H, ghAt, G, 1, 0, null, 0);
      const s = t * BH * 4;
      rt!.k.gruStepF32(xpAt + t * B * G * 4, ghAt, bihAt, bhhAt, hasBias, prev, next, rAt + s, zAt + s, nAt + s, ghnAt + s, outAt + s, B, H, lenAt, lengths ? 1 : 0, t);
    }
    // The final state follows the T steps of output.
    rt!.f32.copyWithin((outAt >> 2) + T * BH, (hsAt >> 2) + (reverse ? 0 : T * BH), (hsAt >> 2) + (reverse ? BH : (T + 1) * BH));
    take(a.hs, hsAt);
    take(a.r, rAt);
    take(a.z, zAt);
    take(a.n, nAt);
    take(a.ghn, ghnAt);
    take(a.out, outAt);
    return true;
  }

  function gruBackward(a: GruBackwardArgs): boolean {
    const { steps: T, batch: B, hidden: H, reverse, lengths } = a;
    const dwHh = a.dwHh ?? null;
    const dbIh = a.dbIh ?? null;
    const dbHh = a.dbHh ?? null;
    if (H % 2 !== 0 || !allF32([a.wHh, a.hs, a.r, a.z, a.n, a.ghn, a.gy, a.dgx, a.dgh, a.dh0, dwHh, dbIh, dbHh])) return false;
    const G = 3 * H;
    const BH = B * H;
    const dwPlan = dwHh ? planGemm(G, H, T * B) : null;
    const at = regions([a.wHh.length * 4, B * 4, a.hs.length * 4, T * BH * 4, T * BH * 4, T * BH * 4, T * BH * 4, a.gy.length * 4, BH * 4, BH * 4, T * B * G * 4, T * B * G * 4, G * H * 4, G * 8, G * 4, dwPlan ? dwPlan.scratchBytes : 0]);
    if (!at) return false;
    const [wAt, lenAt, hsAt, rAt, zAt, nAt, ghnAt, gyAt, dhA, dhB, dgxAt, dghAt, dwAt, accAt, sumAt, scratchAt] = at;
    put(a.wHh, wAt);
    put(lengths, lenAt);
    put(a.hs, hsAt);
    put(a.r, rAt);
    put(a.z, zAt);
    put(a.n, nAt);
    put(a.ghn, ghnAt);
    put(a.gy, gyAt);
    rt!.f32.copyWithin(dhA >> 2, (gyAt >> 2) + T * BH, (gyAt >> 2) + (T + 1) * BH);
    let dh = dhA;
    let dhNext = dhB;
    for (let k = T - 1; k >= 0; k--) {
      const t = reverse ? T - 1 - k : k;
      const prev = hsAt + (reverse ? t + 1 : t) * BH * 4;
      const s = t * BH * 4;
      const g = t * B * G * 4;
      rt!.k.gruStepGradF32(gyAt + s, rAt + s, zAt + s, nAt + s, ghnAt + s, prev, dh, dhNext, dgxAt + g, dghAt + g, B, H, lenAt, lengths ? 1 : 0, t);
      // dh_prev += dGates_h · W_hh
      rt!.gemm(B, H, G, dghAt + g, G, 1, wAt, H, 1, dhNext, H, 1, 1, null, 0);
      const tmp = dh;
      dh = dhNext;
      dhNext = tmp;
    }
    take(a.dgx, dgxAt);
    if (a.dgh) take(a.dgh, dghAt);
    take(a.dh0, dh);
    if (dwHh) {
      // Σ_t dGates_h(t)ᵀ · h_prev(t) as one [3H, T·B]·[T·B, H] GEMM.
      gemmInPlace(dwPlan, G, H, T * B, dghAt, 1, G, hsAt + (reverse ? BH : 0) * 4, H, 1, dwAt, H, scratchAt);
      take(dwHh, dwAt);
    }
    if (dbIh) {
      rt!.k.columnSumsF32(dgxAt, T * B, G, accAt, sumAt);
      take(dbIh, sumAt);
    }
    if (dbHh) {
      rt!.k.columnSumsF32(dghAt, T * B, G, accAt, sumAt);
      take(dbHh, sumAt);
    }
    return true;
  }

  // Persistent float32 arrays in wasm memory. They are never freed: a view's
  // subarrays (tensor storage hands them out) may outlive it, and reusing the
  // block under them would corrupt data. The total is capped instead, so the
  // staging area keeps room; past the cap callers get ordinary arrays.
  const blocks = new Map<number, number>(); // byte offset → elements
  const memoryBuffers = new WeakSet<ArrayBufferLike>(); // every SharedArrayBuffer object our memory has had
  let persistentBytes = 0;

  function allocFloat32(n: number): Float32Array | null {
    if (n < persistentMin || persistentBytes + n * 4 > persistentMax) return null;
    const at = rt!.allocPersistent(n * 4);
    if (at === null) return null;
    persistentBytes += n * 4;
    memoryBuffers.add(rt!.memory.buffer);
    blocks.set(at, n);
    const view = new Float32Array(rt!.memory.buffer, at, n);
    view.fill(0); // the block was staging space until now
    return view;
  }

  /** Byte offset of x when it starts a persistent block (any view of it), else undefined. */
  function residentAt(x: Float32Array): number | undefined {
    if (!memoryBuffers.has(x.buffer)) return undefined;
    const n = blocks.get(x.byteOffset);
    return n !== undefined && x.length <= n ? x.byteOffset : undefined;
  }

  function sparseAdamRows(a: SparseAdamRowsArgs): boolean {
    const mAt = residentAt(a.m);
    const vAt = residentAt(a.v);
    // float64 coalesced sums would have to be rounded: the reference path keeps them exact.
    if (mAt === undefined || vAt === undefined || !(a.grad instanceof Float32Array) || !(a.param instanceof Float32Array)) return false;
    const { rows, rowSize: D, param: p } = a;
    const n = rows.length;
    // A table from allocFloat32 is updated in place; otherwise its rows go through a compact copy.
    const pResident = residentAt(p);
    const at = regions([n * 4, n * D * 4, pResident === undefined ? n * D * 4 : 4]);
    if (!at) return false;
    const [rowsAt, gAt, pAt] = at;
    put(rows, rowsAt);
    const f = rt!.f32;
    f.set(a.grad.subarray(0, n * D), gAt >> 2);
    if (pResident !== undefined) {
      rt!.k.adamRowsF32(rowsAt, n, D, gAt, pResident, 1, mAt, vAt, a.beta1, a.beta2, a.eps, a.stepSize, a.invBc2, a.l2, a.decay);
      return true;
    }
    const pc = pAt >> 2;
    for (let r = 0; r < n; r++) {
      const s = rows[r] * D;
      f.set(p.subarray(s, s + D), pc + r * D);
    }
    rt!.k.adamRowsF32(rowsAt, n, D, gAt, pAt, 0, mAt, vAt, a.beta1, a.beta2, a.eps, a.stepSize, a.invBc2, a.l2, a.decay);
    for (let r = 0; r < n; r++) {
      const s = rows[r] * D;
      p.set(f.subarray(pc + r * D, pc + (r + 1) * D), s);
    }
    return true;
  }

  function rowScatterAdd(d: number, slot: Int32Array, bag: Int32Array, scale: Float64Array, grad: FloatArray, values: FloatArray): boolean {
    const n = slot.length;
    if (!(grad instanceof Float32Array) || !(values instanceof Float32Array) || bag.length !== n || scale.length < n) return false;
    const at = regions([n * 4, n * 4, n * 8, grad.length * 4, values.length * 4]);
    if (!at) return false;
    const [slotAt, bagAt, scaleAt, gradAt, valuesAt] = at;
    put(slot, slotAt);
    put(bag, bagAt);
    new Float64Array(rt!.memory.buffer, scaleAt, n).set(scale.subarray(0, n));
    put(grad, gradAt);
    put(values, valuesAt);
    rt!.k.rowScatterAddF32(n, d, slotAt, bagAt, scaleAt, gradAt, valuesAt);
    take(values, valuesAt);
    return true;
  }

  function embeddingBagSum(table: Float32Array, d: number, ids: Int32Array, scale: Float64Array, offsets: Int32Array, pad: number, out: Float32Array): boolean {
    const tableAt = residentAt(table);
    const n = ids.length;
    const bags = offsets.length;
    if (tableAt === undefined || d % 2 !== 0 || scale.length < n || out.length !== bags * d) return false;
    const at = regions([n * 4, n * 8, bags * 4, d * 8, out.length * 4]);
    if (!at) return false;
    const [idsAt, scaleAt, offAt, accAt, outAt] = at;
    put(ids, idsAt);
    new Float64Array(rt!.memory.buffer, scaleAt, n).set(scale.subarray(0, n));
    put(offsets, offAt);
    rt!.k.bagSumF32(tableAt, d, idsAt, scaleAt, n, offAt, bags, pad, accAt, outAt);
    take(out, outAt);
    return true;
  }

  const backend: WasmBackend = {
    name: rt.relaxed ? 'wasm-relaxed-simd' : 'wasm-simd',
    relaxedSimd: rt.relaxed,
    threads: rt.maxThreads,
    stats: rt.stats,
    gemm,
    unary,
    binary,
    adamUpdate,
    unaryGrad,
    maxPool2x2,
    maxPool2d,
    maxPoolBackward,
    batchNormReluForward,
    batchNormReluBackward,
    conv2dForward,
    conv2dBackward,
    gruForward,
    gruBackward,
    allocFloat32,
    sparseAdamRows,
    rowScatterAdd,
    embeddingBagSum,
    ready: () => rt.ready(),
    dispose: () => rt.dispose(),
  };
  return backend;
}

/** Plain strided GEMM in the precision of `c` (used for float64 when no fallback is given). */
function jsGemm(
  m: number, n: number, k: number,
  alpha: number, a: MatrixRef, b: MatrixRef,
  beta: number, c: FloatArray, cOffset: number, ldc: number,
): void {
  for (let i = 0; i < m; i++) {
    const row = cOffset + i * ldc;
    for (let j = 0; j < n; j++) c[row + j] = beta === 0 ? 0 : beta * c[row + j];
    if (k === 0 || alpha === 0) continue;
    for (let p = 0; p < k; p++) {
      const av = alpha * a.data[a.offset + i * a.rowStride + p * a.colStride];
      let bi = b.offset + p * b.rowStride;
      for (let j = 0; j < n; j++, bi += b.colStride) c[row + j] += av * b.data[bi];
    }
  }
}
