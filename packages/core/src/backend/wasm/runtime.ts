/**
 * Low-level runtime of the wasm backend: finds and compiles the kernel module
 * (relaxed-SIMD build when the engine accepts it, else portable SIMD), owns the
 * shared `WebAssembly.Memory`, and runs GEMMs and whole convolutions on data
 * already in that memory, on the calling thread alone or together with a small
 * pool of worker threads.
 *
 * Memory map (bytes):
 *   [0, 4096)                 no static data; index.ts keeps the conv and pool geometry
 *                             records of the current call at 1024 and 1088
 *   [4096, 4352)              the parallel job record: GEMM tiles or conv batch slices
 *                             (see wasm/assembly/gemm.ts, conv-tasks.ts, tasks.ts)
 *   [4352 + 256·w, ...)       control slot of worker w (see wasm/worker.mjs)
 *   [WORK_BASE, ...)          per-thread packing scratch, `workStride` bytes each
 *   [operandBase, ...)        operand staging area, grown on demand by the caller
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { Worker } from 'node:worker_threads';

const PAGE = 65536;
const JOB_BYTE = 4096;
const SLOT_BASE = JOB_BYTE + 256;
const SLOT_BYTES = 256;
const MAX_WORKERS = 15;
const WORK_BASE = 65536;
/** Maximum memory in pages (2 GiB keeps every byte offset a positive i32). */
const MAX_PAGES = 32768;

/** Micro-kernel tile and cache blocking (see wasm/assembly/gemm.ts). */
export const MR = 4;
export const NR = 8;
export const MC = 128;
export const KC = 256;
export const NC = 1024;

// Worker control slot words (int32 index relative to the slot), see wasm/worker.mjs.
const SIGNAL = 0;
const JOBSEQ = 1;
const READY = 2;
const CMD = 3;
const WSLEEP = 4;
const CMD_GEMM = 1;
const CMD_EXIT = 2;

// Job record words (int32 index relative to the record), see wasm/assembly/gemm.ts.
const J_CLAIM = 0;
const J_COMPLETED = 1;
const J_MODE = 2;
const J_M = 3;
const J_N = 4;
const J_K = 5;
const J_A = 6;
const J_ARS = 7;
const J_ACS = 8;
const J_PB = 9;
const J_NPAD = 10;
const J_C = 11;
const J_LDC = 12;
const J_ALPHA = 13;
const J_BETA = 14;
const J_MC = 15;
const J_KC = 16;
const J_TM = 17;
const J_TN = 18;
const J_COLTILES = 19;
const J_TILES = 20;
const J_MSLEEP = 21;
const J_FAILED = 22;
const J_B = 23;
const J_BRS = 24;
const J_BCS = 25;
const J_NC = 26;
const MODE_SHARED_B = 0;
const MODE_SELF = 1;
const MODE_CONV_FORWARD = 3;
const MODE_CONV_BACKWARD = 4;
// Conv job words (see wasm/assembly/conv-tasks.ts).
const CV_GEOM = 48;
const CV_O = 49;
const CV_X = 50;
const CV_W = 51;
const CV_BIAS = 52;
const CV_RELU = 53;
const CV_OUT = 54;
const CV_GY = 55;
const CV_DW = 56;
const CV_SCRATCH = 57;
const CV_STRIDE = 58;
const CV_NB = 59;
const CV_POOL = 60;
const CV_ARG = 61;
const CV_POOL2 = 62;
const CV_WINO = 63;
const CLAIM_CLOSED = 0xfff;

/** A conv job is cut into at most this many batch slices, of at most this much scratch each. */
const CONV_MAX_SLICES = 16;
const CONV_SLICE_BYTES = 8 << 20;
/** Hard limits: the claim word holds 12 bits of tile index, and each slice has its own weight-gradient slot. */
const CONV_SLICE_LIMIT = 256;
const CONV_SLOT_BYTES = 64 << 20;

/** How long the calling thread spins for the last claimed tiles before sleeping. */
const MAIN_SPIN_MS = 0.2;
/** Back-off after unbalanced parallel calls (CPU contention): first and longest pause. */
const BACKOFF_MIN_MS = 50;
const BACKOFF_MAX_MS = 2000;

interface KernelExports {
  relaxed(): number;
  workBytes(mc: number, kc: number, nc: number): number;
  gemm(
    m: number, n: number, k: number,
    a: number, ars: number, acs: number,
    b: number, brs: number, bcs: number,
    c: number, ldc: number, alpha: number, beta: number,
    work: number, mc: number, kc: number, nc: number,
  ): void;
  packBFull(k: number, n: number, b: number, brs: number, bcs: number, dst: number, kc: number): void;
  runTasks(job: number, work: number, thread: number): number;
  addInto(m: number, n: number, src: number, c: number, ldc: number): void;
  binaryF32(op: number, a: number, b: number, out: number, n: number): void;
  unaryF32(op: number, x: number, out: number, n: number): void;
  reluGradF32(x: number, g: number, out: number, n: number): void;
  bnSumsF32(x: number, n: number, c: number, s: number, sums: number): void;
  bnReluApplyF32(x: number, n: number, c: number, s: number, coef: number, out: number): void;
  bnReluGradSumsF32(x: number, y: number, g: number, n: number, c: number, s: number, sums: number): void;
  bnReluGradApplyF32(x: number, y: number, g: number, n: number, c: number, s: number, coef: number, dx: number): void;
  maxPoolF32(geom: number, src: number, out: number, arg: number): void;
  maxPool2x2F32(src: number, planes: number, h: number, w: number, oh: number, ow: number, out: number, arg: number): void;
  maxPoolGradF32(arg: number, g: number, m: number, dx: number, n: number): void;
  winogradWeights(w: number, o: number, c: number, u: number, backward: number): void;
  biasGradF32(gd: number, o: number, n: number, l: number, db: number): void;
  gruStepF32(
    xp: number, gh: number, bih: number, bhh: number, hasBias: number,
    hprev: number, hnext: number, r: number, z: number, n: number, ghn: number, out: number,
    b: number, h: number, lengths: number, hasLengths: number, t: number,
  ): void;
  gruStepGradF32(
    gd: number, r: number, z: number, n: number, ghn: number, hprev: number,
    dh: number, dhNext: number, dgx: number, dgh: number,
    b: number, h: number, lengths: number, hasLengths: number, t: number,
  ): void;
  adamRowsF32(
    rows: number, nRows: number, d: number, g: number, p: number, pWhole: number, m: number, v: number,
    b1: number, b2: number, eps: number, stepSize: number, invBc2: number, l2: number, decay: number,
  ): void;
  rowScatterAddF32(n: number, d: number, slot: number, bag: number, scale: number, grad: number, values: number): void;
  columnSumsF32(src: number, rows: number, cols: number, acc: number, out: number): void;
  bagSumF32(table: number, d: number, ids: number, scale: number, n: number, offsets: number, bags: number, pad: number, acc: number, out: number): void;
  adamF32(
    p: number, g: number, m: number, v: number, n: number,
    lr: number, beta1: number, beta2: number, eps: number,
    bc1: number, bc2: number, wd: number, dwd: number,
  ): void;
}

export type SimdMode = 'auto' | 'relaxed' | 'portable';

export interface RuntimeOptions {
  /** Total threads including the calling thread (1 = no workers). */
  threads: number;
  simd: SimdMode;
  /** Folder holding kernels-*.wasm and worker.mjs. */
  dir: URL;
  /** Pause parallel GEMMs while calls come out unbalanced (CPU contention); default true. */
  adaptive?: boolean;
}

let relaxedFlagSet = false;

function readIfExists(url: URL): Uint8Array<ArrayBuffer> | null {
  try {
    return new Uint8Array(readFileSync(url));
  } catch {
    return null;
  }
}

/** Compiles the best kernel module the engine accepts, or returns null. */
function compileKernels(dir: URL, simd: SimdMode): { module: WebAssembly.Module; relaxed: boolean } | null {
  if (typeof WebAssembly !== 'object' || typeof SharedArrayBuffer !== 'function') return null;
  if (simd !== 'portable') {
    const bytes = readIfExists(new URL('kernels-relaxed.wasm', dir));
    if (bytes) {
      if (!WebAssembly.validate(bytes) && !relaxedFlagSet) {
        // Node 20 ships relaxed SIMD behind a flag (on by default from Node 22, where
        // the first validate() succeeds). It must be set before compiling.
        relaxedFlagSet = true;
        try {
          setFlagsFromString('--experimental-wasm-relaxed-simd');
        } catch {
          // ignore: validate() below decides
        }
      }
      if (WebAssembly.validate(bytes)) return { module: new WebAssembly.Module(bytes), relaxed: true };
    }
    if (simd === 'relaxed') return null;
  }
  const bytes = readIfExists(new URL('kernels-simd.wasm', dir));
  if (!bytes || !WebAssembly.validate(bytes)) return null; // missing, or no SIMD / threads support
  return { module: new WebAssembly.Module(bytes), relaxed: false };
}

/**
 * Threads to use when the caller does not say: TENSORKIT_THREADS, else the core count (at most 4).
 * A TENSORKIT_THREADS that is not a whole number ≥ 1 throws naming it (it was silently ignored).
 */
export function defaultThreads(): number {
  const raw = process.env.TENSORKIT_THREADS?.trim() ?? '';
  if (raw !== '') {
    const n = /^\d+$/.test(raw) ? Number(raw) : NaN;
    if (!(n >= 1)) throw new Error(`TENSORKIT_THREADS='${process.env.TENSORKIT_THREADS}' is not a thread count (expected a whole number ≥ 1, e.g. TENSORKIT_THREADS=4, or unset for the default)`);
    return Math.min(n, MAX_WORKERS + 1);
  }
  return Math.max(1, Math.min(availableParallelism(), 4));
}

/** How a GEMM is shared out over threads (see WasmRuntime.plan). */
export interface ParallelPlan {
  mode: number;
  threads: number;
  /** Rows per tile, columns per tile, tiles per row of tiles, tiles. */
  tm: number;
  tn: number;
  colTiles: number;
  tiles: number;
  /** Bytes of scratch the call needs (all of B packed, in MODE_SHARED_B). */
  scratchBytes: number;
  /** Estimated packing work (elements), used to choose the mode. */
  cost: number;
}

/** A conv job for WasmRuntime.convolution: byte offsets in wasm memory (0 = absent). */
export interface ConvJob {
  backward: boolean;
  geom: number;
  o: number;
  x: number;
  w: number;
  /** Forward: bias or 0. */
  bias: number;
  /** Forward: 1 to fuse a ReLU. Backward: the ReLU output to mask gy with, or 0. */
  relu: number;
  /** Forward: output [N, O, OH, OW]. Backward: dx or 0. */
  out: number;
  /** Backward: output gradient (masked in place). */
  gy: number;
  /** Backward: weight-gradient slots (slices × O × C·KH·KW floats) or 0. */
  dwSlots: number;
  scratch: number;
  slices: { nb: number; tiles: number; stride: number };
  /** A fused max-pool: its geometry record, the argmax array, and whether it is 2×2/2 with all windows inside. */
  pool?: { geom: number; arg: number; fast2x2: boolean } | null;
  /** Winograd-transformed weights (winogradWeights; backward: the flipped ones, for dx), for 3×3 / stride 1 / padding 1; 0 or absent = im2col. */
  winograd?: number;
  /** Share the slices with the workers (small jobs stay on the calling thread: waking a worker costs up to ~0.25 ms). */
  parallel: boolean;
}

interface WorkerHandle {
  worker: Worker;
  slot: number; // int32 index of the control slot
  alive: boolean;
}

export class WasmRuntime {
  readonly relaxed: boolean;
  readonly memory: WebAssembly.Memory;
  /** The kernels instantiated on the calling thread. */
  readonly k: KernelExports;
  private readonly workers: WorkerHandle[] = [];
  private readonly module: WebAssembly.Module;
  private readonly workerUrl: URL;
  private readonly nWorkers: number;
  private spawned = false;
  private readonly workStride: number;
  /** Start of the operand staging area; moves up as persistent blocks are allocated below it. */
  operandBase: number;
  /** Views over the whole memory; refreshed after every grow. */
  f32!: Float32Array;
  private i32!: Int32Array;
  private seq = 0;
  private gen = 0;
  private readyPromise: Promise<void> | undefined;
  private disposed = false;
  // Contention back-off: see noteBalance().
  private strikes = 0;
  private backoffMs = 0;
  private backoffUntil = 0;
  private readonly adaptive: boolean;
  /** Diagnostics: parallel calls (GEMMs and convolutions; GEMMs per mode: shared B, self-packing tiles), their tiles, and how many of those workers computed. */
  readonly stats = { parallelCalls: 0, tiles: 0, workerTiles: 0, byMode: [0, 0], backoffs: 0 };

  private constructor(module: WebAssembly.Module, relaxed: boolean, threads: number, dir: URL, adaptive: boolean) {
    this.relaxed = relaxed;
    this.adaptive = adaptive;
    const nWorkers = Math.max(0, Math.min(threads - 1, MAX_WORKERS));
    const probe = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
    const probeKernels = new WebAssembly.Instance(module, { env: { memory: probe } }).exports as unknown as KernelExports;
    this.workStride = align(probeKernels.workBytes(MC, KC, NC), 4096);
    this.operandBase = WORK_BASE + this.workStride * (nWorkers + 1);
    const initialPages = Math.ceil((this.operandBase + (4 << 20)) / PAGE);
    this.memory = new WebAssembly.Memory({ initial: initialPages, maximum: MAX_PAGES, shared: true });
    this.k = new WebAssembly.Instance(module, { env: { memory: this.memory } }).exports as unknown as KernelExports;
    this.refreshViews();
    Atomics.store(this.i32, (JOB_BYTE >> 2) + J_CLAIM, CLAIM_CLOSED);

    this.module = module;
    this.workerUrl = new URL('worker.mjs', dir);
    this.nWorkers = nWorkers;
  }

  /**
   * Starts the worker threads, once: on the first GEMM big enough to split, or
   * on ready(). Processes that never multiply large matrices never pay for them.
   */
  private spawnWorkers(): void {
    if (this.spawned || this.disposed) return;
    this.spawned = true;
    if (this.nWorkers === 0 || !readIfExists(this.workerUrl)) return;
    for (let w = 0; w < this.nWorkers; w++) {
      const slotByte = SLOT_BASE + w * SLOT_BYTES;
      const workByte = WORK_BASE + (w + 1) * this.workStride;
      let worker: Worker;
      try {
        worker = new Worker(this.workerUrl, {
          workerData: { module: this.module, memory: this.memory, slotByte, jobByte: JOB_BYTE, workByte, thread: w + 1 },
        });
      } catch {
        break;
      }
      worker.unref(); // never keep the process alive
      const handle: WorkerHandle = { worker, slot: slotByte >> 2, alive: true };
      worker.on('error', () => {
        handle.alive = false;
      });
      worker.on('exit', () => {
        handle.alive = false;
      });
      this.workers.push(handle);
    }
  }

  static create(opts: RuntimeOptions): WasmRuntime | null {
    try {
      const compiled = compileKernels(opts.dir, opts.simd);
      if (!compiled) return null;
      return new WasmRuntime(compiled.module, compiled.relaxed, opts.threads, opts.dir, opts.adaptive ?? true);
    } catch {
      return null;
    }
  }

  /** Starts the workers if needed and resolves once each has started (or failed to); until then GEMMs use the ready ones only. */
  ready(): Promise<void> {
    this.spawnWorkers();
    // Polls, keeping the event loop alive only while someone awaits this.
    this.readyPromise ??= new Promise<void>((resolve) => {
      const check = (): boolean => this.workers.every((w) => !w.alive || Atomics.load(this.i32, w.slot + READY) === 1);
      if (check()) return resolve();
      const poll = setInterval(() => {
        if (check()) {
          clearInterval(poll);
          resolve();
        }
      }, 1);
    });
    return this.readyPromise;
  }

  /** Threads requested at construction (calling thread + workers). */
  get maxThreads(): number {
    return this.nWorkers + 1;
  }

  private workerReady(w: WorkerHandle): boolean {
    return w.alive && Atomics.load(this.i32, w.slot + READY) === 1;
  }

  private refreshViews(): void {
    this.f32 = new Float32Array(this.memory.buffer);
    this.i32 = new Int32Array(this.memory.buffer);
  }

  /**
   * A long-lived block of `bytes` (64-byte aligned) just below the staging
   * area, which moves up past it; null when memory cannot grow. Never freed.
   */
  allocPersistent(bytes: number): number | null {
    const size = align(bytes, 64);
    const at = this.operandBase;
    if (!this.ensure(at + size + (4 << 20))) return null;
    this.operandBase = at + size;
    return at;
  }

  /** Makes sure [0, bytes) is addressable; returns false if the memory cannot grow that far. */
  ensure(bytes: number): boolean {
    const have = this.memory.buffer.byteLength;
    if (bytes <= have) return true;
    const need = Math.ceil((bytes - have) / PAGE);
    const cur = have / PAGE;
    if (cur + need > MAX_PAGES) return false;
    // Grow geometrically so a slowly increasing workload does not grow on every call.
    const grow = Math.min(MAX_PAGES - cur, Math.max(need, Math.ceil(cur / 4)));
    try {
      this.memory.grow(grow);
    } catch {
      try {
        this.memory.grow(need);
      } catch {
        return false;
      }
    }
    this.refreshViews();
    return true;
  }

  /**
   * Wakes sleeping workers ahead of a parallel GEMM so that their wake-up
   * latency overlaps with staging the operands; they then spin for the job.
   */
  prewake(threads: number): void {
    let n = 1;
    for (const w of this.workers) {
      if (n++ >= threads) break;
      if (Atomics.load(this.i32, w.slot + WSLEEP) === 1 && this.workerReady(w)) this.signal(w);
    }
  }

  /** Bumps a worker's SIGNAL word and wakes it if it sleeps. */
  private signal(w: WorkerHandle): void {
    Atomics.add(this.i32, w.slot + SIGNAL, 1);
    if (Atomics.load(this.i32, w.slot + WSLEEP) === 1) Atomics.notify(this.i32, w.slot + SIGNAL);
  }

  /**
   * Plans a parallel GEMM over `threads` threads (see wasm/assembly/gemm.ts for
   * the modes), or returns null to run on the calling thread. The cost model
   * counts packed elements: a tiling that packs an operand once per tile pays
   * for it as many times, and packing all of B up front is serial.
   */
  plan(m: number, n: number, k: number, threads: number): ParallelPlan | null {
    if (k <= 0 || (this.backoffUntil > 0 && performance.now() < this.backoffUntil)) return null;
    this.spawnWorkers();
    const helpers = Math.min(threads - 1, this.readyWorkers());
    if (helpers < 1) return null;
    const t = helpers + 1;
    const target = 4 * t; // about 4 tiles per thread, so that a late worker costs little
    let best: ParallelPlan | null = null;
    const consider = (p: Omit<ParallelPlan, 'threads' | 'scratchBytes'> & { scratchBytes?: number }): void => {
      if (p.tiles < t || (best && best.cost <= p.cost)) return;
      best = { ...p, threads: t, scratchBytes: p.scratchBytes ?? 0 };
    };
    // Shared B: row blocks first (A is then packed once overall), columns too when rows are few.
    {
      let rowTiles = Math.max(1, Math.min(target, Math.floor(m / 32)));
      let colTiles = Math.max(1, Math.min(Math.ceil(target / rowTiles), Math.floor(n / 32)));
      const tm = align(Math.ceil(m / rowTiles), MR);
      const tn = align(Math.ceil(n / colTiles), NR);
      rowTiles = Math.ceil(m / tm);
      colTiles = Math.ceil(n / tn);
      consider({
        mode: MODE_SHARED_B, tm, tn, colTiles, tiles: rowTiles * colTiles,
        cost: k * n + (m * k * colTiles) / t, scratchBytes: align(k * align(n, NR) * 4, 64),
      });
    }
    // Self-packing row blocks (B packed once per tile) or column blocks (A packed once per tile).
    {
      const rows = Math.min(target, Math.floor(m / 16));
      if (rows > 1) {
        const tm = align(Math.ceil(m / rows), MR);
        const tiles = Math.ceil(m / tm);
        consider({ mode: MODE_SELF, tm, tn: n, colTiles: 1, tiles, cost: (m * k + tiles * k * n) / t });
      }
      const cols = Math.min(target, Math.floor(n / 32));
      if (cols > 1) {
        const tn = align(Math.ceil(n / cols), NR);
        const tiles = Math.ceil(n / tn);
        consider({ mode: MODE_SELF, tm: m, tn, colTiles: tiles, tiles, cost: (tiles * m * k + k * n) / t });
      }
    }
    // No K-slice tiling: which thread sums which slices would depend on timing,
    // and the rounding with it. Row/column tiles add each C element's K blocks in
    // the same order as one thread does, so results are bit-identical whatever
    // the thread count or scheduling (one seed must give one model).
    return best;
  }

  private readyWorkers(): number {
    let n = 0;
    for (const w of this.workers) if (this.workerReady(w)) n++;
    return n;
  }

  /**
   * C = alpha·A·B + beta·C on float32 data already in wasm memory (byte
   * offsets, element strides). With a plan from plan(), tiles are shared out
   * dynamically between the calling thread and plan.threads − 1 workers;
   * `scratch` must hold plan.scratchBytes bytes.
   */
  gemm(
    m: number, n: number, k: number,
    a: number, ars: number, acs: number,
    b: number, brs: number, bcs: number,
    c: number, ldc: number, alpha: number, beta: number,
    plan: ParallelPlan | null, scratch: number,
  ): void {
    const helpers = plan && alpha !== 0 ? this.readyHelpers(plan.threads - 1) : [];
    if (!plan || helpers.length === 0) {
      this.k.gemm(m, n, k, a, ars, acs, b, brs, bcs, c, ldc, alpha, beta, WORK_BASE, MC, KC, NC);
      return;
    }
    const { mode, tiles } = plan;
    if (mode === MODE_SHARED_B) this.k.packBFull(k, n, b, brs, bcs, scratch, KC);
    const i32 = this.i32;
    const j = JOB_BYTE >> 2;
    i32[j + J_M] = m; i32[j + J_N] = n; i32[j + J_K] = k;
    i32[j + J_A] = a; i32[j + J_ARS] = ars; i32[j + J_ACS] = acs;
    i32[j + J_B] = b; i32[j + J_BRS] = brs; i32[j + J_BCS] = bcs;
    i32[j + J_PB] = scratch; i32[j + J_NPAD] = align(n, NR);
    i32[j + J_C] = c; i32[j + J_LDC] = ldc;
    this.f32[j + J_ALPHA] = alpha; this.f32[j + J_BETA] = beta;
    i32[j + J_TM] = plan.tm; i32[j + J_TN] = plan.tn; i32[j + J_COLTILES] = plan.colTiles;
    this.runJob(mode, tiles, helpers);
    this.stats.byMode[mode]++;
  }

  /** Up to `count` ready workers, none while parallel calls are paused (contention back-off). */
  private readyHelpers(count: number): WorkerHandle[] {
    const helpers: WorkerHandle[] = [];
    if (count < 1 || (this.backoffUntil > 0 && performance.now() < this.backoffUntil)) return helpers;
    this.spawnWorkers();
    for (const w of this.workers) {
      if (helpers.length >= count) break;
      if (this.workerReady(w)) helpers.push(w);
    }
    return helpers;
  }

  /**
   * Opens the job whose mode-specific words are already in the record, runs
   * tiles on this thread while `helpers` run others, and waits for all of them.
   */
  private runJob(mode: number, tiles: number, helpers: WorkerHandle[]): void {
    const i32 = this.i32;
    const j = JOB_BYTE >> 2;
    i32[j + J_MODE] = mode;
    i32[j + J_TILES] = tiles;
    i32[j + J_MC] = MC; i32[j + J_KC] = KC; i32[j + J_NC] = NC;
    Atomics.store(i32, j + J_COMPLETED, 0);
    Atomics.store(i32, j + J_FAILED, 0);
    this.gen = this.gen >= 0xfffff ? 1 : this.gen + 1;
    Atomics.store(i32, j + J_CLAIM, this.gen << 12); // opens the job
    const seq = (this.seq = (this.seq + 1) | 0);
    for (const w of helpers) {
      Atomics.store(i32, w.slot + CMD, CMD_GEMM);
      Atomics.store(i32, w.slot + JOBSEQ, seq);
      this.signal(w);
    }
    let mine = 0;
    try {
      mine = this.k.runTasks(JOB_BYTE, WORK_BASE, 0);
    } finally {
      // Always wait for tiles claimed by workers: they are still writing. Even with no
      // helpers: a worker still looping after an earlier job can claim tiles of this one.
      this.waitCompleted(tiles);
      Atomics.store(i32, j + J_CLAIM, CLAIM_CLOSED);
    }
    if (Atomics.load(i32, j + J_FAILED) !== 0) throw new Error('tensorkit wasm backend: a worker thread failed during a parallel kernel');
    if (helpers.length === 0) return;
    this.noteBalance(mine, tiles);
    this.stats.parallelCalls++;
    this.stats.tiles += tiles;
    this.stats.workerTiles += tiles - mine;
  }

  /**
   * Bytes of slice scratch and samples per slice for a conv job over a batch of
   * `n` (see convolution()). Depends on the shapes only, never on the thread
   * count, so that results do not either.
   */
  convSlices(n: number, o: number, ckk: number, L: number, wino: { h: number; w: number } | null = null): { nb: number; tiles: number; stride: number; scratchBytes: number } {
    // Smaller slices for large images (a slice's columns should stay in cache), but never so
    // many that the tile count or the weight-gradient slots (tiles × O·C·KH·KW) outgrow their limits.
    const minNb = Math.max(Math.ceil(n / CONV_SLICE_LIMIT), Math.ceil(n / Math.max(1, Math.floor(CONV_SLOT_BYTES / (o * ckk * 4)))));
    let nb = Math.max(minNb, Math.ceil(n / CONV_MAX_SLICES));
    while (nb > minNb && (o + ckk) * nb * L * 4 > CONV_SLICE_BYTES) nb = Math.max(minNb, Math.ceil(nb / 2));
    const tiles = Math.ceil(n / nb);
    // After the GEMM result: the column matrix, or for Winograd the transformed input and product tiles.
    const tiles2 = wino ? nb * Math.ceil(wino.h / 2) * Math.ceil(wino.w / 2) : 0;
    const work = wino ? Math.max(ckk * nb * L, align(16 * (ckk / 9) * tiles2, 16) + align(16 * o * tiles2, 16)) : ckk * nb * L;
    const stride = align((align(o * nb * L, 16) + work) * 4, 64);
    return { nb, tiles, stride, scratchBytes: stride * this.maxThreads };
  }

  /**
   * One conv2d forward or backward (wasm/assembly/conv-tasks.ts) over operands
   * in wasm memory, its batch slices shared out between this thread and the
   * workers. The geometry record must be at `geom`; slices from convSlices().
   */
  convolution(job: ConvJob): void {
    const i32 = this.i32;
    const j = JOB_BYTE >> 2;
    const s = job.slices;
    i32[j + CV_GEOM] = job.geom; i32[j + CV_O] = job.o; i32[j + CV_X] = job.x; i32[j + CV_W] = job.w;
    i32[j + CV_BIAS] = job.bias; i32[j + CV_RELU] = job.relu; i32[j + CV_OUT] = job.out; i32[j + CV_GY] = job.gy;
    i32[j + CV_DW] = job.dwSlots; i32[j + CV_SCRATCH] = job.scratch; i32[j + CV_STRIDE] = s.stride; i32[j + CV_NB] = s.nb;
    i32[j + CV_POOL] = job.pool?.geom ?? 0; i32[j + CV_ARG] = job.pool?.arg ?? 0; i32[j + CV_POOL2] = job.pool?.fast2x2 ? 1 : 0;
    i32[j + CV_WINO] = job.winograd ?? 0;
    const helpers = s.tiles > 1 && job.parallel ? this.readyHelpers(this.maxThreads - 1) : [];
    this.runJob(job.backward ? MODE_CONV_BACKWARD : MODE_CONV_FORWARD, s.tiles, helpers);
  }

  /**
   * On an idle machine both threads take a fair share of the tiles. When one
   * takes almost all of them, the other did not get a core in time (other
   * processes busy, or the woken worker preempting the caller on its own core)
   * and splitting only added overhead: after two such calls in a row, parallel
   * GEMMs pause for 50 ms, doubling up to 2 s while it persists.
   */
  private noteBalance(mine: number, tiles: number): void {
    if (!this.adaptive || tiles < 4) return;
    const fair = Math.min(mine, tiles - mine) >= tiles / 4;
    if (fair) {
      this.strikes = 0;
      this.backoffMs = 0;
      return;
    }
    if (++this.strikes < 2) return;
    this.strikes = 0;
    this.backoffMs = Math.min(BACKOFF_MAX_MS, this.backoffMs ? 2 * this.backoffMs : BACKOFF_MIN_MS);
    this.backoffUntil = performance.now() + this.backoffMs;
    this.stats.backoffs++;
  }

  private finished(tiles: number): boolean {
    const j = JOB_BYTE >> 2;
    return Atomics.load(this.i32, j + J_COMPLETED) >= tiles || Atomics.load(this.i32, j + J_FAILED) !== 0;
  }

  /** Waits until `tiles` tiles are completed (or a worker failed): spins briefly, then sleeps. */
  private waitCompleted(tiles: number): void {
    const i32 = this.i32;
    const j = JOB_BYTE >> 2;
    if (this.finished(tiles)) return;
    const until = performance.now() + MAIN_SPIN_MS;
    let spins = 0;
    while (!this.finished(tiles)) {
      if ((++spins & 63) !== 0 || performance.now() < until) continue;
      Atomics.store(i32, j + J_MSLEEP, 1);
      while (!this.finished(tiles)) {
        // A worker killed from outside cannot be detected here (its 'exit' event
        // needs the event loop); a worker that throws sets FAILED.
        Atomics.wait(i32, j + J_COMPLETED, Atomics.load(i32, j + J_COMPLETED), 1000);
      }
      Atomics.store(i32, j + J_MSLEEP, 0);
    }
  }

  /** Stops the worker threads; the runtime keeps working on the calling thread. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const w of this.workers) {
      if (w.alive) {
        Atomics.store(this.i32, w.slot + CMD, CMD_EXIT);
        Atomics.store(this.i32, w.slot + JOBSEQ, (this.seq = (this.seq + 1) | 0));
        Atomics.add(this.i32, w.slot + SIGNAL, 1);
        Atomics.notify(this.i32, w.slot + SIGNAL);
      }
      w.alive = false;
      void w.worker.terminate();
    }
  }
}

export function align(x: number, to: number): number {
  return Math.ceil(x / to) * to;
}
