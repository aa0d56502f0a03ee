/**
 * The model file: weights in safetensors (F16 or F32) with everything needed
 * to use them in `__metadata__` — app name and format version, the model
 * config, labels, preprocessing constants and how it was trained. Loading
 * checks all of it, so a checkpoint, a model of another app or a file from a
 * newer version is refused with a message saying what it is.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { getBackend, type Tensor } from '@tensorkit/core';
import { CHECKPOINT_FORMAT, decodeSafetensors, encodeSafetensors, type ModuleConfig, type Sequential } from '@tensorkit/nn';
import { atomicWriteFile, UserError } from '@tensorkit/train';
import { modelFromConfig, NUM_CLASSES, type Arch } from './model.js';
import { PREPROCESS, type PreprocessConfig } from './preprocess.js';

export const APP = 'digit-recognizer';
export const MODEL_FORMAT = 'tensorkit.digits.model';
export const MODEL_VERSION = 1;
export const LABELS = Array.from({ length: NUM_CLASSES }, (_, i) => String(i));

/** The shipped model, next to src/ and dist/ alike. */
export const DEFAULT_MODEL_PATH = fileURLToPath(new URL('../models/digits.safetensors', import.meta.url));
/** Where `train` writes unless told (the current folder, so the shipped model stays unless named). */
export const DEFAULT_TRAIN_OUT = 'digits.safetensors';

export interface TrainingInfo {
  seed: number;
  epochs: number;
  bestEpoch: number;
  valAccuracy: number;
  valSize: number;
  trainSize: number;
  wallTimeSec: number;
  samplesPerSec: number;
  command: string;
  date: string;
}

export interface ModelMeta {
  arch: Arch;
  config: ModuleConfig;
  labels: string[];
  preprocess: PreprocessConfig;
  training: TrainingInfo | null;
  storedAs: 'F16' | 'F32';
}

export interface LoadedModel {
  model: Sequential;
  meta: ModelMeta;
  path: string;
}

export function encodeModel(model: Sequential, meta: Omit<ModelMeta, 'config' | 'storedAs'>, storeAs: 'F16' | 'F32'): Uint8Array {
  const metadata: Record<string, string> = {
    app: APP,
    format: MODEL_FORMAT,
    format_version: String(MODEL_VERSION),
    arch: meta.arch,
    model_config: JSON.stringify(model.config),
    labels: JSON.stringify(meta.labels),
    preprocess: JSON.stringify(meta.preprocess),
  };
  if (meta.training) metadata.training = JSON.stringify(meta.training);
  const tensors: Record<string, Tensor> = model.stateDict();
  return encodeSafetensors(tensors, { metadata, storeAs });
}

/** Writes the model atomically (temp file + rename). */
export function saveModel(path: string, model: Sequential, meta: Omit<ModelMeta, 'config' | 'storedAs'>, storeAs: 'F16' | 'F32'): void {
  atomicWriteFile(path, encodeModel(model, meta, storeAs));
}

function parseField<T>(path: string, metadata: Record<string, string>, key: string): T {
  const raw = metadata[key];
  if (raw === undefined) throw new UserError(`${path}: model metadata has no '${key}' field; the file is damaged or was not written by 'digits train'`);
  try {
    return JSON.parse(raw) as T;
  } catch {
    throw new UserError(`${path}: model metadata field '${key}' is not valid JSON`);
  }
}

/** Checks the metadata and rebuilds the model in eval mode. */
export function decodeModel(bytes: Uint8Array, path: string): LoadedModel {
  let contents;
  try {
    contents = decodeSafetensors(bytes, path);
  } catch (e) {
    throw new UserError(`${path}: not a readable safetensors model file (${(e as Error).message})`);
  }
  const md = contents.metadata;
  if (md.format === CHECKPOINT_FORMAT) {
    throw new UserError(`${path}: this is a training checkpoint, not a model file; continue training with 'digits train --resume ${path}' or use the model written to --out`);
  }
  if (md.app === undefined) throw new UserError(`${path}: not a digit-recognizer model (its metadata names no app)`);
  if (md.app !== APP) throw new UserError(`${path}: this model belongs to the app '${md.app}', not to ${APP}; pass a model trained with 'digits train'`);
  if (md.format !== MODEL_FORMAT) throw new UserError(`${path}: unknown model format '${md.format}', expected '${MODEL_FORMAT}'`);
  const version = Number(md.format_version);
  if (!Number.isInteger(version) || version < 1 || version > MODEL_VERSION) {
    throw new UserError(`${path}: model format version ${md.format_version} is not supported (this digits reads version ${MODEL_VERSION})`);
  }
  const arch = md.arch as Arch;
  const config = parseField<ModuleConfig>(path, md, 'model_config');
  const labels = parseField<string[]>(path, md, 'labels');
  const preprocess = parseField<PreprocessConfig>(path, md, 'preprocess');
  const training = md.training ? parseField<TrainingInfo>(path, md, 'training') : null;
  if (!Array.isArray(labels) || labels.length !== NUM_CLASSES || labels.some((l, i) => l !== LABELS[i])) {
    throw new UserError(`${path}: model labels ${JSON.stringify(labels)} are not the digits 0…9`);
  }
  if (preprocess.kind !== PREPROCESS.kind || preprocess.canvasSize !== PREPROCESS.canvasSize || !(preprocess.std > 0)) {
    throw new UserError(`${path}: model expects preprocessing ${JSON.stringify(preprocess)}, which this version cannot produce`);
  }
  // A bad TENSORKIT_BACKEND / TENSORKIT_THREADS is reported by the first op: let it surface as
  // itself here rather than as a weights-versus-config mismatch below.
  getBackend();
  let model: Sequential;
  try {
    model = modelFromConfig(config);
    model.loadStateDict(contents.tensors);
  } catch (e) {
    throw new UserError(`${path}: model weights do not match its config: ${(e as Error).message}`);
  }
  model.eval();
  const storedAs = Object.values(contents.storedDTypes).some((d) => d === 'F16') ? 'F16' : 'F32';
  return { model, meta: { arch, config, labels, preprocess, training, storedAs }, path };
}

export async function loadModel(path: string = DEFAULT_MODEL_PATH): Promise<LoadedModel> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new UserError(path === DEFAULT_MODEL_PATH
        ? `${path}: the shipped model is missing; train one with 'digits train --data DIR' or pass --model FILE`
        : `${path}: model file not found`);
    }
    throw new UserError(`${path}: cannot read model file (${(e as Error).message})`);
  }
  return decodeModel(bytes, path);
}
