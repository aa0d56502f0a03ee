/**
 * The Module base class: a tree of named parameters, buffers and child
 * modules, as in PyTorch's nn.Module. Registration is explicit (no field
 * scanning) so names and ordering are deterministic and independent of how a
 * subclass declares its fields; layers read their tensors back through the
 * registry at forward time, which is what lets `to()`, `functionalCall()` and
 * `loadStateDict()` swap or refill them safely.
 */
import { checkBoolean, checkTensor, describeValue, type FloatDType, Generator, isFloatDType, markModifiedInPlace, noGrad, showValue, Tensor } from '@tensorkit/core';
import type { ModuleConfig } from './config.js';
import { checkOptionKeys, isBuildingFromConfig } from './options.js';

/** Parameter and persistent-buffer tensors by dotted name ("encoder.0.weight"). */
export type StateDict = Record<string, Tensor>;

export interface LoadStateDictOptions {
  /** Throw when keys are missing or unexpected (default true). Shape mismatches always throw. */
  strict?: boolean;
}

export interface LoadStateDictResult {
  missingKeys: string[];
  unexpectedKeys: string[];
}

export interface RegisterBufferOptions {
  /** Persistent buffers are part of the state dict (default true). */
  persistent?: boolean;
}

/** A module whose forward maps one tensor to one tensor (what Sequential chains). */
export interface TensorModule extends Module {
  forward(x: Tensor): Tensor;
}

const NAME_RE = /^[^.\s]+$/;

/**
 * Makes `t` a parameter: a contiguous floating-point leaf that owns its whole
 * storage (optimizers update `storage` in place, so a view into a larger
 * buffer would corrupt its neighbours) and requires grad.
 */
export function asParameter(t: Tensor, requiresGrad = true): Tensor {
  const dtype = isFloatDType(t.dtype) ? t.dtype : 'float32';
  const owns = t.isLeaf && t.dtype === dtype && t.isContiguous() && t.offset === 0 && t.storage.length === t.size;
  const p = owns ? t : noGrad(() => t.detach().to(dtype).clone());
  p.requiresGrad = requiresGrad;
  return p;
}

export abstract class Module {
  /** True in training mode (dropout active, batch-norm uses batch statistics). */
  training = true;
  private readonly _parameters = new Map<string, Tensor | null>();
  private readonly _buffers = new Map<string, Tensor | null>();
  private readonly _nonPersistent = new Set<string>();
  private readonly _modules = new Map<string, Module>();

  /** JSON-serialisable description that `buildModule` turns back into an equivalent module. */
  abstract readonly config: ModuleConfig;

  /**
   * Refuses constructor options this module ignores — the known ones are its config's keys
   * (without `type`) and `generator` — as buildModule refuses unknown config keys: `new Linear({
   * …, biass: false })` from plain JS (or options spread from a file) kept its bias without a word.
   * Layers call it once their config is set.
   */
  protected checkOptions(opts: object): void {
    const g = (opts as { generator?: unknown }).generator;
    // Otherwise it fails at the first draw as 'g.uniform is not a function'.
    if (g !== undefined && !(g instanceof Generator)) throw new Error(`${this.constructor.name}: generator must be a Generator (new Generator(seed)), got ${describeValue(g)}`);
    // buildModule checks a config itself, naming the config path (`TransformerEncoder config.norm`).
    if (isBuildingFromConfig()) return;
    const { type: _type, ...given } = opts as Record<string, unknown>;
    checkOptionKeys(this.constructor.name, given, [...Object.keys(this.config).filter((k) => k !== 'type'), 'generator']);
  }

  /** The computation. Subclasses narrow the signature (e.g. `forward(x: Tensor): Tensor`). */
  abstract forward(...args: any[]): unknown;

  /**
   * `x` as a Tensor, or an error naming this layer: a nested array or null passed to forward would
   * otherwise fail deep inside as "Cannot read properties of undefined". Layers call it on their inputs.
   */
  protected tensorInput(x: unknown, name = 'input'): Tensor {
    return checkTensor(`${this.constructor.name}.forward`, name, x);
  }

  // ---- registration ----

  private checkName(kind: string, name: string, own: Map<string, unknown>): void {
    if (!NAME_RE.test(name)) throw new Error(`${this.constructor.name}: ${kind} name '${name}' must be non-empty without dots or spaces`);
    for (const [other, map] of [['parameter', this._parameters], ['buffer', this._buffers], ['module', this._modules]] as const) {
      if (map !== own && map.has(name)) throw new Error(`${this.constructor.name}: cannot register ${kind} '${name}': a ${other} with that name exists`);
    }
  }

  /** Adds (or replaces) a parameter; the tensor becomes a grad-requiring contiguous leaf. null reserves the name. */
  registerParameter(name: string, value: Tensor | null): Tensor | null {
    this.checkName('parameter', name, this._parameters);
    const p = value === null ? null : asParameter(value);
    this._parameters.set(name, p);
    return p;
  }

  /** Adds (or replaces) a buffer: state that is not trained (running statistics, counters). */
  registerBuffer(name: string, value: Tensor | null, opts: RegisterBufferOptions = {}): Tensor | null {
    this.checkName('buffer', name, this._buffers);
    this._buffers.set(name, value === null ? null : value.detach());
    if (opts.persistent === false) this._nonPersistent.add(name);
    else this._nonPersistent.delete(name);
    return value === null ? null : this._buffers.get(name)!;
  }

  /** Adds (or replaces) a child module (PyTorch's add_module). */
  addModule<M extends Module>(name: string, module: M): M {
    this.checkName('module', name, this._modules);
    if (!(module instanceof Module)) {
      // new Sequential([a, b]) — PyTorch's nn.Sequential(*layers) spread — arrives here as one array.
      const hint = Array.isArray(module) ? ' (an array of modules: pass them as separate arguments, e.g. new Sequential(...layers))' : '';
      throw new Error(`${this.constructor.name}.addModule('${name}'): expected a Module, got ${describeValue(module)}${hint}`);
    }
    // A module inside its own subtree makes forward, config and toString recurse until the stack overflows.
    if (module.modules().includes(this)) throw new Error(`${this.constructor.name}.addModule('${name}'): the module contains this ${this.constructor.name} (a module cannot be its own descendant)`);
    this._modules.set(name, module);
    return module;
  }

  /** This module's own parameter (not a child's); throws when absent. */
  protected param(name: string): Tensor {
    const p = this._parameters.get(name);
    if (!p) throw new Error(`${this.constructor.name}: no parameter '${name}'`);
    return p;
  }

  /** This module's own parameter, or null when registered as null (e.g. bias=false). */
  protected optionalParam(name: string): Tensor | null {
    return this._parameters.get(name) ?? null;
  }

  protected buffer(name: string): Tensor | null {
    return this._buffers.get(name) ?? null;
  }

  /** Replaces a registered tensor as-is, without parameter conversion (used by functionalCall). */
  private swapLocal(name: string, value: Tensor): Tensor {
    const map = this._parameters.has(name) ? this._parameters : this._buffers.has(name) ? this._buffers : null;
    if (!map) throw new Error(`${this.constructor.name}: no parameter or buffer '${name}'`);
    const old = map.get(name);
    if (!old) throw new Error(`${this.constructor.name}: '${name}' is registered as null`);
    map.set(name, value);
    return old;
  }

  // ---- traversal ----

  /** The module at a dotted path ('' is this module). */
  getSubmodule(path: string): Module {
    if (path === '') return this;
    return path.split('.').reduce<Module>((m, part) => {
      const next = m._modules.get(part);
      if (!next) throw new Error(`getSubmodule: '${path}' not found ('${part}' is not a child of ${m.constructor.name})`);
      return next;
    }, this);
  }

  namedChildren(): [string, Module][] {
    return [...this._modules.entries()];
  }

  children(): Module[] {
    return [...this._modules.values()];
  }

  /** This module and all descendants, depth first, each once; the root's name is ''. */
  namedModules(prefix = ''): [string, Module][] {
    const out: [string, Module][] = [];
    const seen = new Set<Module>();
    const visit = (m: Module, name: string) => {
      if (seen.has(m)) return;
      seen.add(m);
      out.push([name, m]);
      for (const [k, c] of m._modules) visit(c, name ? `${name}.${k}` : k);
    };
    visit(this, prefix);
    return out;
  }

  modules(): Module[] {
    return this.namedModules().map(([, m]) => m);
  }

  private namedTensors(kind: '_parameters' | '_buffers', recurse: boolean, persistentOnly: boolean): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    const seen = new Set<Tensor>();
    const mods: [string, Module][] = recurse ? this.namedModules() : [['', this]];
    for (const [prefix, m] of mods) {
      for (const [k, t] of m[kind]) {
        if (!t || seen.has(t)) continue;
        if (persistentOnly && kind === '_buffers' && m._nonPersistent.has(k)) continue;
        seen.add(t);
        out.push([prefix ? `${prefix}.${k}` : k, t]);
      }
    }
    return out;
  }

  /** Parameters with dotted names ("conv1.weight"), in registration order; shared tensors appear once. */
  namedParameters(recurse = true): [string, Tensor][] {
    return this.namedTensors('_parameters', recurse, false);
  }

  parameters(recurse = true): Tensor[] {
    return this.namedParameters(recurse).map(([, p]) => p);
  }

  namedBuffers(recurse = true): [string, Tensor][] {
    return this.namedTensors('_buffers', recurse, false);
  }

  buffers(recurse = true): Tensor[] {
    return this.namedBuffers(recurse).map(([, b]) => b);
  }

  /** Total number of parameter elements (only those requiring grad when `trainableOnly`). */
  numParameters(opts: { trainableOnly?: boolean } = {}): number {
    let n = 0;
    for (const p of this.parameters()) if (!opts.trainableOnly || p.requiresGrad) n += p.size;
    return n;
  }

  // ---- modes and gradients ----

  /** Sets training mode on this module and all descendants. */
  train(mode = true): this {
    checkBoolean(`${this.constructor.name}.train`, 'mode', mode);
    for (const m of this.modules()) m.training = mode;
    return this;
  }

  eval(): this {
    return this.train(false);
  }

  /** Clears dense and row-sparse gradients of every parameter. */
  zeroGrad(): void {
    for (const p of this.parameters()) {
      p.grad = null;
      p.sparseGrad = null;
    }
  }

  /** Freezes (false) or unfreezes (true) every parameter. */
  requiresGrad_(flag = true): this {
    for (const p of this.parameters()) p.requiresGrad = flag;
    return this;
  }

  /** Calls fn on every module (children first, then this one), like PyTorch's apply. */
  apply(fn: (m: Module) => void): this {
    for (const c of this._modules.values()) c.apply(fn);
    fn(this);
    return this;
  }

  /**
   * Converts floating-point parameters and buffers to `dtype`, replacing the
   * tensors (float64 exists for gradient checks; training uses float32).
   * References to the old tensors (e.g. held by an optimizer) go stale.
   * Only float dtypes are accepted: like PyTorch, integer and bool tensors are never
   * cast, and an integer parameter would truncate every weight (most to 0).
   */
  to(dtype: FloatDType): this {
    if (!isFloatDType(dtype)) {
      throw new Error(`${this.constructor.name}.to: dtype must be a floating-point dtype ('float32' or 'float64'), got ${showValue(dtype)}; parameters are always floating point, and integer or bool buffers are never converted`);
    }
    for (const m of this.modules()) {
      for (const [k, p] of m._parameters) {
        if (p && p.dtype !== dtype) m._parameters.set(k, asParameter(noGrad(() => p.to(dtype)), p.requiresGrad));
      }
      for (const [k, b] of m._buffers) {
        if (b && isFloatDType(b.dtype) && b.dtype !== dtype) m._buffers.set(k, noGrad(() => b.to(dtype)));
      }
    }
    return this;
  }

  // ---- state ----

  /** Parameters and persistent buffers by dotted name; tensors share storage with the module. */
  stateDict(): StateDict {
    const sd: StateDict = {};
    for (const [prefix, m] of this.namedModules()) {
      const key = (k: string) => (prefix ? `${prefix}.${k}` : k);
      for (const [k, p] of m._parameters) if (p) sd[key(k)] = p.detach();
      for (const [k, b] of m._buffers) if (b && !m._nonPersistent.has(k)) sd[key(k)] = b.detach();
    }
    return sd;
  }

  /**
   * Copies values into the existing tensors (so optimizer references stay
   * valid). All problems — missing keys, unexpected keys, shape mismatches —
   * are collected and reported in one error before anything is written.
   */
  loadStateDict(stateDict: StateDict | ReadonlyMap<string, Tensor>, opts: LoadStateDictOptions = {}): LoadStateDictResult {
    const fn = `${this.constructor.name}.loadStateDict`;
    checkOptionKeys(fn, opts, ['strict']);
    const strict = checkBoolean(fn, 'strict', opts.strict ?? true);
    if (typeof stateDict !== 'object' || stateDict === null || Array.isArray(stateDict) || stateDict instanceof Tensor) {
      throw new Error(`${fn}: expected a state dict (an object or Map of name → Tensor), got ${describeValue(stateDict)}`);
    }
    const given = stateDict instanceof Map ? new Map(stateDict) : new Map(Object.entries(stateDict as StateDict));
    const own = this.stateDict();
    const missingKeys = Object.keys(own).filter((k) => !given.has(k));
    // Object.hasOwn, not `in`: a key such as 'constructor' is unexpected too.
    const unexpectedKeys = [...given.keys()].filter((k) => !Object.hasOwn(own, k));
    const mismatches: string[] = [];
    for (const [k, dst] of Object.entries(own)) {
      if (!given.has(k)) continue;
      const src = given.get(k);
      // A present key with null/undefined is an error, not a silently skipped (unloaded) tensor.
      if (!(src instanceof Tensor)) mismatches.push(`  ${k}: expected a Tensor, got ${src === null ? 'null' : typeof src}`);
      else if (src.shape.length !== dst.shape.length || src.shape.some((d, i) => d !== dst.shape[i])) {
        mismatches.push(`  ${k}: checkpoint shape [${src.shape}] vs model shape [${dst.shape}]`);
      }
    }
    const problems: string[] = [];
    if (strict && missingKeys.length) problems.push(`missing keys (${missingKeys.length}): ${missingKeys.join(', ')}`);
    if (strict && unexpectedKeys.length) problems.push(`unexpected keys (${unexpectedKeys.length}): ${unexpectedKeys.join(', ')}`);
    if (mismatches.length) problems.push(`shape mismatches (${mismatches.length}):\n${mismatches.join('\n')}`);
    if (problems.length) throw new Error(`loadStateDict: cannot load into ${this.constructor.name}:\n- ${problems.join('\n- ')}`);
    for (const [k, dst] of Object.entries(own)) {
      const src = given.get(k);
      if (!src) continue;
      // dst aliases the module's own (contiguous, offset-0) storage: write in place.
      dst.storage.set(src.contiguous().toTypedArray().subarray(0, dst.size), dst.offset);
      markModifiedInPlace(dst);
    }
    return { missingKeys, unexpectedKeys };
  }

  /** A PyTorch-like tree printout built from the configs. */
  toString(): string {
    const lines: string[] = [];
    const fmt = (m: Module, name: string, depth: number) => {
      const pad = '  '.repeat(depth);
      const kids = m.namedChildren();
      const { type, ...rest } = m.config as ModuleConfig & Record<string, unknown>;
      const own = Object.entries(rest).filter(([, v]) => typeof v !== 'object' || v === null).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(', ');
      const head = `${pad}${name ? `(${name}): ` : ''}${type}(${kids.length ? '' : own}`;
      if (!kids.length) {
        lines.push(`${head})`);
        return;
      }
      lines.push(head);
      for (const [k, c] of kids) fmt(c, k, depth + 1);
      lines.push(`${pad})`);
    };
    fmt(this, '', 0);
    return lines.join('\n');
  }

  /** Implementation of `functionalCall` (a static member so it may swap private registry entries). */
  static functionalCall<T>(module: Module, tensors: Record<string, Tensor>, fn: () => T): T {
    const restore: [Module, string, Tensor][] = [];
    let result: T;
    try {
      for (const [path, t] of Object.entries(tensors)) {
        const dot = path.lastIndexOf('.');
        const owner = module.getSubmodule(dot < 0 ? '' : path.slice(0, dot));
        const name = path.slice(dot + 1);
        restore.push([owner, name, owner.swapLocal(name, t)]);
      }
      result = fn();
    } finally {
      for (const [owner, name, old] of restore.reverse()) owner.swapLocal(name, old);
    }
    if (isThenable(result)) {
      // The async work keeps running; its failure would only add an unhandled rejection to this error.
      void Promise.resolve(result).catch(() => undefined);
      throw new Error('functionalCall: the function returned a Promise, but the original tensors are put back when functionalCall returns, so the code after its first await would run with them, not the ones passed; call functionalCall around the synchronous part instead, e.g. `const y = functionalCall(model, tensors, () => model.forward(x)); await use(y)`');
    }
    return result;
  }
}

function isThenable(x: unknown): boolean {
  return (typeof x === 'object' || typeof x === 'function') && x !== null && typeof (x as { then?: unknown }).then === 'function';
}

/**
 * Runs fn with some parameters/buffers (by dotted name) temporarily replaced
 * by the given tensors, as torch.func.functional_call — e.g. to gradcheck a
 * module with respect to its parameters. The originals are restored after.
 */
export function functionalCall<T>(module: Module, tensors: Record<string, Tensor>, fn: () => T): T {
  return Module.functionalCall(module, tensors, fn);
}
