// Winograd F(2×2, 3×3) for the forward of 3×3 / stride 1 / padding 1 convolutions:
// each 2×2 output tile takes 16 multiplies per (input, output) channel pair instead
// of 36, as 16 independent GEMMs between transformed weights U[ξ] [O, C] and
// transformed input tiles V[ξ] [C, T] (Lavin & Gray 2015).
//   U = G g Gᵀ,  V = Bᵀ d B,  Y = Aᵀ M A  with
//   G = [1 0 0; ½ ½ ½; ½ -½ ½; 0 0 1],  Bᵀ = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1],
//   Aᵀ = [1 1 1 0; 0 1 -1 -1].
// Tiles cover the output in 2×2 steps; an odd height or width gets a last tile whose
// second row or column is not written.

/**
 * U[ξ][o][c] (ξ = 4·i + j) from weight [O, C, 3, 3]; with `backward` ≠ 0 instead
 * U[ξ][c][o] of the flipped kernels W[o][c][2-i][2-j] — the convolution that takes an
 * output gradient back to the input (3×3, stride 1, padding 1 is its own adjoint shape).
 */
export function winogradWeights(w: usize, o: i32, c: i32, u: usize, backward: i32): void {
  const plane = <usize>(o * c) << 2;
  for (let k: i32 = 0; k < o * c; k++) {
    // Source kernel k = oc·C + ci; in the backward it lands at ci·O + oc, read flipped.
    const g = w + (<usize>(k * 9) << 2);
    const dst = backward != 0 ? (k % c) * o + k / c : k;
    const step: usize = backward != 0 ? -4 : 4;
    const first: usize = backward != 0 ? 32 : 0;
    for (let row: i32 = 0; row < 4; row++) {
      // Row `row` of t = G g (4×3) ...
      let a: f32, b: f32, d: f32;
      const g0 = g + first, g1 = g0 + 3 * step, g2 = g0 + 6 * step;
      if (row == 0) {
        a = load<f32>(g0); b = load<f32>(g0 + step); d = load<f32>(g0 + 2 * step);
      } else if (row == 3) {
        a = load<f32>(g2); b = load<f32>(g2 + step); d = load<f32>(g2 + 2 * step);
      } else {
        const sgn: f32 = row == 1 ? 1 : -1;
        a = <f32>0.5 * (load<f32>(g0) + sgn * load<f32>(g1) + load<f32>(g2));
        b = <f32>0.5 * (load<f32>(g0 + step) + sgn * load<f32>(g1 + step) + load<f32>(g2 + step));
        d = <f32>0.5 * (load<f32>(g0 + 2 * step) + sgn * load<f32>(g1 + 2 * step) + load<f32>(g2 + 2 * step));
      }
      // ... times Gᵀ gives row `row` of U (4 values).
      const at = u + (<usize>dst << 2) + <usize>(4 * row) * plane;
      store<f32>(at, a);
      store<f32>(at + plane, <f32>0.5 * (a + b + d));
      store<f32>(at + 2 * plane, <f32>0.5 * (a - b + d));
      store<f32>(at + 3 * plane, d);
    }
  }
}

@inline function px(src: usize, h: i32, w: i32, y: i32, x: i32): f32 {
  return y >= 0 && y < h && x >= 0 && x < w ? load<f32>(src + (<usize>(y * w + x) << 2)) : 0;
}

/**
 * V[ξ][ci][t] for n samples of C planes of h×w starting at src, plane (b, ci) at
 * src + (b·sampleStride + ci·channelStride) elements; t = (b·th + ty)·tw + tx,
 * th = ⌈h/2⌉, tw = ⌈w/2⌉. `vs` is the stride between the ξ planes (elements, ≥ C·T).
 */
export function winogradInput(src: usize, n: i32, c: i32, h: i32, w: i32, sampleStride: i32, channelStride: i32, v: usize, vs: i32): void {
  const th = (h + 1) >> 1, tw = (w + 1) >> 1;
  const T = n * th * tw;
  const xs = <usize>vs << 2;
  for (let ci: i32 = 0; ci < c; ci++) {
    for (let b: i32 = 0; b < n; b++) {
      const plane = src + (<usize>(b * sampleStride + ci * channelStride) << 2);
      for (let ty: i32 = 0; ty < th; ty++) {
        const y0 = 2 * ty - 1;
        for (let tx: i32 = 0; tx < tw; tx++) {
          const x0 = 2 * tx - 1;
          // r = Bᵀ d, one column of d at a time, then V = r B.
          let r00: f32, r01: f32, r02: f32, r03: f32, r10: f32, r11: f32, r12: f32, r13: f32;
          let r20: f32, r21: f32, r22: f32, r23: f32, r30: f32, r31: f32, r32: f32, r33: f32;
          {
            const d0 = px(plane, h, w, y0, x0), d1 = px(plane, h, w, y0 + 1, x0), d2 = px(plane, h, w, y0 + 2, x0), d3 = px(plane, h, w, y0 + 3, x0);
            r00 = d0 - d2; r10 = d1 + d2; r20 = d2 - d1; r30 = d1 - d3;
          }
          {
            const d0 = px(plane, h, w, y0, x0 + 1), d1 = px(plane, h, w, y0 + 1, x0 + 1), d2 = px(plane, h, w, y0 + 2, x0 + 1), d3 = px(plane, h, w, y0 + 3, x0 + 1);
            r01 = d0 - d2; r11 = d1 + d2; r21 = d2 - d1; r31 = d1 - d3;
          }
          {
            const d0 = px(plane, h, w, y0, x0 + 2), d1 = px(plane, h, w, y0 + 1, x0 + 2), d2 = px(plane, h, w, y0 + 2, x0 + 2), d3 = px(plane, h, w, y0 + 3, x0 + 2);
            r02 = d0 - d2; r12 = d1 + d2; r22 = d2 - d1; r32 = d1 - d3;
          }
          {
            const d0 = px(plane, h, w, y0, x0 + 3), d1 = px(plane, h, w, y0 + 1, x0 + 3), d2 = px(plane, h, w, y0 + 2, x0 + 3), d3 = px(plane, h, w, y0 + 3, x0 + 3);
            r03 = d0 - d2; r13 = d1 + d2; r23 = d2 - d1; r33 = d1 - d3;
          }
          const t = (b * th + ty) * tw + tx;
          const at = v + (<usize>(ci * T + t) << 2);
          store<f32>(at, r00 - r02); store<f32>(at + xs, r01 + r02); store<f32>(at + 2 * xs, r02 - r01); store<f32>(at + 3 * xs, r01 - r03);
          store<f32>(at + 4 * xs, r10 - r12); store<f32>(at + 5 * xs, r11 + r12); store<f32>(at + 6 * xs, r12 - r11); store<f32>(at + 7 * xs, r11 - r13);
          store<f32>(at + 8 * xs, r20 - r22); store<f32>(at + 9 * xs, r21 + r22); store<f32>(at + 10 * xs, r22 - r21); store<f32>(at + 11 * xs, r21 - r23);
          store<f32>(at + 12 * xs, r30 - r32); store<f32>(at + 13 * xs, r31 + r32); store<f32>(at + 14 * xs, r32 - r31); store<f32>(at + 15 * xs, r31 - r33);
        }
      }
    }
  }
}

/**
 * Y = Aᵀ M A from M[ξ][o][t] (ξ planes `ms` elements apart) into n samples of o planes
 * of h×w, plane (b, oc) at out + (b·sampleStride + oc·channelStride) elements. Every
 * output element is written once.
 */
export function winogradOutput(m: usize, ms: i32, o: i32, n: i32, h: i32, w: i32, out: usize, sampleStride: i32, channelStride: i32): void {
  const th = (h + 1) >> 1, tw = (w + 1) >> 1;
  const T = n * th * tw;
  const xs = <usize>ms << 2;
  for (let oc: i32 = 0; oc < o; oc++) {
    for (let b: i32 = 0; b < n; b++) {
      const plane = out + (<usize>(b * sampleStride + oc * channelStride) << 2);
      for (let ty: i32 = 0; ty < th; ty++) {
        for (let tx: i32 = 0; tx < tw; tx++) {
          const t = (b * th + ty) * tw + tx;
          const at = m + (<usize>(oc * T + t) << 2);
          // s = Aᵀ M (2×4), then Y = s A (2×2).
          const m0 = load<f32>(at), m1 = load<f32>(at + xs), m2 = load<f32>(at + 2 * xs), m3 = load<f32>(at + 3 * xs);
          const m4 = load<f32>(at + 4 * xs), m5 = load<f32>(at + 5 * xs), m6 = load<f32>(at + 6 * xs), m7 = load<f32>(at + 7 * xs);
          const m8 = load<f32>(at + 8 * xs), m9 = load<f32>(at + 9 * xs), m10 = load<f32>(at + 10 * xs), m11 = load<f32>(at + 11 * xs);
          const m12 = load<f32>(at + 12 * xs), m13 = load<f32>(at + 13 * xs), m14 = load<f32>(at + 14 * xs), m15 = load<f32>(at + 15 * xs);
          const s00 = m0 + m4 + m8, s01 = m1 + m5 + m9, s02 = m2 + m6 + m10, s03 = m3 + m7 + m11;
          const s10 = m4 - m8 - m12, s11 = m5 - m9 - m13, s12 = m6 - m10 - m14, s13 = m7 - m11 - m15;
          const y = 2 * ty, x = 2 * tx;
          const p = plane + (<usize>(y * w + x) << 2);
          store<f32>(p, s00 + s01 + s02);
          if (x + 1 < w) store<f32>(p + 4, s01 - s02 - s03);
          if (y + 1 < h) {
            const q = p + (<usize>w << 2);
            store<f32>(q, s10 + s11 + s12);
            if (x + 1 < w) store<f32>(q + 4, s11 - s12 - s13);
          }
        }
      }
    }
  }
}
