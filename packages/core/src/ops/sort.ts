/**
 * Sorting along one dimension: sort, argsort, topk. Sorting is stable and puts NaN
 * after every number (before them when descending), as PyTorch does. Values are
 * gathered from the input by the sorted indices, so their gradient is gather's:
 * it scatters back to the source positions.
 */
import { checkOptions, NO_OPTIONS, optionKeys } from '../options.js';
import { fmtShape, normAxes, normAxis, numel } from '../shape.js';
import { Tensor } from '../tensor.js';
import { gather } from './indexing.js';
import { reshape, slice } from './view.js';

export interface SortOptions {
  /** Largest first (default false: ascending). */
  descending?: boolean;
  /** Accepted for PyTorch parity: the sort is always stable. */
  stable?: boolean;
}

export interface TopkOptions {
  /** The k largest (default) or the k smallest. */
  largest?: boolean;
  /**
   * Return them in sorted order (default true). With false the result is still
   * sorted: PyTorch leaves the order unspecified then.
   */
  sorted?: boolean;
}

const SORT_KEYS = optionKeys<SortOptions>({ descending: true, stable: true });
const TOPK_KEYS = optionKeys<TopkOptions>({ largest: true, sorted: true });

export interface SortResult {
  values: Tensor;
  /** Positions along `dim` in the input, int32. */
  indices: Tensor;
}

/** Ascending order with NaN greater than every number. */
function ascending(a: number, b: number): number {
  if (a !== a) return b !== b ? 0 : 1;
  if (b !== b) return -1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Stable sorted indices along axis `d` (already normalised), as an int32 tensor of x's shape. */
function sortIndices(x: Tensor, d: number, descending: boolean): Tensor {
  const src = x.toTypedArray();
  const n = x.shape[d];
  const inner = numel(x.shape.slice(d + 1));
  const outer = numel(x.shape.slice(0, d));
  const out = new Int32Array(src.length);
  const order = new Array<number>(n);
  const vals = new Float64Array(n);
  const cmp = descending
    ? (i: number, j: number) => ascending(vals[j], vals[i]) || i - j
    : (i: number, j: number) => ascending(vals[i], vals[j]) || i - j;
  for (let o = 0; o < outer; o++) {
    const base = o * n * inner;
    for (let k = 0; k < inner; k++) {
      for (let i = 0; i < n; i++) {
        order[i] = i;
        vals[i] = src[base + i * inner + k];
      }
      order.sort(cmp);
      for (let i = 0; i < n; i++) out[base + i * inner + k] = order[i];
    }
  }
  return new Tensor(out, x.shape, 'int32');
}

function checkInput(op: string, x: Tensor): void {
  if (!(x instanceof Tensor)) throw new Error(`${op}: expected a Tensor, got ${typeof x}`);
}

/** Runs fn on a scalar viewed as [1] (dim 0 or -1 allowed, as in PyTorch), or on x itself. */
function withScalarAsVector(op: string, x: Tensor, dim: number, fn: (v: Tensor, d: number) => SortResult): SortResult {
  if (x.rank > 0) return fn(x, normAxis(op, dim, x.rank));
  normAxes(op, dim, 0); // a scalar accepts dim 0 or -1; other dims are reported against rank 0
  const r = fn(reshape(x, [1]), 0);
  return { values: reshape(r.values, []), indices: reshape(r.indices, []) };
}

/** Sorts along `dim` (stable; NaN last, or first when descending) → { values, indices }. */
export function sort(x: Tensor, dim = -1, opts: SortOptions = NO_OPTIONS): SortResult {
  checkInput('sort', x);
  checkOptions('sort', opts, SORT_KEYS);
  return withScalarAsVector('sort', x, dim, (v, d) => {
    const indices = sortIndices(v, d, opts.descending ?? false);
    return { values: gather(v, d, indices), indices };
  });
}

/** The indices that sort `x` along `dim` (stable), int32. */
export function argsort(x: Tensor, dim = -1, opts: SortOptions = NO_OPTIONS): Tensor {
  checkInput('argsort', x);
  checkOptions('argsort', opts, SORT_KEYS);
  if (x.rank === 0) {
    normAxes('argsort', dim, 0);
    return new Tensor(new Int32Array(1), [], 'int32');
  }
  return sortIndices(x, normAxis('argsort', dim, x.rank), opts.descending ?? false);
}

/** The k largest (or smallest) elements along `dim` → { values, indices }; ties keep the lower index first. */
export function topk(x: Tensor, k: number, dim = -1, opts: TopkOptions = NO_OPTIONS): SortResult {
  checkInput('topk', x);
  checkOptions('topk', opts, TOPK_KEYS);
  return withScalarAsVector('topk', x, dim, (v, d) => {
    const n = v.shape[d];
    if (!Number.isInteger(k) || k < 0 || k > n) {
      throw new Error(`topk: k = ${k} is out of range for dimension ${dim} of size ${n} (shape ${fmtShape(x.shape)}); k must be an integer in [0, ${n}]`);
    }
    const indices = slice(sortIndices(v, d, opts.largest ?? true), d, 0, k).contiguous();
    return { values: gather(v, d, indices), indices };
  });
}
