/**
 * Reductions over one or several axes (sum … prod, norm, any, all). The input is
 * viewed with the reduced axes moved last, so every kernel reduces contiguous blocks of `inner`
 * elements for each of `outer` output positions.
 */
import { record } from '../autograd.js';
import { allocate, isFloatDType, withArticle, type DType, type TypedArray } from '../dtype.js';
import { normAxes, numel, shapesEqual } from '../shape.js';
import { Tensor } from '../tensor.js';
import { expand, permute, reshape } from './view.js';

interface Layout {
  axes: number[];
  /** Output shape with reduced axes kept as 1. */
  keepShape: number[];
  outShape: number[];
  perm: number[];
  outer: number;
  inner: number;
  /** Contiguous data in permuted order. */
  data: TypedArray;
}

function layout(op: string, x: Tensor, dim: number | readonly number[] | undefined, keepdim: boolean): Layout {
  const axes = normAxes(op, dim, x.rank);
  const kept = x.shape.map((_, i) => i).filter((i) => !axes.includes(i));
  const perm = [...kept, ...axes];
  const keepShape = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const outShape = keepdim ? keepShape : kept.map((i) => x.shape[i]);
  const inner = numel(axes.map((i) => x.shape[i]));
  const outer = numel(kept.map((i) => x.shape[i]));
  const xp = permute(x.detach(), perm);
  return { axes, keepShape, outShape, perm, outer, inner, data: xp.toTypedArray() };
}

function floatOut(x: Tensor): DType {
  return isFloatDType(x.dtype) ? x.dtype : 'int32';
}

/** Whether a whole number is inside int32's range (an int32 result may hold it). */
export function fitsInt32(v: number): boolean {
  return v >= -2147483648 && v <= 2147483647;
}

/**
 * Integer sums and products are formed exactly in a double, but PyTorch would return them in
 * int64, which we lack: a result outside int32 is an error rather than a silently wrapped number.
 */
export function checkInt32(op: string, v: number, from: DType): number {
  if (fitsInt32(v)) return v;
  throw new RangeError(`${op}: the result ${v} does not fit the int32 output of ${withArticle(from)} reduction (there is no int64); compute in floating point instead, e.g. x.to('float64').${op}(...)`);
}

/** Sums a broadcast gradient back down to `shape` (the inverse of broadcasting). */
export function sumToShape(g: Tensor, shape: readonly number[]): Tensor {
  if (shapesEqual(g.shape, shape)) return g;
  const lead = g.rank - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < g.rank; i++) if (i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1)) axes.push(i);
  return reshape(sum(g, axes, true), shape);
}

function gradToInput(g: Tensor, L: Layout, x: Tensor): Tensor {
  return expand(reshape(g, L.keepShape), x.shape);
}

/** Sum over axes (all when omitted). Integer and bool tensors sum to int32 (torch: int64); a result outside int32 throws a RangeError. */
export function sum(x: Tensor, dim?: number | readonly number[], keepdim = false): Tensor {
  const L = layout('sum', x, dim, keepdim);
  const dtype = floatOut(x);
  const out = allocate(dtype, L.outer);
  const d = L.data;
  for (let o = 0, p = 0; o < L.outer; o++) {
    let s = 0;
    for (let i = 0; i < L.inner; i++) s += d[p++];
    out[o] = dtype === 'int32' ? checkInt32('sum', s, x.dtype) : s;
  }
  return record(new Tensor(out, L.outShape, dtype), 'sum', [x], (g) => [gradToInput(g, L, x)], []);
}

export function mean(x: Tensor, dim?: number | readonly number[], keepdim = false): Tensor {
  const n = numel(normAxes('mean', dim, x.rank).map((i) => x.shape[i]));
  const xf = isFloatDType(x.dtype) ? x : x.to('float32');
  return sum(xf, dim, keepdim).div(n);
}

/** Variance with Bessel's correction by default (correction = 1), as torch.var. */
export function variance(x: Tensor, dim?: number | readonly number[], keepdim = false, correction = 1): Tensor {
  const n = numel(normAxes('var', dim, x.rank).map((i) => x.shape[i]));
  const xf = isFloatDType(x.dtype) ? x : x.to('float32');
  const centred = xf.sub(mean(xf, dim, true));
  return sum(centred.square(), dim, keepdim).div(Math.max(0, n - correction));
}

export function std(x: Tensor, dim?: number | readonly number[], keepdim = false, correction = 1): Tensor {
  return variance(x, dim, keepdim, correction).sqrt();
}

function extremum(op: 'max' | 'min', x: Tensor, dim: number | readonly number[] | undefined, keepdim: boolean, name: string = op): { values: Tensor; index: Int32Array; L: Layout } {
  const L = layout(name, x, dim, keepdim);
  if (L.inner === 0) throw new Error(`${name}: cannot reduce over an empty dimension (shape [${x.shape}])`);
  const out = allocate(x.dtype, L.outer);
  const index = new Int32Array(L.outer);
  const d = L.data;
  const better = op === 'max' ? (a: number, b: number) => a > b : (a: number, b: number) => a < b;
  for (let o = 0; o < L.outer; o++) {
    const base = o * L.inner;
    let best = d[base];
    let bi = 0;
    for (let i = 1; i < L.inner; i++) {
      const v = d[base + i];
      if (Number.isNaN(best)) break;
      if (better(v, best) || Number.isNaN(v)) {
        best = v;
        bi = i;
      }
    }
    out[o] = best;
    index[o] = bi;
  }
  return { values: new Tensor(out, L.outShape, x.dtype), index, L };
}

function extremumOp(op: 'max' | 'min', x: Tensor, dim: number | readonly number[] | undefined, keepdim: boolean): Tensor {
  const { values, index, L } = extremum(op, x, dim, keepdim);
  // Over the whole tensor (torch.max(x)) or a list of axes (torch.amax) tied extremes share a
  // slice's gradient, so it does not depend on which tie came first; over one axis
  // (torch.max(x, dim)) it goes to the index that call returns.
  const splitTies = typeof dim !== 'number';
  return record(values, op, [x], (g) => {
    const gd = g.contiguous().toTypedArray();
    const buf = allocate(g.dtype, L.outer * L.inner);
    if (splitTies) shareAmongTies(buf, gd, values.storage, L);
    else for (let o = 0; o < L.outer; o++) buf[o * L.inner + index[o]] = gd[o];
    const permShape = L.perm.map((i) => x.shape[i]);
    const inverse = new Array<number>(L.perm.length);
    L.perm.forEach((src, i) => (inverse[src] = i));
    return [permute(new Tensor(buf, permShape, g.dtype), inverse).contiguous()];
  }, splitTies ? [x, values] : []); // splitting reads input and result: an in-place write to either must fail the version check
}

/** Each slice's gradient, shared equally by the elements equal to its extreme (its NaNs when that is NaN). */
function shareAmongTies(buf: TypedArray, gd: TypedArray, extremes: TypedArray, L: Layout): void {
  const d = L.data;
  for (let o = 0; o < L.outer; o++) {
    const base = o * L.inner;
    const e = extremes[o];
    const isTie = e !== e ? (v: number) => v !== v : (v: number) => v === e;
    let count = 0;
    for (let i = 0; i < L.inner; i++) if (isTie(d[base + i])) count++;
    for (let i = 0; i < L.inner; i++) if (isTie(d[base + i])) buf[base + i] = gd[o] / count;
  }
}

/**
 * Maximum over axes. Along one `dim`, the gradient flows to the first maximal element of each
 * slice (torch.max(x, dim)); over the whole tensor or a list of axes, tied maxima share it
 * equally (torch.max(x), torch.amax).
 */
export function max(x: Tensor, dim?: number | readonly number[], keepdim = false): Tensor {
  return extremumOp('max', x, dim, keepdim);
}

export function min(x: Tensor, dim?: number | readonly number[], keepdim = false): Tensor {
  return extremumOp('min', x, dim, keepdim);
}

function argExtremum(op: 'max' | 'min', x: Tensor, dim: number | undefined, keepdim: boolean): Tensor {
  const src = dim === undefined ? reshape(x.detach(), [x.size]) : x;
  // Errors name argmax/argmin, with the caller's shape rather than the flattened one.
  if (dim === undefined && x.size === 0) throw new Error(`arg${op}: cannot reduce over an empty dimension (shape [${x.shape}])`);
  const { index, L } = extremum(op, src, dim ?? 0, dim === undefined ? false : keepdim, `arg${op}`);
  // Over the whole tensor, keepdim keeps every axis at size 1 (torch.argmax(x, keepdim=True)).
  const shape = dim === undefined && keepdim ? x.shape.map(() => 1) : L.outShape;
  return new Tensor(index, shape, 'int32');
}

/**
 * Index of the maximum along `dim`, int32. With `dim` omitted, the index into the flattened
 * tensor: a scalar, or every axis kept at size 1 with keepdim.
 */
export function argmax(x: Tensor, dim?: number, keepdim = false): Tensor {
  return argExtremum('max', x, dim, keepdim);
}

export function argmin(x: Tensor, dim?: number, keepdim = false): Tensor {
  return argExtremum('min', x, dim, keepdim);
}

/** log Σ exp(x), stable: the maximum is subtracted first. */
export function logsumexp(x: Tensor, dim?: number | readonly number[], keepdim = false): Tensor {
  const xf = isFloatDType(x.dtype) ? x : x.to('float32');
  // Over an empty slice the sum of exps is 0 and the answer -inf (as in PyTorch); max
  // would throw there, and no shift is needed.
  const axes = normAxes('logsumexp', dim, x.rank);
  const keepShape = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const m = axes.some((a) => x.shape[a] === 0) ? new Tensor(allocate(xf.dtype, numel(keepShape)), keepShape, xf.dtype) : max(xf.detach(), dim, true);
  // An all -inf slice keeps -inf instead of producing NaN from (-inf) - (-inf).
  const ms = m.storage;
  for (let i = 0; i < ms.length; i++) if (!Number.isFinite(ms[i])) ms[i] = 0;
  const s = sum(xf.sub(m).exp(), dim, true).log().add(m);
  return keepdim ? s : reshape(s, layout('logsumexp', x, dim, false).outShape);
}

/** Product over axes; the gradient is the product of the other elements (exact with zeros). Integer results must fit int32, as for sum. */
export function prod(x: Tensor, dim?: number | readonly number[], keepdim = false): Tensor {
  const L = layout('prod', x, dim, keepdim);
  const dtype = floatOut(x);
  const out = allocate(dtype, L.outer);
  const d = L.data;
  for (let o = 0; o < L.outer; o++) {
    let p = 1;
    for (let i = 0; i < L.inner; i++) p *= d[o * L.inner + i];
    // Integer factors only shrink |p| through a 0, so an out-of-range p stays out of range
    // unless a 0 makes it 0 (or NaN, from Infinity · 0, once the double overflowed).
    out[o] = dtype === 'int32' ? checkInt32('prod', p !== p ? 0 : p, x.dtype) : p;
  }
  return record(new Tensor(out, L.outShape, dtype), 'prod', [x], (g) => {
    const gd = g.contiguous().toTypedArray();
    const buf = allocate(g.dtype, L.outer * L.inner);
    const prefix = new Float64Array(L.inner + 1);
    for (let o = 0; o < L.outer; o++) {
      const base = o * L.inner;
      prefix[0] = 1;
      for (let i = 0; i < L.inner; i++) prefix[i + 1] = prefix[i] * d[base + i];
      let suffix = 1;
      for (let i = L.inner - 1; i >= 0; i--) {
        buf[base + i] = gd[o] * prefix[i] * suffix;
        suffix *= d[base + i];
      }
    }
    const permShape = L.perm.map((i) => x.shape[i]);
    const inverse = new Array<number>(L.perm.length);
    L.perm.forEach((src, i) => (inverse[src] = i));
    return [permute(new Tensor(buf, permShape, g.dtype), inverse).contiguous()];
  });
}

/** Undoes a layout's permutation: `buf` holds values in permuted order, dense. */
function unpermute(buf: TypedArray, L: Layout, x: Tensor, dtype: DType): Tensor {
  const permShape = L.perm.map((i) => x.shape[i]);
  const inverse = new Array<number>(L.perm.length);
  L.perm.forEach((src, i) => (inverse[src] = i));
  return permute(new Tensor(buf, permShape, dtype), inverse).contiguous();
}

/**
 * Vector p-norm over `dim` (all elements when omitted), as torch.linalg.vector_norm /
 * torch.norm: (Σ|x|^p)^(1/p) for any p > 0, max |x| for p = Infinity. Integer inputs
 * are promoted to float32. The gradient follows PyTorch, with subgradient 0 where the
 * norm is 0 (and, for p < 1, at zero elements); for p = Infinity it is shared equally
 * by the tied maximal elements.
 */
export function norm(x: Tensor, p = 2, dim?: number | readonly number[], keepdim = false): Tensor {
  if (!(x instanceof Tensor)) throw new Error(`norm: expected a Tensor, got ${typeof x}`);
  if (typeof p !== 'number' || !(p > 0)) throw new Error(`norm: p must be a positive number or Infinity, got ${p}`);
  const xf = isFloatDType(x.dtype) ? x : x.to('float32');
  const L = layout('norm', xf, dim, keepdim);
  const inf = p === Infinity;
  if (inf && L.inner === 0) throw new Error(`norm: the infinity norm needs a non-empty dimension to reduce (shape [${x.shape}])`);
  const out = allocate(xf.dtype, L.outer);
  const d = L.data;
  for (let o = 0; o < L.outer; o++) {
    const base = o * L.inner;
    let acc = 0;
    if (inf) {
      for (let i = 0; i < L.inner; i++) {
        const a = Math.abs(d[base + i]);
        if (a > acc || a !== a) acc = a;
        if (acc !== acc) break;
      }
    } else if (p === 1) {
      for (let i = 0; i < L.inner; i++) acc += Math.abs(d[base + i]);
    } else if (p === 2) {
      for (let i = 0; i < L.inner; i++) acc += d[base + i] * d[base + i];
      acc = Math.sqrt(acc);
    } else {
      for (let i = 0; i < L.inner; i++) acc += Math.abs(d[base + i]) ** p;
      acc = acc ** (1 / p);
    }
    out[o] = acc;
  }
  // The backward reads the result (out), so it is saved too: an in-place write to it must fail the version check.
  const result = new Tensor(out, L.outShape, xf.dtype);
  return record(result, 'norm', [xf], (g) => {
    const gd = g.contiguous().toTypedArray();
    const buf = allocate(g.dtype, L.outer * L.inner);
    for (let o = 0; o < L.outer; o++) {
      const base = o * L.inner;
      const y = out[o];
      const go = gd[o];
      if (inf) {
        // d max|x| / dx: sign(x) on the elements that attain the maximum (NaN included), split equally.
        let ties = 0;
        for (let i = 0; i < L.inner; i++) {
          const a = Math.abs(d[base + i]);
          if (a === y || a !== a) ties++;
        }
        for (let i = 0; i < L.inner; i++) {
          const v = d[base + i];
          const a = Math.abs(v);
          buf[base + i] = a === y || a !== a ? (go / ties) * (v > 0 ? 1 : v < 0 ? -1 : v !== v ? v : 0) : 0;
        }
      } else if (p === 1) {
        for (let i = 0; i < L.inner; i++) {
          const v = d[base + i];
          buf[base + i] = v > 0 ? go : v < 0 ? -go : v !== v ? v : 0;
        }
      } else {
        // sign(x)·|x|^(p-1)·g / y^(p-1); 0 where y = 0 or x = 0 (PyTorch's masked subgradient).
        const scale = y === 0 ? 0 : go / y ** (p - 1);
        for (let i = 0; i < L.inner; i++) {
          const v = d[base + i];
          buf[base + i] = v === 0 || scale === 0 ? 0 : p === 2 ? v * scale : Math.sign(v) * Math.abs(v) ** (p - 1) * scale;
        }
      }
    }
    return [unpermute(buf, L, xf, g.dtype)];
  }, [xf, result]);
}

function truthReduce(op: 'any' | 'all', x: Tensor, dim: number | readonly number[] | undefined, keepdim: boolean): Tensor {
  if (!(x instanceof Tensor)) throw new Error(`${op}: expected a Tensor, got ${typeof x}`);
  const L = layout(op, x, dim, keepdim);
  const out = new Uint8Array(L.outer);
  const d = L.data;
  const want = op === 'any';
  for (let o = 0; o < L.outer; o++) {
    // NaN is nonzero, so it counts as true (as in PyTorch).
    let r = !want;
    for (let i = o * L.inner, end = i + L.inner; i < end; i++) {
      if ((d[i] !== 0) === want) {
        r = want;
        break;
      }
    }
    out[o] = r ? 1 : 0;
  }
  return new Tensor(out, L.outShape, 'bool');
}

/** True where any element over `dim` (all elements when omitted) is nonzero; false over an empty dimension. Bool, no gradient. */
export function any(x: Tensor, dim?: number | readonly number[], keepdim = false): Tensor {
  return truthReduce('any', x, dim, keepdim);
}

/** True where every element over `dim` (all elements when omitted) is nonzero; true over an empty dimension. Bool, no gradient. */
export function all(x: Tensor, dim?: number | readonly number[], keepdim = false): Tensor {
  return truthReduce('all', x, dim, keepdim);
}
