/**
 * Inverted dropout: in training, zero each element with probability p and
 * scale survivors by 1/(1-p); identity in eval. Masks come from the
 * generator given at construction, else from the default generator at call
 * time, so a seed makes training runs reproducible.
 */
import { type Generator, getDefaultGenerator, showValue, Tensor } from '@tensorkit/core';
import type { ModuleConfig, ModuleOptions } from '../config.js';
import { Module } from '../module.js';

export interface DropoutConfig extends ModuleConfig {
  type: 'Dropout';
  /** Probability of zeroing an element (default 0.5). */
  p?: number;
}

/** Scratch for the mask's uniform draws, reused across calls. */
let uniforms = new Float64Array(0);

/** p may be 1, as in PyTorch: every element is dropped (an all-zero output with a zero gradient). */
function checkP(op: string, p: unknown): number {
  if (typeof p !== 'number' || !(p >= 0 && p <= 1)) throw new Error(`${op}: p must be a probability in [0, 1], got ${showValue(p)}`);
  return p;
}

/** Functional dropout; `training` false (or p = 0) returns x unchanged. */
export function dropout(x: Tensor, p: number, training: boolean, generator?: Generator): Tensor {
  if (!training || p === 0) return x;
  checkP('dropout', p);
  // Nothing survives, so no mask is drawn (PyTorch draws none either) and 1/(1-p) is never formed.
  if (p === 1) return x.mul(new Tensor(x.dtype === 'float64' ? new Float64Array(1) : new Float32Array(1), [], x.dtype));
  const g = generator ?? getDefaultGenerator();
  const keep = 1 / (1 - p);
  const mask = x.dtype === 'float64' ? new Float64Array(x.size) : new Float32Array(x.size);
  // One draw per element, as g.uniform() would give them, compared in float64.
  if (uniforms.length < mask.length) uniforms = new Float64Array(mask.length);
  const u = uniforms.subarray(0, mask.length);
  g.fillUniform(u);
  for (let i = 0; i < mask.length; i++) mask[i] = u[i] < p ? 0 : keep;
  return x.mul(new Tensor(mask, x.shape, mask instanceof Float64Array ? 'float64' : 'float32'));
}

export class Dropout extends Module {
  readonly config: Required<DropoutConfig>;
  /** The mask stream; null means "the default generator at call time". */
  generator: Generator | null;

  constructor(opts: ModuleOptions<DropoutConfig> = {}) {
    super();
    this.config = { type: 'Dropout', p: checkP('Dropout', opts.p ?? 0.5) };
    this.checkOptions(opts);
    this.generator = opts.generator ?? null;
  }

  forward(x: Tensor): Tensor {
    return dropout(this.tensorInput(x), this.config.p, this.training, this.generator ?? undefined);
  }
}
