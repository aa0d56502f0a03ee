import { describe, expect, it } from 'vitest';
import { Generator, gradcheck, randn, tensor, Tensor } from '@tensorkit/core';
import { RNNBase } from '../src/layers/index.js';
import { expectClose, expectGrad, rnd } from '../../core/test/helpers.js';
import { GRU } from '../src/layers/rnn/gru.js';
import { LSTM } from '../src/layers/rnn/lstm.js';
import { gruSequence } from '../src/layers/rnn/gru-op.js';
import { lstmSequence } from '../src/layers/rnn/lstm-op.js';
import { gradcheckModule, gruReference, lstmReference, maxAbsDiff } from './layers-helpers.js';

const f64 = (shape: number[], g: Generator, requiresGrad = false) => randn(shape, { dtype: 'float64', generator: g, requiresGrad });

describe('fused recurrent ops', () => {
  for (const reverse of [false, true]) {
    it(`gruSequence passes gradcheck (reverse=${reverse}, with lengths)`, () => {
      const g = new Generator(1);
      const [T, B, H] = [4, 3, 2];
      const r = gradcheck(
        (xp, w, h0, bi, bh) => gruSequence({ xProj: xp, wHh: w, h0, bIh: bi, bHh: bh, steps: T, batch: B, lengths: Int32Array.from([4, 2, 0]), reverse }),
        [f64([T * B, 3 * H], g, true), f64([3 * H, H], g, true), f64([B, H], g, true), f64([3 * H], g, true), f64([3 * H], g, true)],
      );
      expect(r.ok).toBe(true);
    });

    it(`lstmSequence passes gradcheck (reverse=${reverse}, with lengths)`, () => {
      const g = new Generator(2);
      const [T, B, H] = [4, 3, 2];
      const r = gradcheck(
        (xp, w, h0, c0, bi, bh) => lstmSequence({ xProj: xp, wHh: w, h0, c0, bIh: bi, bHh: bh, steps: T, batch: B, lengths: Int32Array.from([1, 4, 3]), reverse }),
        [f64([T * B, 4 * H], g, true), f64([4 * H, H], g, true), f64([B, H], g, true), f64([B, H], g, true), f64([4 * H], g, true), f64([4 * H], g, true)],
      );
      expect(r.ok).toBe(true);
    });
  }
});

describe('GRU', () => {
  it('matches the composed-op reference: outputs, h_n and every gradient (2 layers, bidirectional, lengths)', () => {
    const g = new Generator(3);
    const gru = new GRU({ inputSize: 3, hiddenSize: 4, numLayers: 2, bidirectional: true, generator: g }).to('float64');
    const x = f64([5, 3, 3], g, true);
    const lengths = [5, 2, 3];
    const fused = gru.forward(x, { lengths });
    const ref = gruReference(gru, x, lengths);
    expect(fused.output.shape).toEqual([5, 3, 8]);
    expect(fused.hidden.shape).toEqual([4, 3, 4]);
    expect(maxAbsDiff(fused.output, ref.output)).toBeLessThan(1e-12);
    expect(maxAbsDiff(fused.hidden, ref.hidden)).toBeLessThan(1e-12);
    const wOut = f64([5, 3, 8], g);
    const wHid = f64([4, 3, 4], g);
    const grads = (o: { output: Tensor; hidden: Tensor }) => {
      gru.zeroGrad();
      x.grad = null;
      o.output.mul(wOut).sum().add(o.hidden.mul(wHid).sum()).backward();
      return [x.grad!, ...gru.parameters().map((p) => p.grad!)];
    };
    const a = grads(fused);
    const b = grads(ref);
    a.forEach((t, i) => expect(maxAbsDiff(t, b[i])).toBeLessThan(1e-10));
  });

  it('outputs at valid positions and h_n equal running each sequence alone', () => {
    const g = new Generator(4);
    const gru = new GRU({ inputSize: 2, hiddenSize: 3, numLayers: 2, bidirectional: true, batchFirst: true, generator: g });
    const lengths = [6, 4, 1];
    const x = randn([3, 6, 2], { generator: g }); // padding holds garbage on purpose
    const { output, hidden } = gru.forward(x, { lengths });
    lengths.forEach((len, b) => {
      const alone = gru.forward(x.slice(0, b, b + 1).slice(1, 0, len));
      expect(maxAbsDiff(output.slice(0, b, b + 1).slice(1, 0, len), alone.output)).toBeLessThan(1e-6);
      expect(maxAbsDiff(hidden.slice(1, b, b + 1), alone.hidden)).toBeLessThan(1e-6);
      if (len < 6) expect(maxAbsDiff(output.slice(0, b, b + 1).slice(1, len), output.slice(0, b, b + 1).slice(1, len).mul(0))).toBe(0);
    });
  });

  it('passes gradcheck w.r.t. input, h0 and parameters (2 layers, bidirectional, batchFirst, lengths)', () => {
    const g = new Generator(5);
    const gru = new GRU({ inputSize: 2, hiddenSize: 2, numLayers: 2, bidirectional: true, batchFirst: true, generator: g });
    const x = f64([2, 3, 2], g, true);
    const h0 = f64([4, 2, 2], g, true);
    const r = gradcheckModule(gru, [x, h0], (xi, hi) => {
      const o = gru.forward(xi, { h0: hi, lengths: [3, 2] });
      return [o.output, o.hidden];
    });
    expect(r.ok).toBe(true);
  });

  it('without bias: gradcheck and PyTorch parameter names', () => {
    const g = new Generator(6);
    const gru = new GRU({ inputSize: 2, hiddenSize: 2, bias: false, generator: g });
    expect(gru.namedParameters().map(([n]) => n)).toEqual(['weight_ih_l0', 'weight_hh_l0']);
    const r = gradcheckModule(gru, [f64([3, 2, 2], g, true)], (x) => gru.forward(x).output);
    expect(r.ok).toBe(true);
  });

  it('initialises every parameter in U(-1/√H, 1/√H) and is seed-deterministic', () => {
    const a = new GRU({ inputSize: 5, hiddenSize: 16, generator: new Generator(9) });
    const b = new GRU({ inputSize: 5, hiddenSize: 16, generator: new Generator(9) });
    expect(a.namedParameters().map(([n, p]) => [n, p.shape])).toEqual([
      ['weight_ih_l0', [48, 5]], ['weight_hh_l0', [48, 16]], ['bias_ih_l0', [48]], ['bias_hh_l0', [48]],
    ]);
    for (const [i, p] of a.parameters().entries()) {
      expect(Math.max(...Array.from(p.storage, Math.abs))).toBeLessThanOrEqual(0.25);
      expect(Array.from(p.storage)).toEqual(Array.from(b.parameters()[i].storage));
    }
  });

  it('rejects bad shapes and lengths with clear messages', () => {
    const gru = new GRU({ inputSize: 2, hiddenSize: 2 });
    expect(() => gru.forward(randn([3, 2, 5]))).toThrow(/input must be \[T, B, 2\]/);
    expect(() => gru.forward(randn([3, 2, 2]), { lengths: [1] })).toThrow(/lengths has 1 entries for a batch of 2/);
    expect(() => gru.forward(randn([3, 2, 2]), { lengths: [1, 4] })).toThrow(/lengths\[1\] = 4/);
    expect(() => gru.forward(randn([3, 2, 2]), { h0: randn([2, 2, 2]) })).toThrow(/initial state must be \[1, 2, 2\]/);
  });

  it('forward refuses unknown option keys (PyTorch spellings) instead of ignoring the state', () => {
    // Before: { hx } was ignored (the run started from zeros) and { length } ran every step of padded sequences.
    const gru = new GRU({ inputSize: 2, hiddenSize: 2 });
    const lstm = new LSTM({ inputSize: 2, hiddenSize: 2 });
    expect(() => gru.forward(randn([3, 1, 2]), { hx: randn([1, 1, 2]) } as never)).toThrow("GRU.forward: unknown option 'hx' (did you mean 'h0'?); known options: h0, lengths");
    expect(() => gru.forward(randn([3, 1, 2]), { length: [2] } as never)).toThrow("GRU.forward: unknown option 'length' (did you mean 'lengths'?)");
    expect(() => lstm.forward(randn([3, 1, 2]), { hx: randn([1, 1, 2]) } as never)).toThrow(/^LSTM.forward: unknown option 'hx'/);
  });

  it('a float64 input or state for float32 parameters is blamed on the input, by the layer', () => {
    const gru = new GRU({ inputSize: 2, hiddenSize: 2 });
    const lstm = new LSTM({ inputSize: 2, hiddenSize: 2 });
    // Used to surface from the fused op as "gruSequence: weight_hh must be [6, 2] float64".
    expect(() => gru.forward(randn([3, 2, 2], { dtype: 'float64' }))).toThrow("GRU: input is float64 but the parameters are float32 (convert the input, or the module with .to('float64'))");
    expect(() => lstm.forward(randn([3, 2, 2], { dtype: 'float64' }))).toThrow('LSTM: input is float64 but the parameters are float32');
    expect(() => gru.forward(randn([3, 2, 2]), { h0: randn([1, 2, 2], { dtype: 'float64' }) })).toThrow('GRU: initial state must be [1, 2, 2] float32, got [1,2,2] float64');
    expect(() => lstm.forward(randn([3, 2, 2]), { c0: randn([1, 2, 2], { dtype: 'float64' }) })).toThrow('LSTM: initial state must be [1, 2, 2] float32, got [1,2,2] float64');
  });
});

describe('LSTM', () => {
  it('matches the composed-op reference with lengths, h0/c0 (2 layers, bidirectional)', () => {
    const g = new Generator(7);
    const lstm = new LSTM({ inputSize: 3, hiddenSize: 3, numLayers: 2, bidirectional: true, generator: g }).to('float64');
    const x = f64([4, 2, 3], g, true);
    const h0 = f64([4, 2, 3], g, true);
    const c0 = f64([4, 2, 3], g, true);
    const lengths = [2, 4];
    const fused = lstm.forward(x, { lengths, h0, c0 });
    const ref = lstmReference(lstm, x, lengths, h0, c0);
    expect(maxAbsDiff(fused.output, ref.output)).toBeLessThan(1e-12);
    expect(maxAbsDiff(fused.hidden, ref.hidden)).toBeLessThan(1e-12);
    expect(maxAbsDiff(fused.cell, ref.cell!)).toBeLessThan(1e-12);
    const w = [f64([4, 2, 6], g), f64([4, 2, 3], g), f64([4, 2, 3], g)];
    const grads = (o: Tensor[]) => {
      lstm.zeroGrad();
      for (const t of [x, h0, c0]) t.grad = null;
      o.map((t, i) => t.mul(w[i]).sum()).reduce((s, t) => s.add(t)).backward();
      return [x.grad!, h0.grad!, c0.grad!, ...lstm.parameters().map((p) => p.grad!)];
    };
    const a = grads([fused.output, fused.hidden, fused.cell]);
    const b = grads([ref.output, ref.hidden, ref.cell!]);
    a.forEach((t, i) => expect(maxAbsDiff(t, b[i])).toBeLessThan(1e-10));
  });

  it('passes gradcheck w.r.t. input and parameters (bidirectional, lengths)', () => {
    const g = new Generator(8);
    const lstm = new LSTM({ inputSize: 2, hiddenSize: 2, bidirectional: true, generator: g });
    const r = gradcheckModule(lstm, [f64([3, 2, 2], g, true)], (x) => {
      const o = lstm.forward(x, { lengths: [1, 3] });
      return [o.output, o.hidden, o.cell];
    });
    expect(r.ok).toBe(true);
  });

  it('outputs at valid positions equal running each sequence alone', () => {
    const g = new Generator(10);
    const lstm = new LSTM({ inputSize: 2, hiddenSize: 3, bidirectional: true, generator: g });
    const lengths = [2, 5];
    const x = randn([5, 2, 2], { generator: g });
    const { output, hidden, cell } = lstm.forward(x, { lengths });
    lengths.forEach((len, b) => {
      const alone = lstm.forward(x.slice(1, b, b + 1).slice(0, 0, len));
      expect(maxAbsDiff(output.slice(1, b, b + 1).slice(0, 0, len), alone.output)).toBeLessThan(1e-6);
      expect(maxAbsDiff(hidden.slice(1, b, b + 1), alone.hidden)).toBeLessThan(1e-6);
      expect(maxAbsDiff(cell.slice(1, b, b + 1), alone.cell)).toBeLessThan(1e-6);
    });
  });
});

describe('fused recurrent ops by hand (H = 1, PyTorch\'s gate equations)', () => {
  const sig = (v: number) => 1 / (1 + Math.exp(-v));
  const t64 = (d: number[] | number[][]) => tensor(d, { dtype: 'float64' });
  // Two steps of one sequence; per step the input projection holds one value per gate.
  const XP = [[0.5, -0.3, 0.8, 0.2], [-1.2, 0.4, 0.1, -0.7]];
  const W = [0.7, -0.6, 0.9, 0.3];
  const BI = [0.1, 0.2, -0.1, 0.05];
  const BH = [-0.2, 0.3, 0.4, -0.15];

  for (const reverse of [false, true]) {
    it(`gruSequence: r, z, n and h' = (1 - z)·n + z·h (reverse=${reverse})`, () => {
      const out = [0, 0];
      let h = 0.25;
      for (const t of reverse ? [1, 0] : [0, 1]) {
        const [xr, xz, xn] = XP[t];
        const r = sig(xr + BI[0] + W[0] * h + BH[0]);
        const z = sig(xz + BI[1] + W[1] * h + BH[1]);
        const n = Math.tanh(xn + BI[2] + r * (W[2] * h + BH[2]));
        h = (1 - z) * n + z * h;
        out[t] = h;
      }
      const y = gruSequence({
        xProj: t64(XP.map((row) => row.slice(0, 3))), wHh: t64(W.slice(0, 3).map((w) => [w])), h0: t64([[0.25]]),
        bIh: t64(BI.slice(0, 3)), bHh: t64(BH.slice(0, 3)), steps: 2, batch: 1, lengths: null, reverse,
      });
      expectClose(y, [[[out[0]]], [[out[1]]], [[h]]], 1e-12); // [output t=0; output t=1; h_n]
    });

    it(`lstmSequence: i, f, g, o, c' = f·c + i·g, h' = o·tanh(c') (reverse=${reverse})`, () => {
      const out = [0, 0];
      let h = 0.25;
      let c = -0.5;
      for (const t of reverse ? [1, 0] : [0, 1]) {
        const a = XP[t].map((x, k) => x + BI[k] + W[k] * h + BH[k]);
        c = sig(a[1]) * c + sig(a[0]) * Math.tanh(a[2]);
        h = sig(a[3]) * Math.tanh(c);
        out[t] = h;
      }
      const y = lstmSequence({
        xProj: t64(XP), wHh: t64(W.map((w) => [w])), h0: t64([[0.25]]), c0: t64([[-0.5]]),
        bIh: t64(BI), bHh: t64(BH), steps: 2, batch: 1, lengths: null, reverse,
      });
      expectClose(y, [[[out[0]]], [[out[1]]], [[h]], [[c]]], 1e-12); // [outputs; h_n; c_n]
    });
  }
});

describe('fused recurrent ops: gradient edges (float64 gradcheck)', () => {
  it('without biases, with one bias, and with a transposed input projection', () => {
    const args = { steps: 2, batch: 2, lengths: Int32Array.from([1, 2]) };
    expectGrad((xp, w, h0) => gruSequence({ ...args, xProj: xp.T, wHh: w, h0, bIh: null, bHh: null, reverse: false }), [rnd([3, 4], 40), rnd([3, 1], 41), rnd([2, 1], 42)]);
    expectGrad((xp, w, h0, b) => gruSequence({ ...args, xProj: xp, wHh: w, h0, bIh: b, bHh: null, reverse: true }), [rnd([4, 3], 43), rnd([3, 1], 44), rnd([2, 1], 45), rnd([3], 46)]);
    expectGrad((xp, w, h0, c0) => lstmSequence({ ...args, xProj: xp.T, wHh: w, h0, c0, bIh: null, bHh: null, reverse: true }), [rnd([4, 4], 47), rnd([4, 1], 48), rnd([2, 1], 49), rnd([2, 1], 50)]);
    expectGrad((xp, w, h0, c0, b) => lstmSequence({ ...args, xProj: xp, wHh: w, h0, c0, bIh: null, bHh: b, reverse: false }), [rnd([4, 4], 51), rnd([4, 1], 52), rnd([2, 1], 53), rnd([2, 1], 54), rnd([4], 55)]);
  });

  it('GRU and LSTM share the RNNBase layer loop', () => {
    expect(new GRU({ inputSize: 1, hiddenSize: 1 })).toBeInstanceOf(RNNBase);
    expect(new LSTM({ inputSize: 1, hiddenSize: 1 })).toBeInstanceOf(RNNBase);
  });
});
