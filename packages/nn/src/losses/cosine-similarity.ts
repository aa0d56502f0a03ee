/**
 * Cosine similarity along a dimension, as PyTorch's F.cosine_similarity:
 *   Σ (x1 / max(‖x1‖, eps)) · (x2 / max(‖x2‖, eps))
 * over `dim` (default 1) of the broadcast inputs, which removes that dimension. As in
 * PyTorch, the eps clamp only guards the value: the gradient differentiates the norm as
 * if unclamped (a zero vector's norm contributes no gradient).
 */
import { broadcastShapes, record, Tensor, type DType } from '@tensorkit/core';
import { checkOptionKeys, type OptionKeys } from '../options.js';

export interface CosineSimilarityOptions {
  /** The dimension holding the vectors (default 1; negative counts from the end). */
  dim?: number;
  /** Floor of each vector's norm (default 1e-8). */
  eps?: number;
}

const OP = 'cosineSimilarity';

const KEYS: OptionKeys<CosineSimilarityOptions> = { dim: true, eps: true };

export function cosineSimilarity(x1: Tensor, x2: Tensor, opts: CosineSimilarityOptions = {}): Tensor {
  checkOptionKeys('cosineSimilarity', opts, KEYS);
  if (!(x1 instanceof Tensor) || !(x2 instanceof Tensor)) throw new Error(`${OP}: x1 and x2 must be Tensors`);
  const eps = opts.eps ?? 1e-8;
  if (!(eps >= 0)) throw new Error(`${OP}: eps must be ≥ 0, got ${eps}`);
  let shape: number[];
  try {
    shape = broadcastShapes(OP, x1.shape, x2.shape);
  } catch {
    throw new Error(`${OP}: x1 shape [${x1.shape.join(', ')}] and x2 shape [${x2.shape.join(', ')}] do not broadcast`);
  }
  const rank = shape.length;
  const dim0 = opts.dim ?? 1;
  const dim = dim0 < 0 ? dim0 + rank : dim0;
  if (!Number.isInteger(dim0)) throw new Error(`${OP}: dim must be an integer, got ${dim0}`);
  if (dim < 0 || dim >= rank) throw new Error(`${OP}: dim ${dim0} is out of range for inputs of rank ${rank} (shape [${shape.join(', ')}])`);
  // Type promotion as PyTorch: float64 if either is, else float32 (integer and bool inputs too).
  const dtype: DType = x1.dtype === 'float64' || x2.dtype === 'float64' ? 'float64' : 'float32';
  // Vectors along the last axis, the other axes in their order: the output is then row-major.
  const perm = [...shape.keys()].filter((i) => i !== dim).concat(dim);
  const rows = (t: Tensor) => t.to(dtype).expand(shape).permute(perm).contiguous();
  const a = rows(x1);
  const b = rows(x2);
  const D = shape[dim];
  const outShape = shape.filter((_, i) => i !== dim);
  const n = D === 0 ? 0 : a.size / D;
  const av = a.toTypedArray();
  const bv = b.toTypedArray();
  const na = new Float64Array(n);
  const nb = new Float64Array(n);
  const dot = new Float64Array(n);
  const out = dtype === 'float32' ? new Float32Array(outShape.reduce((p, s) => p * s, 1)) : new Float64Array(outShape.reduce((p, s) => p * s, 1));
  for (let r = 0; r < n; r++) {
    let saa = 0;
    let sbb = 0;
    let sab = 0;
    for (let j = r * D; j < (r + 1) * D; j++) {
      saa += av[j] * av[j];
      sbb += bv[j] * bv[j];
      sab += av[j] * bv[j];
    }
    na[r] = Math.sqrt(saa);
    nb[r] = Math.sqrt(sbb);
    dot[r] = sab;
    out[r] = sab / (Math.max(na[r], eps) * Math.max(nb[r], eps));
  }
  return record(new Tensor(out, outShape, dtype), OP, [a, b], (g) => {
    const gv = g.contiguous().toTypedArray();
    const ga = new Float64Array(a.size);
    const gb = new Float64Array(b.size);
    for (let r = 0; r < n; r++) {
      const ca = Math.max(na[r], eps);
      const cb = Math.max(nb[r], eps);
      const s = gv[r] / (ca * cb);
      // d/da_j [a·b / (‖a‖·cb)] = b_j / (ca·cb) - (a·b)·a_j / (ca²·cb·‖a‖), the second term 0 when ‖a‖ = 0.
      const ka = na[r] > 0 ? (s * dot[r]) / (ca * na[r]) : 0;
      const kb = nb[r] > 0 ? (s * dot[r]) / (cb * nb[r]) : 0;
      for (let j = r * D; j < (r + 1) * D; j++) {
        ga[j] = s * bv[j] - ka * av[j];
        gb[j] = s * av[j] - kb * bv[j];
      }
    }
    return [new Tensor(ga, a.shape, 'float64').to(dtype), new Tensor(gb, b.shape, 'float64').to(dtype)];
  });
}
