// Batch normalisation (+ ReLU) over dense [n, c, s] float32 activations: channel
// ch of sample b is the contiguous block at (b·c + ch)·s. Per-channel sums are
// accumulated in float64 (four lanes, then added), the elementwise passes run in
// float32. Per-channel coefficients are computed by the caller between passes.

/** Sum of four f32 lanes widened to two f64x2 accumulators. */
@inline function lo(v: v128): v128 { return f64x2.promote_low_f32x4(v); }
@inline function hi(v: v128): v128 { return f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 0, 1)); }
@inline function hsum(a: v128): f64 { return f64x2.extract_lane(a, 0) + f64x2.extract_lane(a, 1); }

/** sums[2·ch] = Σ x, sums[2·ch + 1] = Σ x² over channel ch (float64). */
export function bnSumsF32(x: usize, n: i32, c: i32, s: i32, sums: usize): void {
  const s4 = s & ~3;
  for (let ch: i32 = 0; ch < c; ch++) {
    let a0 = f64x2.splat(0), a1 = f64x2.splat(0), q0 = f64x2.splat(0), q1 = f64x2.splat(0);
    let tail: f64 = 0, tailSq: f64 = 0;
    for (let b: i32 = 0; b < n; b++) {
      const p = x + (<usize>((b * c + ch) * s) << 2);
      let i: i32 = 0;
      for (; i < s4; i += 4) {
        const v = v128.load(p + (<usize>i << 2));
        const l = lo(v);
        const h = hi(v);
        a0 = f64x2.add(a0, l);
        a1 = f64x2.add(a1, h);
        q0 = f64x2.add(q0, f64x2.mul(l, l));
        q1 = f64x2.add(q1, f64x2.mul(h, h));
      }
      for (; i < s; i++) {
        const v = <f64>load<f32>(p + (<usize>i << 2));
        tail += v;
        tailSq += v * v;
      }
    }
    store<f64>(sums + (<usize>(2 * ch) << 3), hsum(f64x2.add(a0, a1)) + tail);
    store<f64>(sums + (<usize>(2 * ch + 1) << 3), hsum(f64x2.add(q0, q1)) + tailSq);
  }
}

/** out = max(x·scale[ch] + shift[ch], 0) (NaN → 0); coef = [scale0, shift0, scale1, shift1, …] (f32). */
export function bnReluApplyF32(x: usize, n: i32, c: i32, s: i32, coef: usize, out: usize): void {
  const s4 = s & ~3;
  const zero = f32x4.splat(0);
  for (let b: i32 = 0; b < n; b++) {
    for (let ch: i32 = 0; ch < c; ch++) {
      const off = <usize>((b * c + ch) * s) << 2;
      const sc = load<f32>(coef + (<usize>(2 * ch) << 2));
      const sh = load<f32>(coef + (<usize>(2 * ch + 1) << 2));
      const scv = f32x4.splat(sc);
      const shv = f32x4.splat(sh);
      let i: i32 = 0;
      for (; i < s4; i += 4) {
        const o = off + (<usize>i << 2);
        const v = f32x4.add(f32x4.mul(v128.load(x + o), scv), shv);
        v128.store(out + o, v128.andnot(v, f32x4.le(v, zero))); // NaN stays NaN, as relu()
      }
      for (; i < s; i++) {
        const o = off + (<usize>i << 2);
        const v = load<f32>(x + o) * sc + sh;
        store<f32>(out + o, v <= 0 ? 0 : v);
      }
    }
  }
}

/**
 * Backward sums with the ReLU mask from the output y: dy = y <= 0 ? 0 : g (a NaN y passes g, as relu());
 * sums[2·ch] = Σ dy, sums[2·ch + 1] = Σ dy·x (float64).
 */
export function bnReluGradSumsF32(x: usize, y: usize, g: usize, n: i32, c: i32, s: i32, sums: usize): void {
  const s4 = s & ~3;
  const zero = f32x4.splat(0);
  for (let ch: i32 = 0; ch < c; ch++) {
    let a0 = f64x2.splat(0), a1 = f64x2.splat(0), q0 = f64x2.splat(0), q1 = f64x2.splat(0);
    let tail: f64 = 0, tailX: f64 = 0;
    for (let b: i32 = 0; b < n; b++) {
      const off = <usize>((b * c + ch) * s) << 2;
      let i: i32 = 0;
      for (; i < s4; i += 4) {
        const o = off + (<usize>i << 2);
        const dy = v128.andnot(v128.load(g + o), f32x4.le(v128.load(y + o), zero));
        const xv = v128.load(x + o);
        const dl = lo(dy);
        const dh = hi(dy);
        a0 = f64x2.add(a0, dl);
        a1 = f64x2.add(a1, dh);
        q0 = f64x2.add(q0, f64x2.mul(dl, lo(xv)));
        q1 = f64x2.add(q1, f64x2.mul(dh, hi(xv)));
      }
      for (; i < s; i++) {
        const o = off + (<usize>i << 2);
        if (!(load<f32>(y + o) <= 0)) {
          const dy = <f64>load<f32>(g + o);
          tail += dy;
          tailX += dy * <f64>load<f32>(x + o);
        }
      }
    }
    store<f64>(sums + (<usize>(2 * ch) << 3), hsum(f64x2.add(a0, a1)) + tail);
    store<f64>(sums + (<usize>(2 * ch + 1) << 3), hsum(f64x2.add(q0, q1)) + tailX);
  }
}

/** dx = a[ch]·dy + b[ch]·x + k[ch] with dy = y <= 0 ? 0 : g (a NaN y passes g, as relu()); coef = [a0, b0, k0, a1, …] (f32). */
export function bnReluGradApplyF32(x: usize, y: usize, g: usize, n: i32, c: i32, s: i32, coef: usize, dx: usize): void {
  const s4 = s & ~3;
  const zero = f32x4.splat(0);
  for (let b: i32 = 0; b < n; b++) {
    for (let ch: i32 = 0; ch < c; ch++) {
      const off = <usize>((b * c + ch) * s) << 2;
      const ca = load<f32>(coef + (<usize>(3 * ch) << 2));
      const cb = load<f32>(coef + (<usize>(3 * ch + 1) << 2));
      const ck = load<f32>(coef + (<usize>(3 * ch + 2) << 2));
      const av = f32x4.splat(ca), bv = f32x4.splat(cb), kv = f32x4.splat(ck);
      let i: i32 = 0;
      for (; i < s4; i += 4) {
        const o = off + (<usize>i << 2);
        const dy = v128.andnot(v128.load(g + o), f32x4.le(v128.load(y + o), zero));
        v128.store(dx + o, f32x4.add(f32x4.add(f32x4.mul(av, dy), f32x4.mul(bv, v128.load(x + o))), kv));
      }
      for (; i < s; i++) {
        const o = off + (<usize>i << 2);
        const dy: f32 = load<f32>(y + o) <= 0 ? 0 : load<f32>(g + o);
        store<f32>(dx + o, ca * dy + cb * load<f32>(x + o) + ck);
      }
    }
  }
}
