/**
 * Resumable training checkpoints in one safetensors file:
 *   model.<name>         model weights (stored exactly, F32/F64)
 *   optim.<i>.<buffer>   optimizer buffers of parameter i (m, v, momentum, squareAvg, gradAvg, sum)
 *   __metadata__         JSON strings: format version, model config,
 *                        optimizer scalars and hyperparameters, scheduler
 *                        state, RNG state, epoch, step, data cursor, extra
 * Restoring everything into fresh objects and continuing reproduces an
 * uninterrupted run bit for bit.
 */
import { checkBoolean, describeValue, Generator, type GeneratorState, isRecord, Tensor } from '@tensorkit/core';
import type { OptimizerStateDict, ParamState } from '../optim/optimizer.js';
import type { SchedulerStateDict } from '../optim/lr-scheduler.js';
import { canonicalJson, parseJson, stringifyJson } from './json-value.js';
import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from './atomic-write.js';
import { decodeSafetensors, emptyRecord, encodeSafetensors, type SafetensorsContents } from './safetensors-codec.js';
import type { StateDictSource } from './state-dict-source.js';
import { checkOptionKeys, type OptionKeys } from '../options.js';

export const CHECKPOINT_FORMAT = 'tensorkit.checkpoint';
export const CHECKPOINT_VERSION = 1;

export interface CheckpointParts {
  model: StateDictSource;
  /** JSON-serialisable model config (default: model.config). */
  modelConfig?: unknown;
  optimizer?: { stateDict(): OptimizerStateDict };
  scheduler?: { stateDict(): SchedulerStateDict };
  rng?: Generator | GeneratorState;
  epoch: number;
  step: number;
  /** Data-loader position (JSON), e.g. {epoch, index, permutation}. */
  cursor?: unknown;
  /** Anything else JSON-serialisable (metrics, git SHA, feature config…). */
  extra?: unknown;
}

export interface LoadedCheckpoint {
  formatVersion: number;
  modelState: Record<string, Tensor>;
  modelConfig: unknown;
  optimizer: OptimizerStateDict | null;
  scheduler: SchedulerStateDict | null;
  rng: GeneratorState | null;
  epoch: number;
  step: number;
  cursor: unknown;
  extra: unknown;
  /** The raw `__metadata__` strings. */
  metadata: Record<string, string>;
}

export interface RestoreTargets {
  model?: StateDictSource;
  optimizer?: { loadStateDict(sd: OptimizerStateDict): void };
  scheduler?: { loadStateDict(sd: SchedulerStateDict): void };
  rng?: Generator;
  /** Passed to model.loadStateDict (default true). */
  strict?: boolean;
  /** Refuse a checkpoint whose model config differs from model.config (default true). */
  checkConfig?: boolean;
}

const MODEL = 'model.';
const OPTIM = /^optim\.(\d+)\.(.+)$/;

// A misspelt part (optimiser, schedular) would be left out of the checkpoint, or out of the restore, without a word.
const PART_KEYS: OptionKeys<CheckpointParts> = { model: true, modelConfig: true, optimizer: true, scheduler: true, rng: true, epoch: true, step: true, cursor: true, extra: true };
const TARGET_KEYS: OptionKeys<RestoreTargets> = { model: true, optimizer: true, scheduler: true, rng: true, strict: true, checkConfig: true };

/** Refuses a part that is not an object with the named methods (it would fail later as 'x.stateDict is not a function'). */
function checkHasMethods(fn: string, name: string, v: unknown, methods: readonly string[]): void {
  if (v === undefined) return;
  if (typeof v !== 'object' || v === null || methods.some((m) => typeof (v as Record<string, unknown>)[m] !== 'function')) {
    throw new Error(`${fn}: ${name} must be an object with ${methods.map((m) => `${m}()`).join(' and ')}, got ${describeValue(v)}`);
  }
}

/** The tensors and metadata strings of a checkpoint (the in-memory half of saveCheckpoint). */
export function encodeCheckpoint(parts: CheckpointParts): { tensors: Record<string, Tensor>; metadata: Record<string, string> } {
  if (typeof parts !== 'object' || parts === null) throw new Error(`encodeCheckpoint: expected {model, epoch, step, …}, got ${describeValue(parts)}`);
  checkOptionKeys('encodeCheckpoint', parts, PART_KEYS, 'part');
  if (parts.model === undefined) throw new Error('encodeCheckpoint: model is required');
  for (const name of ['model', 'optimizer', 'scheduler'] as const) checkHasMethods('encodeCheckpoint', name, parts[name], ['stateDict']);
  if (parts.rng !== undefined && !(parts.rng instanceof Generator)) {
    if (typeof parts.rng !== 'object' || parts.rng === null) {
      throw new Error(`encodeCheckpoint: rng must be a Generator or its getState(), got ${describeValue(parts.rng)}`);
    }
    // A hand-made state is checked as restoreCheckpoint's setState will check it, so it fails the save, not the resume.
    try {
      new Generator().setState(parts.rng);
    } catch (e) {
      throw new Error(`encodeCheckpoint: rng: ${(e as Error).message}`);
    }
  }
  // decodeCheckpoint refuses these, so a bad one must fail the save, not the resume.
  checkCount(parts.epoch, 'encodeCheckpoint: epoch');
  checkCount(parts.step, 'encodeCheckpoint: step');
  const tensors: Record<string, Tensor> = {};
  for (const [name, t] of Object.entries(parts.model.stateDict())) tensors[MODEL + name] = t;
  const metadata: Record<string, string> = {
    format: CHECKPOINT_FORMAT,
    format_version: String(CHECKPOINT_VERSION),
    model_config: stringifyJson(parts.modelConfig ?? parts.model.config ?? null),
    epoch: stringifyJson(parts.epoch),
    step: stringifyJson(parts.step),
  };
  if (parts.optimizer) {
    const sd = parts.optimizer.stateDict();
    const scalars: Record<number, { step: number; buffers: string[] }> = {};
    for (const [i, st] of Object.entries(sd.state)) {
      for (const [name, buf] of Object.entries(st.buffers)) tensors[`optim.${i}.${name}`] = bufferTensor(buf);
      scalars[Number(i)] = { step: st.step, buffers: Object.keys(st.buffers) };
    }
    metadata.optimizer = stringifyJson({ type: sd.type, step: sd.step, groups: sd.groups, state: scalars });
  }
  if (parts.scheduler) metadata.scheduler = stringifyJson(parts.scheduler.stateDict());
  if (parts.rng) metadata.rng = stringifyJson(parts.rng instanceof Generator ? parts.rng.getState() : parts.rng);
  if (parts.cursor !== undefined) metadata.cursor = stringifyJson(parts.cursor);
  if (parts.extra !== undefined) metadata.extra = stringifyJson(parts.extra);
  return { tensors, metadata };
}

function bufferTensor(buf: Float32Array | Float64Array): Tensor {
  return new Tensor(buf, [buf.length], buf instanceof Float64Array ? 'float64' : 'float32');
}

/** Interprets decoded safetensors contents as a checkpoint; `source` is named in errors. */
export function decodeCheckpoint(contents: SafetensorsContents, source = '<buffer>'): LoadedCheckpoint {
  const what = `checkpoint ${source}`;
  if (!isRecord(contents) || !isRecord(contents.tensors) || !isRecord(contents.metadata)) {
    throw new Error(`decodeCheckpoint: expected decodeSafetensors' result {tensors, metadata}, got ${describeValue(contents)}${isRecord(contents) ? ` with keys [${Object.keys(contents).join(', ')}]` : ''}`);
  }
  const { tensors, metadata } = contents;
  if (metadata.format !== CHECKPOINT_FORMAT) {
    throw new Error(`${what}: not a tensorkit training checkpoint (__metadata__.format is ${metadata.format === undefined ? 'missing' : `'${metadata.format}'`})`);
  }
  // Written as String(CHECKPOINT_VERSION): '1.0', ' 1 ' or '0x1' is not a version this code wrote.
  const version = /^[1-9]\d*$/.test(metadata.format_version ?? '') ? Number(metadata.format_version) : NaN;
  if (!Number.isInteger(version) || version < 1 || version > CHECKPOINT_VERSION) {
    throw new Error(`${what}: format version ${metadata.format_version} is not supported (this tensorkit reads up to ${CHECKPOINT_VERSION})`);
  }
  const field = (key: string): unknown => (metadata[key] === undefined ? undefined : parseJson(metadata[key], `${what}: metadata '${key}'`));
  // No prototype: a weight named 'model.__proto__' stays a key (a plain object would drop it).
  const modelState = emptyRecord<Tensor>();
  const optimBuffers = new Map<number, Record<string, Float32Array | Float64Array>>();
  for (const [name, t] of Object.entries(tensors)) {
    if (name.startsWith(MODEL)) {
      modelState[name.slice(MODEL.length)] = t;
      continue;
    }
    const m = OPTIM.exec(name);
    if (!m) throw new Error(`${what}: unexpected tensor '${name}' (expected model.* or optim.<i>.*)`);
    if (t.dtype !== 'float32' && t.dtype !== 'float64') throw new Error(`${what}: optimizer buffer '${name}' must be float, got ${t.dtype}`);
    const i = Number(m[1]);
    const bufs = optimBuffers.get(i) ?? emptyRecord<Float32Array | Float64Array>();
    bufs[m[2]] = t.storage as Float32Array | Float64Array;
    optimBuffers.set(i, bufs);
  }
  let optimizer: OptimizerStateDict | null = null;
  const rawOpt = field('optimizer') as (Omit<OptimizerStateDict, 'state'> & { state: Record<string, { step: number; buffers: string[] }> }) | undefined;
  if (rawOpt) {
    // A hand-edited or foreign 'optimizer' entry must fail here, not as a TypeError further on.
    if (!isRecord(rawOpt) || typeof rawOpt.type !== 'string' || !isRecord(rawOpt.state) || !Array.isArray(rawOpt.groups) ||
      !rawOpt.groups.every((g: unknown) => isRecord(g) && Array.isArray((g as { params?: unknown }).params)) ||
      !Object.values(rawOpt.state).every((st) => isRecord(st) && Array.isArray(st.buffers))) {
      throw new Error(`${what}: metadata 'optimizer' must be {type, step, groups: [{params: [...], hyperparams}], state: {index: {step, buffers: [...]}}}`);
    }
    // A per-parameter step feeds Adam's bias correction (a negative or non-numeric one makes the next step's weights NaN),
    // and the optimizer's own count is restored as is and written into every later checkpoint.
    checkCount(rawOpt.step, `${what}: metadata 'optimizer' step`);
    const state: Record<number, ParamState> = {};
    for (const [key, s] of Object.entries(rawOpt.state)) {
      if (!/^(0|[1-9]\d*)$/.test(key)) throw new Error(`${what}: metadata 'optimizer' state key '${key}' must be a parameter index (a non-negative integer)`);
      checkCount(s.step, `${what}: metadata 'optimizer' state ${key} step`);
      const i = Number(key);
      const bufs = optimBuffers.get(i) ?? emptyRecord<Float32Array | Float64Array>();
      for (const b of s.buffers) if (!Object.hasOwn(bufs, b)) throw new Error(`${what}: optimizer buffer 'optim.${i}.${b}' is missing`);
      state[i] = { step: s.step, buffers: bufs };
      optimBuffers.delete(i);
    }
    optimizer = { type: rawOpt.type, step: rawOpt.step, groups: rawOpt.groups, state };
  }
  if (optimBuffers.size > 0) throw new Error(`${what}: optimizer buffers for parameter(s) ${[...optimBuffers.keys()].join(', ')} have no optimizer state`);
  const epoch = field('epoch');
  const step = field('step');
  checkCount(epoch, `${what}: metadata 'epoch'`);
  checkCount(step, `${what}: metadata 'step'`);
  return {
    formatVersion: version,
    modelState,
    modelConfig: field('model_config') ?? null,
    optimizer,
    scheduler: (field('scheduler') as SchedulerStateDict | undefined) ?? null,
    rng: (field('rng') as GeneratorState | undefined) ?? null,
    epoch: epoch as number,
    step: step as number,
    cursor: field('cursor'),
    extra: field('extra'),
    metadata,
  };
}

/** Epochs and step counts are non-negative integers; anything else is a corrupt or hand-edited checkpoint. */
function checkCount(v: unknown, what: string): void {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) {
    throw new Error(`${what} must be a non-negative integer, got ${v === undefined ? 'nothing' : stringifyJson(v)}`);
  }
}

export async function saveCheckpoint(path: string, parts: CheckpointParts): Promise<void> {
  const { tensors, metadata } = encodeCheckpoint(parts);
  await writeFileAtomic(path, encodeSafetensors(tensors, { metadata }));
}

export async function loadCheckpoint(path: string): Promise<LoadedCheckpoint> {
  return decodeCheckpoint(decodeSafetensors(await readFile(path), path), path);
}

/**
 * Puts a loaded checkpoint back into live objects (fresh or reused) and
 * returns where training stopped.
 */
export function restoreCheckpoint(ckpt: LoadedCheckpoint, targets: RestoreTargets): { epoch: number; step: number; cursor: unknown; extra: unknown; modelConfig: unknown } {
  const fn = 'restoreCheckpoint';
  if (typeof ckpt !== 'object' || ckpt === null || typeof ckpt.modelState !== 'object' || ckpt.modelState === null) {
    throw new Error(`${fn}: expected a loaded checkpoint (from loadCheckpoint or decodeCheckpoint), got ${describeValue(ckpt)}`);
  }
  if (targets === undefined) throw new Error(`${fn}: targets are required ({model, optimizer, scheduler, rng, …})`);
  checkOptionKeys(fn, targets, TARGET_KEYS, 'target');
  for (const name of ['model', 'optimizer', 'scheduler'] as const) checkHasMethods(fn, name, targets[name], ['loadStateDict']);
  if (targets.rng !== undefined && !(targets.rng instanceof Generator)) throw new Error(`${fn}: rng must be a Generator, got ${describeValue(targets.rng)}`);
  const strict = checkBoolean(fn, 'strict', targets.strict ?? true);
  const checkConfig = checkBoolean(fn, 'checkConfig', targets.checkConfig ?? true);
  const { model, optimizer, scheduler, rng } = targets;
  if (model) {
    if (checkConfig && model.config !== undefined && ckpt.modelConfig !== null && canonicalJson(model.config) !== canonicalJson(ckpt.modelConfig)) {
      throw new Error(`restoreCheckpoint: the checkpoint's model config ${canonicalJson(ckpt.modelConfig)} differs from the model's ${canonicalJson(model.config)} (pass checkConfig: false to load anyway)`);
    }
    model.loadStateDict(ckpt.modelState, { strict });
  }
  if (optimizer) {
    if (!ckpt.optimizer) throw new Error('restoreCheckpoint: the checkpoint has no optimizer state');
    optimizer.loadStateDict(ckpt.optimizer);
  }
  if (scheduler) {
    if (!ckpt.scheduler) throw new Error('restoreCheckpoint: the checkpoint has no scheduler state');
    scheduler.loadStateDict(ckpt.scheduler);
  }
  if (rng) {
    if (!ckpt.rng) throw new Error('restoreCheckpoint: the checkpoint has no RNG state');
    rng.setState(ckpt.rng);
  }
  return { epoch: ckpt.epoch, step: ckpt.step, cursor: ckpt.cursor, extra: ckpt.extra, modelConfig: ckpt.modelConfig };
}
