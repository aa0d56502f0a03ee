/** Containers: Sequential (chains tensor → tensor modules) and ModuleList (holds modules for custom forwards). */
import type { Tensor } from '@tensorkit/core';
import type { AnyModuleConfig, ModuleConfig } from '../config.js';
import { Module, type TensorModule } from '../module.js';
import { Conv2d } from './conv.js';
import { MaxPool2d } from './pool.js';
import { ReLU } from './activation.js';

export interface SequentialConfig extends ModuleConfig {
  type: 'Sequential';
  /** Child configs (any registered type; a custom type needs a ModuleConfigRegistry entry or a cast). */
  modules: AnyModuleConfig[];
}

export interface ModuleListConfig extends ModuleConfig {
  type: 'ModuleList';
  modules: AnyModuleConfig[];
}

/** Children are named "0", "1", … so parameters read "0.weight", as in PyTorch. */
export class Sequential extends Module {
  constructor(...modules: TensorModule[]) {
    super();
    modules.forEach((m, i) => this.addModule(String(i), m));
  }

  get config(): SequentialConfig {
    return { type: 'Sequential', modules: this.children().map((m) => m.config as AnyModuleConfig) };
  }

  get length(): number {
    return this.children().length;
  }

  at(i: number): TensorModule {
    const kids = this.children();
    const m = kids[i < 0 ? kids.length + i : i];
    if (!m) throw new Error(`Sequential.at: index ${i} out of range (length ${kids.length})`);
    return m as TensorModule;
  }

  /** Appends a module; returns this for chaining. */
  append(m: TensorModule): this {
    this.addModule(String(this.children().length), m);
    return this;
  }

  forward(x: Tensor): Tensor {
    const kids = this.children() as TensorModule[];
    let y = x;
    for (let i = 0; i < kids.length; i++) {
      const m = kids[i];
      // A plain Conv2d followed by a plain MaxPool2d, with or without a ReLU between them,
      // runs as one fused op (same result; the unpooled activation is never materialised).
      // Subclasses keep their own forward.
      if (m.constructor === Conv2d) {
        const relu = kids[i + 1]?.constructor === ReLU;
        const pool = kids[i + (relu ? 2 : 1)];
        if (pool?.constructor === MaxPool2d) {
          const p = (pool as MaxPool2d).config;
          y = (m as Conv2d).forwardMaxPool(y, p.kernelSize, { stride: p.stride, padding: p.padding, dilation: p.dilation, ceilMode: p.ceilMode }, relu);
          i += relu ? 2 : 1;
          continue;
        }
      }
      y = m.forward(y);
    }
    return y;
  }
}

/** An indexable list of modules whose parameters are registered ("0.weight", "1.weight", …). */
export class ModuleList<M extends Module = Module> extends Module {
  constructor(modules: readonly M[] = []) {
    super();
    modules.forEach((m, i) => this.addModule(String(i), m));
  }

  get config(): ModuleListConfig {
    return { type: 'ModuleList', modules: this.children().map((m) => m.config as AnyModuleConfig) };
  }

  get length(): number {
    return this.children().length;
  }

  at(i: number): M {
    const kids = this.children();
    const m = kids[i < 0 ? kids.length + i : i];
    if (!m) throw new Error(`ModuleList.at: index ${i} out of range (length ${kids.length})`);
    return m as M;
  }

  append(m: M): this {
    this.addModule(String(this.children().length), m);
    return this;
  }

  [Symbol.iterator](): Iterator<M> {
    return (this.children() as M[])[Symbol.iterator]();
  }

  forward(): never {
    throw new Error('ModuleList has no forward; iterate over it in your own module');
  }
}
