/**
 * Model files: safetensors (F16 weights, written atomically by nn) with
 * everything needed to rebuild the feature pipeline in `__metadata__`:
 * app, format version, model type, labels, feature config, and how the model
 * was trained. Loading checks the app and version first, so a model from
 * another app is rejected with a clear message instead of a shape error.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { Tensor } from '@tensorkit/core';
import { decodeSafetensors, fromHalfBits, saveSafetensors, type SafetensorsContents } from '@tensorkit/nn';
import { UserError } from '@tensorkit/train';
import { checkFeatureConfig, type FeatureConfig } from './features.js';
import { createNet, LinearBagNet, MODEL_TYPES, type ModelType, type NewsNet } from './model.js';

export const APP = 'news-classifier';
export const FORMAT_VERSION = '1';

export interface ModelInfo {
  modelType: ModelType;
  labels: string[];
  features: FeatureConfig;
  dataset: Record<string, unknown>;
  training: Record<string, unknown> & { dim: number };
  /** Linear model with a folded word-vector table: where the vectors came from (word-vectors.ts). */
  wordVectors?: { source: string; dim: number; words: number; scale: number; l2: number };
}

export interface LoadedModel {
  path: string;
  net: NewsNet;
  info: ModelInfo;
}

export async function saveModel(path: string, net: NewsNet, info: ModelInfo): Promise<void> {
  const metadata = {
    app: APP,
    version: FORMAT_VERSION,
    model_type: info.modelType,
    labels: JSON.stringify(info.labels),
    features: JSON.stringify(info.features),
    dataset: JSON.stringify(info.dataset),
    training: JSON.stringify(info.training),
    ...(net instanceof LinearBagNet && net.vectorIndex ? { word_vectors: JSON.stringify(info.wordVectors ?? {}), vector_words: JSON.stringify([...net.vectorIndex.keys()]) } : {}),
  };
  await saveSafetensors(path, net.stateDict(), { metadata, storeAs: 'F16' });
}

function parseJson<T>(path: string, field: string, text: string | undefined): T {
  if (text === undefined) throw new UserError(`${path}: model metadata has no '${field}'`);
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new UserError(`${path}: model metadata field '${field}' is not valid JSON`);
  }
}

export async function loadModel(path: string): Promise<LoadedModel> {
  if (!existsSync(path)) throw new UserError(`${path}: model file not found (the shipped models can be named: --model ag_news, 20news or bbc; or train one with \`news train --data DIR --out ${path}\`)`);
  let contents;
  try {
    contents = decodeModelFile(await readFile(path), path);
  } catch (e) {
    throw new UserError(`${path}: not a readable safetensors model (${(e as Error).message})`);
  }
  const meta = contents.metadata;
  if (meta.app !== APP) {
    throw new UserError(`${path}: this model belongs to ${meta.app ? `'${meta.app}'` : 'no tensorkit app'}, not ${APP}; pass a news-classifier model with --model`);
  }
  if (meta.version !== FORMAT_VERSION) throw new UserError(`${path}: model format version ${meta.version} is not supported (expected ${FORMAT_VERSION})`);
  const modelType = meta.model_type as ModelType;
  if (!MODEL_TYPES.includes(modelType)) throw new UserError(`${path}: unknown model_type '${meta.model_type}' (expected ${MODEL_TYPES.join(' or ')})`);
  const labels = parseJson<string[]>(path, 'labels', meta.labels);
  if (!Array.isArray(labels) || labels.length < 2 || labels.some((l) => typeof l !== 'string')) throw new UserError(`${path}: 'labels' must be a list of at least 2 class names`);
  let features: FeatureConfig;
  try {
    features = checkFeatureConfig(parseJson<FeatureConfig>(path, 'features', meta.features));
  } catch (e) {
    throw new UserError(`${path}: ${(e as Error).message}`);
  }
  const training = parseJson<ModelInfo['training']>(path, 'training', meta.training);
  const dataset = parseJson<Record<string, unknown>>(path, 'dataset', meta.dataset);
  let vectorWords: string[] | undefined;
  let wordVectors: ModelInfo['wordVectors'];
  if (meta.vector_words !== undefined) {
    vectorWords = parseJson<string[]>(path, 'vector_words', meta.vector_words);
    if (modelType !== 'linear' || !Array.isArray(vectorWords) || vectorWords.length === 0 || vectorWords.some((w) => typeof w !== 'string')) {
      throw new UserError(`${path}: 'vector_words' must be a non-empty list of words, on a linear model`);
    }
    wordVectors = parseJson<ModelInfo['wordVectors']>(path, 'word_vectors', meta.word_vectors);
  }
  const net = createNet(modelType, features.buckets, labels.length, training.dim ?? 16, undefined, vectorWords?.length);
  try {
    net.loadStateDict(contents.tensors);
  } catch (e) {
    throw new UserError(`${path}: weights do not match the model described in its metadata (${(e as Error).message})`);
  }
  if (vectorWords) (net as LinearBagNet).setVectorWords(vectorWords);
  if (net instanceof LinearBagNet && !net.idf.every((v) => v >= 1)) throw new UserError(`${path}: idf table holds invalid values`);
  net.eval();
  return { path, net, info: { modelType, labels, features, dataset, training, ...(wordVectors ? { wordVectors } : {}) } };
}

let halfTable: Float32Array | null = null;

/** All 65,536 half-precision values, decoded once with nn's own converter. */
function halfToFloat(): Float32Array {
  if (!halfTable) {
    halfTable = new Float32Array(65536);
    for (let h = 0; h < 65536; h++) halfTable[h] = fromHalfBits(h);
  }
  return halfTable;
}

/**
 * safetensors decoding with a fast path for files whose tensors are all F16
 * (ours): nn's decoder converts F16 element by element (~2 s for a 10 MB
 * model), a table lookup takes milliseconds. Anything else goes to nn.
 */
export function decodeModelFile(bytes: Uint8Array, source: string): SafetensorsContents {
  if (bytes.length < 8) return decodeSafetensors(bytes, source);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = Number(view.getBigUint64(0, true));
  if (headerLen > bytes.length - 8 || headerLen > 100 * 1024 * 1024) return decodeSafetensors(bytes, source);
  let header: Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLen)));
  } catch {
    return decodeSafetensors(bytes, source);
  }
  const entries = Object.entries(header).filter(([k]) => k !== '__metadata__');
  if (!entries.every(([, e]) => e && e.dtype === 'F16')) return decodeSafetensors(bytes, source);
  const start = 8 + headerLen;
  const lut = halfToFloat();
  const tensors: Record<string, Tensor> = {};
  const storedDTypes: SafetensorsContents['storedDTypes'] = {};
  for (const [name, e] of entries) {
    const [b, end] = e.data_offsets;
    const n = e.shape.reduce((a, d) => a * d, 1);
    if (!(Number.isInteger(b) && end - b === n * 2 && start + end <= bytes.length && b >= 0)) return decodeSafetensors(bytes, source);
    const out = new Float32Array(n);
    const base = start + b;
    for (let i = 0; i < n; i++) out[i] = lut[bytes[base + 2 * i] | (bytes[base + 2 * i + 1] << 8)];
    tensors[name] = new Tensor(out, e.shape, 'float32');
    storedDTypes[name] = 'F16';
  }
  const meta = (header as unknown as { __metadata__?: Record<string, string> }).__metadata__ ?? {};
  return { tensors, metadata: meta, storedDTypes };
}
