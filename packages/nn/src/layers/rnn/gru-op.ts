/**
 * One GRU layer-direction over a whole sequence as a single autograd op with
 * a hand-written backward through time. Recording one node instead of ~10
 * tiny ops per step removes the per-step allocation and graph overhead; the
 * only per-step work is the [B,H]·[H,3H] recurrent GEMM and elementwise
 * gate math. PyTorch's layout and formulas:
 *   r = σ(x_r + b_ir + h·W_hrᵀ + b_hr)      z = σ(x_z + b_iz + h·W_hzᵀ + b_hz)
 *   n = tanh(x_n + b_in + r ⊙ (h·W_hnᵀ + b_hn))      h' = (1 − z) ⊙ n + z ⊙ h
 * The result packs [output (T steps); h_n] into one [T+1, B, H] tensor.
 */
import { record, Tensor } from '@tensorkit/core';
import { allocFloat, backendFor, checkArgs, columnSums, dense, sigmoid, type RecurrentArgs } from './kernels.js';

export function gruSequence(a: RecurrentArgs): Tensor {
  const { H, dtype } = checkArgs('gruSequence', a, 3);
  const { steps: T, batch: B, reverse, lengths } = a;
  const G = 3 * H;
  const BH = B * H;
  const gemm = backendFor(dtype).gemm;
  const xp = dense(a.xProj);
  const whh = dense(a.wHh);
  const bih = a.bIh ? dense(a.bIh) : null;
  const bhh = a.bHh ? dense(a.bHh) : null;
  // States by time: the state before step t sits in slot t (forward) or t+1 (reverse), so
  // every step's previous state is one contiguous [T·B, H] block for the weight gradient.
  const hs = allocFloat(dtype, (T + 1) * BH);
  hs.set(dense(a.h0), reverse ? T * BH : 0);
  const R = allocFloat(dtype, T * BH);
  const Z = allocFloat(dtype, T * BH);
  const N = allocFloat(dtype, T * BH);
  const GHN = allocFloat(dtype, T * BH);
  const out = allocFloat(dtype, (T + 1) * BH);
  const backend = backendFor(dtype);
  // The fast backend runs the whole recurrence in its own memory; then it also runs the backward.
  const fused = backend.gruForward !== undefined && backend.gruBackward !== undefined &&
    backend.gruForward({ steps: T, batch: B, hidden: H, reverse, lengths, xProj: xp, wHh: whh, bIh: bih, bHh: bhh, h0: dense(a.h0), hs, r: R, z: Z, n: N, ghn: GHN, out });
  if (!fused) forwardJs();

  function forwardJs(): void {
    const gh = allocFloat(dtype, B * G);
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
          continue;
        }
        const xrow = (t * B + b) * G;
        const grow = b * G;
        const srow = t * BH + hb;
        for (let j = 0; j < H; j++) {
          let ar = xp[xrow + j] + gh[grow + j];
          let az = xp[xrow + H + j] + gh[grow + H + j];
          let an = xp[xrow + 2 * H + j];
          let ghn = gh[grow + 2 * H + j];
          if (bih) {
            ar += bih[j];
            az += bih[H + j];
            an += bih[2 * H + j];
          }
          if (bhh) {
            ar += bhh[j];
            az += bhh[H + j];
            ghn += bhh[2 * H + j];
          }
          const r = sigmoid(ar);
          const z = sigmoid(az);
          const n = Math.tanh(an + r * ghn);
          const h = n + z * (hs[prev + hb + j] - n);
          R[srow + j] = r;
          Z[srow + j] = z;
          N[srow + j] = n;
          GHN[srow + j] = ghn;
          hs[next + hb + j] = h;
          out[srow + j] = h;
        }
      }
    }
    out.set(hs.subarray(reverse ? 0 : T * BH, reverse ? BH : (T + 1) * BH), T * BH);
  }
  const y = new Tensor(out, [T + 1, B, H], dtype);

  const inputs: Tensor[] = [a.xProj, a.wHh, a.h0];
  if (a.bIh) inputs.push(a.bIh);
  if (a.bHh) inputs.push(a.bHh);
  return record(y, 'gruSequence', inputs, (g) => {
    const gd = dense(g);
    let dh = allocFloat(dtype, BH);
    // Gate-preactivation gradients by time; x-side and h-side differ only in the n block (×r).
    const DGX = allocFloat(dtype, T * B * G);
    // The fused backend also forms the weight and bias gradients, so the h-side gate gradients never leave it.
    const dwHh = a.wHh.requiresGrad ? allocFloat(dtype, G * H) : null;
    const dbIh = a.bIh && a.bIh.requiresGrad ? allocFloat(dtype, G) : null;
    const dbHh = a.bHh && a.bHh.requiresGrad ? allocFloat(dtype, G) : null;
    const done = fused && backend.gruBackward!({ steps: T, batch: B, hidden: H, reverse, lengths, wHh: whh, hs, r: R, z: Z, n: N, ghn: GHN, gy: gd, dgx: DGX, dgh: null, dh0: dh, dwHh, dbIh, dbHh });
    if (!done) {
      const DGH = allocFloat(dtype, T * B * G);
      let dhNext = allocFloat(dtype, BH);
      dh.set(gd.subarray(T * BH, (T + 1) * BH));
      for (let k = T - 1; k >= 0; k--) {
        const t = reverse ? T - 1 - k : k;
        const prev = (reverse ? t + 1 : t) * BH;
        for (let b = 0; b < B; b++) {
          const hb = b * H;
          if (lengths && t >= lengths[b]) {
            // A frozen step passes the state (and its gradient) through unchanged.
            for (let j = 0; j < H; j++) dhNext[hb + j] = dh[hb + j];
            continue;
          }
          const grow = (t * B + b) * G;
          const srow = t * BH + hb;
          for (let j = 0; j < H; j++) {
            const d = dh[hb + j] + gd[srow + j];
            const r = R[srow + j];
            const z = Z[srow + j];
            const n = N[srow + j];
            const dan = d * (1 - z) * (1 - n * n);
            const dar = dan * GHN[srow + j] * r * (1 - r);
            const daz = d * (hs[prev + hb + j] - n) * z * (1 - z);
            DGX[grow + j] = dar;
            DGX[grow + H + j] = daz;
            DGX[grow + 2 * H + j] = dan;
            DGH[grow + j] = dar;
            DGH[grow + H + j] = daz;
            DGH[grow + 2 * H + j] = dan * r;
            dhNext[hb + j] = d * z;
          }
        }
        // dh_prev += dGates_h · W_hh (rows of frozen sequences are zero and add nothing).
        gemm(B, H, G, 1, { data: DGH, offset: t * B * G, rowStride: G, colStride: 1 }, { data: whh, offset: 0, rowStride: H, colStride: 1 }, 1, dhNext, 0, H);
        const tmp = dh;
        dh = dhNext;
        dhNext = tmp;
      }
      if (dwHh) {
        // Σ_t dGates_h(t)ᵀ · h_prev(t) as one [G, T·B]·[T·B, H] GEMM.
        gemm(G, H, T * B, 1, { data: DGH, offset: 0, rowStride: 1, colStride: G }, { data: hs, offset: reverse ? BH : 0, rowStride: H, colStride: 1 }, 0, dwHh, 0, H);
      }
      if (dbIh) dbIh.set(columnSums(DGX, T * B, G, dtype).toTypedArray());
      if (dbHh) dbHh.set(columnSums(DGH, T * B, G, dtype).toTypedArray());
    }
    const grads: (Tensor | null)[] = [
      a.xProj.requiresGrad ? new Tensor(DGX, [T * B, G], dtype) : null,
      dwHh ? new Tensor(dwHh, [G, H], dtype) : null,
      a.h0.requiresGrad ? new Tensor(dh, [B, H], dtype) : null,
    ];
    if (a.bIh) grads.push(dbIh ? new Tensor(dbIh, [G], dtype) : null);
    if (a.bHh) grads.push(dbHh ? new Tensor(dbHh, [G], dtype) : null);
    return grads;
  });
}
