/**
 * Define-by-run reverse-mode autodiff. Each op that has a differentiable
 * input records a GradNode on its output: the inputs and a closure that maps
 * the output's gradient to the inputs' gradients (written with ops, so every
 * backend gets gradients for free). `backward()` walks the graph once in
 * reverse topological order. Temporaries are ordinary garbage-collected
 * objects: there is no tidy/dispose.
 */
import { checkFunction, describeValue } from './args.js';
import { checkOptions, NO_OPTIONS, optionKeys } from './options.js';
import type { Tensor } from './tensor.js';

export interface GradNode {
  /** Op name, shown in errors and graph dumps. */
  readonly op: string;
  readonly inputs: readonly Tensor[];
  /** Tensors whose values `backward` reads, and their storages' versions when recorded. */
  readonly saved?: readonly Tensor[];
  readonly savedVersions?: readonly number[];
  /** Gradients for each input (null where an input needs none). */
  backward(grad: Tensor): readonly (Tensor | null)[];
}

let gradEnabled = true;

// Keyed by the storage array, so every view of it (and detach()) shares one count. Only
// storages that were ever written in place get an entry.
const versions = new WeakMap<object, number>();

/** How many in-place writes the tensor's storage has seen (PyTorch's `_version`). */
export function storageVersion(t: Tensor): number {
  return versions.get(t.storage) ?? 0;
}

/**
 * Records that `t`'s storage was changed in place, so that a backward pass through an op
 * that saved it (or any view of it) earlier throws instead of using the new values.
 * Every in-place writer must call it: assignInto does; optimizers and state loading that
 * write storages directly must too.
 */
export function markModifiedInPlace(t: Tensor): void {
  versions.set(t.storage, (versions.get(t.storage) ?? 0) + 1);
}

export function isGradEnabled(): boolean {
  return gradEnabled;
}

/**
 * Runs `fn` with the grad mode set, restoring it when `fn` returns. The mode is one global
 * flag, so an async `fn` cannot be scoped: after its first await it would run (and any
 * concurrent code would run) with the restored mode. Such a call is refused.
 */
function withGradMode<T>(op: string, enabled: boolean, fn: () => T): T {
  checkFunction(op, 'the argument', fn);
  const prev = gradEnabled;
  gradEnabled = enabled;
  let result: T;
  try {
    result = fn();
  } finally {
    gradEnabled = prev;
  }
  if (isThenable(result)) {
    // The async work keeps running; its failure would only add an unhandled rejection to this error.
    void Promise.resolve(result).catch(() => undefined);
    throw new Error(`${op}: the function returned a Promise, but the gradient mode is global and is restored when ${op} returns, so the code after the function's first await would run outside it (and code running meanwhile, inside it); call ${op} around the synchronous part instead, e.g. \`const y = ${op}(() => model.forward(x)); await use(y)\``);
  }
  return result;
}

function isThenable(x: unknown): boolean {
  return (typeof x === 'object' || typeof x === 'function') && x !== null && typeof (x as { then?: unknown }).then === 'function';
}

/** Runs `fn` with gradient recording off (like `torch.no_grad()`); `fn` must be synchronous. */
export function noGrad<T>(fn: () => T): T {
  return withGradMode('noGrad', false, fn);
}

/** Runs `fn` with gradient recording on, even inside a `noGrad` scope; `fn` must be synchronous. */
export function enableGrad<T>(fn: () => T): T {
  return withGradMode('enableGrad', true, fn);
}

/** True when an op on these inputs must record a node. */
export function needsGrad(...inputs: readonly (Tensor | null | undefined)[]): boolean {
  if (!gradEnabled) return false;
  for (const t of inputs) if (t && t.requiresGrad) return true;
  return false;
}

/**
 * Attaches a node to `out` when any input requires grad; returns `out`. `saved` lists the
 * tensors whose values `backward` reads (default: all inputs; [] for ops such as add or
 * views that only reshape the gradient): backward() refuses to run the node if one of
 * them was modified in place since.
 */
export function record(out: Tensor, op: string, inputs: readonly Tensor[], backward: (g: Tensor) => readonly (Tensor | null)[], saved: readonly Tensor[] = inputs): Tensor {
  if (!needsGrad(...inputs)) return out;
  out.requiresGrad = true;
  out.gradFn = { op, inputs, backward, saved, savedVersions: saved.map(storageVersion) };
  return out;
}

function checkSavedVersions(node: GradNode): void {
  const { saved, savedVersions } = node;
  if (!saved || !savedVersions) return;
  for (let i = 0; i < saved.length; i++) {
    const now = storageVersion(saved[i]);
    if (now !== savedVersions[i]) {
      throw new Error(`backward: a tensor used by '${node.op}' (shape [${saved[i].shape}]) was modified in place after it was used (version ${savedVersions[i]} → ${now}); compute the loss again after the in-place change, or clone() the tensor before modifying it`);
    }
  }
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

/** Structural: this module only imports Tensor's type (tensor.ts imports this one). */
function isTensorLike(v: unknown): v is Tensor {
  return v !== null && typeof v === 'object' && Array.isArray((v as Tensor).shape) && typeof (v as Tensor).detach === 'function';
}

/**
 * `.grad` is a plain field: a value assigned to it by hand with another shape would broadcast in
 * the accumulation (a [3,1] grad on a [1,3] leaf became [3,3]), another float dtype would replace
 * the leaf's. PyTorch refuses such an assignment ("assigned grad has data of a different size").
 */
function checkAssignedGrad(leaf: Tensor, grad: Tensor): void {
  const sameShape = grad.shape.length === leaf.shape.length && grad.shape.every((d, i) => d === leaf.shape[i]);
  if (!sameShape || grad.dtype !== leaf.dtype) {
    throw new Error(`backward: a leaf of shape [${leaf.shape}] (${leaf.dtype}) has a .grad of shape [${grad.shape}] (${grad.dtype}); a grad must match its tensor's shape and dtype (set it to null to start over)`);
  }
}

export interface BackwardOptions {
  /** Keep gradients of non-leaf tensors in their `.grad` too. */
  retainGrad?: boolean;
  /**
   * Accepted for code ported from PyTorch and changes nothing: the graph is never freed, so
   * backward can always run again.
   */
  retainGraph?: boolean;
  /** Higher-order gradients (a graph of the backward pass) are not supported: only false is accepted. */
  createGraph?: boolean;
}

const BACKWARD_KEYS = optionKeys<BackwardOptions>({ retainGrad: true, retainGraph: true, createGraph: true });

/**
 * Accumulates d(root)/d(leaf) into every leaf's `.grad`. A non-scalar root
 * needs an explicit upstream gradient of the same shape.
 */
export function backward(root: Tensor, grad?: Tensor, opts: BackwardOptions = NO_OPTIONS): void {
  checkOptions('backward', opts, BACKWARD_KEYS);
  if (opts.createGraph) throw new Error('backward: createGraph (higher-order gradients) is not supported: the backward pass is not recorded');
  // Structural: this module only imports Tensor's type (tensor.ts imports this one).
  if (grad !== undefined && !isTensorLike(grad)) {
    throw new Error(`backward: the upstream gradient must be a Tensor, got ${grad === null ? 'null' : typeof grad}; options go in the last argument (tensor.backward(undefined, { retainGrad: true }))`);
  }
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
        if (t.grad) checkAssignedGrad(t, t.grad);
        t.grad = t.grad ? t.grad.add(gl) : gl.clone().reshape(t.shape);
        continue;
      }
      if (opts.retainGrad) t.grad = t.grad ? t.grad.add(g) : g;
      checkSavedVersions(t.gradFn);
      const inGrads = t.gradFn.backward(g);
      const inputs = t.gradFn.inputs;
      // A missing entry would leave that input's grad null without a word (PyTorch: "returned an incorrect number of gradients").
      if (!Array.isArray(inGrads) || inGrads.length !== inputs.length) {
        throw new Error(`backward: the backward function of '${t.gradFn.op}' returned ${Array.isArray(inGrads) ? `${inGrads.length} gradient(s)` : describeValue(inGrads)} for ${inputs.length} input(s); it must return an array with one Tensor (or null) per input`);
      }
      for (let i = 0; i < inputs.length; i++) {
        const x = inputs[i];
        const gi = inGrads[i] as Tensor | null | undefined;
        if (gi !== null && gi !== undefined && !isTensorLike(gi)) {
          throw new Error(`backward: the backward function of '${t.gradFn.op}' returned ${describeValue(gi)} as the gradient of input ${i}; expected a Tensor or null`);
        }
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
