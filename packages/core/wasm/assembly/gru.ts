// Per-step gate math of the fused GRU (packages/nn/src/layers/rnn/gru-op.ts)
// on float32 data in linear memory, computed in float64 like the TypeScript
// loops (two lanes at a time); the recurrent GEMMs between steps run through
// the ordinary gemm kernel. PyTorch's formulas:
//   r = σ(x_r + b_ir + gh_r + b_hr)   z = σ(x_z + b_iz + gh_z + b_hz)
//   n = tanh(x_n + b_in + r ⊙ (gh_n + b_hn))   h' = (1 − z) ⊙ n + z ⊙ h
// Sequences whose length ends before step t keep their state (and their
// gradient) and get zero gates, as in the TypeScript path.
import { sigmoid2, tanh2 } from './elementwise';

@inline function ld2(p: usize, i: i32): v128 {
  return f64x2.promote_low_f32x4(v128.load64_zero(p + (<usize>i << 2)));
}

@inline function st2(p: usize, i: i32, v: v128): void {
  v128.store64_lane(p + (<usize>i << 2), f32x4.demote_f64x2_zero(v), 0);
}

@inline function frozen(lengths: usize, hasLengths: i32, b: i32, t: i32): bool {
  return hasLengths != 0 && t >= load<i32>(lengths + (<usize>b << 2));
}

/**
 * One forward step for all B rows. xp and gh are [B, 3H] (this step's input
 * projection and h·W_hhᵀ); hprev/hnext [B, H]; R, Z, N, GHN, out are this
 * step's [B, H] rows. H must be even.
 */
export function gruStepF32(
  xp: usize, gh: usize, bih: usize, bhh: usize, hasBias: i32,
  hprev: usize, hnext: usize, R: usize, Z: usize, N: usize, GHN: usize, out: usize,
  B: i32, H: i32, lengths: usize, hasLengths: i32, t: i32,
): void {
  const G = 3 * H;
  for (let b: i32 = 0; b < B; b++) {
    const hb = b * H;
    if (frozen(lengths, hasLengths, b, t)) {
      memory.copy(hnext + (<usize>hb << 2), hprev + (<usize>hb << 2), <usize>H << 2);
      memory.fill(R + (<usize>hb << 2), 0, <usize>H << 2);
      memory.fill(Z + (<usize>hb << 2), 0, <usize>H << 2);
      memory.fill(N + (<usize>hb << 2), 0, <usize>H << 2);
      memory.fill(GHN + (<usize>hb << 2), 0, <usize>H << 2);
      memory.fill(out + (<usize>hb << 2), 0, <usize>H << 2);
      continue;
    }
    const row = b * G;
    for (let j: i32 = 0; j < H; j += 2) {
      let ar = f64x2.add(ld2(xp, row + j), ld2(gh, row + j));
      let az = f64x2.add(ld2(xp, row + H + j), ld2(gh, row + H + j));
      let an = ld2(xp, row + 2 * H + j);
      let ghn = ld2(gh, row + 2 * H + j);
      if (hasBias & 1) {
        ar = f64x2.add(ar, ld2(bih, j));
        az = f64x2.add(az, ld2(bih, H + j));
        an = f64x2.add(an, ld2(bih, 2 * H + j));
      }
      if (hasBias & 2) {
        ar = f64x2.add(ar, ld2(bhh, j));
        az = f64x2.add(az, ld2(bhh, H + j));
        ghn = f64x2.add(ghn, ld2(bhh, 2 * H + j));
      }
      const r = sigmoid2(ar);
      const z = sigmoid2(az);
      const n = tanh2(f64x2.add(an, f64x2.mul(r, ghn)));
      const h = f64x2.add(n, f64x2.mul(z, f64x2.sub(ld2(hprev, hb + j), n)));
      st2(R, hb + j, r);
      st2(Z, hb + j, z);
      st2(N, hb + j, n);
      st2(GHN, hb + j, ghn);
      st2(hnext, hb + j, h);
      st2(out, hb + j, h);
    }
  }
}

/**
 * One backward step: from dh (gradient w.r.t. this step's output state, [B, H])
 * and gd (the output gradient at this step), the gate pre-activation gradients
 * DGX/DGH ([B, 3H] rows of this step) and dhNext = d ⊙ z (the recurrent GEMM
 * then adds DGH·W_hh). Same arithmetic as the TypeScript loop.
 */
export function gruStepGradF32(
  gd: usize, R: usize, Z: usize, N: usize, GHN: usize, hprev: usize,
  dh: usize, dhNext: usize, DGX: usize, DGH: usize,
  B: i32, H: i32, lengths: usize, hasLengths: i32, t: i32,
): void {
  const G = 3 * H;
  const one = f64x2.splat(1);
  for (let b: i32 = 0; b < B; b++) {
    const hb = b * H;
    const row = b * G;
    if (frozen(lengths, hasLengths, b, t)) {
      memory.copy(dhNext + (<usize>hb << 2), dh + (<usize>hb << 2), <usize>H << 2);
      memory.fill(DGX + (<usize>row << 2), 0, <usize>G << 2);
      memory.fill(DGH + (<usize>row << 2), 0, <usize>G << 2);
      continue;
    }
    for (let j: i32 = 0; j < H; j += 2) {
      const d = f64x2.add(ld2(dh, hb + j), ld2(gd, hb + j));
      const r = ld2(R, hb + j);
      const z = ld2(Z, hb + j);
      const n = ld2(N, hb + j);
      const dan = f64x2.mul(f64x2.mul(d, f64x2.sub(one, z)), f64x2.sub(one, f64x2.mul(n, n)));
      const dar = f64x2.mul(f64x2.mul(f64x2.mul(dan, ld2(GHN, hb + j)), r), f64x2.sub(one, r));
      const daz = f64x2.mul(f64x2.mul(f64x2.mul(d, f64x2.sub(ld2(hprev, hb + j), n)), z), f64x2.sub(one, z));
      st2(DGX, row + j, dar);
      st2(DGX, row + H + j, daz);
      st2(DGX, row + 2 * H + j, dan);
      st2(DGH, row + j, dar);
      st2(DGH, row + H + j, daz);
      st2(DGH, row + 2 * H + j, f64x2.mul(dan, r));
      st2(dhNext, hb + j, f64x2.mul(d, z));
    }
  }
}

/**
 * out[c] = Σ_r src[r·cols + c] (float32 rows, summed in float64 row by row
 * into acc, which must hold cols f64; same order as the TypeScript columnSums),
 * then rounded to float32. cols must be even.
 */
export function columnSumsF32(src: usize, rows: i32, cols: i32, acc: usize, out: usize): void {
  memory.fill(acc, 0, <usize>cols << 3);
  for (let r: i32 = 0; r < rows; r++) {
    const row = src + (<usize>(r * cols) << 2);
    for (let c: i32 = 0; c < cols; c += 2) {
      const a = acc + (<usize>c << 3);
      v128.store(a, f64x2.add(v128.load(a), f64x2.promote_low_f32x4(v128.load64_zero(row + (<usize>c << 2)))));
    }
  }
  for (let c: i32 = 0; c < cols; c++) store<f32>(out + (<usize>c << 2), <f32>load<f64>(acc + (<usize>c << 3)));
}
