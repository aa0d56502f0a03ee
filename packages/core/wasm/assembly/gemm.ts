// SGEMM kernels for @tensorkit/core (AssemblyScript, wasm SIMD).
//
// The same source is compiled twice by wasm/build.mjs: once with plain SIMD
// (separate f32x4.mul + f32x4.add) and once with --enable relaxed-simd, where
// ASC_FEATURE_RELAXED_SIMD is true and the micro-kernel uses f32x4.relaxed_madd.
// All pointers are byte offsets into the imported (shared) memory; all strides
// are in elements and may be negative or zero.

const MR: i32 = 4;
const NR: i32 = 8;

// Accumulate a*b into c. A compile-time constant picks the instruction, so the
// portable build never contains a relaxed-SIMD opcode.
function fma(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) {
    return f32x4.relaxed_madd(a, b, c);
  } else {
    return f32x4.add(f32x4.mul(a, b), c);
  }
}

/** 1 when this build uses fused multiply-add (relaxed SIMD). */
export function relaxed(): i32 {
  return ASC_FEATURE_RELAXED_SIMD ? 1 : 0;
}

// C tile update modes.
const MODE_SET: i32 = 0; // C = acc
const MODE_BETA: i32 = 1; // C = acc + beta*C
const MODE_ADD: i32 = 2; // C = acc + C

// 4×8 micro-kernel over packed panels: pa holds kc groups of 4 A values
// (already scaled by alpha), pb holds kc groups of 8 B values. Writes the
// mr×nr top-left part of the tile into C (row stride ldc elements).
function micro(
  kc: i32, pa: usize, pb: usize, c: usize, ldc: i32,
  mr: i32, nr: i32, mode: i32, beta: f32, tile: usize,
): void {
  let c00 = f32x4.splat(0); let c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0); let c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0); let c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0); let c31 = f32x4.splat(0);
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    let a = v128.load32_splat(pa);
    c00 = fma(a, b0, c00); c01 = fma(a, b1, c01);
    a = v128.load32_splat(pa, 4);
    c10 = fma(a, b0, c10); c11 = fma(a, b1, c11);
    a = v128.load32_splat(pa, 8);
    c20 = fma(a, b0, c20); c21 = fma(a, b1, c21);
    a = v128.load32_splat(pa, 12);
    c30 = fma(a, b0, c30); c31 = fma(a, b1, c31);
    pa += 16;
    pb += 32;
  }
  const ldcb = <usize>(ldc << 2);
  if (mr == MR && nr == NR) {
    const r0 = c; const r1 = r0 + ldcb; const r2 = r1 + ldcb; const r3 = r2 + ldcb;
    if (mode == MODE_ADD) {
      c00 = f32x4.add(c00, v128.load(r0)); c01 = f32x4.add(c01, v128.load(r0, 16));
      c10 = f32x4.add(c10, v128.load(r1)); c11 = f32x4.add(c11, v128.load(r1, 16));
      c20 = f32x4.add(c20, v128.load(r2)); c21 = f32x4.add(c21, v128.load(r2, 16));
      c30 = f32x4.add(c30, v128.load(r3)); c31 = f32x4.add(c31, v128.load(r3, 16));
    } else if (mode == MODE_BETA) {
      const vb = f32x4.splat(beta);
      c00 = f32x4.add(c00, f32x4.mul(vb, v128.load(r0))); c01 = f32x4.add(c01, f32x4.mul(vb, v128.load(r0, 16)));
      c10 = f32x4.add(c10, f32x4.mul(vb, v128.load(r1))); c11 = f32x4.add(c11, f32x4.mul(vb, v128.load(r1, 16)));
      c20 = f32x4.add(c20, f32x4.mul(vb, v128.load(r2))); c21 = f32x4.add(c21, f32x4.mul(vb, v128.load(r2, 16)));
      c30 = f32x4.add(c30, f32x4.mul(vb, v128.load(r3))); c31 = f32x4.add(c31, f32x4.mul(vb, v128.load(r3, 16)));
    }
    v128.store(r0, c00); v128.store(r0, c01, 16);
    v128.store(r1, c10); v128.store(r1, c11, 16);
    v128.store(r2, c20); v128.store(r2, c21, 16);
    v128.store(r3, c30); v128.store(r3, c31, 16);
    return;
  }
  // Edge tile: spill to scratch, then update the valid part only.
  v128.store(tile, c00); v128.store(tile, c01, 16);
  v128.store(tile, c10, 32); v128.store(tile, c11, 48);
  v128.store(tile, c20, 64); v128.store(tile, c21, 80);
  v128.store(tile, c30, 96); v128.store(tile, c31, 112);
  for (let i = 0; i < mr; i++) {
    const row = c + <usize>i * ldcb;
    const t = tile + <usize>(i << 5);
    for (let j = 0; j < nr; j++) {
      const off = <usize>(j << 2);
      let v = load<f32>(t + off);
      if (mode == MODE_ADD) v += load<f32>(row + off);
      else if (mode == MODE_BETA) v += beta * load<f32>(row + off);
      store<f32>(row + off, v);
    }
  }
}

// Pack an mc×kc block of A (element (i,p) at src + (i*rs + p*cs)*4), scaled by
// alpha, into row panels of 4: dst[(i/4)*kc*4 + p*4 + i%4]. Short panels are
// zero-padded.
function packA(mc: i32, kc: i32, src: usize, rs: i32, cs: i32, alpha: f32, dst: usize): void {
  const va = f32x4.splat(alpha);
  for (let ir = 0; ir < mc; ir += MR) {
    const mr = min(MR, mc - ir);
    const base = src + <usize>((ir * rs) << 2);
    let d = dst + <usize>((ir * kc) << 2);
    if (mr == MR && cs == 1) {
      const rsb = <usize>(rs << 2);
      const r0 = base; const r1 = r0 + rsb; const r2 = r1 + rsb; const r3 = r2 + rsb;
      let p = 0;
      for (; p + 4 <= kc; p += 4) {
        const o = <usize>(p << 2);
        const v0 = f32x4.mul(v128.load(r0 + o), va);
        const v1 = f32x4.mul(v128.load(r1 + o), va);
        const v2 = f32x4.mul(v128.load(r2 + o), va);
        const v3 = f32x4.mul(v128.load(r3 + o), va);
        const t0 = v128.shuffle<f32>(v0, v1, 0, 4, 1, 5);
        const t1 = v128.shuffle<f32>(v0, v1, 2, 6, 3, 7);
        const t2 = v128.shuffle<f32>(v2, v3, 0, 4, 1, 5);
        const t3 = v128.shuffle<f32>(v2, v3, 2, 6, 3, 7);
        v128.store(d, v128.shuffle<f32>(t0, t2, 0, 1, 4, 5));
        v128.store(d, v128.shuffle<f32>(t0, t2, 2, 3, 6, 7), 16);
        v128.store(d, v128.shuffle<f32>(t1, t3, 0, 1, 4, 5), 32);
        v128.store(d, v128.shuffle<f32>(t1, t3, 2, 3, 6, 7), 48);
        d += 64;
      }
      for (; p < kc; p++) {
        const o = <usize>(p << 2);
        store<f32>(d, alpha * load<f32>(r0 + o));
        store<f32>(d, alpha * load<f32>(r1 + o), 4);
        store<f32>(d, alpha * load<f32>(r2 + o), 8);
        store<f32>(d, alpha * load<f32>(r3 + o), 12);
        d += 16;
      }
    } else if (mr == MR && rs == 1) {
      const csb = <usize>(cs << 2);
      let s = base;
      for (let p = 0; p < kc; p++) {
        v128.store(d, f32x4.mul(v128.load(s), va));
        s += csb;
        d += 16;
      }
    } else {
      for (let p = 0; p < kc; p++) {
        for (let i = 0; i < MR; i++) {
          let v: f32 = 0;
          if (i < mr) v = alpha * load<f32>(base + <usize>((i * rs + p * cs) << 2));
          store<f32>(d + <usize>(i << 2), v);
        }
        d += 16;
      }
    }
  }
}

// Pack a kc×nc block of B (element (p,j) at src + (p*rs + j*cs)*4) into column
// panels of 8: dst[(j/8)*kc*8 + p*8 + j%8]. Short panels are zero-padded.
function packB(kc: i32, nc: i32, src: usize, rs: i32, cs: i32, dst: usize): void {
  for (let jr = 0; jr < nc; jr += NR) {
    const nr = min(NR, nc - jr);
    const base = src + <usize>((jr * cs) << 2);
    let d = dst + <usize>((jr * kc) << 2);
    if (nr == NR && cs == 1) {
      const rsb = <usize>(rs << 2);
      let s = base;
      for (let p = 0; p < kc; p++) {
        v128.store(d, v128.load(s));
        v128.store(d, v128.load(s, 16), 16);
        s += rsb;
        d += 32;
      }
    } else if (nr == NR && rs == 1) {
      const csb = <usize>(cs << 2);
      const s0 = base; const s1 = s0 + csb; const s2 = s1 + csb; const s3 = s2 + csb;
      const s4 = s3 + csb; const s5 = s4 + csb; const s6 = s5 + csb; const s7 = s6 + csb;
      let p = 0;
      for (; p + 4 <= kc; p += 4) {
        const o = <usize>(p << 2);
        const v0 = v128.load(s0 + o); const v1 = v128.load(s1 + o);
        const v2 = v128.load(s2 + o); const v3 = v128.load(s3 + o);
        let t0 = v128.shuffle<f32>(v0, v1, 0, 4, 1, 5);
        let t1 = v128.shuffle<f32>(v0, v1, 2, 6, 3, 7);
        let t2 = v128.shuffle<f32>(v2, v3, 0, 4, 1, 5);
        let t3 = v128.shuffle<f32>(v2, v3, 2, 6, 3, 7);
        v128.store(d, v128.shuffle<f32>(t0, t2, 0, 1, 4, 5));
        v128.store(d, v128.shuffle<f32>(t0, t2, 2, 3, 6, 7), 32);
        v128.store(d, v128.shuffle<f32>(t1, t3, 0, 1, 4, 5), 64);
        v128.store(d, v128.shuffle<f32>(t1, t3, 2, 3, 6, 7), 96);
        const w0 = v128.load(s4 + o); const w1 = v128.load(s5 + o);
        const w2 = v128.load(s6 + o); const w3 = v128.load(s7 + o);
        t0 = v128.shuffle<f32>(w0, w1, 0, 4, 1, 5);
        t1 = v128.shuffle<f32>(w0, w1, 2, 6, 3, 7);
        t2 = v128.shuffle<f32>(w2, w3, 0, 4, 1, 5);
        t3 = v128.shuffle<f32>(w2, w3, 2, 6, 3, 7);
        v128.store(d, v128.shuffle<f32>(t0, t2, 0, 1, 4, 5), 16);
        v128.store(d, v128.shuffle<f32>(t0, t2, 2, 3, 6, 7), 48);
        v128.store(d, v128.shuffle<f32>(t1, t3, 0, 1, 4, 5), 80);
        v128.store(d, v128.shuffle<f32>(t1, t3, 2, 3, 6, 7), 112);
        d += 128;
      }
      for (; p < kc; p++) {
        for (let j = 0; j < NR; j++) {
          store<f32>(d + <usize>(j << 2), load<f32>(base + <usize>((p + j * cs) << 2)));
        }
        d += 32;
      }
    } else {
      for (let p = 0; p < kc; p++) {
        for (let j = 0; j < NR; j++) {
          let v: f32 = 0;
          if (j < nr) v = load<f32>(base + <usize>((p * rs + j * cs) << 2));
          store<f32>(d + <usize>(j << 2), v);
        }
        d += 32;
      }
    }
  }
}

// C = beta*C on an m×n block (beta = 0 writes zeros, so NaN garbage is cleared).
function scaleC(m: i32, n: i32, c: usize, ldc: i32, beta: f32): void {
  for (let i = 0; i < m; i++) {
    const row = c + <usize>((i * ldc) << 2);
    for (let j = 0; j < n; j++) {
      const off = <usize>(j << 2);
      store<f32>(row + off, beta == 0 ? <f32>0 : beta * load<f32>(row + off));
    }
  }
}

/** Bytes of scratch one gemm call needs for the given blocking. */
export function workBytes(mc: i32, kc: i32, nc: i32): i32 {
  const mcp = (mc + MR - 1) / MR * MR;
  const ncp = (nc + NR - 1) / NR * NR;
  return ((mcp * kc + ncp * kc) << 2) + 128 + 64;
}

/**
 * C[m×n] = alpha·A[m×k]·B[k×n] + beta·C over float32 data in linear memory.
 * `work` is a 64-byte-aligned scratch area of workBytes(mc, kc, nc) bytes.
 */
export function gemm(
  m: i32, n: i32, k: i32,
  a: usize, ars: i32, acs: i32,
  b: usize, brs: i32, bcs: i32,
  c: usize, ldc: i32,
  alpha: f32, beta: f32,
  work: usize, mcB: i32, kcB: i32, ncB: i32,
): void {
  if (m <= 0 || n <= 0) return;
  if (k <= 0 || alpha == 0) {
    if (beta != 1) scaleC(m, n, c, ldc, beta);
    return;
  }
  const mcp = (mcB + MR - 1) / MR * MR;
  const pa = work;
  const pb = work + <usize>((mcp * kcB) << 2);
  const ncp = (ncB + NR - 1) / NR * NR;
  const tile = pb + <usize>((ncp * kcB) << 2);
  for (let jc = 0; jc < n; jc += ncB) {
    const nc = min(ncB, n - jc);
    for (let pc = 0; pc < k; pc += kcB) {
      const kc = min(kcB, k - pc);
      packB(kc, nc, b + <usize>((pc * brs + jc * bcs) << 2), brs, bcs, pb);
      const mode = pc > 0 || beta == 1 ? MODE_ADD : (beta == 0 ? MODE_SET : MODE_BETA);
      for (let ic = 0; ic < m; ic += mcB) {
        const mc = min(mcB, m - ic);
        packA(mc, kc, a + <usize>((ic * ars + pc * acs) << 2), ars, acs, alpha, pa);
        const cBlock = c + <usize>((ic * ldc + jc) << 2);
        for (let jr = 0; jr < nc; jr += NR) {
          const nr = min(NR, nc - jr);
          const pbj = pb + <usize>((jr * kc) << 2);
          for (let ir = 0; ir < mc; ir += MR) {
            const mr = min(MR, mc - ir);
            micro(kc, pa + <usize>((ir * kc) << 2), pbj,
              cBlock + <usize>((ir * ldc + jr) << 2), ldc, mr, nr, mode, beta, tile);
          }
        }
      }
    }
  }
}

// ---- multi-threaded GEMM -------------------------------------------------------
//
// Every participating thread runs runTasks (tasks.ts) on one shared job record:
// it claims tiles from a shared counter until none are left. Dynamic claiming
// keeps the call fast when a worker is slow to wake or is descheduled: the
// caller simply takes more tiles, and only waits for tiles already claimed.
// Two tilings:
//   MODE_SHARED_B  the caller packed all of B once (packBFull); a tile is a block
//                  of C rows × columns and packs only its A rows (square-ish GEMMs)
//   MODE_SELF      a tile is a block of C computed by a plain gemm() that packs
//                  its own A and B (one small dimension: nothing big is packed twice)
// (No K-slice tiling: which thread sums which slices would depend on timing,
// and the rounding with it; see WasmRuntime.plan.)
//
// Job record (int32 words at `job`, byte offsets JOB_* below). CLAIM holds
// (gen << 12) | nextTile while the job is open and 0xfff while it is closed; the
// caller closes it before rewriting the record for the next job. A tile is
// claimed with compare-exchange, so a thread that read CLAIM during an older job
// can never take a tile of a newer one, and the record cannot change while a
// claimed tile is still running (the caller waits for COMPLETED = TILES).
// Words 21 and 22 are used by the JavaScript side (sleep flag, failure flag).

const JOB_CLAIM: usize = 0;
export const JOB_COMPLETED: usize = 4;
export const JOB_MODE: usize = 8;
const JOB_M: usize = 12;
const JOB_N: usize = 16;
const JOB_K: usize = 20;
const JOB_A: usize = 24;
const JOB_ARS: usize = 28;
const JOB_ACS: usize = 32;
const JOB_PB: usize = 36;
const JOB_NPAD: usize = 40;
const JOB_C: usize = 44;
const JOB_LDC: usize = 48;
const JOB_ALPHA: usize = 52;
const JOB_BETA: usize = 56;
export const JOB_MC: usize = 60;
export const JOB_KC: usize = 64;
const JOB_TM: usize = 68; // rows per tile
const JOB_TN: usize = 72;
const JOB_COLTILES: usize = 76;
export const JOB_TILES: usize = 80;
const JOB_B: usize = 92;
const JOB_BRS: usize = 96;
const JOB_BCS: usize = 100;
export const JOB_NC: usize = 104;

const MODE_SHARED_B: i32 = 0;
const MODE_SELF: i32 = 1;

/**
 * Packs all of B (k×n, element (p,j) at b + (p*brs + j*bcs)*4) for MODE_SHARED_B tiles:
 * for each kc-block starting at row pc, the 8-column panels of that block
 * (kcur×8 each) start at dst + (pc*npad + j)*4, npad = n rounded up to 8.
 */
export function packBFull(k: i32, n: i32, b: usize, brs: i32, bcs: i32, dst: usize, kcB: i32): void {
  const npad = (n + NR - 1) / NR * NR;
  for (let pc = 0; pc < k; pc += kcB) {
    const kc = min(kcB, k - pc);
    packB(kc, n, b + <usize>((pc * brs) << 2), brs, bcs, dst + <usize>((pc * npad) << 2));
  }
}

// One C tile of MODE_SHARED_B: rows [i0, i0+mt) × columns [j0, j0+nt) over all of K.
function runSharedTile(
  mt: i32, nt: i32, k: i32, a: usize, ars: i32, acs: i32,
  pbBase: usize, npad: i32, j0: i32, c: usize, ldc: i32,
  alpha: f32, beta: f32, work: usize, mcB: i32, kcB: i32,
): void {
  const mcp = (mcB + MR - 1) / MR * MR;
  const tile = work + <usize>((mcp * kcB) << 2);
  for (let pc = 0; pc < k; pc += kcB) {
    const kc = min(kcB, k - pc);
    const mode = pc > 0 || beta == 1 ? MODE_ADD : (beta == 0 ? MODE_SET : MODE_BETA);
    const pb = pbBase + <usize>((pc * npad + j0 * kc) << 2);
    for (let ic = 0; ic < mt; ic += mcB) {
      const mc = min(mcB, mt - ic);
      packA(mc, kc, a + <usize>((ic * ars + pc * acs) << 2), ars, acs, alpha, work);
      const cBlock = c + <usize>((ic * ldc) << 2);
      for (let jr = 0; jr < nt; jr += NR) {
        const nr = min(NR, nt - jr);
        const pbj = pb + <usize>((jr * kc) << 2);
        for (let ir = 0; ir < mc; ir += MR) {
          const mr = min(MR, mc - ir);
          micro(kc, work + <usize>((ir * kc) << 2), pbj,
            cBlock + <usize>((ir * ldc + jr) << 2), ldc, mr, nr, mode, beta, tile);
        }
      }
    }
  }
}

/** Claims the next tile of the open job at `job`: its index, or -1 when none is left (or the job is closed). */
export function claimTile(job: usize): i32 {
  for (;;) {
    const w = atomic.load<i32>(job + JOB_CLAIM);
    const t = w & 0xfff;
    if (t == 0xfff || t >= load<i32>(job, JOB_TILES)) return -1;
    if (atomic.cmpxchg<i32>(job + JOB_CLAIM, w, w + 1) == w) return t;
  }
  return -1; // not reached: the loop only exits by returning
}

/**
 * Computes tile `t` of the GEMM job at `job` (claimed by the caller with
 * claimTile). `work` is this thread's packing scratch (workBytes(mc, kc, nc)
 * bytes). See tasks.ts for the loop that claims tiles.
 */
export function gemmTile(job: usize, work: usize, t: i32): void {
  const mode = load<i32>(job, JOB_MODE);
  const m = load<i32>(job, JOB_M);
  const n = load<i32>(job, JOB_N);
  const k = load<i32>(job, JOB_K);
  const a = load<u32>(job, JOB_A);
  const ars = load<i32>(job, JOB_ARS);
  const acs = load<i32>(job, JOB_ACS);
  const b = load<u32>(job, JOB_B);
  const brs = load<i32>(job, JOB_BRS);
  const bcs = load<i32>(job, JOB_BCS);
  const c = load<u32>(job, JOB_C);
  const ldc = load<i32>(job, JOB_LDC);
  const alpha = load<f32>(job, JOB_ALPHA);
  const beta = load<f32>(job, JOB_BETA);
  const mcB = load<i32>(job, JOB_MC);
  const kcB = load<i32>(job, JOB_KC);
  const tm = load<i32>(job, JOB_TM);
  const tn = load<i32>(job, JOB_TN);
  const colTiles = load<i32>(job, JOB_COLTILES);
  const i0 = (t / colTiles) * tm;
  const j0 = (t % colTiles) * tn;
  const mt = min(tm, m - i0);
  const nt = min(tn, n - j0);
  if (mt <= 0 || nt <= 0) return;
  const at = a + <usize>((i0 * ars) << 2);
  const ct = c + <usize>((i0 * ldc + j0) << 2);
  if (mode == MODE_SHARED_B) {
    runSharedTile(mt, nt, k, at, ars, acs, load<u32>(job, JOB_PB), load<i32>(job, JOB_NPAD), j0,
      ct, ldc, alpha, beta, work, mcB, kcB);
  } else if (mode == MODE_SELF) {
    gemm(mt, nt, k, at, ars, acs, b + <usize>((j0 * bcs) << 2), brs, bcs, ct, ldc, alpha, beta,
      work, mcB, kcB, load<i32>(job, JOB_NC));
  }
}

/** C[i, j] += src[i*n + j] over an m×n block (sums partial products, e.g. conv weight-gradient slices). */
export function addInto(m: i32, n: i32, src: usize, c: usize, ldc: i32): void {
  const n4 = n & ~3;
  for (let i = 0; i < m; i++) {
    const row = c + <usize>((i * ldc) << 2);
    const s = src + <usize>((i * n) << 2);
    let j = 0;
    for (; j < n4; j += 4) {
      const o = <usize>(j << 2);
      v128.store(row + o, f32x4.add(v128.load(row + o), v128.load(s + o)));
    }
    for (; j < n; j++) {
      const o = <usize>(j << 2);
      store<f32>(row + o, load<f32>(row + o) + load<f32>(s + o));
    }
  }
}
