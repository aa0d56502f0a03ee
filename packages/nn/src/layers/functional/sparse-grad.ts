/**
 * Row-sparse gradients for embedding tables: a backward that touched a few
 * rows of a huge table records only those rows in `weight.sparseGrad`, so
 * neither the gradient nor the optimizer step costs O(table size).
 */
import { Tensor, type SparseRowGrad } from '@tensorkit/core';

/** Groups per-occurrence row gradients by row: each distinct row appears once, in first-use order. */
export class RowAccumulator {
  private readonly slot = new Map<number, number>();
  private rows: number[] = [];
  private values: Float64Array;

  constructor(readonly rowSize: number, expectedRows = 16) {
    this.values = new Float64Array(Math.max(1, expectedRows) * rowSize);
  }

  /** Adds scale · src[srcOffset .. srcOffset+rowSize) into row `row`. */
  add(row: number, src: ArrayLike<number>, srcOffset: number, scale: number): void {
    let s = this.slot.get(row);
    if (s === undefined) {
      s = this.rows.length;
      this.slot.set(row, s);
      this.rows.push(row);
      if ((s + 1) * this.rowSize > this.values.length) {
        const grown = new Float64Array(Math.max(this.values.length * 2, (s + 1) * this.rowSize));
        grown.set(this.values);
        this.values = grown;
      }
    }
    const D = this.rowSize;
    const base = s * D;
    for (let j = 0; j < D; j++) this.values[base + j] += scale * src[srcOffset + j];
  }

  get size(): number {
    return this.rows.length;
  }

  /** The rows and their summed values, values typed like the table (float32 or float64). */
  result(dtype: 'float32' | 'float64'): SparseRowGrad {
    const n = this.rows.length * this.rowSize;
    const values = dtype === 'float64' ? this.values.slice(0, n) : Float32Array.from(this.values.subarray(0, n));
    return { rows: Int32Array.from(this.rows), values, rowSize: this.rowSize };
  }

  /** The same sums as a dense [numRows, rowSize] gradient. */
  dense(numRows: number, dtype: 'float32' | 'float64'): Tensor {
    const D = this.rowSize;
    const out = dtype === 'float64' ? new Float64Array(numRows * D) : new Float32Array(numRows * D);
    this.rows.forEach((r, s) => {
      for (let j = 0; j < D; j++) out[r * D + j] = this.values[s * D + j];
    });
    return new Tensor(out, [numRows, D], dtype);
  }
}

/** Appends rows to `weight.sparseGrad` (creating it when absent); rows may then repeat across calls. */
export function accumulateSparseGrad(weight: Tensor, grad: SparseRowGrad): void {
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
