/**
 * Shared optimizer machinery: parameter groups with per-group
 * hyperparameters, lazily created per-parameter state, dense vs row-sparse
 * dispatch, zeroGrad and a serialisable state dict. Updates run in place on
 * each parameter's typed-array storage.
 */
import { checkNumber, COUNT, enableGrad, isRecord, markModifiedInPlace, NON_NEGATIVE, showValue, Tensor } from '@tensorkit/core';
import { checkOptionKeys } from '../options.js';
import { coalesceRows, type CoalescedRows } from './sparse-rows.js';

export type FloatArray = Float32Array | Float64Array;

/** Hyperparameters every optimizer has; subclasses add their own (all JSON-serialisable). */
export interface BaseHyperparams {
  lr: number;
  weightDecay: number;
}

/** A live parameter group: its tensors, hyperparameters, and the lr schedulers start from. */
export type ParamGroup<H extends BaseHyperparams> = H & { params: Tensor[]; initialLr: number };

/** A group as passed to a constructor: unspecified hyperparameters take the optimizer's defaults. */
export type ParamGroupSpec<H extends BaseHyperparams> = Partial<H> & { params: Iterable<Tensor> };

/** What an optimizer constructor takes: an array or any iterable (model.parameters(), a Map's values()) of tensors or of groups. */
export type OptimizerParams<H extends BaseHyperparams> = Iterable<Tensor> | Iterable<ParamGroupSpec<H>>;

/** A state buffer an optimizer keeps per parameter, for checking a restored one. */
export interface BufferSpec {
  /** Created at the parameter's first update whatever the hyperparameters: a restored state with step > 0 must have it. */
  required: boolean;
  /** A second moment: a negative value would make its square root NaN. */
  nonNegative: boolean;
}

export interface ParamState {
  /** Number of updates this parameter has received. */
  step: number;
  /** Moment / momentum buffers, same length and element type as the parameter. */
  buffers: Record<string, FloatArray>;
}

export interface OptimizerStateDict {
  /** Optimizer class name, checked on load. */
  type: string;
  /** Number of optimizer.step() calls. */
  step: number;
  /** Per-parameter state keyed by the parameter's index in group order. */
  state: Record<number, ParamState>;
  /** Each group's parameter indices and hyperparameters (including its current lr). */
  groups: { params: number[]; hyperparams: Record<string, unknown> & { initialLr: number } }[];
}

export abstract class Optimizer<H extends BaseHyperparams = BaseHyperparams> {
  readonly paramGroups: ParamGroup<H>[];
  protected readonly state = new Map<Tensor, ParamState>();
  /** Number of step() calls so far. */
  stepCount = 0;

  /**
   * `defaults` holds every hyperparameter (its keys are the options this optimizer knows);
   * `opts`, the caller's options, override them after their keys are checked.
   */
  protected constructor(
    readonly type: string,
    params: OptimizerParams<H>,
    defaults: H,
    opts: object = {},
  ) {
    const known = Object.keys(defaults);
    checkOptionKeys(type, opts, known);
    defaults = { ...defaults, ...opts };
    const list = toList(type, 'params', params) as readonly (Tensor | ParamGroupSpec<H>)[];
    const specs: readonly ParamGroupSpec<H>[] = list.length > 0 && !isGroupSpec(list[0])
      ? [{ params: list as readonly Tensor[] } as unknown as ParamGroupSpec<H>]
      : (list as readonly ParamGroupSpec<H>[]);
    if (specs.length === 0) throw new Error(`${type}: got an empty parameter list`);
    const seen = new Set<Tensor>();
    this.paramGroups = specs.map((spec, gi) => {
      if (!isGroupSpec(spec)) throw new Error(`${type}: params[${gi}] must be a parameter group { params, ... } like params[0], got ${showValue(spec)}`);
      checkOptionKeys(`${type}: parameter group ${gi}`, spec, ['params', ...known], 'key');
      const { params: groupParams, ...overrides } = spec;
      const ps = toList(type, `parameter group ${gi} params`, groupParams) as readonly Tensor[];
      const hyper = { ...defaults, ...overrides } as H;
      this.validateHyperparams(hyper, `${type}: group ${gi}`);
      ps.forEach((p, pi) => {
        checkParam(type, p, `group ${gi} parameter ${pi}`);
        if (seen.has(p)) throw new Error(`${type}: a parameter appears more than once (group ${gi} parameter ${pi})`);
        seen.add(p);
      });
      return { ...hyper, params: [...ps], initialLr: hyper.lr };
    });
  }

  /**
   * Throws on invalid hyperparameters, the message starting with `where` ("Adam: group 0").
   * Called per group by the constructor, loadStateDict and step (a group's values may be
   * changed by hand or by a scheduler between steps).
   */
  protected validateHyperparams(h: H, where: string): void {
    checkNumber(where, 'lr', h.lr, NON_NEGATIVE);
    checkNumber(where, 'weightDecay', h.weightDecay, NON_NEGATIVE);
  }

  /**
   * The buffers a parameter's state may hold, for loadStateDict's checks; null (the default,
   * for optimizers defined elsewhere) accepts any names.
   */
  protected stateBuffers(): Readonly<Record<string, BufferSpec>> | null {
    return null;
  }

  protected abstract updateDense(param: FloatArray, grad: FloatArray, group: ParamGroup<H>, state: ParamState): void;

  /** Lazy update of the touched rows only. */
  protected abstract updateSparse(param: FloatArray, grad: CoalescedRows, group: ParamGroup<H>, state: ParamState): void;

  /**
   * Applies one update to every parameter that has a gradient. Every gradient is read and
   * checked before any parameter, state or step count changes, so a step that throws (a
   * gradient of the wrong shape, sparse rows out of range) leaves the optimizer as it was.
   * Each group's hyperparameters are checked again first: an lr set to NaN by hand would
   * otherwise turn every weight into NaN.
   *
   * As in PyTorch, a `closure` that re-evaluates the model and returns the loss is called
   * first (with gradients enabled) and its result returned.
   */
  step<L = undefined>(closure?: () => L): L | undefined {
    if (closure !== undefined && typeof closure !== 'function') {
      throw new Error(`${this.type}.step: closure must be a function that recomputes the loss, got ${showValue(closure)}`);
    }
    const loss = closure ? enableGrad(closure) : undefined;
    const updates: (() => void)[] = [];
    const updated: Tensor[] = [];
    let index = -1;
    for (const [gi, group] of this.paramGroups.entries()) {
      this.validateHyperparams(group, `${this.type}.step: group ${gi}`);
      for (const p of group.params) {
        index++;
        if (!p.grad && !p.sparseGrad) continue;
        const data = paramData(p);
        updated.push(p);
        if (p.sparseGrad && !p.grad) {
          this.checkSparse(p, index, group);
          const rowSize = p.sparseGrad.rowSize;
          if (p.rank < 1 || rowSize * p.shape[0] !== p.size) {
            throw new Error(`${this.type}: sparse gradient rows of ${rowSize} do not tile a parameter of shape [${p.shape}]`);
          }
          const rows = coalesceRows(p.sparseGrad, p.shape[0], this.type);
          updates.push(() => this.updateSparse(data, rows, group, this.stateOf(p)));
        } else {
          const grad = denseGrad(this.type, p);
          updates.push(() => this.updateDense(data, grad, group, this.stateOf(p)));
        }
      }
    }
    this.stepCount++;
    for (const update of updates) update();
    // The weights changed under any graph built from them: its backward must not run (core's version check).
    for (const p of updated) markModifiedInPlace(p);
    return loss;
  }

  /**
   * Throws when this optimizer cannot take parameter `index`'s row-sparse gradient (with these
   * hyperparameters); called while step() checks, before anything is updated. Default: accepted.
   */
  protected checkSparse(_p: Tensor, _index: number, _group: ParamGroup<H>): void {}

  /** The parameter's state, created empty on its first update. */
  private stateOf(p: Tensor): ParamState {
    let st = this.state.get(p);
    if (!st) {
      st = { step: 0, buffers: {} };
      this.state.set(p, st);
    }
    return st;
  }

  /** Clears dense and sparse gradients (sets them to null, as PyTorch's set_to_none). */
  zeroGrad(): void {
    for (const p of this.params()) {
      p.grad = null;
      p.sparseGrad = null;
    }
  }

  /** All parameters in group order (the order state-dict indices refer to). */
  params(): Tensor[] {
    return this.paramGroups.flatMap((g) => g.params);
  }

  /** A snapshot (buffers are copied) that loadStateDict restores exactly. */
  stateDict(): OptimizerStateDict {
    const state: Record<number, ParamState> = {};
    this.params().forEach((p, i) => {
      const st = this.state.get(p);
      if (!st) return;
      const buffers: Record<string, FloatArray> = {};
      for (const [k, v] of Object.entries(st.buffers)) buffers[k] = v.slice();
      state[i] = { step: st.step, buffers };
    });
    let index = 0;
    const groups = this.paramGroups.map((g) => {
      const { params, ...hyper } = g;
      const hyperparams = JSON.parse(JSON.stringify(hyper)) as Record<string, unknown> & { initialLr: number };
      return { params: params.map(() => index++), hyperparams };
    });
    return { type: this.type, step: this.stepCount, state, groups };
  }

  /**
   * Restores a stateDict(), checking everything before changing anything: the step counts
   * (integers ≥ 0: a negative or NaN one feeds Adam's bias correction NaN), the buffers (this
   * optimizer's names, one value per element, finite, second moments ≥ 0, none of the ones
   * every update creates missing) and the hyperparameters.
   */
  loadStateDict(sd: OptimizerStateDict): void {
    const what = `${this.type}.loadStateDict`;
    if (!isRecord(sd) || !Array.isArray(sd.groups) || !isRecord(sd.state) || !sd.groups.every((g) => isRecord(g) && Array.isArray(g.params))) {
      throw new Error(`${what}: state dict must be {type, step, state: {index: {step, buffers}}, groups: [{params: [...], hyperparams}]}, as stateDict() returns`);
    }
    if (sd.type !== this.type) throw new Error(`${what}: state dict is for ${sd.type}, not ${this.type}`);
    checkNumber(what, 'step', sd.step, COUNT);
    if (sd.groups.length !== this.paramGroups.length) throw new Error(`${what}: state dict has ${sd.groups.length} parameter groups, optimizer has ${this.paramGroups.length}`);
    sd.groups.forEach((g, gi) => {
      const n = this.paramGroups[gi].params.length;
      if (g.params.length !== n) throw new Error(`${what}: group ${gi} has ${g.params.length} parameters in the state dict but ${n} in the optimizer`);
    });
    // Every group's hyperparameters are checked (keys, types, values) before anything changes.
    const restoredHyper = sd.groups.map((g, gi) => this.checkRestoredHyperparams(what, g.hyperparams, gi));
    const params = this.params();
    const specs = this.stateBuffers();
    const restored = new Map<Tensor, ParamState>();
    for (const [key, st] of Object.entries(sd.state)) {
      const i = Number(key);
      const p = params[i];
      if (!Number.isInteger(i) || !p) throw new Error(`${what}: state for parameter ${key}, but there are only ${params.length} parameters`);
      if (!isRecord(st) || !isRecord(st.buffers)) throw new Error(`${what}: parameter ${i} state must be {step, buffers: {name: values}}, got ${showValue(st)}`);
      checkNumber(what, `parameter ${i} step`, st.step, COUNT);
      if (specs) checkBufferNames(what, i, st as ParamState, specs);
      const buffers: Record<string, FloatArray> = {};
      for (const [name, buf] of Object.entries(st.buffers)) {
        // JSON.stringify turns a typed array into an object of numbered keys, which has no length.
        if (!(ArrayBuffer.isView(buf) || Array.isArray(buf))) {
          throw new Error(`${what}: parameter ${i} buffer '${name}' must be a typed array or an array of numbers, got ${typeof buf === 'object' && buf !== null ? 'an object (JSON.stringify turns a typed array into one: map each buffer through Array.from before stringifying, or use saveCheckpoint)' : JSON.stringify(buf)}`);
        }
        if (buf.length !== p.size) throw new Error(`${what}: parameter ${i} buffer '${name}' has ${buf.length} values, parameter has ${p.size}`);
        if (Array.isArray(buf) && !buf.every((v) => typeof v === 'number')) throw new Error(`${what}: parameter ${i} buffer '${name}' must hold only numbers`);
        const values = p.dtype === 'float64' ? Float64Array.from(buf) : Float32Array.from(buf);
        checkBufferValues(what, i, name, values, specs?.[name]?.nonNegative ?? false);
        buffers[name] = values;
      }
      restored.set(p, { step: st.step, buffers });
    }
    this.state.clear();
    for (const [p, st] of restored) this.state.set(p, st);
    restoredHyper.forEach((hyper, gi) => Object.assign(this.paramGroups[gi], hyper));
    this.stepCount = sd.step;
  }

  /**
   * A saved group's hyperparameters, validated as the constructor validates them: only this
   * optimizer's keys (so another optimizer type's group is refused), each of the type it has
   * here, and values accepted by validateHyperparams. Errors name the optimizer, group and field.
   */
  private checkRestoredHyperparams(what: string, saved: unknown, gi: number): Record<string, unknown> {
    if (typeof saved !== 'object' || saved === null || Array.isArray(saved)) throw new Error(`${what}: group ${gi}: hyperparams must be an object`);
    // structuredClone, not JSON: a NaN or Infinity must reach the checks, not turn into null.
    const { params: _ignored, ...hyper } = structuredClone(saved) as Record<string, unknown>;
    const { params: _live, ...current } = this.paramGroups[gi] as ParamGroup<H> & Record<string, unknown>;
    const unknown = Object.keys(hyper).filter((k) => !Object.hasOwn(current, k));
    if (unknown.length) {
      throw new Error(`${what}: group ${gi}: hyperparameter(s) ${unknown.map((k) => `'${k}'`).join(', ')} do not belong to ${this.type} (a state dict of another optimizer?)`);
    }
    // A key the saved group lacks (a state dict from before it existed) keeps this optimizer's value,
    // as PyTorch fills in defaults for old state dicts.
    for (const k of Object.keys(current)) if (!Object.hasOwn(hyper, k)) hyper[k] = structuredClone(current[k]);
    for (const [k, v] of Object.entries(hyper)) {
      const like = current[k];
      const ok = Array.isArray(like)
        ? Array.isArray(v) && v.length === like.length && v.every((x, i) => typeof x === typeof like[i])
        : typeof v === typeof like;
      if (!ok) throw new Error(`${what}: group ${gi}: ${k} must be ${describeJsonType(like)}, got ${JSON.stringify(v)}`);
    }
    if (!(Number.isFinite(hyper.initialLr) && (hyper.initialLr as number) >= 0)) {
      throw new Error(`${what}: group ${gi}: initialLr must be a finite number ≥ 0, got ${String(hyper.initialLr)}`);
    }
    this.validateHyperparams(hyper as unknown as H, `${what}: group ${gi}`);
    return hyper;
  }

  /**
   * A buffer of the parameter's element type, created zero-filled on first use
   * (by `alloc` when given and it accepts, e.g. in the backend's own memory).
   */
  protected buffer(state: ParamState, name: string, like: FloatArray, alloc?: (n: number) => FloatArray | null): FloatArray {
    let b = state.buffers[name];
    if (!b) {
      b = alloc?.(like.length) ?? (like instanceof Float64Array ? new Float64Array(like.length) : new Float32Array(like.length));
      state.buffers[name] = b;
    }
    return b;
  }
}

function describeJsonType(like: unknown): string {
  return Array.isArray(like) ? `an array of ${like.length} ${like.length ? typeof like[0] : ''}s` : `a ${typeof like}`;
}

function isGroupSpec(x: unknown): boolean {
  return isRecord(x) && !(x instanceof Tensor) && 'params' in x;
}

/**
 * An array or iterable (a generator, a Map's values()) as an array. A single Tensor is refused,
 * as PyTorch refuses one: `[t]` is what was meant, and accepting it would hide a missing spread.
 */
function toList(op: string, name: string, x: unknown): readonly unknown[] {
  if (Array.isArray(x)) return x;
  if (x instanceof Tensor) throw new Error(`${op}: ${name} must be an array or iterable of tensors or parameter groups, got a single Tensor of shape [${x.shape.join(', ')}]; wrap it: [t]`);
  if (typeof x === 'object' && x !== null && typeof (x as Iterable<unknown>)[Symbol.iterator] === 'function') return Array.from(x as Iterable<unknown>);
  if (isGroupSpec(x)) throw new Error(`${op}: ${name} must be an array or iterable of tensors or parameter groups, got a single parameter group; wrap it: [group]`);
  throw new Error(`${op}: ${name} must be an array or iterable of tensors or parameter groups, got ${showValue(x)}`);
}

/** A restored state's buffers are this optimizer's, and none every update creates is missing once it has stepped. */
function checkBufferNames(what: string, i: number, st: ParamState, specs: Readonly<Record<string, BufferSpec>>): void {
  for (const name of Object.keys(st.buffers)) {
    if (!Object.hasOwn(specs, name)) throw new Error(`${what}: parameter ${i} has a buffer '${name}', which this optimizer does not keep (it keeps ${Object.keys(specs).map((k) => `'${k}'`).join(', ')}; a state dict of another optimizer?)`);
  }
  if (st.step === 0) return;
  for (const [name, spec] of Object.entries(specs)) {
    if (spec.required && !Object.hasOwn(st.buffers, name)) {
      throw new Error(`${what}: parameter ${i} has taken ${st.step} step(s) but its buffer '${name}' is missing (starting it from 0 would change the next update)`);
    }
  }
}

/** One pass over a restored buffer: finite values, and ≥ 0 for a second moment. */
function checkBufferValues(what: string, i: number, name: string, values: FloatArray, nonNegative: boolean): void {
  for (let k = 0; k < values.length; k++) {
    const v = values[k];
    if (!Number.isFinite(v) || (nonNegative && v < 0)) {
      throw new Error(`${what}: parameter ${i} buffer '${name}' must hold finite numbers${nonNegative ? ' ≥ 0 (a second moment)' : ''}, got ${v} at index ${k}`);
    }
  }
}

function checkParam(op: string, p: Tensor, where: string): void {
  if (!p || typeof p !== 'object' || !('storage' in p)) throw new Error(`${op}: ${where} is not a Tensor`);
  if (p.dtype !== 'float32' && p.dtype !== 'float64') throw new Error(`${op}: ${where} must be float32 or float64, got ${p.dtype}`);
  if (!p.isLeaf) throw new Error(`${op}: ${where} is not a leaf tensor (optimizers update leaves in place)`);
  if (!p.isContiguous()) throw new Error(`${op}: ${where} must be contiguous`);
}

/** The parameter's elements as a writable view of its storage. */
export function paramData(p: Tensor): FloatArray {
  return p.storage.subarray(p.offset, p.offset + p.size) as FloatArray;
}

/** The dense gradient, with any row-sparse gradient added in (a copy only when both exist). */
function denseGrad(op: string, p: Tensor): FloatArray {
  const g = p.grad!;
  // The shape, not just the size: a [3,2] gradient for a [2,3] weight would be applied in the wrong layout.
  if (g.rank !== p.rank || g.shape.some((d, i) => d !== p.shape[i])) throw new Error(`${op}: gradient of shape [${g.shape}] does not match parameter shape [${p.shape}]`);
  const dense = g.toTypedArray() as FloatArray;
  if (!p.sparseGrad) return dense;
  const out = Float64Array.from(dense);
  const c = coalesceRows(p.sparseGrad, p.shape[0], op);
  for (let k = 0; k < c.rows.length; k++) {
    const base = c.rows[k] * c.rowSize;
    for (let j = 0; j < c.rowSize; j++) out[base + j] += c.values[k * c.rowSize + j];
  }
  return out;
}
