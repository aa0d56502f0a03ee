/**
 * Triangular parts of matrices: tril and triu on the last two dimensions (leading
 * dimensions are a batch). Elements outside the triangle become 0 (even NaN or ±inf),
 * and so does their gradient.
 */
import { record } from '../autograd.js';
import { fmtShape, numel } from '../shape.js';
import { Tensor } from '../tensor.js';

function triangle(op: 'tril' | 'triu', x: Tensor, diagonal: number): Tensor {
  if (!(x instanceof Tensor)) throw new Error(`${op}: expected a Tensor, got ${typeof x}`);
  if (x.rank < 2) throw new Error(`${op}: input must have at least 2 dimensions, got shape ${fmtShape(x.shape)}`);
  if (!Number.isInteger(diagonal)) throw new Error(`${op}: diagonal must be an integer, got ${diagonal}`);
  const rows = x.shape[x.rank - 2];
  const cols = x.shape[x.rank - 1];
  const batch = numel(x.shape.slice(0, -2));
  // toTypedArray may alias a contiguous input's storage: copy before zeroing.
  const out = x.toTypedArray().slice();
  // Element (i, j) is kept when j - i <= diagonal (tril) or j - i >= diagonal (triu).
  for (let b = 0; b < batch; b++) {
    for (let i = 0; i < rows; i++) {
      const row = (b * rows + i) * cols;
      const from = op === 'tril' ? Math.max(0, i + diagonal + 1) : 0;
      const to = op === 'tril' ? cols : Math.min(cols, Math.max(0, i + diagonal));
      for (let j = from; j < to; j++) out[row + j] = 0;
    }
  }
  return record(new Tensor(out, x.shape, x.dtype), op, [x], (g) => [triangle(op, g, diagonal)], []);
}

/** The lower triangle (j - i <= diagonal) of the last two dimensions; the rest is zeroed. */
export function tril(x: Tensor, diagonal = 0): Tensor {
  return triangle('tril', x, diagonal);
}

/** The upper triangle (j - i >= diagonal) of the last two dimensions; the rest is zeroed. */
export function triu(x: Tensor, diagonal = 0): Tensor {
  return triangle('triu', x, diagonal);
}
