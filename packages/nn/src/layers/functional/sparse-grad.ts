/**
 * Row-sparse gradients for embedding tables: a backward that touched a few
 * rows of a huge table records only those rows in `weight.sparseGrad`, so
 * neither the gradient nor the optimizer step costs O(table size).
 */
import { checkTensor, describeValue, type FloatArray, getBackend, showValue, type SparseRowGrad, Tensor } from '@tensorkit/core';

/** Tables up to this many rows get a direct row → slot index instead of a Map. */
const MAX_DIRECT_ROWS = 1 << 22;
export const MAX_INDEXED_ROWS = MAX_DIRECT_ROWS;

/**
 * Scratch reused by consecutive accumulators (one per embedding backward, used
 * and released within it), so a training step does not allocate and zero
 * megabytes. An accumulator that finds it taken allocates its own.
 */
const pool = { busy: false, values: new Float64Array(0), direct: new Int32Array(0) };

/** Groups per-occurrence row gradients by row: each distinct row appears once, in first-use order. */
export class RowAccumulator {
  /** slot + 1 per table row (0 = unused) when the table size is known and moderate, else a Map. */
  private direct: Int32Array | null;
  private readonly slot: Map<number, number> | null;
  private rows: Int32Array;
  private count = 0;
  /** Row sums; only the first count·rowSize entries are meaningful (rows are zeroed when first used). */
  private values: Float64Array;
  private pooled = false;

  /**
   * `numRows`, the table size, lets rows be found through a flat index (one
   * int32 per table row) instead of a hash lookup per occurrence.
   */
  constructor(readonly rowSize: number, expectedRows = 16, numRows = Infinity) {
    const cap = Math.max(1, expectedRows);
    const useDirect = numRows <= MAX_DIRECT_ROWS;
    this.rows = new Int32Array(cap);
    if (!pool.busy) {
      pool.busy = true;
      this.pooled = true;
      if (pool.values.length < cap * rowSize) pool.values = new Float64Array(cap * rowSize);
      if (useDirect && pool.direct.length < numRows) pool.direct = new Int32Array(numRows);
      this.values = pool.values;
      this.direct = useDirect ? pool.direct : null;
    } else {
      this.values = new Float64Array(cap * rowSize);
      this.direct = useDirect ? new Int32Array(numRows) : null;
    }
    this.slot = useDirect ? null : new Map<number, number>();
  }

  private slotOf(row: number): number {
    let s = this.direct ? this.direct[row] - 1 : (this.slot!.get(row) ?? -1);
    if (s >= 0) return s;
    s = this.count++;
    if (this.direct) this.direct[row] = s + 1;
    else this.slot!.set(row, s);
    if (s >= this.rows.length) {
      const rows = new Int32Array(this.rows.length * 2);
      rows.set(this.rows);
      this.rows = rows;
    }
    const D = this.rowSize;
    if ((s + 1) * D > this.values.length) {
      const grown = new Float64Array(Math.max(this.values.length * 2, (s + 1) * D));
      grown.set(this.values.subarray(0, s * D));
      this.values = grown;
      if (this.pooled) pool.values = grown;
    }
    this.values.fill(0, s * D, (s + 1) * D);
    this.rows[s] = row;
    return s;
  }

  /** Adds scale · src[srcOffset .. srcOffset+rowSize) into row `row`. */
  add(row: number, src: ArrayLike<number>, srcOffset: number, scale: number): void {
    const base = this.slotOf(row) * this.rowSize;
    const D = this.rowSize;
    const values = this.values;
    for (let j = 0; j < D; j++) values[base + j] += scale * src[srcOffset + j];
  }

  get size(): number {
    return this.count;
  }

  /**
   * The rows and their summed values, values typed like the table (float32 or
   * float64). `sorted` lists the rows in ascending order (what optimizers need,
   * so they skip re-sorting); otherwise in first-use order. Ends the accumulator.
   */
  result(dtype: 'float32' | 'float64', sorted = false): SparseRowGrad {
    const D = this.rowSize;
    const n = this.count;
    let rows: Int32Array;
    const slots = new Int32Array(n);
    const direct = this.direct;
    if (!sorted) {
      rows = this.rows.slice(0, n);
      for (let k = 0; k < n; k++) slots[k] = k;
    } else if (direct && direct.length <= 32 * n + 4096) {
      // Scanning the index in row order is cheaper than sorting when the table is not much larger.
      rows = new Int32Array(n);
      let k = 0;
      for (let r = 0; r < direct.length && k < n; r++) {
        const s = direct[r];
        if (s > 0) {
          rows[k] = r;
          slots[k++] = s - 1;
        }
      }
    } else {
      rows = this.rows.slice(0, n).sort();
      for (let k = 0; k < n; k++) slots[k] = direct ? direct[rows[k]] - 1 : this.slot!.get(rows[k])!;
    }
    const values = dtype === 'float64' ? new Float64Array(n * D) : new Float32Array(n * D);
    if (values instanceof Float32Array) gatherRowsF32(values, this.values, slots, D);
    else gatherRowsF64(values, this.values, slots, D);
    this.release();
    return { rows, values, rowSize: D };
  }

  /** The same sums as a dense [numRows, rowSize] gradient. Ends the accumulator. */
  dense(numRows: number, dtype: 'float32' | 'float64'): Tensor {
    const D = this.rowSize;
    const out = dtype === 'float64' ? new Float64Array(numRows * D) : new Float32Array(numRows * D);
    for (let s = 0; s < this.count; s++) {
      const r = this.rows[s];
      for (let j = 0; j < D; j++) out[r * D + j] = this.values[s * D + j];
    }
    this.release();
    return new Tensor(out, [numRows, D], dtype);
  }

  /** Clears the used index entries and hands the scratch back to the pool. */
  private release(): void {
    if (this.direct) for (let s = 0; s < this.count; s++) this.direct[this.rows[s]] = 0;
    if (this.pooled) pool.busy = false;
    this.pooled = false;
    this.count = 0;
  }
}

/**
 * The row-sparse table gradient of a float32 embedding bag, rows ascending
 * (ready for the optimizer, which then skips coalescing): row ids[i] gets
 * scale[i]·gd[bag of i], summed in float32 in id order. Rows are found in a
 * pooled per-table index and slotted in row order before any value moves, so
 * nothing is staged or gathered. numRows ≤ MAX_INDEXED_ROWS.
 */
export function bagRowGradF32(numRows: number, D: number, ids: Int32Array, offsets: ArrayLike<number>, scale: Float64Array, pad: number, gd: ArrayLike<number>): SparseRowGrad {
  const own = pool.busy;
  if (!own) pool.busy = true;
  if (!own && pool.direct.length < numRows) pool.direct = new Int32Array(numRows);
  const index = own ? new Int32Array(numRows) : pool.direct;
  const n = ids.length;
  let count = 0;
  for (let i = 0; i < n; i++) {
    const r = ids[i];
    if (r !== pad && index[r] === 0) {
      index[r] = -1;
      count++;
    }
  }
  const rows = new Int32Array(count);
  if (numRows <= 32 * count + 4096) {
    for (let r = 0, k = 0; k < count; r++) if (index[r] !== 0) rows[k++] = r;
  } else {
    for (let i = 0, k = 0; i < n; i++) if (ids[i] !== pad && index[ids[i]] === -1) { rows[k++] = ids[i]; index[ids[i]] = -2; }
    rows.sort();
  }
  for (let k = 0; k < count; k++) index[rows[k]] = k + 1;
  const values = new Float32Array(count * D);
  const B = offsets.length;
  const slot = new Int32Array(n);
  const bag = new Int32Array(n);
  for (let b = 0; b < B; b++) {
    const e = b + 1 < B ? offsets[b + 1] : n;
    for (let i = offsets[b]; i < e; i++) {
      slot[i] = ids[i] === pad ? -1 : index[ids[i]] - 1;
      bag[i] = b;
    }
  }
  for (let k = 0; k < count; k++) index[rows[k]] = 0;
  if (!own) pool.busy = false;
  if (!getBackend().rowScatterAdd?.(D, slot, bag, scale, gd as FloatArray, values)) {
    for (let i = 0; i < n; i++) {
      if (slot[i] < 0) continue;
      const base = slot[i] * D;
      const g = bag[i] * D;
      const f = scale[i];
      for (let j = 0; j < D; j++) values[base + j] += f * gd[g + j];
    }
  }
  return { rows, values, rowSize: D };
}

/** dst row k = src row slots[k], one function per element type so each loop stays monomorphic. */
function gatherRowsF32(dst: Float32Array, src: Float64Array, slots: Int32Array, D: number): void {
  for (let k = 0; k < slots.length; k++) {
    const from = slots[k] * D;
    const to = k * D;
    for (let j = 0; j < D; j++) dst[to + j] = src[from + j];
  }
}

function gatherRowsF64(dst: Float64Array, src: Float64Array, slots: Int32Array, D: number): void {
  for (let k = 0; k < slots.length; k++) {
    const from = slots[k] * D;
    const to = k * D;
    for (let j = 0; j < D; j++) dst[to + j] = src[from + j];
  }
}

/**
 * Appends rows to `weight.sparseGrad` (creating it when absent); rows may then repeat across calls.
 * For gradients built outside the embedding ops: the rows must be integers in [0, weight.shape[0])
 * and values rows·rowSize long with rowSize the width of a weight row. Optimizers trust a stored
 * sparseGrad, so a row 2.5 or 9 would update the wrong rows (or none) without a word.
 */
export function accumulateSparseGrad(weight: Tensor, grad: SparseRowGrad): void {
  const fn = 'accumulateSparseGrad';
  checkTensor(fn, 'weight', weight);
  if (weight.rank < 1 || (weight.dtype !== 'float32' && weight.dtype !== 'float64')) throw new Error(`${fn}: weight must be a float tensor with rows, got ${weight.dtype} [${weight.shape}]`);
  const numRows = weight.shape[0];
  const rowSize = weight.size / Math.max(numRows, 1);
  if (typeof grad !== 'object' || grad === null) throw new Error(`${fn}: grad must be {rows, values, rowSize}, got ${describeValue(grad)}`);
  const { rows, values } = grad;
  if (!(rows instanceof Int32Array) && !Array.isArray(rows)) throw new Error(`${fn}: grad.rows must be an Int32Array or an array of row indices, got ${describeValue(rows)}`);
  if (!(values instanceof Float32Array) && !(values instanceof Float64Array)) throw new Error(`${fn}: grad.values must be a Float32Array or Float64Array, got ${describeValue(values)}`);
  if (grad.rowSize !== rowSize) throw new Error(`${fn}: grad.rowSize must be ${rowSize} (the width of a row of weight [${weight.shape}]), got ${showValue(grad.rowSize)}`);
  if (values.length !== rows.length * rowSize) throw new Error(`${fn}: grad.values has ${values.length} entries for ${rows.length} rows of ${rowSize}`);
  for (let k = 0; k < rows.length; k++) {
    const r: unknown = rows[k];
    if (typeof r !== 'number' || !Number.isInteger(r) || r < 0 || r >= numRows) throw new Error(`${fn}: grad.rows[${k}] must be an integer in [0, ${numRows}), got ${showValue(r)}`);
  }
  appendSparseGrad(weight, rows instanceof Int32Array ? grad : { rows: Int32Array.from(rows), values, rowSize });
}

/** accumulateSparseGrad without the checks, for the embedding ops' own (valid by construction) gradients. */
export function appendSparseGrad(weight: Tensor, grad: SparseRowGrad): void {
  const prev = weight.sparseGrad;
  if (!prev) {
    weight.sparseGrad = grad;
    return;
  }
  if (prev.rowSize !== grad.rowSize) throw new Error(`sparseGrad: row size ${grad.rowSize} does not match the existing ${prev.rowSize}`);
  const rows = new Int32Array(prev.rows.length + grad.rows.length);
  rows.set(prev.rows);
  rows.set(grad.rows, prev.rows.length);
  const values = prev.values instanceof Float64Array ? new Float64Array(prev.values.length + grad.values.length) : new Float32Array(prev.values.length + grad.values.length);
  values.set(prev.values);
  values.set(grad.values, prev.values.length);
  weight.sparseGrad = { rows, values, rowSize: prev.rowSize };
}
