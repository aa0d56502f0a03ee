// Max pooling with 2×2 windows and stride 2 over dense [planes, h, w] float32
// planes (the windows lie inside the input: 2·oh ≤ h, 2·ow ≤ w). Writes the
// maxima to `out` [planes, oh, ow] and, to `arg`, the element index (into the
// whole input) each maximum came from. Same results as the TypeScript loop:
// within a window the first maximum in row-major order wins, and a NaN wins
// (the first NaN in row-major order).

/** Scalar window: reference semantics, NaN-aware. */
function window2(src: usize, i0: i32, w: i32, out: usize, arg: usize, p: i32): void {
  let best = load<f32>(src + (<usize>i0 << 2));
  let bi = i0;
  if (best == best) {
    const b = load<f32>(src + (<usize>(i0 + 1) << 2));
    if (b > best || b != b) { best = b; bi = i0 + 1; }
  }
  if (best == best) {
    const c = load<f32>(src + (<usize>(i0 + w) << 2));
    if (c > best || c != c) { best = c; bi = i0 + w; }
  }
  if (best == best) {
    const d = load<f32>(src + (<usize>(i0 + w + 1) << 2));
    if (d > best || d != d) { best = d; bi = i0 + w + 1; }
  }
  store<f32>(out + (<usize>p << 2), best);
  store<i32>(arg + (<usize>p << 2), bi);
}

export function maxPool2x2F32(src: usize, planes: i32, h: i32, w: i32, oh: i32, ow: i32, out: usize, arg: usize): void {
  let p: i32 = 0;
  for (let pl: i32 = 0; pl < planes; pl++) {
    const base = pl * h * w;
    for (let oy: i32 = 0; oy < oh; oy++, p += ow) {
      const rowStart = base + 2 * oy * w;
      if (ow < 4) {
        for (let ox: i32 = 0; ox < ow; ox++) window2(src, rowStart + 2 * ox, w, out, arg, p + ox);
        continue;
      }
      let ox: i32 = 0;
      for (; ox + 4 <= ow; ox += 4) window4(src, rowStart, ox, w, out, arg, p);
      // The last windows as one more group of four, overlapping the previous one (it writes
      // the same values there), rather than one at a time.
      if (ox < ow) window4(src, rowStart, ow - 4, w, out, arg, p);
    }
  }
}

/** Windows ox … ox+3 of the output row starting at p, whose input rows start at rowStart. */
@inline function window4(src: usize, rowStart: i32, ox: i32, w: i32, out: usize, arg: usize, p: i32): void {
  const i0 = rowStart + 2 * ox;
  const top = src + (<usize>i0 << 2);
  const bot = src + (<usize>(i0 + w) << 2);
  const t0 = v128.load(top);
  const t1 = v128.load(top, 16);
  const b0 = v128.load(bot);
  const b1 = v128.load(bot, 16);
  const A = v128.shuffle<f32>(t0, t1, 0, 2, 4, 6);
  const B = v128.shuffle<f32>(t0, t1, 1, 3, 5, 7);
  const C = v128.shuffle<f32>(b0, b1, 0, 2, 4, 6);
  const D = v128.shuffle<f32>(b0, b1, 1, 3, 5, 7);
  const nan = v128.or(v128.or(f32x4.ne(A, A), f32x4.ne(B, B)), v128.or(f32x4.ne(C, C), f32x4.ne(D, D)));
  const q = p + ox;
  if (v128.any_true(nan)) {
    for (let k: i32 = 0; k < 4; k++) window2(src, i0 + 2 * k, w, out, arg, q + k);
    return;
  }
  const s1 = f32x4.gt(B, A);
  const AB = v128.bitselect(B, A, s1);
  const s2 = f32x4.gt(D, C);
  const CD = v128.bitselect(D, C, s2);
  const s3 = f32x4.gt(CD, AB);
  const M = v128.bitselect(CD, AB, s3);
  const offTop = i32x4.neg(s1);
  const offBot = i32x4.sub(i32x4.splat(w), s2);
  const off = v128.bitselect(offBot, offTop, s3);
  v128.store(out + (<usize>q << 2), M);
  v128.store(arg + (<usize>q << 2), i32x4.add(i32x4.add(i32x4.splat(i0), i32x4(0, 2, 4, 6)), off));
}

/**
 * Max-pooling backward: dx (n elements, zeroed here) gets g[i] added at
 * arg[i] for each of the m outputs (arg < 0: no input), in output order.
 */
export function maxPoolGradF32(arg: usize, g: usize, m: i32, dx: usize, n: i32): void {
  memory.fill(dx, 0, <usize>n << 2);
  for (let i: i32 = 0; i < m; i++) {
    const a = load<i32>(arg + (<usize>i << 2));
    if (a < 0) continue;
    const p = dx + (<usize>a << 2);
    store<f32>(p, load<f32>(p) + load<f32>(g + (<usize>i << 2)));
  }
}

// Max pooling with any kernel, stride, padding, dilation and ceil-mode overhang
// over dense [planes, h, w] float32 planes. geom holds i32 n, c, h, w, kh, kw,
// sh, sw, ph, pw, dh, dw, oh, ow. Same results as the general TypeScript loop:
// cells outside the input are skipped, the first maximum wins, and a NaN wins
// and ends its window (the first NaN in row-major order, as in the 2×2 kernel).
// A window with no cell inside gets -Infinity and arg -1.
export function maxPoolF32(geom: usize, src: usize, out: usize, arg: usize): void {
  maxPoolPlanes(geom, load<i32>(geom) * load<i32>(geom, 4), src, out, arg);
}

/** maxPoolF32 over `planes` planes from `src` (the geometry's n and c are not read). */
export function maxPoolPlanes(geom: usize, planes: i32, src: usize, out: usize, arg: usize): void {
  const h = load<i32>(geom, 8), w = load<i32>(geom, 12);
  const kh = load<i32>(geom, 16), kw = load<i32>(geom, 20);
  const sh = load<i32>(geom, 24), sw = load<i32>(geom, 28);
  const ph = load<i32>(geom, 32), pw = load<i32>(geom, 36);
  const dh = load<i32>(geom, 40), dw = load<i32>(geom, 44);
  const oh = load<i32>(geom, 48), ow = load<i32>(geom, 52);
  let p: i32 = 0;
  for (let pl: i32 = 0; pl < planes; pl++) {
    const base = pl * h * w;
    for (let oy: i32 = 0; oy < oh; oy++) {
      const y0 = oy * sh - ph;
      for (let ox: i32 = 0; ox < ow; ox++, p++) {
        const x0 = ox * sw - pw;
        let best: f32 = -Infinity;
        let bi: i32 = -1;
        for (let i: i32 = 0; i < kh; i++) {
          const iy = y0 + i * dh;
          if (iy < 0 || iy >= h) continue;
          const row = base + iy * w;
          for (let j: i32 = 0; j < kw; j++) {
            const ix = x0 + j * dw;
            if (ix < 0 || ix >= w) continue;
            const v = load<f32>(src + (<usize>(row + ix) << 2));
            if (v > best || bi < 0 || v != v) {
              best = v;
              bi = row + ix;
              if (v != v) { i = kh; break; } // ends the window, not just its row
            }
          }
        }
        store<f32>(out + (<usize>p << 2), best);
        store<i32>(arg + (<usize>p << 2), bi);
      }
    }
  }
}
