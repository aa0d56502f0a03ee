/**
 * Embedding lookups as custom autograd ops. The gradient for the table is
 * accumulated per used row (RowAccumulator); in sparse mode it goes to
 * `weight.sparseGrad` and the dense path gets null, so a backward pass never
 * allocates or scans the whole table. Dense mode exists for gradcheck and
 * for non-leaf tables.
 */
import { checkBoolean, checkTensor, describeValue, getBackend, record, showValue, Tensor } from '@tensorkit/core';
import { checkOptionKeys, type OptionKeys } from '../../options.js';
import { appendSparseGrad, bagRowGradF32, MAX_INDEXED_ROWS, RowAccumulator } from './sparse-grad.js';

export type Ids = Tensor | Int32Array | readonly number[];

/** Flat int32 ids and their shape, validated against the table size. */
export function readIds(op: string, ids: Ids, numRows: number): { data: Int32Array; shape: number[] } {
  let data: Int32Array;
  let shape: number[];
  if (ids instanceof Tensor) {
    if (ids.dtype !== 'int32' && ids.dtype !== 'uint8') throw new Error(`${op}: ids must be an int32 tensor, got ${ids.dtype}`);
    const raw = ids.toTypedArray();
    data = raw instanceof Int32Array ? raw : Int32Array.from(raw);
    shape = [...ids.shape];
  } else if (ids instanceof Int32Array) {
    data = ids;
    shape = [data.length];
  } else if (!Array.isArray(ids)) {
    // A bare number has no length: it used to look up nothing and return an empty [0, D] tensor.
    throw new Error(`${op}: ids must be an int32 Tensor, an Int32Array or an array of integers, got ${describeValue(ids)}`);
  } else {
    // Int32Array.from would truncate 1.5 to 1, NaN to 0 and wrap 2^32 + 1 to 1: check first.
    for (let i = 0; i < ids.length; i++) {
      const v = ids[i];
      if (!Number.isInteger(v) || v < -2147483648 || v > 2147483647) throw new Error(`${op}: id ${v} at position ${i} is not a 32-bit integer`);
    }
    data = Int32Array.from(ids);
    shape = [data.length];
  }
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v < 0 || v >= numRows) throw new Error(`${op}: id ${v} at position ${i} is out of range [0, ${numRows})`);
  }
  return { data, shape };
}

/**
 * The table row `paddingIdx` names, as PyTorch reads it: -1 is the last row, and anything outside
 * [-numRows, numRows) or not an integer is refused (it used to match no id and pad nothing).
 */
export function paddingRow(op: string, idx: unknown, numRows: number): number | null {
  if (idx === null || idx === undefined) return null;
  if (typeof idx !== 'number' || !Number.isInteger(idx) || idx < -numRows || idx >= numRows) {
    throw new Error(`${op}: paddingIdx must be an integer in [${-numRows}, ${numRows}) (negative counts from the end) for ${numRows} embeddings, got ${showValue(idx)}`);
  }
  return idx < 0 ? idx + numRows : idx;
}

function checkTable(op: string, weight: Tensor): void {
  checkTensor(op, 'weight', weight);
  if (weight.rank !== 2) throw new Error(`${op}: weight must be 2-D [numEmbeddings, dim], got shape [${weight.shape}]`);
  if (weight.dtype !== 'float32' && weight.dtype !== 'float64') throw new Error(`${op}: weight must be float, got ${weight.dtype}`);
}

/** Hands the accumulated rows to sparseGrad (leaf tables) or back as a dense gradient. */
function finishTableGrad(weight: Tensor, acc: RowAccumulator, sparse: boolean, sorted = false): Tensor | null {
  const dtype = weight.dtype as 'float32' | 'float64';
  if (sparse && weight.isLeaf) {
    if (acc.size > 0) appendSparseGrad(weight, acc.result(dtype, sorted));
    return null;
  }
  return acc.dense(weight.shape[0], dtype);
}

export interface EmbeddingOptions {
  /** This row's lookups produce no gradient (negative counts from the end, as in PyTorch). */
  paddingIdx?: number | null;
  /** Row-sparse gradient into weight.sparseGrad (default false). */
  sparse?: boolean;
}

const EMBEDDING_KEYS: OptionKeys<EmbeddingOptions> = { paddingIdx: true, sparse: true };

/** weight [V, D] looked up at ids (any shape) → [...ids.shape, D]. */
export function embedding(weight: Tensor, ids: Ids, opts: EmbeddingOptions = {}): Tensor {
  checkOptionKeys('embedding', opts, EMBEDDING_KEYS);
  checkTable('embedding', weight);
  const [V, D] = weight.shape;
  const pad = paddingRow('embedding', opts.paddingIdx, V) ?? -1;
  const sparse = checkBoolean('embedding', 'sparse', opts.sparse ?? false);
  const { data, shape } = readIds('embedding', ids, V);
  const w = weight.contiguous().toTypedArray();
  const out = weight.dtype === 'float64' ? new Float64Array(data.length * D) : new Float32Array(data.length * D);
  for (let i = 0; i < data.length; i++) out.set(w.subarray(data[i] * D, data[i] * D + D), i * D);
  const y = new Tensor(out, [...shape, D], weight.dtype);
  return record(y, 'embedding', [weight], (g) => {
    const gd = g.contiguous().toTypedArray();
    const acc = new RowAccumulator(D, Math.min(data.length, V), V);
    for (let i = 0; i < data.length; i++) if (data[i] !== pad) acc.add(data[i], gd, i * D, 1);
    return [finishTableGrad(weight, acc, sparse)];
  });
}

/**
 * sum = Σ scale[i]·w[row ids[i]] over i in [s, e) skipping padding, in float64
 * (rounded once when stored). Four rows per pass halve the loads and stores of
 * the running sum, which bound this loop.
 */
function bagSum(w: ArrayLike<number>, D: number, ids: Int32Array, scale: Float64Array, s: number, e: number, pad: number, sum: Float64Array): void {
  sum.fill(0);
  let i = s;
  while (i < e) {
    const r: number[] = [];
    const f: number[] = [];
    while (i < e && r.length < 4) {
      if (ids[i] !== pad) {
        r.push(ids[i] * D);
        f.push(scale[i]);
      }
      i++;
    }
    if (r.length === 4) {
      const [r0, r1, r2, r3] = r;
      const [f0, f1, f2, f3] = f;
      for (let j = 0; j < D; j++) sum[j] += f0 * w[r0 + j] + f1 * w[r1 + j] + f2 * w[r2 + j] + f3 * w[r3 + j];
    } else {
      for (let k = 0; k < r.length; k++) {
        const rk = r[k];
        const fk = f[k];
        for (let j = 0; j < D; j++) sum[j] += fk * w[rk + j];
      }
    }
  }
}

export type BagMode = 'sum' | 'mean';

export interface EmbeddingBagOptions {
  /** Default 'mean'. */
  mode?: BagMode;
  /** One weight per id (mode 'sum' only, as in PyTorch); differentiable. */
  perSampleWeights?: Tensor | null;
  /** Ids equal to this are left out of their bag (and of the mean's count). */
  paddingIdx?: number | null;
  /** Row-sparse gradient into weight.sparseGrad (default true). */
  sparse?: boolean;
}

const BAG_KEYS: OptionKeys<EmbeddingBagOptions> = { mode: true, perSampleWeights: true, paddingIdx: true, sparse: true };

/** Bag starts as numbers: an int32 tensor must be 1-D (a float one would be read as if it held integers). */
function readOffsets(offsets: Ids): ArrayLike<number> {
  if (offsets instanceof Tensor) {
    if (offsets.rank !== 1 || offsets.dtype !== 'int32') throw new Error(`embeddingBag: offsets must be a 1-D int32 tensor, got ${offsets.dtype} [${offsets.shape}]`);
    return offsets.toTypedArray();
  }
  if (!(offsets instanceof Int32Array) && !Array.isArray(offsets)) throw new Error(`embeddingBag: offsets must be an int32 Tensor, an Int32Array or an array of integers, got ${describeValue(offsets)}`);
  return offsets;
}

/**
 * Sums or averages the rows of each bag without materialising the
 * [numIds, D] lookups. Bags are given PyTorch-style: flat `ids` and the start
 * of each bag in `offsets` (offsets[0] = 0, non-decreasing); empty bags give
 * zeros. Returns [numBags, D].
 */
export function embeddingBag(weight: Tensor, ids: Ids, offsets: Ids, opts: EmbeddingBagOptions = {}): Tensor {
  checkOptionKeys('embeddingBag', opts, BAG_KEYS);
  checkTable('embeddingBag', weight);
  const [V, D] = weight.shape;
  const mode = opts.mode ?? 'mean';
  if (mode !== 'sum' && mode !== 'mean') throw new Error(`embeddingBag: mode must be 'sum' or 'mean', got ${showValue(mode)}`);
  const pad = paddingRow('embeddingBag', opts.paddingIdx, V) ?? -1;
  const sparse = checkBoolean('embeddingBag', 'sparse', opts.sparse ?? true);
  const { data } = readIds('embeddingBag', ids instanceof Tensor ? ids.reshape([-1]) : ids, V);
  const offs = readOffsets(offsets);
  const B = offs.length;
  const n = data.length;
  for (let b = 0; b < B; b++) {
    const s = offs[b];
    const e = b + 1 < B ? offs[b + 1] : n;
    if (!Number.isInteger(s) || (b === 0 && s !== 0) || s > e || e > n) {
      throw new Error(`embeddingBag: offsets must start at 0 and be non-decreasing bag starts within [0, ${n}]; got [${Array.from(offs).slice(0, 8).join(', ')}${B > 8 ? ', …' : ''}]`);
    }
  }
  const psw = opts.perSampleWeights ?? null;
  if (psw) {
    checkTensor('embeddingBag', 'perSampleWeights', psw);
    if (mode !== 'sum') throw new Error("embeddingBag: perSampleWeights need mode 'sum' (as in PyTorch)");
    // PyTorch: the same shape as the ids (a [n, 1] or int tensor would be read flat, or truncated).
    const idsShape = ids instanceof Tensor ? ids.shape : [n];
    if (psw.rank !== idsShape.length || psw.shape.some((d, i) => d !== idsShape[i])) throw new Error(`embeddingBag: perSampleWeights must have the ids' shape [${idsShape}], got [${psw.shape}]`);
    if (psw.dtype !== weight.dtype) throw new Error(`embeddingBag: perSampleWeights must be ${weight.dtype} like the weight, got ${psw.dtype}`);
  }
  const pw = psw ? psw.contiguous().toTypedArray() : null;
  const w = weight.contiguous().toTypedArray();
  // scale[i]: the factor id i contributes with (its weight, 1/count for mean, 0 for padding).
  const scale = new Float64Array(n);
  const out = weight.dtype === 'float64' ? new Float64Array(B * D) : new Float32Array(B * D);
  for (let b = 0; b < B; b++) {
    const s = offs[b];
    const e = b + 1 < B ? offs[b + 1] : n;
    let count = 0;
    for (let i = s; i < e; i++) if (data[i] !== pad) count++;
    for (let i = s; i < e; i++) if (data[i] !== pad) scale[i] = (pw ? pw[i] : 1) / (mode === 'mean' ? count : 1);
  }
  // A table in the fast backend's memory is summed there in place (same arithmetic).
  const inBackend = w instanceof Float32Array && out instanceof Float32Array &&
    getBackend().embeddingBagSum?.(w, D, data, scale, offs instanceof Int32Array ? offs : Int32Array.from(offs), pad, out);
  if (!inBackend) {
    const sum = new Float64Array(D);
    for (let b = 0; b < B; b++) {
      bagSum(w, D, data, scale, offs[b], b + 1 < B ? offs[b + 1] : n, pad, sum);
      out.set(sum, b * D);
    }
  }
  const y = new Tensor(out, [B, D], weight.dtype);
  const inputs = psw ? [weight, psw] : [weight];
  return record(y, 'embeddingBag', inputs, (g) => {
    const gd = g.contiguous().toTypedArray();
    let tableGrad: Tensor | null = null;
    if (weight.requiresGrad) {
      if (sparse && weight.isLeaf && weight.dtype === 'float32' && V <= MAX_INDEXED_ROWS) {
        const grad = bagRowGradF32(V, D, data, offs, scale, pad, gd);
        if (grad.rows.length > 0) appendSparseGrad(weight, grad);
        return psw ? [null, bagWeightGrad()] : [null];
      }
      const acc = new RowAccumulator(D, Math.min(n, V), V);
      for (let b = 0; b < B; b++) {
        const e = b + 1 < B ? offs[b + 1] : n;
        for (let i = offs[b]; i < e; i++) if (data[i] !== pad) acc.add(data[i], gd, b * D, scale[i]);
      }
      // Sorted rows let the optimizer use them as they are (no coalescing copy).
      tableGrad = finishTableGrad(weight, acc, sparse, true);
    }
    if (!psw) return [tableGrad];
    return [tableGrad, bagWeightGrad()];

    function bagWeightGrad(): Tensor | null {
    let pswGrad: Tensor | null = null;
    if (psw && psw.requiresGrad) {
      // d out[b] / d w_i = row(ids[i]) for the bag b holding i.
      const dp = psw.dtype === 'float64' ? new Float64Array(n) : new Float32Array(n);
      for (let b = 0; b < B; b++) {
        const e = b + 1 < B ? offs[b + 1] : n;
        for (let i = offs[b]; i < e; i++) {
          if (data[i] === pad) continue;
          let dot = 0;
          const row = data[i] * D;
          for (let j = 0; j < D; j++) dot += w[row + j] * gd[b * D + j];
          dp[i] = dot;
        }
      }
      pswGrad = new Tensor(dp, psw.shape, psw.dtype);
    }
    return pswGrad;
    }
  });
}
