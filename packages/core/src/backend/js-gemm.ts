/**
 * Pure-TypeScript GEMM: cache blocking over K and N with packed panels and a
 * 4×4 register-tiled micro-kernel (16 accumulators held in locals). Packing
 * also absorbs arbitrary strides, so transposed operands cost nothing extra.
 */
import type { FloatArray, MatrixRef } from './backend.js';

const MR = 4;
const NR = 4;
const KC = 256;
const NC = 1024;
const MC = 64;

let packA: Float64Array = new Float64Array(MC * KC);
let packB: Float64Array = new Float64Array(KC * NC);

function ensure(size: number, buf: Float64Array): Float64Array {
  return buf.length >= size ? buf : new Float64Array(size);
}

/** Packs a mc×kc block of A into row panels of MR rows, zero-padded: panel[p][k*MR + r]. */
function packABlock(a: MatrixRef, i0: number, k0: number, mc: number, kc: number, dst: Float64Array): void {
  const { data, offset, rowStride: rs, colStride: cs } = a;
  let w = 0;
  for (let ip = 0; ip < mc; ip += MR) {
    const rows = Math.min(MR, mc - ip);
    for (let k = 0; k < kc; k++) {
      const base = offset + (i0 + ip) * rs + (k0 + k) * cs;
      for (let r = 0; r < MR; r++) dst[w++] = r < rows ? data[base + r * rs] : 0;
    }
  }
}

/** Packs a kc×nc block of B into column panels of NR columns, zero-padded: panel[p][k*NR + c]. */
function packBBlock(b: MatrixRef, k0: number, j0: number, kc: number, nc: number, dst: Float64Array): void {
  const { data, offset, rowStride: rs, colStride: cs } = b;
  let w = 0;
  for (let jp = 0; jp < nc; jp += NR) {
    const cols = Math.min(NR, nc - jp);
    for (let k = 0; k < kc; k++) {
      const base = offset + (k0 + k) * rs + (j0 + jp) * cs;
      if (cols === NR && cs === 1) {
        dst[w] = data[base];
        dst[w + 1] = data[base + 1];
        dst[w + 2] = data[base + 2];
        dst[w + 3] = data[base + 3];
        w += 4;
      } else {
        for (let c = 0; c < NR; c++) dst[w++] = c < cols ? data[base + c * cs] : 0;
      }
    }
  }
}

function microKernel(kc: number, pa: Float64Array, aOff: number, pb: Float64Array, bOff: number, c: FloatArray, cOff: number, ldc: number, rows: number, cols: number, alpha: number): void {
  let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
  let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
  let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
  let c30 = 0, c31 = 0, c32 = 0, c33 = 0;
  let ia = aOff;
  let ib = bOff;
  for (let k = 0; k < kc; k++) {
    const a0 = pa[ia], a1 = pa[ia + 1], a2 = pa[ia + 2], a3 = pa[ia + 3];
    const b0 = pb[ib], b1 = pb[ib + 1], b2 = pb[ib + 2], b3 = pb[ib + 3];
    c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
    c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
    c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
    c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
    ia += 4;
    ib += 4;
  }
  if (rows === 4 && cols === 4) {
    let p = cOff;
    c[p] += alpha * c00; c[p + 1] += alpha * c01; c[p + 2] += alpha * c02; c[p + 3] += alpha * c03; p += ldc;
    c[p] += alpha * c10; c[p + 1] += alpha * c11; c[p + 2] += alpha * c12; c[p + 3] += alpha * c13; p += ldc;
    c[p] += alpha * c20; c[p + 1] += alpha * c21; c[p + 2] += alpha * c22; c[p + 3] += alpha * c23; p += ldc;
    c[p] += alpha * c30; c[p + 1] += alpha * c31; c[p + 2] += alpha * c32; c[p + 3] += alpha * c33;
    return;
  }
  const acc = [c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33];
  for (let r = 0; r < rows; r++) for (let q = 0; q < cols; q++) c[cOff + r * ldc + q] += alpha * acc[r * 4 + q];
}

/** C = alpha·A·B + beta·C, C dense row-major with leading dimension ldc. */
export function jsGemm(m: number, n: number, k: number, alpha: number, a: MatrixRef, b: MatrixRef, beta: number, c: FloatArray, cOffset: number, ldc: number): void {
  // beta = 0 must overwrite (C may hold garbage or NaN), as in BLAS.
  for (let i = 0; i < m; i++) {
    const row = cOffset + i * ldc;
    if (beta === 0) c.fill(0, row, row + n);
    else if (beta !== 1) for (let j = 0; j < n; j++) c[row + j] *= beta;
  }
  if (k === 0 || alpha === 0 || m === 0 || n === 0) return;
  if (m * n * k < 4096) {
    // Tiny products: packing costs more than it saves.
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        let pa = a.offset + i * a.rowStride;
        let pb = b.offset + j * b.colStride;
        for (let p = 0; p < k; p++, pa += a.colStride, pb += b.rowStride) s += a.data[pa] * b.data[pb];
        c[cOffset + i * ldc + j] += alpha * s;
      }
    }
    return;
  }
  for (let j0 = 0; j0 < n; j0 += NC) {
    const nc = Math.min(NC, n - j0);
    for (let k0 = 0; k0 < k; k0 += KC) {
      const kc = Math.min(KC, k - k0);
      packB = ensure(kc * (Math.ceil(nc / NR) * NR), packB);
      packBBlock(b, k0, j0, kc, nc, packB);
      for (let i0 = 0; i0 < m; i0 += MC) {
        const mc = Math.min(MC, m - i0);
        packA = ensure(kc * (Math.ceil(mc / MR) * MR), packA);
        packABlock(a, i0, k0, mc, kc, packA);
        for (let jp = 0; jp < nc; jp += NR) {
          const cols = Math.min(NR, nc - jp);
          const bOff = (jp / NR) * kc * NR;
          for (let ip = 0; ip < mc; ip += MR) {
            const rows = Math.min(MR, mc - ip);
            microKernel(kc, packA, (ip / MR) * kc * MR, packB, bOff, c, cOffset + (i0 + ip) * ldc + j0 + jp, ldc, rows, cols, alpha);
          }
        }
      }
    }
  }
}
