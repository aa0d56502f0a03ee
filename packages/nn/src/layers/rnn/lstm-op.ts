/**
 * One LSTM layer-direction over a whole sequence as a single autograd op with
 * a hand-written backward through time (see gru-op.ts for why). PyTorch's
 * gate layout [i; f; g; o]:
 *   i = σ(·)  f = σ(·)  g = tanh(·)  o = σ(·)   (each x·W_iᵀ + b_i + h·W_hᵀ + b_h)
 *   c' = f ⊙ c + i ⊙ g      h' = o ⊙ tanh(c')
 * The result packs [output (T steps); h_n; c_n] into one [T+2, B, H] tensor.
 */
import { record, Tensor } from '@tensorkit/core';
import { allocFloat, backendFor, checkArgs, columnSums, dense, sigmoid, type RecurrentArgs } from './kernels.js';

export interface LstmArgs extends RecurrentArgs {
  /** Initial cell state [B, H]. */
  c0: Tensor;
}

export function lstmSequence(a: LstmArgs): Tensor {
  const { H, dtype } = checkArgs('lstmSequence', a, 4);
  if (a.c0.dtype !== dtype || a.c0.shape[0] !== a.batch || a.c0.shape[1] !== H) throw new Error(`lstmSequence: initial cell state must be [${a.batch}, ${H}] ${dtype}`);
  const { steps: T, batch: B, reverse, lengths } = a;
  const G = 4 * H;
  const BH = B * H;
  const gemm = backendFor(dtype).gemm;
  const xp = dense(a.xProj);
  const whh = dense(a.wHh);
  const bih = a.bIh ? dense(a.bIh) : null;
  const bhh = a.bHh ? dense(a.bHh) : null;
  // States by time (slot t before step t forward, t+1 reverse), as in gru-op.ts.
  const hs = allocFloat(dtype, (T + 1) * BH);
  const cs = allocFloat(dtype, (T + 1) * BH);
  hs.set(dense(a.h0), reverse ? T * BH : 0);
  cs.set(dense(a.c0), reverse ? T * BH : 0);
  const gates = allocFloat(dtype, T * B * G); // activated i, f, g, o by time
  const TC = allocFloat(dtype, T * BH); // tanh(c')
  const gh = allocFloat(dtype, B * G);
  const out = allocFloat(dtype, (T + 2) * BH);
  const whhT = { data: whh, offset: 0, rowStride: 1, colStride: H };
  for (let k = 0; k < T; k++) {
    const t = reverse ? T - 1 - k : k;
    const prev = (reverse ? t + 1 : t) * BH;
    const next = (reverse ? t : t + 1) * BH;
    gemm(B, G, H, 1, { data: hs, offset: prev, rowStride: H, colStride: 1 }, whhT, 0, gh, 0, G);
    for (let b = 0; b < B; b++) {
      const hb = b * H;
      if (lengths && t >= lengths[b]) {
        hs.copyWithin(next + hb, prev + hb, prev + hb + H);
        cs.copyWithin(next + hb, prev + hb, prev + hb + H);
        continue;
      }
      const xrow = (t * B + b) * G;
      const grow = b * G;
      const srow = t * BH + hb;
      for (let j = 0; j < H; j++) {
        let ai = xp[xrow + j] + gh[grow + j];
        let af = xp[xrow + H + j] + gh[grow + H + j];
        let ag = xp[xrow + 2 * H + j] + gh[grow + 2 * H + j];
        let ao = xp[xrow + 3 * H + j] + gh[grow + 3 * H + j];
        if (bih) {
          ai += bih[j];
          af += bih[H + j];
          ag += bih[2 * H + j];
          ao += bih[3 * H + j];
        }
        if (bhh) {
          ai += bhh[j];
          af += bhh[H + j];
          ag += bhh[2 * H + j];
          ao += bhh[3 * H + j];
        }
        const i = sigmoid(ai);
        const f = sigmoid(af);
        const gg = Math.tanh(ag);
        const o = sigmoid(ao);
        const c = f * cs[prev + hb + j] + i * gg;
        const tc = Math.tanh(c);
        const h = o * tc;
        gates[xrow + j] = i;
        gates[xrow + H + j] = f;
        gates[xrow + 2 * H + j] = gg;
        gates[xrow + 3 * H + j] = o;
        TC[srow + j] = tc;
        cs[next + hb + j] = c;
        hs[next + hb + j] = h;
        out[srow + j] = h;
      }
    }
  }
  const last = reverse ? 0 : T * BH;
  out.set(hs.subarray(last, last + BH), T * BH);
  out.set(cs.subarray(last, last + BH), (T + 1) * BH);
  const y = new Tensor(out, [T + 2, B, H], dtype);

  const inputs: Tensor[] = [a.xProj, a.wHh, a.h0, a.c0];
  if (a.bIh) inputs.push(a.bIh);
  if (a.bHh) inputs.push(a.bHh);
  return record(y, 'lstmSequence', inputs, (g) => {
    const gd = dense(g);
    let dh = allocFloat(dtype, BH);
    let dhNext = allocFloat(dtype, BH);
    let dc = allocFloat(dtype, BH);
    let dcNext = allocFloat(dtype, BH);
    dh.set(gd.subarray(T * BH, (T + 1) * BH));
    dc.set(gd.subarray((T + 1) * BH, (T + 2) * BH));
    // Preactivation gradients by time; x-side and h-side are identical for an LSTM.
    const DG = allocFloat(dtype, T * B * G);
    for (let k = T - 1; k >= 0; k--) {
      const t = reverse ? T - 1 - k : k;
      const prev = (reverse ? t + 1 : t) * BH;
      for (let b = 0; b < B; b++) {
        const hb = b * H;
        if (lengths && t >= lengths[b]) {
          for (let j = 0; j < H; j++) {
            dhNext[hb + j] = dh[hb + j];
            dcNext[hb + j] = dc[hb + j];
          }
          continue;
        }
        const grow = (t * B + b) * G;
        const srow = t * BH + hb;
        for (let j = 0; j < H; j++) {
          const d = dh[hb + j] + gd[srow + j];
          const i = gates[grow + j];
          const f = gates[grow + H + j];
          const gg = gates[grow + 2 * H + j];
          const o = gates[grow + 3 * H + j];
          const tc = TC[srow + j];
          const dct = dc[hb + j] + d * o * (1 - tc * tc);
          DG[grow + j] = dct * gg * i * (1 - i);
          DG[grow + H + j] = dct * cs[prev + hb + j] * f * (1 - f);
          DG[grow + 2 * H + j] = dct * i * (1 - gg * gg);
          DG[grow + 3 * H + j] = d * tc * o * (1 - o);
          dcNext[hb + j] = dct * f;
          dhNext[hb + j] = 0;
        }
      }
      gemm(B, H, G, 1, { data: DG, offset: t * B * G, rowStride: G, colStride: 1 }, { data: whh, offset: 0, rowStride: H, colStride: 1 }, 1, dhNext, 0, H);
      let tmp = dh;
      dh = dhNext;
      dhNext = tmp;
      tmp = dc;
      dc = dcNext;
      dcNext = tmp;
    }
    let dW: Tensor | null = null;
    if (a.wHh.requiresGrad) {
      const w = allocFloat(dtype, G * H);
      gemm(G, H, T * B, 1, { data: DG, offset: 0, rowStride: 1, colStride: G }, { data: hs, offset: reverse ? BH : 0, rowStride: H, colStride: 1 }, 0, w, 0, H);
      dW = new Tensor(w, [G, H], dtype);
    }
    const bias = a.bIh?.requiresGrad || a.bHh?.requiresGrad ? columnSums(DG, T * B, G, dtype) : null;
    const grads: (Tensor | null)[] = [
      a.xProj.requiresGrad ? new Tensor(DG, [T * B, G], dtype) : null,
      dW,
      a.h0.requiresGrad ? new Tensor(dh, [B, H], dtype) : null,
      a.c0.requiresGrad ? new Tensor(dc, [B, H], dtype) : null,
    ];
    if (a.bIh) grads.push(a.bIh.requiresGrad ? bias : null);
    // A separate copy: two leaves must never share one gradient buffer (in-place clipping would hit it twice).
    if (a.bHh) grads.push(a.bHh.requiresGrad && bias ? (a.bIh?.requiresGrad ? bias.clone() : bias) : null);
    return grads;
  });
}
