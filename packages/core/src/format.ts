/** Readable printing in the style of PyTorch: `tensor([[1.0000, 2.0000]], dtype=float32)`. */
import type { Tensor } from './tensor.js';

const MAX_ITEMS = 6;

function fmtNumber(v: number, isInt: boolean): string {
  if (isInt) return String(v);
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-4 || a >= 1e6)) return v.toExponential(4);
  return v.toFixed(4);
}

export function formatTensor(t: Tensor): string {
  const data = t.toTypedArray();
  const isInt = t.dtype !== 'float32' && t.dtype !== 'float64';
  const isBool = t.dtype === 'bool';
  const shape = t.shape;
  const fmt = (i: number) => (isBool ? (data[i] ? 'true' : 'false') : fmtNumber(data[i], isInt));
  const rec = (dim: number, start: number, indent: string): string => {
    if (dim === shape.length) return fmt(start);
    let step = 1;
    for (let d = dim + 1; d < shape.length; d++) step *= shape[d];
    const n = shape[dim];
    const idx: (number | null)[] = n > MAX_ITEMS ? [0, 1, 2, null, n - 3, n - 2, n - 1] : Array.from({ length: n }, (_, i) => i);
    const parts = idx.map((i) => (i === null ? '...' : rec(dim + 1, start + i * step, indent + ' ')));
    const sep = dim === shape.length - 1 ? ', ' : ',\n' + indent + ' ';
    return '[' + parts.join(sep) + ']';
  };
  const body = rec(0, 0, '       ');
  const grad = t.requiresGrad ? ', requiresGrad=true' : '';
  return `tensor(${body}, shape=[${shape.join(',')}], dtype=${t.dtype}${grad})`;
}
