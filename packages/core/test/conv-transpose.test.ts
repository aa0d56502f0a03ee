/** convTranspose1d / convTranspose2d: hand-checked values, the scatter definition, shapes, errors and float64 gradchecks. */
import { describe, expect, it } from 'vitest';
import { conv2d, convTranspose1d, convTranspose2d, Generator, jsBackend, randn, tensor, withBackend, type ConvTranspose2dOptions, type Tensor } from '@tensorkit/core';
import { expectClose, expectGrad, rnd } from './helpers.js';
import { useCountedWasmBackend } from './wasm-harness.js';

const X = [[1, 2], [3, 4]];
const K = [[1, 2], [3, 4]];
const plane = (t: Tensor) => t.select(0, 0).select(0, 0);

type Opts = Record<'stride' | 'padding' | 'outputPadding' | 'dilation', [number, number]> & { groups: number };

function full(o: ConvTranspose2dOptions): Opts {
  const p = (v: number | readonly [number, number] | undefined, d: number): [number, number] => (v === undefined ? [d, d] : typeof v === 'number' ? [v, v] : [v[0], v[1]]);
  return { stride: p(o.stride, 1), padding: p(o.padding, 0), outputPadding: p(o.outputPadding, 0), dilation: p(o.dilation, 1), groups: o.groups ?? 1 };
}

/** The definition, naively: every input pixel scatters x·kernel into the (uncropped) output, then the padding is cropped. */
function naive(x: Tensor, w: Tensor, b: Tensor | null, opts: ConvTranspose2dOptions): { shape: number[]; data: number[] } {
  const { stride: [sh, sw], padding: [ph, pw], outputPadding: [oph, opw], dilation: [dh, dw], groups } = full(opts);
  const [n, cin, h, wd] = x.shape;
  const [, coutg, kh, kw] = w.shape;
  const cout = coutg * groups;
  const cing = cin / groups;
  const hout = (h - 1) * sh - 2 * ph + dh * (kh - 1) + oph + 1;
  const wout = (wd - 1) * sw - 2 * pw + dw * (kw - 1) + opw + 1;
  const xa = x.toArray() as number[][][][];
  const wa = w.toArray() as number[][][][];
  const ba = b ? (b.toArray() as number[]) : null;
  const out = new Array<number>(n * cout * hout * wout).fill(0);
  for (let s = 0; s < n; s++) for (let c = 0; c < cin; c++) for (let i = 0; i < h; i++) for (let j = 0; j < wd; j++) {
    const g = Math.floor(c / cing);
    for (let oc = 0; oc < coutg; oc++) for (let ki = 0; ki < kh; ki++) for (let kj = 0; kj < kw; kj++) {
      const y = i * sh - ph + ki * dh;
      const z = j * sw - pw + kj * dw;
      if (y < 0 || y >= hout || z < 0 || z >= wout) continue;
      out[((s * cout + g * coutg + oc) * hout + y) * wout + z] += xa[s][c][i][j] * wa[c][oc][ki][kj];
    }
  }
  if (ba) for (let s = 0; s < n; s++) for (let oc = 0; oc < cout; oc++) for (let l = 0; l < hout * wout; l++) out[(s * cout + oc) * hout * wout + l] += ba[oc];
  return { shape: [n, cout, hout, wout], data: out };
}

function expectMatchesNaive(y: Tensor, ref: { shape: number[]; data: number[] }, tol: number): void {
  expect([...y.shape]).toEqual(ref.shape);
  const got = Array.from(y.contiguous().toTypedArray() as Float32Array | Float64Array);
  const bad = ref.data.flatMap((e, i) => (Math.abs(got[i] - e) <= tol * (1 + Math.abs(e)) ? [] : [`[${i}] got ${got[i]}, expected ${e}`]));
  expect(bad.slice(0, 5)).toEqual([]);
}

describe('convTranspose2d forward (hand-computed)', () => {
  it('stride 2 with a 2×2 kernel tiles x[i][j]·K into disjoint 2×2 blocks', () => {
    expectClose(plane(convTranspose2d(tensor([[X]]), tensor([[K]]), null, { stride: 2 })), [
      [1, 2, 2, 4],
      [3, 4, 6, 8],
      [3, 6, 4, 8],
      [9, 12, 12, 16],
    ]);
  });

  it('stride 1 overlaps: out[a][b] = Σ x[i][j]·K[a−i][b−j]; padding crops; outputPadding and bias', () => {
    // (0,1) = 1·2 + 2·1; (1,1) = 1·4 + 2·3 + 3·2 + 4·1 = 20; (2,1) = 3·4 + 4·3 = 24
    expectClose(plane(convTranspose2d(tensor([[X]]), tensor([[K]]))), [[1, 4, 4], [6, 20, 16], [9, 24, 16]]);
    expectClose(plane(convTranspose2d(tensor([[X]]), tensor([[K]]), null, { padding: 1 })), [[20]]);
    // stride 2, outputPadding 1: a 5×5 output whose last row and column only hold the bias
    const y = plane(convTranspose2d(tensor([[X]]), tensor([[K]]), tensor([0.5]), { stride: 2, outputPadding: 1 }));
    expectClose(y, [
      [1.5, 2.5, 2.5, 4.5, 0.5],
      [3.5, 4.5, 6.5, 8.5, 0.5],
      [3.5, 6.5, 4.5, 8.5, 0.5],
      [9.5, 12.5, 12.5, 16.5, 0.5],
      [0.5, 0.5, 0.5, 0.5, 0.5],
    ]);
  });

  it('dilation 2 spreads the kernel taps: 1×1 input 3 → 3·[[1,0,2],[0,0,0],[3,0,4]]', () => {
    expectClose(plane(convTranspose2d(tensor([[[[3]]]]), tensor([[K]]), null, { dilation: 2 })), [[3, 0, 6], [0, 0, 0], [9, 0, 12]]);
  });

  it('channels and groups: weight [Cin, Cout/groups, kH, kW]', () => {
    const x = tensor([[[[1]], [[2]]]]); // [1, 2, 1, 1]
    // groups 1, Cout 3: out[oc] = Σ_c x[c]·w[c][oc]
    const w = tensor([[[[1]], [[2]], [[3]]], [[[10]], [[20]], [[30]]]]); // [2, 3, 1, 1]
    expectClose(convTranspose2d(x, w), [[[[21]], [[42]], [[63]]]]);
    // groups 2, Cout/groups 3: channel c only feeds outputs 3c..3c+2
    expectClose(convTranspose2d(x, w, null, { groups: 2 }), [[[[1]], [[2]], [[3]], [[20]], [[40]], [[60]]]]);
  });

  it('is the adjoint of conv2d: ⟨convT(x), y⟩ = ⟨x, conv2d(y)⟩', () => {
    const g = new Generator(7);
    const x = randn([2, 4, 3, 4], { dtype: 'float64', generator: g });
    const w = randn([4, 3, 3, 2], { dtype: 'float64', generator: g });
    const opts = { stride: [2, 1] as const, padding: [1, 0] as const, dilation: [1, 2] as const, groups: 1 };
    const yt = convTranspose2d(x, w, null, opts);
    const y = randn(yt.shape, { dtype: 'float64', generator: g });
    expect(yt.mul(y).sum().item()).toBeCloseTo(x.mul(conv2d(y, w, null, opts)).sum().item(), 9);
  });
});

const SHAPE_CASES: { x: number[]; w: number[]; opts: ConvTranspose2dOptions; out: number[] }[] = [
  // Hout = (H−1)·s − 2p + d·(k−1) + op + 1
  { x: [1, 1, 2, 2], w: [1, 1, 2, 2], opts: { stride: 2 }, out: [1, 1, 4, 4] },
  { x: [2, 3, 5, 4], w: [3, 2, 3, 3], opts: { stride: 2, padding: 1, outputPadding: 1 }, out: [2, 2, 10, 8] },
  { x: [1, 2, 4, 3], w: [2, 5, 3, 2], opts: { stride: [3, 2], padding: [2, 0], outputPadding: [2, 1] }, out: [1, 5, 10, 7] },
  { x: [1, 2, 3, 3], w: [2, 1, 3, 3], opts: { dilation: 2, padding: 1 }, out: [1, 1, 5, 5] },
  // outputPadding ≥ stride is allowed while it is below the dilation
  { x: [1, 1, 3, 3], w: [1, 1, 2, 2], opts: { dilation: 3, outputPadding: [2, 1] }, out: [1, 1, 8, 7] },
  { x: [2, 4, 3, 2], w: [4, 3, 2, 3], opts: { groups: 2, stride: 2, dilation: [2, 1], outputPadding: 1 }, out: [2, 6, 8, 6] },
  { x: [1, 6, 2, 2], w: [6, 1, 3, 3], opts: { groups: 6, stride: 2, padding: 1, outputPadding: 1 }, out: [1, 6, 4, 4] },
];

describe('convTranspose2d shapes and the scatter definition', () => {
  for (const c of SHAPE_CASES) {
    it(`x ${JSON.stringify(c.x)} w ${JSON.stringify(c.w)} ${JSON.stringify(c.opts)} → ${JSON.stringify(c.out)}`, () => {
      const g = new Generator(c.x.reduce((a, b) => a * 7 + b, 1));
      const x = randn(c.x, { dtype: 'float64', generator: g });
      const w = randn(c.w, { dtype: 'float64', generator: g });
      const b = randn([c.out[1]], { dtype: 'float64', generator: g });
      const y = convTranspose2d(x, w, b, c.opts);
      expect([...y.shape]).toEqual(c.out);
      expectMatchesNaive(y, naive(x, w, b, c.opts), 1e-12);
      // float32 on the default backend (its fused conv kernels where they apply) agrees too.
      expectMatchesNaive(convTranspose2d(x.float(), w.float(), b.float(), c.opts), naive(x, w, b, c.opts), 1e-4);
    });
  }

  it('non-contiguous input and weight', () => {
    const g = new Generator(3);
    const x = randn([1, 2, 4, 3], { dtype: 'float64', generator: g }).transpose(2, 3);
    const w = randn([2, 2, 2, 3], { dtype: 'float64', generator: g }).transpose(2, 3);
    expectMatchesNaive(convTranspose2d(x, w, null, { stride: 2, padding: 1 }), naive(x, w, null, { stride: 2, padding: 1 }), 1e-12);
  });
});

describe('convTranspose1d', () => {
  it('hand-computed: stride 2 tiles, stride 1 overlaps, padding crops', () => {
    const x = tensor([[[1, 2, 3]]]);
    const k = tensor([[[1, 10]]]);
    expectClose(convTranspose1d(x, k, null, { stride: 2 }), [[[1, 10, 2, 20, 3, 30]]]);
    expectClose(convTranspose1d(x, k), [[[1, 12, 23, 30]]]);
    expectClose(convTranspose1d(x, k, null, { padding: 1 }), [[[12, 23]]]);
    expectClose(convTranspose1d(x, k, tensor([1]), { stride: 2, outputPadding: 1 }), [[[2, 11, 3, 21, 4, 31, 1]]]);
    expectClose(convTranspose1d(tensor([[[2]]]), tensor([[[1, 2, 3]]]), null, { dilation: 2 }), [[[2, 0, 4, 0, 6]]]);
  });

  it('equals the 2-D op with height 1, for groups too', () => {
    const g = new Generator(11);
    const x = randn([2, 4, 5], { dtype: 'float64', generator: g });
    const w = randn([4, 3, 3], { dtype: 'float64', generator: g });
    const opts = { stride: 3, padding: 1, outputPadding: 2, dilation: 1, groups: 2 };
    const y = convTranspose1d(x, w, null, opts);
    expect(y.shape).toEqual([2, 6, 15]); // (5−1)·3 − 2 + 2 + 2 + 1
    expectMatchesNaive(y.unsqueeze(2), naive(x.unsqueeze(2), w.unsqueeze(2), null, { stride: [1, 3], padding: [0, 1], outputPadding: [0, 2], groups: 2 }), 1e-12);
  });
});

describe('convTranspose gradients (float64 gradcheck)', () => {
  const ct = (opts: ConvTranspose2dOptions) => (x: Tensor, w: Tensor, b: Tensor) => convTranspose2d(x, w, b, opts);

  it('plain, batch 2, bias', () => expectGrad(ct({}), [rnd([2, 2, 2, 3], 1), rnd([2, 3, 2, 2], 2), rnd([3], 3)]));
  it('stride 2, padding 1, outputPadding 1', () => expectGrad(ct({ stride: 2, padding: 1, outputPadding: 1 }), [rnd([1, 2, 3, 3], 4), rnd([2, 2, 3, 3], 5), rnd([2], 6)]));
  it('stride / padding / outputPadding pairs', () => expectGrad(ct({ stride: [2, 3], padding: [0, 1], outputPadding: [1, 2] }), [rnd([1, 1, 2, 3], 7), rnd([1, 2, 2, 3], 8), rnd([2], 9)]));
  it('dilation with outputPadding ≥ stride (below the dilation)', () => expectGrad(ct({ dilation: 2, outputPadding: 1 }), [rnd([1, 2, 3, 2], 10), rnd([2, 1, 2, 2], 11), rnd([1], 12)]));
  it('groups 2, batch 2, stride 2', () => expectGrad(ct({ groups: 2, stride: 2 }), [rnd([2, 4, 2, 2], 13), rnd([4, 2, 2, 2], 14), rnd([4], 15)]));
  it('strided (non-contiguous) input and weight, no bias', () => {
    expectGrad((x, w) => convTranspose2d(x.transpose(2, 3), w.permute(1, 0, 2, 3), null, { stride: 2, padding: 1 }), [rnd([1, 2, 3, 2], 16), rnd([3, 2, 3, 2], 17)]);
  });
  it('convTranspose1d: stride, padding, outputPadding, groups, strided input', () => {
    expectGrad((x, w, b) => convTranspose1d(x, w, b, { stride: 2, padding: 1, outputPadding: 1 }), [rnd([2, 2, 4], 18), rnd([2, 3, 3], 19), rnd([3], 20)]);
    expectGrad((x, w, b) => convTranspose1d(x.transpose(1, 2), w, b, { dilation: 2, groups: 2 }), [rnd([1, 4, 2], 21), rnd([2, 1, 2], 22), rnd([2], 23)]);
  });
});

describe('convTranspose2d on the wasm backend (fused conv kernels) against the reference path', () => {
  const wasm = useCountedWasmBackend('wasm-conv-transpose', {}, { forward: 'conv2dForward', backward: 'conv2dBackward' });
  const run = (backend: string, opts: ConvTranspose2dOptions, xs: number[], ws: number[]) => withBackend(backend, () => {
    const g = new Generator(5);
    const x = randn(xs, { generator: g }).requiresGrad_();
    const w = randn(ws, { generator: g }).requiresGrad_();
    const b = randn([ws[1]], { generator: g }).requiresGrad_();
    const y = convTranspose2d(x, w, b, opts);
    y.mul(randn(y.shape, { generator: g })).sum().backward();
    return [y, x.grad!, w.grad!, b.grad!].map((t) => Array.from(t.toTypedArray() as Float32Array));
  });

  const CASES: [ConvTranspose2dOptions, number[], number[]][] = [
    [{ stride: 2, padding: 1, outputPadding: 1 }, [3, 4, 5, 6], [4, 5, 3, 3]],
    [{ stride: [1, 2], dilation: 2, padding: [2, 1] }, [3, 4, 5, 6], [4, 5, 3, 3]],
    // 3×3, stride 1, padding 1 with 16 channels each way: the fused kernels may take their Winograd paths
    [{ padding: 1 }, [2, 16, 7, 6], [16, 16, 3, 3]],
  ];
  for (const [opts, xs, ws] of CASES) {
    it(`${JSON.stringify(opts)} x ${JSON.stringify(xs)} w ${JSON.stringify(ws)}`, (ctx) => {
      if (!wasm.backend) ctx.skip();
      const before = { ...wasm.calls };
      const got = run(wasm.name, opts, xs, ws);
      expect(wasm.calls.backward - before.backward).toBe(2); // forward, then the weight-gradient
      expect(wasm.calls.forward - before.forward).toBe(1); // the input-gradient
      const ref = run(jsBackend.name, opts, xs, ws);
      for (let k = 0; k < ref.length; k++) {
        const bad = ref[k].flatMap((e, i) => (Math.abs(got[k][i] - e) <= 1e-4 * (1 + Math.abs(e)) ? [] : [i]));
        expect(bad.length, `tensor ${k}`).toBe(0);
      }
    });
  }
});

describe('convTranspose errors', () => {
  const x = () => tensor([[X]]);
  const k = () => tensor([[K]]);
  it('names the op and the shapes', () => {
    expect(() => convTranspose2d(x(), k(), null, { stride: 2, outputPadding: 2 })).toThrow('convTranspose2d: outputPadding (2,2) must be smaller than either stride (2,2) or dilation (1,1)');
    expect(() => convTranspose2d(x(), k(), null, { outputPadding: [0, 1] })).toThrow('convTranspose2d: outputPadding (0,1) must be smaller than either stride (1,1) or dilation (1,1)');
    expect(() => convTranspose2d(tensor([[X, X]]), k())).toThrow('convTranspose2d: weight [1,1,2,2] expects 1 input channels but input [1,2,2,2] has 2');
    expect(() => convTranspose2d(tensor([[X, X, X]]), randn([3, 1, 1, 1]), null, { groups: 2 })).toThrow('convTranspose2d: groups=2 must be a positive integer dividing input channels 3 (input [1,3,2,2])');
    expect(() => convTranspose2d(x(), k(), tensor([1, 2]))).toThrow('convTranspose2d: bias must have shape [1], got [2]');
    expect(() => convTranspose2d(x(), k(), null, { padding: 2 })).toThrow('convTranspose2d: input [1,1,2,2] with kernel 2x2 (stride 1x1, padding 2x2, dilation 1x1) gives a non-positive output size -1x-1');
    expect(() => convTranspose2d(x(), k().double())).toThrow('convTranspose2d: input and weight must share a float dtype, got float32 and float64');
    expect(() => convTranspose2d(x(), k(), null, { stride: 0 })).toThrow('convTranspose2d: stride must be positive integers, got 0');
    expect(() => convTranspose2d(tensor([[1]]), k())).toThrow('convTranspose2d: input must be 4-D [N,Cin,H,W], got shape [1,1]');
    expect(() => convTranspose1d(x(), k())).toThrow('convTranspose1d: input must be 3-D [N,Cin,L], got shape [1,1,2,2]');
    // convTranspose1d reports its own 3-D shapes and 1-D sizes (not the 2-D view it runs as)
    expect(() => convTranspose1d(tensor([[[1, 2]]]), tensor([[[1, 2]]]), null, { stride: 2, outputPadding: 2 })).toThrow('convTranspose1d: outputPadding 2 must be smaller than either stride 2 or dilation 1');
    expect(() => convTranspose1d(tensor([[[1, 2]], [[3, 4]]]).transpose(0, 1), tensor([[[1, 2]]]))).toThrow('convTranspose1d: weight [1,1,2] expects 1 input channels but input [1,2,2] has 2');
    expect(() => convTranspose1d(tensor([[[1, 2]]]), tensor([[[1, 2]]]), null, { padding: 2 })).toThrow('convTranspose1d: input [1,1,2] with kernel 2 (stride 1, padding 2, dilation 1) gives a non-positive output size -1');
    expect(() => convTranspose1d(tensor([[[1, 2]]]), tensor([[[1, 2]]]), tensor([1, 2]))).toThrow('convTranspose1d: bias must have shape [1], got [2]');
  });
});
