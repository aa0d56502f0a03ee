import { describe, expect, it } from 'vitest';
import { Generator, gradcheck, randn, tensor, Tensor } from '@tensorkit/core';
import { Embedding, EmbeddingBag, embedding, embeddingBag } from '../src/layers/index.js';
import { expectGrad, rnd } from '../../core/test/helpers.js';
import { gradcheckModule, maxAbsDiff } from './layers-helpers.js';

/** Dense [V, D] view of a (possibly repeating) row-sparse gradient. */
function densify(sg: NonNullable<Tensor['sparseGrad']>, V: number): Float64Array {
  const out = new Float64Array(V * sg.rowSize);
  sg.rows.forEach((r, k) => {
    for (let j = 0; j < sg.rowSize; j++) out[r * sg.rowSize + j] += sg.values[k * sg.rowSize + j];
  });
  return out;
}

describe('Embedding', () => {
  it('looks up rows for any id shape; the padding row starts at zero and gets no gradient', () => {
    const emb = new Embedding({ numEmbeddings: 5, embeddingDim: 3, paddingIdx: -1, generator: new Generator(1) });
    expect(emb.config.paddingIdx).toBe(4);
    expect(Array.from(emb.weight.toTypedArray().subarray(12, 15))).toEqual([0, 0, 0]);
    const ids = tensor([[1, 4], [1, 0]], { dtype: 'int32' });
    const y = emb.forward(ids);
    expect(y.shape).toEqual([2, 2, 3]);
    expect(Array.from(y.select(0, 1).select(0, 0).toTypedArray())).toEqual(Array.from(emb.weight.select(0, 1).toTypedArray()));
    y.sum().backward();
    const g = emb.weight.grad!.toTypedArray();
    expect(Array.from(g)).toEqual([1, 1, 1, 2, 2, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(() => emb.forward([5])).toThrow(/id 5 at position 0 is out of range \[0, 5\)/);
  });

  it('rejects fractional, NaN and huge ids in a plain array instead of truncating or wrapping them', () => {
    const emb = new Embedding({ numEmbeddings: 5, embeddingDim: 2, generator: new Generator(1) });
    expect(() => emb.forward([0, 1.5])).toThrow('embedding: id 1.5 at position 1 is not a 32-bit integer');
    expect(() => emb.forward([NaN])).toThrow('id NaN at position 0 is not a 32-bit integer');
    // 2^32 + 1 used to wrap to row 1.
    expect(() => emb.forward([2 ** 32 + 1])).toThrow('id 4294967297 at position 0 is not a 32-bit integer');
    const bag = new EmbeddingBag({ numEmbeddings: 5, embeddingDim: 2 });
    expect(() => bag.forward([1, 2.5], [0])).toThrow('embeddingBag: id 2.5 at position 1 is not a 32-bit integer');
  });

  it('passes gradcheck; sparse mode puts the same gradient in sparseGrad', () => {
    const emb = new Embedding({ numEmbeddings: 4, embeddingDim: 2, generator: new Generator(2) });
    expect(gradcheckModule(emb, [], () => emb.forward([3, 1, 3])).ok).toBe(true);
    const sparse = new Embedding({ numEmbeddings: 4, embeddingDim: 2, sparse: true });
    sparse.forward([3, 1, 3]).mul(tensor([[1, 2], [3, 4], [5, 6]])).sum().backward();
    expect(sparse.weight.grad).toBeNull();
    expect(Array.from(sparse.weight.sparseGrad!.rows)).toEqual([3, 1]);
    expect(Array.from(sparse.weight.sparseGrad!.values)).toEqual([6, 8, 3, 4]);
  });
});

describe('EmbeddingBag', () => {
  const ids = Int32Array.from([2, 5, 2, 7, 1, 1, 7]);
  const offsets = Int32Array.from([0, 3, 3, 5]); // bags: [2,5,2], [], [7,1], [1,7]

  it('sums or averages each bag (PyTorch offsets); empty bags are zero', () => {
    for (const mode of ['sum', 'mean'] as const) {
      const bag = new EmbeddingBag({ numEmbeddings: 8, embeddingDim: 3, mode, generator: new Generator(3) });
      const y = bag.forward(ids, offsets);
      expect(y.shape).toEqual([4, 3]);
      const W = bag.weight;
      const row = (i: number) => W.select(0, i);
      const div = mode === 'mean' ? 3 : 1;
      expect(maxAbsDiff(y.select(0, 0), row(2).add(row(5)).add(row(2)).div(div))).toBeLessThan(1e-6);
      expect(Array.from(y.select(0, 1).toTypedArray())).toEqual([0, 0, 0]);
      expect(maxAbsDiff(y.select(0, 3), row(1).add(row(7)).div(mode === 'mean' ? 2 : 1))).toBeLessThan(1e-6);
    }
  });

  it('sparse gradient equals the dense gradient on used rows and touches only used rows', () => {
    const g = new Generator(4);
    const sparse = new EmbeddingBag({ numEmbeddings: 10, embeddingDim: 3, generator: g });
    const dense = new EmbeddingBag({ numEmbeddings: 10, embeddingDim: 3, sparse: false });
    dense.loadStateDict(sparse.stateDict());
    const up = randn([4, 3], { generator: g });
    sparse.forward(ids, offsets).mul(up).sum().backward();
    dense.forward(ids, offsets).mul(up).sum().backward();
    expect(sparse.weight.grad).toBeNull();
    const sg = sparse.weight.sparseGrad!;
    expect(sg.rowSize).toBe(3);
    expect(sg.values).toBeInstanceOf(Float32Array);
    expect([...sg.rows].sort()).toEqual([1, 2, 5, 7]); // coalesced, only the used rows
    const d = dense.weight.grad!.toTypedArray();
    const s = densify(sg, 10);
    for (let i = 0; i < d.length; i++) expect(s[i]).toBeCloseTo(d[i], 6);
    // A second backward appends rather than overwriting.
    sparse.forward(Int32Array.from([9]), Int32Array.from([0])).sum().backward();
    expect(Array.from(sparse.weight.sparseGrad!.rows).slice(-1)).toEqual([9]);
    expect(sparse.weight.sparseGrad!.rows.length).toBe(5);
  });

  it('per-sample weights (sum mode) and padding ids; dense mode passes gradcheck in float64', () => {
    const bag = new EmbeddingBag({ numEmbeddings: 8, embeddingDim: 2, mode: 'sum', paddingIdx: 5, sparse: false, generator: new Generator(5) });
    const psw = randn([7], { dtype: 'float64', generator: new Generator(6), requiresGrad: true });
    const r = gradcheckModule(bag, [psw], (w) => bag.forward(ids, offsets, w));
    expect(r.ok).toBe(true);
    // Padding id 5 is left out of bag 0.
    const y = bag.forward(ids, offsets, psw.detach());
    const pw = psw.toTypedArray();
    expect(maxAbsDiff(y.select(0, 0), bag.weight.select(0, 2).mul(pw[0] + pw[2]))).toBeLessThan(1e-12);
  });

  it('mean mode passes gradcheck through the functional op; a 2-D ids tensor needs no offsets', () => {
    const W = randn([6, 2], { dtype: 'float64', generator: new Generator(7), requiresGrad: true });
    expect(gradcheck((w) => embeddingBag(w, ids.map((i) => i % 6), offsets, { mode: 'mean', sparse: false }), [W]).ok).toBe(true);
    const bag = new EmbeddingBag({ numEmbeddings: 6, embeddingDim: 2 });
    const two = bag.forward(tensor([[0, 1], [2, 3]], { dtype: 'int32' }));
    expect(maxAbsDiff(two, bag.forward([0, 1, 2, 3], [0, 2]))).toBe(0);
  });

  it('validates offsets and per-sample weights', () => {
    const bag = new EmbeddingBag({ numEmbeddings: 8, embeddingDim: 2 });
    expect(() => bag.forward(ids, [1, 3])).toThrow(/offsets must start at 0/);
    expect(() => bag.forward(ids, [0, 4, 2])).toThrow(/non-decreasing/);
    expect(() => bag.forward(ids, offsets, randn([7]))).toThrow(/perSampleWeights need mode 'sum'/);
  });

  it('refuses offsets beside 2-D ids, and ids of another rank, as PyTorch', () => {
    // Before: the offsets were applied to the flattened rows ([[0, 1], [2, 3]] with [0, 1] gave bags [0] and [1, 2, 3]).
    const bag = new EmbeddingBag({ numEmbeddings: 8, embeddingDim: 2 });
    expect(() => bag.forward(tensor([[0, 1], [2, 3]], { dtype: 'int32' }), [0, 1])).toThrow(
      'EmbeddingBag: offsets must be omitted when ids is a 2-D [bags, idsPerBag] tensor (each row is a bag), got ids [2,2] and offsets',
    );
    expect(() => bag.forward(tensor([[[0, 1]]], { dtype: 'int32' }), [0])).toThrow('EmbeddingBag: ids must be 1-D (with offsets) or 2-D [bags, idsPerBag], got [1,1,2]');
    expect(bag.forward(tensor([0, 1, 2], { dtype: 'int32' }), [0, 1]).shape).toEqual([2, 2]);
  });
});

describe('functional embedding / embeddingBag: gradient edges (float64 gradcheck)', () => {
  const ids = tensor([[2, 0], [2, 1]], { dtype: 'int32' });

  it('embedding by hand, and gradcheck with repeated ids and a transposed (non-leaf) table', () => {
    const W = tensor([[1, 2], [3, 4], [5, 6]], { dtype: 'float64' });
    expect(embedding(W, ids).toArray()).toEqual([[[5, 6], [1, 2]], [[5, 6], [3, 4]]]);
    expectGrad((w) => embedding(w, ids), [rnd([3, 2], 20)]);
    expectGrad((w) => embedding(w.T, [1, 0, 1], { sparse: true }), [rnd([2, 3], 21)]); // a non-leaf table gets a dense gradient
  });

  it('embedding with paddingIdx: the padding lookups carry no gradient, every other row is exact', () => {
    // Zeroing the padding positions' outputs makes the padding row's true derivative 0 too.
    const keep = tensor([[[1], [1]], [[1], [0]]], { dtype: 'float64' });
    expectGrad((w) => embedding(w, ids, { paddingIdx: 1 }).mul(keep), [rnd([3, 2], 22)]);
  });

  it('embeddingBag: mean with padding ids, and sum with per-sample weights where table and weights both need gradients', () => {
    expectGrad((w) => embeddingBag(w, [1, 3, 3, 0, 2, 3], [0, 2, 2, 4], { mode: 'mean', paddingIdx: 3, sparse: false }), [rnd([4, 2], 23)]);
    expectGrad((w, p) => embeddingBag(w, [1, 3, 3, 0, 2, 3], [0, 2, 4], { mode: 'sum', paddingIdx: 0, sparse: false, perSampleWeights: p }), [rnd([4, 2], 24), rnd([6], 25)]);
  });
});
