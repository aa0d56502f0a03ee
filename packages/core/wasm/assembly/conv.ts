// Data movement around the im2col GEMMs of conv2d (groups = 1), so the whole
// convolution stays in wasm memory: im2col, its adjoint col2im, and the
// layout changes between the GEMM's [O, N·L] and the tensor's [N, O, L].
// Layouts and results match src/ops/conv.ts exactly (pure copies and sums in
// the same order; no arithmetic is reassociated).
//
// Geometry words (int32, see GEO_* below) are read from a small record so the
// exports keep short signatures.

const GEO_N: i32 = 0;
const GEO_C: i32 = 1;
const GEO_H: i32 = 2;
const GEO_W: i32 = 3;
const GEO_KH: i32 = 4;
const GEO_KW: i32 = 5;
const GEO_SH: i32 = 6;
const GEO_SW: i32 = 7;
const GEO_PH: i32 = 8;
const GEO_PW: i32 = 9;
const GEO_DH: i32 = 10;
const GEO_DW: i32 = 11;
const GEO_OH: i32 = 12;
const GEO_OW: i32 = 13;

@inline function geo(g: usize, i: i32): i32 {
  return load<i32>(g + (<usize>i << 2));
}

/** Output columns x in [lo, hi) read input column x*sw + off inside [0, w); packed as lo | hi << 16. */
@inline function validRange(ow: i32, w: i32, sw: i32, off: i32): i32 {
  let lo: i32 = 0;
  if (off < 0) lo = min(ow, (-off + sw - 1) / sw);
  // floor((w - 1 - off) / sw) + 1 for a possibly negative numerator.
  const num = w - 1 - off;
  let hi: i32 = num < 0 ? 0 : min(ow, num / sw + 1);
  if (hi < lo) hi = lo;
  return lo | (hi << 16);
}

/**
 * Unit stride with output rows as wide as input rows: the valid rows of one
 * (channel, tap, sample) block are one contiguous run of the input, shifted by
 * `off`; copy it at once, then zero what fell outside the image (the columns
 * that wrapped around a row edge, and the padded rows). As in src/ops/conv.ts.
 */
function blockRows(src: usize, col: usize, p: i32, plane: i32, h: i32, w: i32, oh: i32, ow: i32, rowOff: i32, off: i32, lo: i32, hi: i32): void {
  const ylo = min(oh, max(0, -rowOff));
  const yhi = max(ylo, min(oh, h - rowOff));
  if (yhi > ylo) {
    const s = plane + (ylo + rowOff) * w + off;
    const a = ylo * ow + lo;
    const e = (yhi - 1) * ow + hi;
    memory.copy(col + (<usize>(p + a) << 2), src + (<usize>(s + a - ylo * ow) << 2), <usize>(e - a) << 2);
    for (let y = ylo; y < yhi; y++) {
      const r = col + (<usize>(p + y * ow) << 2);
      for (let x: i32 = 0; x < lo; x++) store<f32>(r + (<usize>x << 2), 0);
      for (let x = hi; x < ow; x++) store<f32>(r + (<usize>x << 2), 0);
    }
  }
  memory.fill(col + (<usize>p << 2), 0, <usize>(ylo * ow) << 2);
  memory.fill(col + (<usize>(p + yhi * ow) << 2), 0, <usize>((oh - yhi) * ow) << 2);
}

/**
 * col[(ci*kh + i)*kw + j][b*L + y*ow + x] = x[b, ci, y*sh + i*dh - ph, x*sw + j*dw - pw] (0 outside)
 * for the `n` samples starting at `src` (a slice of the batch; the rest of the geometry from `geom`).
 */
export function im2colN(geom: usize, src: usize, col: usize, n: i32): void {
  const c = geo(geom, GEO_C), h = geo(geom, GEO_H), w = geo(geom, GEO_W);
  const kh = geo(geom, GEO_KH), kw = geo(geom, GEO_KW), sh = geo(geom, GEO_SH), sw = geo(geom, GEO_SW);
  const ph = geo(geom, GEO_PH), pw = geo(geom, GEO_PW), dh = geo(geom, GEO_DH), dw = geo(geom, GEO_DW);
  const oh = geo(geom, GEO_OH), ow = geo(geom, GEO_OW);
  const L = oh * ow;
  const cols = n * L;
  const hw = h * w;
  for (let j: i32 = 0; j < kw; j++) {
    const off = j * dw - pw;
    const r = validRange(ow, w, sw, off);
    const lo = r & 0xffff, hi = r >>> 16;
    for (let ci: i32 = 0; ci < c; ci++) {
      for (let i: i32 = 0; i < kh; i++) {
        const row = ((ci * kh + i) * kw + j) * cols;
        const rowOff = i * dh - ph;
        for (let b: i32 = 0; b < n; b++) {
          const plane = (b * c + ci) * hw;
          let p = row + b * L;
          if (sh == 1 && sw == 1 && ow == w && hi > lo) {
            blockRows(src, col, p, plane, h, w, oh, ow, rowOff, off, lo, hi);
            continue;
          }
          for (let y: i32 = 0; y < oh; y++, p += ow) {
            const dst = col + (<usize>p << 2);
            const iy = y * sh + rowOff;
            if (iy < 0 || iy >= h) {
              memory.fill(dst, 0, <usize>ow << 2);
              continue;
            }
            if (lo > 0) memory.fill(dst, 0, <usize>lo << 2);
            const s = plane + iy * w + off;
            if (sw == 1) {
              memory.copy(dst + (<usize>lo << 2), src + (<usize>(s + lo) << 2), <usize>(hi - lo) << 2);
            } else {
              for (let x = lo; x < hi; x++) store<f32>(dst + (<usize>x << 2), load<f32>(src + (<usize>(s + x * sw) << 2)));
            }
            if (hi < ow) memory.fill(dst + (<usize>hi << 2), 0, <usize>(ow - hi) << 2);
          }
        }
      }
    }
  }
}

/**
 * dst[b, ci, iy, ix] += col[...] for every column entry that im2col read from there, over the `n`
 * samples starting at `dst` (pre-zeroed by the caller).
 */
export function col2imN(geom: usize, col: usize, dst: usize, n: i32): void {
  const c = geo(geom, GEO_C), h = geo(geom, GEO_H), w = geo(geom, GEO_W);
  const kh = geo(geom, GEO_KH), kw = geo(geom, GEO_KW), sh = geo(geom, GEO_SH), sw = geo(geom, GEO_SW);
  const ph = geo(geom, GEO_PH), pw = geo(geom, GEO_PW), dh = geo(geom, GEO_DH), dw = geo(geom, GEO_DW);
  const oh = geo(geom, GEO_OH), ow = geo(geom, GEO_OW);
  const L = oh * ow;
  const cols = n * L;
  const hw = h * w;
  // Same loop order as the TypeScript col2im, so the float32 sums round identically.
  for (let j: i32 = 0; j < kw; j++) {
    const off = j * dw - pw;
    const r = validRange(ow, w, sw, off);
    const lo = r & 0xffff, hi = r >>> 16;
    for (let ci: i32 = 0; ci < c; ci++) {
      for (let i: i32 = 0; i < kh; i++) {
        const row = ((ci * kh + i) * kw + j) * cols;
        const rowOff = i * dh - ph;
        for (let b: i32 = 0; b < n; b++) {
          const plane = (b * c + ci) * hw;
          let p = row + b * L;
          for (let y: i32 = 0; y < oh; y++, p += ow) {
            const iy = y * sh + rowOff;
            if (iy < 0 || iy >= h) continue;
            const s = plane + iy * w + off;
            const from = col + (<usize>p << 2);
            if (sw == 1) {
              const d = dst + (<usize>s << 2);
              let x = lo;
              for (; x + 4 <= hi; x += 4) {
                const a = d + (<usize>x << 2);
                v128.store(a, f32x4.add(v128.load(a), v128.load(from + (<usize>x << 2))));
              }
              for (; x < hi; x++) {
                const a = d + (<usize>x << 2);
                store<f32>(a, load<f32>(a) + load<f32>(from + (<usize>x << 2)));
              }
            } else {
              for (let x = lo; x < hi; x++) {
                const a = dst + (<usize>(s + x * sw) << 2);
                store<f32>(a, load<f32>(a) + load<f32>(from + (<usize>x << 2)));
              }
            }
          }
        }
      }
    }
  }
}

/** out[b, oc, l] = tmp[oc, b, l] + bias[oc] (hasBias = 0: no bias), then the ReLU of unaryF32 when relu ≠ 0 (v <= 0 ? 0 : v; NaN stays NaN). */
export function gemmToNchwRelu(tmp: usize, o: i32, n: i32, L: i32, bias: usize, hasBias: i32, relu: i32, out: usize): void {
  const zero = f32x4.splat(0);
  for (let oc: i32 = 0; oc < o; oc++) {
    const bv = hasBias ? load<f32>(bias + (<usize>oc << 2)) : <f32>0;
    const vb = f32x4.splat(bv);
    for (let b: i32 = 0; b < n; b++) {
      const from = tmp + (<usize>((oc * n + b) * L) << 2);
      const to = out + (<usize>((b * o + oc) * L) << 2);
      if (!hasBias && !relu) {
        memory.copy(to, from, <usize>L << 2);
        continue;
      }
      let l: i32 = 0;
      if (relu) {
        for (; l + 4 <= L; l += 4) {
          const v = f32x4.add(v128.load(from + (<usize>l << 2)), vb);
          v128.store(to + (<usize>l << 2), v128.andnot(v, f32x4.le(v, zero)));
        }
        for (; l < L; l++) {
          const v = load<f32>(from + (<usize>l << 2)) + bv;
          store<f32>(to + (<usize>l << 2), v <= 0 ? <f32>0 : v);
        }
        continue;
      }
      for (; l + 4 <= L; l += 4) v128.store(to + (<usize>l << 2), f32x4.add(v128.load(from + (<usize>l << 2)), vb));
      for (; l < L; l++) store<f32>(to + (<usize>l << 2), load<f32>(from + (<usize>l << 2)) + bv);
    }
  }
}

/** gg[oc, b, l] = gd[b, oc, l] (the output gradient in the GEMM's layout). */
export function nchwToGemmF32(gd: usize, o: i32, n: i32, L: i32, gg: usize): void {
  for (let oc: i32 = 0; oc < o; oc++) {
    for (let b: i32 = 0; b < n; b++) {
      memory.copy(gg + (<usize>((oc * n + b) * L) << 2), gd + (<usize>((b * o + oc) * L) << 2), <usize>L << 2);
    }
  }
}

/**
 * db[oc] = Σ_b Σ_l gd[b, oc, l]: each (b, oc) run summed in float64 (two lanes,
 * combined at the end), then added to a float32 total in batch order, like the
 * TypeScript reference up to float64 rounding.
 */
export function biasGradF32(gd: usize, o: i32, n: i32, L: i32, db: usize): void {
  for (let oc: i32 = 0; oc < o; oc++) {
    let acc: f32 = 0;
    for (let b: i32 = 0; b < n; b++) {
      const row = gd + (<usize>((b * o + oc) * L) << 2);
      let v = f64x2.splat(0);
      let l: i32 = 0;
      for (; l + 2 <= L; l += 2) v = f64x2.add(v, f64x2.promote_low_f32x4(v128.load64_zero(row + (<usize>l << 2))));
      let s = f64x2.extract_lane(v, 0) + f64x2.extract_lane(v, 1);
      for (; l < L; l++) s += <f64>load<f32>(row + (<usize>l << 2));
      acc = <f32>(<f64>acc + s);
    }
    store<f32>(db + (<usize>oc << 2), acc);
  }
}
