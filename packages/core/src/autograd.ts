/**
 * Define-by-run reverse-mode autodiff. Each op that has a differentiable
 * input records a GradNode on its output: the inputs and a closure that maps
 * the output's gradient to the inputs' gradients (written with ops, so every
 * backend gets gradients for free). `backward()` walks the graph once in
 * reverse topological order. Temporaries are ordinary garbage-collected
 * objects: there is no tidy/dispose.
 */
import type { Tensor } from './tensor.js';

export interface GradNode {
  /** Op name, shown in errors and graph dumps. */
  readonly op: string;
  readonly inputs: readonly Tensor[];
  /** Gradients for each input (null where an input needs none). */
  backward(grad: Tensor): readonly (Tensor | null)[];
}

let gradEnabled = true;

export function isGradEnabled(): boolean {
  return gradEnabled;
}

/** Runs `fn` with gradient recording off (like `torch.no_grad()`). */
export function noGrad<T>(fn: () => T): T {
  const prev = gradEnabled;
  gradEnabled = false;
  try {
    return fn();
  } finally {
    gradEnabled = prev;
  }
}

/** Runs `fn` with gradient recording on, even inside a `noGrad` scope. */
export function enableGrad<T>(fn: () => T): T {
  const prev = gradEnabled;
  gradEnabled = true;
  try {
    return fn();
  } finally {
    gradEnabled = prev;
  }
}

/** True when an op on these inputs must record a node. */
export function needsGrad(...inputs: readonly (Tensor | null | undefined)[]): boolean {
  if (!gradEnabled) return false;
  for (const t of inputs) if (t && t.requiresGrad) return true;
  return false;
}

/** Attaches a node to `out` when any input requires grad; returns `out`. */
export function record(out: Tensor, op: string, inputs: readonly Tensor[], backward: (g: Tensor) => readonly (Tensor | null)[]): Tensor {
  if (!needsGrad(...inputs)) return out;
  out.requiresGrad = true;
  out.gradFn = { op, inputs, backward };
  return out;
}

function topoOrder(root: Tensor): Tensor[] {
  const order: Tensor[] = [];
  const visited = new Set<Tensor>();
  // Iterative DFS: deep graphs (long RNN unrolls) would overflow a recursive one.
  const stack: [Tensor, number][] = [[root, 0]];
  visited.add(root);
  while (stack.length) {
    const top = stack[stack.length - 1];
    const [t, i] = top;
    const inputs = t.gradFn ? t.gradFn.inputs : [];
    if (i < inputs.length) {
      top[1]++;
      const child = inputs[i];
      if (child.requiresGrad && !visited.has(child)) {
        visited.add(child);
        stack.push([child, 0]);
      }
    } else {
      stack.pop();
      order.push(t);
    }
  }
  return order.reverse();
}

export interface BackwardOptions {
  /** Keep gradients of non-leaf tensors in their `.grad` too. */
  retainGrad?: boolean;
}

/**
 * Accumulates d(root)/d(leaf) into every leaf's `.grad`. A non-scalar root
 * needs an explicit upstream gradient of the same shape.
 */
export function backward(root: Tensor, grad?: Tensor, opts: BackwardOptions = {}): void {
  if (!root.requiresGrad) {
    throw new Error('backward: this tensor does not require grad (no input had requiresGrad, or it was computed under noGrad)');
  }
  let seed: Tensor;
  if (grad) {
    if (grad.shape.length !== root.shape.length || grad.shape.some((d, i) => d !== root.shape[i])) {
      throw new Error(`backward: gradient shape [${grad.shape}] does not match tensor shape [${root.shape}]`);
    }
    // The seed takes the root's dtype so gradients keep their tensors' precision.
    seed = grad.dtype === root.dtype ? grad.detach() : grad.detach().to(root.dtype);
  } else {
    if (root.size !== 1) throw new Error(`backward: a gradient must be given for a non-scalar tensor of shape [${root.shape}]`);
    seed = root.onesLike();
  }
  const order = topoOrder(root);
  const grads = new Map<Tensor, Tensor>([[root, seed]]);
  noGrad(() => {
    for (const t of order) {
      const g = grads.get(t);
      if (!g) continue;
      grads.delete(t);
      if (!t.gradFn) {
        // A leaf gets its own dense storage: g may be shared with other leaves
        // (add passes one g to both inputs, concat hands out slices of one
        // buffer) or be the caller's upstream gradient.
        const gl = g.dtype === t.dtype ? g : g.to(t.dtype);
        t.grad = t.grad ? t.grad.add(gl) : gl.clone().reshape(t.shape);
        continue;
      }
      if (opts.retainGrad) t.grad = t.grad ? t.grad.add(g) : g;
      const inGrads = t.gradFn.backward(g);
      const inputs = t.gradFn.inputs;
      for (let i = 0; i < inputs.length; i++) {
        const x = inputs[i];
        const gi = inGrads[i];
        if (!gi || !x.requiresGrad) continue;
        if (gi.shape.length !== x.shape.length || gi.shape.some((d, j) => d !== x.shape[j])) {
          throw new Error(`backward: op '${t.gradFn.op}' produced a gradient of shape [${gi.shape}] for an input of shape [${x.shape}] (internal error)`);
        }
        const prev = grads.get(x);
        grads.set(x, prev ? prev.add(gi) : gi);
      }
    }
  });
}
