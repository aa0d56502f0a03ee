/**
 * Finite-difference gradient checking (public API). The function's output is
 * reduced to a scalar with fixed random weights, so one backward pass gives
 * every input's gradient; each element is then compared with a central
 * difference in float64.
 */
import { checkFunction, describeValue, NON_NEGATIVE, optionalNumber, POSITIVE } from './args.js';
import { backward } from './autograd.js';
import { checkOptions, NO_OPTIONS, optionKeys } from './options.js';
import { Generator } from './rng.js';
import { Tensor } from './tensor.js';
import { allocate } from './dtype.js';

export interface GradcheckOptions {
  eps?: number;
  atol?: number;
  rtol?: number;
  seed?: number;
  /** Throw on failure (default) or just report. */
  raise?: boolean;
}

export interface GradcheckResult {
  ok: boolean;
  /** The element with the largest error relative to the tolerance. */
  worst: { input: number; index: number; analytic: number; numeric: number; error: number } | null;
  message: string;
}

const GRADCHECK_KEYS = optionKeys<GradcheckOptions>({ eps: true, atol: true, rtol: true, seed: true, raise: true });

function asOutputs(y: Tensor | readonly Tensor[]): Tensor[] {
  const outs = Array.isArray(y) ? [...(y as readonly Tensor[])] : [y as Tensor];
  outs.forEach((o, i) => {
    if (!(o instanceof Tensor)) {
      throw new Error(`gradcheck: fn must return a Tensor or an array of Tensors, got ${Array.isArray(y) ? `${describeValue(o)} at position ${i}` : describeValue(y)}`);
    }
  });
  return outs;
}

/** A tolerance option: finite, and positive (eps: a zero step divides by zero) or non-negative (atol, rtol). */
function tolerance(name: string, v: number | undefined, dflt: number, positive: boolean): number {
  return optionalNumber('gradcheck', name, v, positive ? POSITIVE : NON_NEGATIVE, dflt);
}

/** Checks fn's gradients with respect to the inputs that require grad (a single Tensor may stand for a list of one, as in PyTorch). */
export function gradcheck(fn: (...inputs: Tensor[]) => Tensor | readonly Tensor[], inputsArg: Tensor | readonly Tensor[], opts: GradcheckOptions = NO_OPTIONS): GradcheckResult {
  checkOptions('gradcheck', opts, GRADCHECK_KEYS);
  checkFunction('gradcheck', 'fn (the first argument)', fn);
  const eps = tolerance('eps', opts.eps, 1e-6, true);
  const atol = tolerance('atol', opts.atol, 1e-5, false);
  const rtol = tolerance('rtol', opts.rtol, 1e-3, false);
  const inputs: readonly Tensor[] = inputsArg instanceof Tensor ? [inputsArg] : inputsArg;
  if (!Array.isArray(inputs)) throw new Error(`gradcheck: inputs must be a Tensor or an array of Tensors, got ${describeValue(inputs)}`);
  for (const [i, t] of inputs.entries()) {
    if (!(t instanceof Tensor)) throw new Error(`gradcheck: input ${i} must be a Tensor, got ${describeValue(t)}`);
    if (t.requiresGrad && t.dtype !== 'float64') throw new Error(`gradcheck: input ${i} must be float64 (got ${t.dtype}); finite differences in float32 are too noisy`);
  }
  // Nothing to check would otherwise report ok: true (PyTorch raises too).
  if (!inputs.some((t) => t.requiresGrad)) throw new Error(`gradcheck: no input requires grad (${inputs.length} input(s)); call requiresGrad_() on the float64 inputs to check`);
  const leaves = inputs.map((t) => (t.requiresGrad ? t.detach().contiguous().clone().requiresGrad_() : t));
  const gen = new Generator(opts.seed ?? 1234);
  const firstOut = asOutputs(fn(...leaves));
  const weights = firstOut.map((o) => {
    const w = allocate('float64', o.size);
    for (let i = 0; i < w.length; i++) w[i] = gen.uniform() * 2 - 1;
    return new Tensor(w, o.shape, 'float64');
  });
  const scalarOf = (outs: Tensor[]): Tensor => {
    let s: Tensor | null = null;
    outs.forEach((o, i) => {
      const term = o.to('float64').mul(weights[i]).sum();
      s = s ? s.add(term) : term;
    });
    return s!;
  };
  const loss = scalarOf(firstOut);
  if (loss.requiresGrad) backward(loss);
  let worst: GradcheckResult['worst'] = null;
  let worstRatio = -1;
  leaves.forEach((leaf, li) => {
    if (!leaf.requiresGrad) return;
    const analytic = leaf.grad ? leaf.grad.toTypedArray() : new Float64Array(leaf.size);
    const data = leaf.storage;
    for (let k = 0; k < leaf.size; k++) {
      const orig = data[k];
      data[k] = orig + eps;
      const plus = scalarOf(asOutputs(fn(...leaves.map((t) => t.detach())))).item();
      data[k] = orig - eps;
      const minus = scalarOf(asOutputs(fn(...leaves.map((t) => t.detach())))).item();
      data[k] = orig;
      const numeric = (plus - minus) / (2 * eps);
      const err = Math.abs(analytic[k] - numeric);
      // NaN counts as infinitely bad; the first such element is the one reported.
      const raw = err / (atol + rtol * Math.abs(numeric));
      const ratio = Number.isNaN(raw) ? Infinity : raw;
      if (ratio > worstRatio) {
        worstRatio = ratio;
        worst = { input: li, index: k, analytic: analytic[k], numeric, error: err };
      }
    }
  });
  const ok = worstRatio <= 1;
  const w = worst as GradcheckResult['worst'];
  const message = w
    ? `gradcheck ${ok ? 'passed' : 'FAILED'}: worst element is input ${w.input}[${w.index}]: analytic ${w.analytic}, numeric ${w.numeric}, |diff| ${w.error.toExponential(3)} (atol ${atol}, rtol ${rtol})`
    : 'gradcheck: no input requires grad';
  if (!ok && (opts.raise ?? true)) throw new Error(message);
  return { ok, worst: w, message };
}
