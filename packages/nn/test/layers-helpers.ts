/**
 * Test helpers for layer tests (not a test file): gradcheck a module with
 * respect to its inputs AND parameters, and composed-op reference RNNs that
 * the fused recurrent ops are checked against.
 */
import { expect } from 'vitest';
import { concat, Generator, gradcheck, randn, stack, Tensor, where, zeros, type GradcheckOptions, type GradcheckResult } from '@tensorkit/core';
import { functionalCall, type Module, type TensorModule } from '../src/module.js';
import type { GRU } from '../src/layers/rnn/gru.js';
import type { LSTM } from '../src/layers/rnn/lstm.js';

/**
 * Converts the module to float64 and gradchecks run(...inputs) with respect
 * to the inputs that require grad and every parameter.
 */
export function gradcheckModule(m: Module, inputs: Tensor[], run: (...xs: Tensor[]) => Tensor | Tensor[], opts: GradcheckOptions = {}): GradcheckResult {
  m.to('float64');
  const named = m.namedParameters();
  const k = inputs.length;
  return gradcheck(
    (...all: Tensor[]) => functionalCall(m, Object.fromEntries(named.map(([n], i) => [n, all[k + i]])), () => run(...all.slice(0, k))),
    [...inputs, ...named.map(([, p]) => p)],
    opts,
  );
}

/** A random float64 input that requires grad, drawn from its own seed. */
export function f64(shape: number[], seed: number): Tensor {
  return randn(shape, { dtype: 'float64', generator: new Generator(seed), requiresGrad: true });
}

/** Gradchecks a tensor → tensor module on one random float64 input (its inputs and parameters). */
export function checkModuleGrad(m: TensorModule, shape: number[], seed = 1): void {
  const r = gradcheckModule(m, [f64(shape, seed)], (x) => m.forward(x));
  expect(r.ok, r.message).toBe(true);
}

export function maxAbsDiff(a: Tensor, b: Tensor): number {
  const x = a.contiguous().toTypedArray();
  const y = b.contiguous().toTypedArray();
  if (x.length !== y.length) throw new Error(`maxAbsDiff: sizes ${x.length} vs ${y.length}`);
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i] - y[i]));
  return m;
}

type Cell = (x: Tensor, h: Tensor, c: Tensor | null, p: Record<string, Tensor | null>, sfx: string) => [Tensor, Tensor | null];

const gruCell: Cell = (x, h, _c, p, sfx) => {
  let gi = x.matmul(p[`weight_ih${sfx}`]!.T);
  let gh = h.matmul(p[`weight_hh${sfx}`]!.T);
  if (p[`bias_ih${sfx}`]) gi = gi.add(p[`bias_ih${sfx}`]!);
  if (p[`bias_hh${sfx}`]) gh = gh.add(p[`bias_hh${sfx}`]!);
  const H = h.shape[1];
  const part = (t: Tensor, i: number) => t.slice(1, i * H, (i + 1) * H);
  const r = part(gi, 0).add(part(gh, 0)).sigmoid();
  const z = part(gi, 1).add(part(gh, 1)).sigmoid();
  const n = part(gi, 2).add(r.mul(part(gh, 2))).tanh();
  return [z.neg().add(1).mul(n).add(z.mul(h)), null];
};

const lstmCell: Cell = (x, h, c, p, sfx) => {
  let g = x.matmul(p[`weight_ih${sfx}`]!.T).add(h.matmul(p[`weight_hh${sfx}`]!.T));
  if (p[`bias_ih${sfx}`]) g = g.add(p[`bias_ih${sfx}`]!).add(p[`bias_hh${sfx}`]!);
  const H = h.shape[1];
  const part = (i: number) => g.slice(1, i * H, (i + 1) * H);
  const cNew = part(1).sigmoid().mul(c!).add(part(0).sigmoid().mul(part(2).tanh()));
  return [part(3).sigmoid().mul(cNew.tanh()), cNew];
};

/**
 * Step-by-step RNN written with ordinary ops (the semantics the fused ops
 * must reproduce): padded steps keep the state and output zeros.
 */
function referenceRnn(m: GRU | LSTM, cell: Cell, input: Tensor, lengths: readonly number[] | null, h0?: Tensor, c0?: Tensor): { output: Tensor; hidden: Tensor; cell: Tensor | null } {
  const c = m.config;
  const p = Object.fromEntries(m.namedParameters()) as Record<string, Tensor>;
  const x0 = c.batchFirst ? input.transpose(0, 1) : input;
  const [T, B] = x0.shape;
  const H = c.hiddenSize;
  const D = c.bidirectional ? 2 : 1;
  const dtype = x0.dtype;
  const isLstm = cell === lstmCell;
  let layerIn = x0;
  const hs: Tensor[] = [];
  const cs: Tensor[] = [];
  for (let l = 0; l < c.numLayers; l++) {
    const dirs: Tensor[] = [];
    for (let d = 0; d < D; d++) {
      const sfx = `_l${l}${d ? '_reverse' : ''}`;
      let h = h0 ? h0.select(0, l * D + d) : zeros([B, H], { dtype });
      let cc: Tensor | null = isLstm ? (c0 ? c0.select(0, l * D + d) : zeros([B, H], { dtype })) : null;
      const outs: Tensor[] = new Array(T);
      for (let k = 0; k < T; k++) {
        const t = d ? T - 1 - k : k;
        const [hNew, cNew] = cell(layerIn.select(0, t), h, cc, p, sfx);
        const active = new Tensor(Uint8Array.from({ length: B }, (_, b) => (lengths === null || t < lengths[b] ? 1 : 0)), [B, 1], 'bool');
        h = where(active, hNew, h);
        if (cc && cNew) cc = where(active, cNew, cc);
        outs[t] = where(active, hNew, zeros([B, H], { dtype }));
      }
      dirs.push(stack(outs, 0));
      hs.push(h);
      if (cc) cs.push(cc);
    }
    layerIn = D === 1 ? dirs[0] : concat(dirs, 2);
  }
  const output = c.batchFirst ? layerIn.transpose(0, 1) : layerIn;
  return { output, hidden: stack(hs, 0), cell: isLstm ? stack(cs, 0) : null };
}

export function gruReference(m: GRU, input: Tensor, lengths: readonly number[] | null = null, h0?: Tensor) {
  return referenceRnn(m, gruCell, input, lengths, h0);
}

export function lstmReference(m: LSTM, input: Tensor, lengths: readonly number[] | null = null, h0?: Tensor, c0?: Tensor) {
  return referenceRnn(m, lstmCell, input, lengths, h0, c0);
}
