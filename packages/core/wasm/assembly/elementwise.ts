// Elementwise float32 kernels over dense arrays in linear memory (byte pointers,
// element counts; `out` may alias an input). The op codes match the tables in
// src/backend/wasm/index.ts. Results equal the pure-TypeScript reference, which
// computes in float64 and rounds once to float32: the exactly rounded ops (add,
// sub, mul, div, sqrt, square) run in f32x4; the others run in f64x2 and are
// rounded once at the end (exp/tanh/sigmoid/silu agree to ~1e-13 before rounding).

// ---- binary -----------------------------------------------------------------

const B_ADD: i32 = 0;
const B_SUB: i32 = 1;
const B_MUL: i32 = 2;
const B_DIV: i32 = 3;
const B_MAX: i32 = 4;
const B_MIN: i32 = 5;

function binary4(op: i32, x: v128, y: v128): v128 {
  switch (op) {
    case B_ADD: return f32x4.add(x, y);
    case B_SUB: return f32x4.sub(x, y);
    case B_MUL: return f32x4.mul(x, y);
    case B_DIV: return f32x4.div(x, y);
    // Reference: x > y || isNaN(x) ? x : y (x's NaN wins; ties give y).
    case B_MAX: return v128.bitselect(x, y, v128.or(f32x4.gt(x, y), f32x4.ne(x, x)));
    case B_MIN: return v128.bitselect(x, y, v128.or(f32x4.lt(x, y), f32x4.ne(x, x)));
    default: return x;
  }
}

export function binaryF32(op: i32, a: usize, b: usize, out: usize, n: i32): void {
  const end4 = <usize>((n & ~3) << 2);
  let i: usize = 0;
  // One loop per op keeps the switch out of the hot loop after inlining.
  switch (op) {
    case B_ADD: for (; i < end4; i += 16) v128.store(out + i, binary4(B_ADD, v128.load(a + i), v128.load(b + i))); break;
    case B_SUB: for (; i < end4; i += 16) v128.store(out + i, binary4(B_SUB, v128.load(a + i), v128.load(b + i))); break;
    case B_MUL: for (; i < end4; i += 16) v128.store(out + i, binary4(B_MUL, v128.load(a + i), v128.load(b + i))); break;
    case B_DIV: for (; i < end4; i += 16) v128.store(out + i, binary4(B_DIV, v128.load(a + i), v128.load(b + i))); break;
    case B_MAX: for (; i < end4; i += 16) v128.store(out + i, binary4(B_MAX, v128.load(a + i), v128.load(b + i))); break;
    case B_MIN: for (; i < end4; i += 16) v128.store(out + i, binary4(B_MIN, v128.load(a + i), v128.load(b + i))); break;
    default: break;
  }
  const end = <usize>(n << 2);
  for (; i < end; i += 4) {
    const r = binary4(op, v128.load32_zero(a + i), v128.load32_zero(b + i));
    v128.store32_lane(out + i, r, 0);
  }
}

// ---- unary ------------------------------------------------------------------

const U_NEG: i32 = 0;
const U_ABS: i32 = 1;
const U_SQRT: i32 = 2;
const U_SQUARE: i32 = 3;
const U_RELU: i32 = 4;
const U_RSQRT: i32 = 5;
const U_EXP: i32 = 6;
const U_TANH: i32 = 7;
const U_SIGMOID: i32 = 8;
const U_SILU: i32 = 9;

const LOG2E: f64 = 1.4426950408889634;
const LN2_HI: f64 = 6.93147180369123816490e-01; // fdlibm split of ln 2
const LN2_LO: f64 = 1.90821492927058770002e-10;

/** exp on f64x2: relative error ~1e-15; exp(-Inf) = 0, exp(+Inf) = +Inf, NaN stays NaN. */
function exp2x(x0: v128): v128 {
  // exp(±200) already over/underflows float32; clamping keeps 2^k a normal double.
  const x = f64x2.min(f64x2.max(x0, f64x2.splat(-200)), f64x2.splat(200));
  const kf = f64x2.nearest(f64x2.mul(x, f64x2.splat(LOG2E)));
  const r = f64x2.sub(f64x2.sub(x, f64x2.mul(kf, f64x2.splat(LN2_HI))), f64x2.mul(kf, f64x2.splat(LN2_LO)));
  // Taylor series to degree 11 on |r| <= ln2/2 (truncation < 7e-15), evaluated
  // with Estrin's scheme: a short dependency chain matters more than op count.
  const r2 = f64x2.mul(r, r);
  const r4 = f64x2.mul(r2, r2);
  const r8 = f64x2.mul(r4, r4);
  const q0 = f64x2.add(f64x2.splat(1.0), r);
  const q1 = f64x2.add(f64x2.splat(0.5), f64x2.mul(r, f64x2.splat(1.0 / 6.0)));
  const q2 = f64x2.add(f64x2.splat(1.0 / 24.0), f64x2.mul(r, f64x2.splat(1.0 / 120.0)));
  const q3 = f64x2.add(f64x2.splat(1.0 / 720.0), f64x2.mul(r, f64x2.splat(1.0 / 5040.0)));
  const q4 = f64x2.add(f64x2.splat(1.0 / 40320.0), f64x2.mul(r, f64x2.splat(1.0 / 362880.0)));
  const q5 = f64x2.add(f64x2.splat(1.0 / 3628800.0), f64x2.mul(r, f64x2.splat(1.0 / 39916800.0)));
  const s0 = f64x2.add(q0, f64x2.mul(q1, r2));
  const s1 = f64x2.add(q2, f64x2.mul(q3, r2));
  const s2 = f64x2.add(q4, f64x2.mul(q5, r2));
  const p = f64x2.add(f64x2.add(s0, f64x2.mul(s1, r4)), f64x2.mul(s2, r8));
  // 2^k from the exponent bits (NaN lanes give k = 0 and stay NaN through p).
  const k = i64x2.extend_low_i32x4_s(i32x4.trunc_sat_f64x2_s_zero(kf));
  const scale = i64x2.shl(i64x2.add(k, i64x2.splat(1023)), 52);
  let y = f64x2.mul(p, scale);
  // Restore the true limits beyond the clamp (e.g. silu(-Inf) = -Inf·0 = NaN as in float64).
  y = v128.andnot(y, f64x2.lt(x0, f64x2.splat(-746)));
  return v128.bitselect(f64x2.splat(Infinity), y, f64x2.gt(x0, f64x2.splat(710)));
}

const SIGN64: v128 = i64x2.splat(0x8000000000000000);

function rsqrt2(x: v128): v128 {
  return f64x2.div(f64x2.splat(1), f64x2.sqrt(x));
}

// sign(x)·(1 − 2/(e^{2|x|}+1)), and a short Taylor series near 0 where that cancels.
export function tanh2(x: v128): v128 {
  const one = f64x2.splat(1);
  const t = f64x2.abs(x);
  const e = exp2x(f64x2.add(t, t));
  const big = f64x2.sub(one, f64x2.div(f64x2.splat(2), f64x2.add(e, one)));
  const t2 = f64x2.mul(t, t);
  let s = f64x2.splat(-17.0 / 315.0);
  s = f64x2.add(f64x2.mul(s, t2), f64x2.splat(2.0 / 15.0));
  s = f64x2.add(f64x2.mul(s, t2), f64x2.splat(-1.0 / 3.0));
  s = f64x2.add(f64x2.mul(f64x2.mul(s, t2), t), t);
  const r = v128.bitselect(s, big, f64x2.lt(t, f64x2.splat(0.01)));
  return v128.bitselect(x, r, SIGN64);
}

// Reference: x >= 0 ? 1/(1+e^-x) : e^x/(1+e^x).
export function sigmoid2(x: v128): v128 {
  const one = f64x2.splat(1);
  const e = exp2x(f64x2.neg(f64x2.abs(x)));
  const d = f64x2.add(one, e);
  return v128.bitselect(f64x2.div(one, d), f64x2.div(e, d), f64x2.ge(x, f64x2.splat(0)));
}

function silu2(x: v128): v128 {
  return f64x2.mul(x, sigmoid2(x));
}

function unary2(op: i32, x: v128): v128 {
  switch (op) {
    case U_RSQRT: return rsqrt2(x);
    case U_EXP: return exp2x(x);
    case U_TANH: return tanh2(x);
    case U_SIGMOID: return sigmoid2(x);
    case U_SILU: return silu2(x);
    default: return x;
  }
}

// Apply f64x2 kernels to the 4 lanes of a float32 vector, rounding once.
function lo2(x: v128): v128 {
  return f64x2.promote_low_f32x4(x);
}
function hi2(x: v128): v128 {
  return f64x2.promote_low_f32x4(v128.shuffle<f32>(x, x, 2, 3, 0, 1));
}
function join4(lo: v128, hi: v128): v128 {
  return v128.shuffle<f32>(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi), 0, 1, 4, 5);
}

function unary4(op: i32, x: v128): v128 {
  switch (op) {
    case U_NEG: return f32x4.neg(x);
    case U_ABS: return f32x4.abs(x);
    case U_SQRT: return f32x4.sqrt(x);
    case U_SQUARE: return f32x4.mul(x, x);
    // Reference: x <= 0 ? 0 : x (NaN stays NaN, -0 gives +0): clear the lanes where x <= 0.
    case U_RELU: return v128.andnot(x, f32x4.le(x, f32x4.splat(0)));
    default: return wide4(op, x);
  }
}

function wide4(op: i32, x: v128): v128 {
  return join4(unary2(op, lo2(x)), unary2(op, hi2(x)));
}

export function unaryF32(op: i32, x: usize, out: usize, n: i32): void {
  const end4 = <usize>((n & ~3) << 2);
  let i: usize = 0;
  // The simple ops are written out so that each loop body is branch-free.
  switch (op) {
    case U_NEG: for (; i < end4; i += 16) v128.store(out + i, f32x4.neg(v128.load(x + i))); break;
    case U_ABS: for (; i < end4; i += 16) v128.store(out + i, f32x4.abs(v128.load(x + i))); break;
    case U_SQRT: for (; i < end4; i += 16) v128.store(out + i, f32x4.sqrt(v128.load(x + i))); break;
    case U_SQUARE: for (; i < end4; i += 16) { const v = v128.load(x + i); v128.store(out + i, f32x4.mul(v, v)); } break;
    case U_RELU: {
      const zero = f32x4.splat(0);
      for (; i < end4; i += 16) { const v = v128.load(x + i); v128.store(out + i, v128.andnot(v, f32x4.le(v, zero))); }
      break;
    }
    case U_RSQRT: for (; i < end4; i += 16) { const v = v128.load(x + i); v128.store(out + i, join4(rsqrt2(lo2(v)), rsqrt2(hi2(v)))); } break;
    case U_EXP: for (; i < end4; i += 16) { const v = v128.load(x + i); v128.store(out + i, join4(exp2x(lo2(v)), exp2x(hi2(v)))); } break;
    case U_TANH: for (; i < end4; i += 16) { const v = v128.load(x + i); v128.store(out + i, join4(tanh2(lo2(v)), tanh2(hi2(v)))); } break;
    case U_SIGMOID: for (; i < end4; i += 16) { const v = v128.load(x + i); v128.store(out + i, join4(sigmoid2(lo2(v)), sigmoid2(hi2(v)))); } break;
    case U_SILU: for (; i < end4; i += 16) { const v = v128.load(x + i); v128.store(out + i, join4(silu2(lo2(v)), silu2(hi2(v)))); } break;
    default: break;
  }
  const end = <usize>(n << 2);
  for (; i < end; i += 4) v128.store32_lane(out + i, unary4(op, v128.load32_zero(x + i)), 0);
}

// ---- Adam / AdamW -------------------------------------------------------------

/**
 * In-place Adam step over n float32 elements, computed in float64 per element:
 *   g = grad + weightDecay·p;  p ← p·(1 − lr·decoupledWeightDecay)
 *   m ← β1·m + (1−β1)·g;  v ← β2·v + (1−β2)·g²        (stored as float32)
 *   p ← p − lr·(m/bc1) / (sqrt(v/bc2) + eps)           (m, v read back as stored)
 */
export function adamF32(
  p: usize, g: usize, m: usize, v: usize, n: i32,
  lr: f64, beta1: f64, beta2: f64, eps: f64, bc1: f64, bc2: f64, wd: f64, dwd: f64,
): void {
  const vlr = f64x2.splat(lr);
  const vb1 = f64x2.splat(beta1);
  const vb2 = f64x2.splat(beta2);
  const vc1 = f64x2.splat(1 - beta1);
  const vc2 = f64x2.splat(1 - beta2);
  const veps = f64x2.splat(eps);
  // Multiplying by 1/bc differs from dividing by at most 1 ulp of float64.
  const vbc1 = f64x2.splat(1 / bc1);
  const vbc2 = f64x2.splat(1 / bc2);
  const vwd = f64x2.splat(wd);
  const vdecay = f64x2.splat(1 - lr * dwd);
  const decoupled = dwd != 0;
  const end2 = <usize>((n & ~1) << 2);
  let i: usize = 0;
  for (; i < end2; i += 8) {
    let pp = f64x2.promote_low_f32x4(v128.load64_zero(p + i));
    const gg = f64x2.add(f64x2.promote_low_f32x4(v128.load64_zero(g + i)), f64x2.mul(vwd, pp));
    if (decoupled) pp = f64x2.mul(pp, vdecay);
    const mm = f32x4.demote_f64x2_zero(f64x2.add(f64x2.mul(vb1, f64x2.promote_low_f32x4(v128.load64_zero(m + i))), f64x2.mul(vc1, gg)));
    const vv = f32x4.demote_f64x2_zero(f64x2.add(f64x2.mul(vb2, f64x2.promote_low_f32x4(v128.load64_zero(v + i))), f64x2.mul(vc2, f64x2.mul(gg, gg))));
    v128.store64_lane(m + i, mm, 0);
    v128.store64_lane(v + i, vv, 0);
    const mhat = f64x2.mul(f64x2.promote_low_f32x4(mm), vbc1);
    const vhat = f64x2.mul(f64x2.promote_low_f32x4(vv), vbc2);
    pp = f64x2.sub(pp, f64x2.div(f64x2.mul(vlr, mhat), f64x2.add(f64x2.sqrt(vhat), veps)));
    v128.store64_lane(p + i, f32x4.demote_f64x2_zero(pp), 0);
  }
  const end = <usize>(n << 2);
  for (; i < end; i += 4) {
    let pp = <f64>load<f32>(p + i);
    const gg = <f64>load<f32>(g + i) + wd * pp;
    if (decoupled) pp *= 1 - lr * dwd;
    const mm = <f32>(beta1 * <f64>load<f32>(m + i) + (1 - beta1) * gg);
    const vv = <f32>(beta2 * <f64>load<f32>(v + i) + (1 - beta2) * gg * gg);
    store<f32>(m + i, mm);
    store<f32>(v + i, vv);
    pp -= lr * (<f64>mm / bc1) / (Math.sqrt(<f64>vv / bc2) + eps);
    store<f32>(p + i, <f32>pp);
  }
}

// ---- activation gradients ------------------------------------------------------

/** out = x <= 0 ? 0 : g (the ReLU backward; a NaN x passes g, as in the reference and torch). */
export function reluGradF32(x: usize, g: usize, out: usize, n: i32): void {
  const zero = f32x4.splat(0);
  const end4 = <usize>((n & ~3) << 2);
  let i: usize = 0;
  for (; i < end4; i += 16) v128.store(out + i, v128.andnot(v128.load(g + i), f32x4.le(v128.load(x + i), zero)));
  const end = <usize>(n << 2);
  for (; i < end; i += 4) store<f32>(out + i, load<f32>(x + i) <= 0 ? 0 : load<f32>(g + i));
}

// ---- lazy Adam on row-sparse gradients -----------------------------------------

/**
 * The float32 lazy-Adam row update of packages/nn (adam.ts, adamRowsF32), same
 * float64 arithmetic in the same order, two lanes at a time. Row r of the
 * compact gradient g and compact parameter copy pc ([nRows, d]) belongs to
 * table row rows[r]; the moments m, v are whole tables. l2 = 0 and decay = 1
 * give plain Adam.
 */
export function adamRowsF32(
  rows: usize, nRows: i32, d: i32, g: usize, pc: usize, pWhole: i32, m: usize, v: usize,
  b1: f64, b2: f64, eps: f64, stepSize: f64, invBc2: f64, l2: f64, decay: f64,
): void {
  const ob1 = 1 - b1;
  const ob2 = 1 - b2;
  const vb1 = f64x2.splat(b1), vb2 = f64x2.splat(b2), vob1 = f64x2.splat(ob1), vob2 = f64x2.splat(ob2);
  const veps = f64x2.splat(eps), vstep = f64x2.splat(stepSize), vinv = f64x2.splat(invBc2);
  const vl2 = f64x2.splat(l2), vdecay = f64x2.splat(decay);
  const plain = l2 == 0 && decay == 1;
  const d2 = d & ~1;
  for (let r: i32 = 0; r < nRows; r++) {
    const row = <usize>load<i32>(rows + (<usize>r << 2));
    const mv = m + ((row * <usize>d) << 2);
    const vv = v + ((row * <usize>d) << 2);
    const gr = g + (<usize>(r * d) << 2);
    // pWhole: pc is the whole table (updated in place) rather than a compact copy of the rows.
    const pr = pWhole ? pc + ((row * <usize>d) << 2) : pc + (<usize>(r * d) << 2);
    let j: i32 = 0;
    for (; j < d2; j += 2) {
      const o = <usize>j << 2;
      let gg = f64x2.promote_low_f32x4(v128.load64_zero(gr + o));
      let pp = f64x2.promote_low_f32x4(v128.load64_zero(pr + o));
      if (!plain) {
        if (l2 != 0) gg = f64x2.add(gg, f64x2.mul(vl2, pp));
        // p *= decay is stored (rounded) before the update reads it back.
        if (decay != 1) pp = f64x2.promote_low_f32x4(f32x4.demote_f64x2_zero(f64x2.mul(pp, vdecay)));
      }
      const mi = f32x4.demote_f64x2_zero(f64x2.add(f64x2.mul(vb1, f64x2.promote_low_f32x4(v128.load64_zero(mv + o))), f64x2.mul(vob1, gg)));
      const vi = f32x4.demote_f64x2_zero(f64x2.add(f64x2.mul(vb2, f64x2.promote_low_f32x4(v128.load64_zero(vv + o))), f64x2.mul(f64x2.mul(vob2, gg), gg)));
      v128.store64_lane(mv + o, mi, 0);
      v128.store64_lane(vv + o, vi, 0);
      const md = f64x2.promote_low_f32x4(mi);
      const vd = f64x2.promote_low_f32x4(vi);
      pp = f64x2.sub(pp, f64x2.div(f64x2.mul(vstep, md), f64x2.add(f64x2.mul(f64x2.sqrt(vd), vinv), veps)));
      v128.store64_lane(pr + o, f32x4.demote_f64x2_zero(pp), 0);
    }
    for (; j < d; j++) {
      const o = <usize>j << 2;
      let gs = <f64>load<f32>(gr + o);
      let ps = <f64>load<f32>(pr + o);
      if (l2 != 0) gs += l2 * ps;
      if (decay != 1) ps = <f64><f32>(ps * decay);
      const mi = <f32>(b1 * <f64>load<f32>(mv + o) + ob1 * gs);
      const vi = <f32>(b2 * <f64>load<f32>(vv + o) + ob2 * gs * gs);
      store<f32>(mv + o, mi);
      store<f32>(vv + o, vi);
      ps -= (stepSize * <f64>mi) / (Math.sqrt(<f64>vi) * invBc2 + eps);
      store<f32>(pr + o, <f32>ps);
    }
  }
}

/**
 * Row scatter-add for embedding-bag gradients: for each id i with slot[i] ≥ 0,
 * values[slot[i]·d ..] += scale[i] · grad[bag[i]·d ..], in id order, each sum
 * formed in float64 and rounded to float32 (as the TypeScript loop does).
 */
export function rowScatterAddF32(n: i32, d: i32, slot: usize, bag: usize, scale: usize, grad: usize, values: usize): void {
  const d2 = d & ~1;
  for (let i: i32 = 0; i < n; i++) {
    const s = load<i32>(slot + (<usize>i << 2));
    if (s < 0) continue;
    const f = load<f64>(scale + (<usize>i << 3));
    const vf = f64x2.splat(f);
    const dst = values + (<usize>(s * d) << 2);
    const src = grad + (<usize>(load<i32>(bag + (<usize>i << 2)) * d) << 2);
    let j: i32 = 0;
    for (; j < d2; j += 2) {
      const o = <usize>j << 2;
      const acc = f64x2.add(f64x2.promote_low_f32x4(v128.load64_zero(dst + o)), f64x2.mul(vf, f64x2.promote_low_f32x4(v128.load64_zero(src + o))));
      v128.store64_lane(dst + o, f32x4.demote_f64x2_zero(acc), 0);
    }
    for (; j < d; j++) {
      const o = <usize>j << 2;
      store<f32>(dst + o, <f32>(<f64>load<f32>(dst + o) + f * <f64>load<f32>(src + o)));
    }
  }
}

/**
 * Embedding-bag sums over a table in linear memory: out[b] = Σ scale[i]·table[ids[i]]
 * for i in bag b (ids[i] == pad skipped), bags given by their starts (the last
 * ends at n). Same float64 arithmetic as the TypeScript bagSum: groups of four
 * rows, ((a + b) + c) + d added to the running sum, leftover rows one by one;
 * rounded once to float32. acc holds d f64; d must be even.
 */
export function bagSumF32(table: usize, d: i32, ids: usize, scale: usize, n: i32, offsets: usize, bags: i32, pad: i32, acc: usize, out: usize): void {
  for (let b: i32 = 0; b < bags; b++) {
    const s = load<i32>(offsets + (<usize>b << 2));
    const e = b + 1 < bags ? load<i32>(offsets + (<usize>(b + 1) << 2)) : n;
    memory.fill(acc, 0, <usize>d << 3);
    let i = s;
    while (i < e) {
      let r0: usize = 0, r1: usize = 0, r2: usize = 0, r3: usize = 0;
      let f0: f64 = 0, f1: f64 = 0, f2: f64 = 0, f3: f64 = 0;
      let k: i32 = 0;
      while (i < e && k < 4) {
        const id = load<i32>(ids + (<usize>i << 2));
        if (id != pad) {
          const row = table + (<usize>(id * d) << 2);
          const f = load<f64>(scale + (<usize>i << 3));
          if (k == 0) { r0 = row; f0 = f; } else if (k == 1) { r1 = row; f1 = f; } else if (k == 2) { r2 = row; f2 = f; } else { r3 = row; f3 = f; }
          k++;
        }
        i++;
      }
      if (k == 4) {
        const v0 = f64x2.splat(f0), v1 = f64x2.splat(f1), v2 = f64x2.splat(f2), v3 = f64x2.splat(f3);
        for (let j: i32 = 0; j < d; j += 2) {
          const o = <usize>j << 2;
          let t = f64x2.mul(v0, f64x2.promote_low_f32x4(v128.load64_zero(r0 + o)));
          t = f64x2.add(t, f64x2.mul(v1, f64x2.promote_low_f32x4(v128.load64_zero(r1 + o))));
          t = f64x2.add(t, f64x2.mul(v2, f64x2.promote_low_f32x4(v128.load64_zero(r2 + o))));
          t = f64x2.add(t, f64x2.mul(v3, f64x2.promote_low_f32x4(v128.load64_zero(r3 + o))));
          const a = acc + (<usize>j << 3);
          v128.store(a, f64x2.add(v128.load(a), t));
        }
      } else {
        for (let q: i32 = 0; q < k; q++) {
          const row = q == 0 ? r0 : q == 1 ? r1 : r2;
          const vf = f64x2.splat(q == 0 ? f0 : q == 1 ? f1 : f2);
          for (let j: i32 = 0; j < d; j += 2) {
            const a = acc + (<usize>j << 3);
            v128.store(a, f64x2.add(v128.load(a), f64x2.mul(vf, f64x2.promote_low_f32x4(v128.load64_zero(row + (<usize>j << 2))))));
          }
        }
      }
    }
    const dst = out + (<usize>(b * d) << 2);
    for (let j: i32 = 0; j < d; j++) store<f32>(dst + (<usize>j << 2), <f32>load<f64>(acc + (<usize>j << 3)));
  }
}
