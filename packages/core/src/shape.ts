/** Shape and stride arithmetic shared by tensors, views and kernels. */
export type Shape = readonly number[];

export function numel(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/**
 * numel as the package exports it: callers outside core hand it shapes nothing has checked, and a
 * negative or fractional dimension gave a negative or fractional count (numel([-1, 2]) was -2).
 * Core's own callers use the unchecked numel on shapes already validated.
 */
export function checkedNumel(shape: Shape): number {
  assertValidShape('numel', shape);
  return numel(shape);
}

/** broadcastShapes as the package exports it: both shapes checked first, as checkedNumel. */
export function checkedBroadcastShapes(op: string, a: Shape, b: Shape): number[] {
  assertValidShape(op, a);
  assertValidShape(op, b);
  return broadcastShapes(op, a, b);
}

/** contiguousStrides as the package exports it: a fractional dimension gave fractional strides. */
export function checkedContiguousStrides(shape: Shape): number[] {
  assertValidShape('contiguousStrides', shape);
  return contiguousStrides(shape);
}

export function contiguousStrides(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

export function shapesEqual(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function fmtShape(s: Shape): string {
  return `[${s.join(',')}]`;
}

/**
 * Runs a 1-D op through its 2-D form, so that the errors the 2-D op throws name the op the caller
 * used (their shapes and pairs include the added height-1 axis, which the message says).
 */
export function as1d<T>(op: string, op2d: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof Error && e.message.startsWith(`${op2d}: `)) {
      throw new Error(`${op}: ${e.message.slice(op2d.length + 2)} (${op} runs as ${op2d} on the input with a height-1 axis added)`);
    }
    throw e;
  }
}

/** NumPy broadcasting of two shapes; throws naming the op on mismatch. */
export function broadcastShapes(op: string, a: Shape, b: Shape): number[] {
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const da = a[a.length - n + i] ?? 1;
    const db = b[b.length - n + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new Error(`${op}: shapes ${fmtShape(a)} and ${fmtShape(b)} cannot be broadcast (dimension ${i}: ${da} vs ${db})`);
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/** Strides that read a tensor of `shape`/`strides` as if broadcast to `target` (0 on broadcast dims). */
export function broadcastStrides(shape: Shape, strides: Shape, target: Shape): number[] {
  const out = new Array<number>(target.length).fill(0);
  const k = target.length - shape.length;
  for (let i = 0; i < shape.length; i++) out[k + i] = shape[i] === 1 && target[k + i] !== 1 ? 0 : strides[i];
  return out;
}

/** Normalises a possibly negative axis; throws naming the op when out of range. */
export function normAxis(op: string, axis: number, rank: number): number {
  if (!Number.isInteger(axis)) throw new Error(`${op}: axis must be an integer, got ${axis}`);
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank) throw new Error(`${op}: axis ${axis} is out of range for a tensor of rank ${rank}`);
  return a;
}

/** Normalises a list of axes (undefined = all), sorted and de-duplicated. */
export function normAxes(op: string, axes: number | readonly number[] | undefined, rank: number): number[] {
  if (axes === undefined) return Array.from({ length: rank }, (_, i) => i);
  const list = typeof axes === 'number' ? [axes] : axes;
  // As in PyTorch, a scalar accepts dim 0 or -1 (sum, max, squeeze, flip, …): there is nothing to reduce.
  if (rank === 0 && list.length === 1 && (list[0] === 0 || list[0] === -1)) return [];
  const set = new Set(list.map((a) => normAxis(op, a, rank)));
  if (set.size !== list.length) throw new Error(`${op}: repeated axis in [${list.join(',')}]`);
  return [...set].sort((x, y) => x - y);
}

export function assertValidShape(op: string, shape: Shape): void {
  // A bare number (torch.zeros(3)) is refused rather than guessed at: shapes are arrays throughout this API.
  if (!Array.isArray(shape)) {
    const v: unknown = shape;
    throw new Error(`${op}: shape must be an array of non-negative integers, got ${typeof v === 'string' ? `'${v}'` : String(v)}${typeof v === 'number' ? ` (write [${v}] for a 1-D shape)` : ''}`);
  }
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) throw new Error(`${op}: invalid shape ${fmtShape(shape)} (dimensions must be non-negative integers)`);
  }
}
