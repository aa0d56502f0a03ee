// Whole convolutions as parallel jobs: a tile is a slice of the batch that one
// thread takes through every step of the layer — im2col, GEMM, layout change
// (forward) or ReLU mask, layout change, weight-gradient GEMM, column-gradient
// GEMM, col2im (backward) — so the data movement around the GEMMs is shared out
// too, and each slice's columns stay in that core's cache.
//
// Slices are fixed by the shapes alone and each writes its own output rows
// and its own weight-gradient slot; the caller sums the slots in slice order.
// Results are therefore identical whatever the thread count or scheduling.
//
// With a max-pool fused after the convolution (POOL ≠ 0), OUT and GY are the
// pooled output and its gradient; the unpooled output never leaves the slice's
// scratch (it is pooled from the GEMM's [O, nb, L] result, and the gradient is
// scattered back into that layout), and ARG holds each maximum's index within
// its (channel, sample) plane.
//
// Job record: the GEMM job record of gemm.ts (CLAIM, COMPLETED, MODE, TILES,
// MC/KC/NC) plus the words below. Per-thread slice scratch: thread i uses
// [SCRATCH + i·STRIDE, +STRIDE): the GEMM's [O, nb·L] operand, then the
// [C·KH·KW, nb·L] column matrix.

import { gemm, JOB_KC, JOB_MC, JOB_MODE, JOB_NC } from './gemm';
import { col2imN, gemmToNchwRelu, im2colN, nchwToGemmF32 } from './conv';
import { reluGradF32 } from './elementwise';
import { maxPool2x2F32, maxPoolGradF32, maxPoolPlanes } from './pool';
import { winogradInput, winogradOutput } from './winograd';

export const MODE_CONV_FORWARD: i32 = 3;
export const MODE_CONV_BACKWARD: i32 = 4;

const CV_GEOM: usize = 192; // conv geometry record (see conv.ts)
const CV_O: usize = 196; // output channels
const CV_X: usize = 200; // input [N, C, H, W]
const CV_W: usize = 204; // weight [O, C·KH·KW]
const CV_BIAS: usize = 208; // forward: bias [O] or 0
const CV_RELU: usize = 212; // forward: 1 = fused ReLU; backward: ReLU output [N, O, L] to mask gy with, or 0
const CV_OUT: usize = 216; // forward: output [N, O, L]; backward: dx [N, C, H, W] or 0
const CV_GY: usize = 220; // backward: output gradient [N, O, L], masked in place
const CV_DW: usize = 224; // backward: weight-gradient slots, [tiles][O, C·KH·KW], or 0
const CV_SCRATCH: usize = 228;
const CV_STRIDE: usize = 232;
const CV_NB: usize = 236; // samples per slice
const CV_POOL: usize = 240; // pool geometry record (as maxPoolF32's), or 0 for no pool
const CV_ARG: usize = 244; // pool: argmax per pooled output [N, O, PH, PW]
const CV_POOL2: usize = 248; // pool: 1 when it is 2×2 / stride 2 with every window inside
const CV_WINO: usize = 252; // Winograd-transformed weights (3×3, stride 1, padding 1), or 0: forward U[16][O, C]; backward the flipped U[16][C, O] for dx

/** Where a slice's column matrix starts in its thread's scratch (after the GEMM's [O, nb·L] operand). */
@inline function colRegion(base: usize, o: i32, nb: i32, L: i32): usize {
  return base + <usize>(((o * nb * L + 15) & ~15) << 2);
}

@inline function word(job: usize, at: usize): i32 {
  return load<i32>(job + at);
}

@inline function geo(g: usize, i: i32): i32 {
  return load<i32>(g + (<usize>i << 2));
}

// Slice geometry: samples [b0, b0 + bn) of a batch cut into slices of nb; per sample C·H·W
// inputs (chw) and L outputs per channel; ckk rows of the column matrix.
function forwardSlice(job: usize, work: usize, thread: i32, g: usize, chw: i32, ckk: i32, L: i32, o: i32, nb: i32, b0: i32, bn: i32): void {
  const cols = bn * L;
  const tmp = <usize>word(job, CV_SCRATCH) + <usize>thread * <usize>word(job, CV_STRIDE);
  const col = colRegion(tmp, o, nb, L);
  const x = <usize>word(job, CV_X) + <usize>((b0 * chw) << 2);
  const u = <usize>word(job, CV_WINO);
  if (u != 0) {
    // Winograd F(2×2, 3×3): 16 GEMMs [O, C]·[C, T] over the slice's 2×2 output tiles.
    const c = ckk / 9, h = geo(g, 2), w = geo(g, 3);
    const T = bn * ((h + 1) >> 1) * ((w + 1) >> 1);
    const TS = nb * ((h + 1) >> 1) * ((w + 1) >> 1);
    const v = col;
    const m = v + (<usize>(((16 * c * TS) + 15) & ~15) << 2);
    winogradInput(x, bn, c, h, w, c * h * w, h * w, v, c * T);
    const mc = word(job, JOB_MC), kc = word(job, JOB_KC), nc = word(job, JOB_NC);
    for (let xi: i32 = 0; xi < 16; xi++) {
      gemm(o, T, c, u + (<usize>(xi * o * c) << 2), c, 1, v + (<usize>(xi * c * T) << 2), T, 1,
        m + (<usize>(xi * o * T) << 2), T, 1, 0, work, mc, kc, nc);
    }
    winogradOutput(m, o * T, o, bn, h, w, tmp, L, bn * L);
  } else {
    im2colN(g, x, col, bn);
    gemm(o, cols, ckk, <usize>word(job, CV_W), ckk, 1, col, cols, 1, tmp, cols, 1, 0,
      work, word(job, JOB_MC), word(job, JOB_KC), word(job, JOB_NC));
  }
  const bias = <usize>word(job, CV_BIAS);
  const relu = word(job, CV_RELU);
  const pool = <usize>word(job, CV_POOL);
  if (pool == 0) {
    gemmToNchwRelu(tmp, o, bn, L, bias, bias != 0 ? 1 : 0, relu, <usize>word(job, CV_OUT) + <usize>((b0 * o * L) << 2));
    return;
  }
  // Pooled straight from the GEMM's [O, nb, L] layout: each (channel, sample) plane is
  // contiguous there too, so the unpooled output is never rearranged or copied.
  if (bias != 0 || relu != 0) biasReluRows(tmp, o, cols, bias, relu);
  const PL = geo(pool, 12) * geo(pool, 13);
  const out = <usize>word(job, CV_OUT) + <usize>((b0 * o * PL) << 2);
  const arg = <usize>word(job, CV_ARG) + <usize>((b0 * o * PL) << 2);
  const fast = word(job, CV_POOL2) != 0;
  const h = geo(pool, 2), w = geo(pool, 3), oh = geo(pool, 12), ow = geo(pool, 13);
  for (let oc: i32 = 0; oc < o; oc++) {
    for (let b: i32 = 0; b < bn; b++) {
      const src = tmp + (<usize>((oc * bn + b) * L) << 2);
      const at = <usize>((b * o + oc) * PL) << 2;
      // arg: the index of each maximum within its own plane
      if (fast) maxPool2x2F32(src, 1, h, w, oh, ow, out + at, arg + at);
      else maxPoolPlanes(pool, 1, src, out + at, arg + at);
    }
  }
}

/** rows[oc, :] = relu?(rows[oc, :] + bias[oc]) over o rows of n values, in place (bias 0: none). */
function biasReluRows(rows: usize, o: i32, n: i32, bias: usize, relu: i32): void {
  const zero = f32x4.splat(0);
  for (let oc: i32 = 0; oc < o; oc++) {
    const bv = bias != 0 ? load<f32>(bias + (<usize>oc << 2)) : <f32>0;
    const vb = f32x4.splat(bv);
    const row = rows + (<usize>(oc * n) << 2);
    let i: i32 = 0;
    for (; i + 4 <= n; i += 4) {
      const a = row + (<usize>i << 2);
      const v = f32x4.add(v128.load(a), vb);
      v128.store(a, relu != 0 ? v128.andnot(v, f32x4.le(v, zero)) : v); // NaN stays NaN, as relu()
    }
    for (; i < n; i++) {
      const a = row + (<usize>i << 2);
      const v = load<f32>(a) + bv;
      store<f32>(a, relu != 0 ? (v <= 0 ? <f32>0 : v) : v);
    }
  }
}

function backwardSlice(job: usize, work: usize, thread: i32, g: usize, chw: i32, ckk: i32, L: i32, o: i32, nb: i32, b0: i32, bn: i32): void {
  const t = b0 / nb;
  const cols = bn * L;
  const mc = word(job, JOB_MC), kc = word(job, JOB_KC), nc = word(job, JOB_NC);
  const gg = <usize>word(job, CV_SCRATCH) + <usize>thread * <usize>word(job, CV_STRIDE);
  const col = colRegion(gg, o, nb, L);
  const pool = <usize>word(job, CV_POOL);
  // Per sample: the (pooled) output size, where this slice's gradient starts.
  const OL = pool == 0 ? L : geo(pool, 12) * geo(pool, 13);
  const gy = <usize>word(job, CV_GY) + <usize>((b0 * o * OL) << 2);
  const reluOut = <usize>word(job, CV_RELU);
  // A ReLU before the pool: the pooled output is the ReLU output at each maximum.
  if (reluOut != 0) reluGradF32(reluOut + <usize>((b0 * o * OL) << 2), gy, gy, bn * o * OL);
  if (pool != 0) {
    // Each pooled gradient plane scattered straight into its plane of gg [O, nb, L].
    const arg = <usize>word(job, CV_ARG) + <usize>((b0 * o * OL) << 2);
    for (let oc: i32 = 0; oc < o; oc++) {
      for (let b: i32 = 0; b < bn; b++) {
        const at = <usize>((b * o + oc) * OL) << 2;
        maxPoolGradF32(arg + at, gy + at, OL, gg + (<usize>((oc * bn + b) * L) << 2), L);
      }
    }
  } else {
    nchwToGemmF32(gy, o, bn, L, gg);
  }
  const dw = <usize>word(job, CV_DW);
  if (dw != 0) {
    im2colN(g, <usize>word(job, CV_X) + <usize>((b0 * chw) << 2), col, bn);
    // dW slot [O, ckk] = gg [O, cols] · colᵀ
    gemm(o, ckk, cols, gg, cols, 1, col, 1, cols, dw + <usize>((t * o * ckk) << 2), ckk, 1, 0, work, mc, kc, nc);
  }
  const dx = <usize>word(job, CV_OUT);
  const u = <usize>word(job, CV_WINO);
  if (dx != 0 && u != 0) {
    // dx = the 3×3 / padding 1 convolution of gg with the flipped kernels, as Winograd
    // F(2×2, 3×3) from gg's [O, nb, L] planes straight into the slice's [bn, C, h, w] images.
    const c = ckk / 9, h = geo(g, 2), w = geo(g, 3);
    const T = bn * ((h + 1) >> 1) * ((w + 1) >> 1);
    const TS = nb * ((h + 1) >> 1) * ((w + 1) >> 1);
    const v = col;
    const m = v + (<usize>(((16 * o * TS) + 15) & ~15) << 2);
    winogradInput(gg, bn, o, h, w, L, bn * L, v, o * T);
    for (let xi: i32 = 0; xi < 16; xi++) {
      gemm(c, T, o, u + (<usize>(xi * c * o) << 2), o, 1, v + (<usize>(xi * o * T) << 2), T, 1,
        m + (<usize>(xi * c * T) << 2), T, 1, 0, work, mc, kc, nc);
    }
    winogradOutput(m, c * T, c, bn, h, w, dx + <usize>((b0 * chw) << 2), chw, h * w);
  } else if (dx != 0) {
    // dcol [ckk, cols] = Wᵀ · gg, then scattered back into this slice's images.
    gemm(ckk, cols, o, <usize>word(job, CV_W), 1, ckk, gg, cols, 1, col, cols, 1, 0, work, mc, kc, nc);
    const dxs = dx + <usize>((b0 * chw) << 2);
    memory.fill(dxs, 0, <usize>(bn * chw) << 2);
    col2imN(g, col, dxs, bn);
  }
}

/** Runs slice `t` of the conv job at `job` (claimed by the caller with claimTile; see tasks.ts). */
export function convTile(job: usize, work: usize, thread: i32, t: i32): void {
  const g = <usize>word(job, CV_GEOM);
  const n = geo(g, 0), c = geo(g, 1);
  const chw = c * geo(g, 2) * geo(g, 3), ckk = c * geo(g, 4) * geo(g, 5);
  const L = geo(g, 12) * geo(g, 13);
  const nb = word(job, CV_NB);
  const b0 = t * nb;
  const bn = min(nb, n - b0);
  if (word(job, JOB_MODE) == MODE_CONV_FORWARD) forwardSlice(job, work, thread, g, chw, ckk, L, word(job, CV_O), nb, b0, bn);
  else backwardSlice(job, work, thread, g, chw, ckk, L, word(job, CV_O), nb, b0, bn);
}
