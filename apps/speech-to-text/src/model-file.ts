/**
 * The shipped model file: safetensors weights plus `__metadata__` describing everything
 * needed to use them — app and format version, model config, output labels, the audio front
 * end and the word list. Loading checks each of these so a file from another app, another
 * alphabet or another front end is refused with a clear message instead of producing
 * confident garbage.
 */
import { existsSync } from 'node:fs';
import type { Tensor } from '@tensorkit/core';
import { loadSafetensors, saveSafetensors } from '@tensorkit/nn';
import { validateFeatureConfig, type FeatureConfig } from '@tensorkit/data';
import { UserError } from '@tensorkit/train';
import { LABELS, NUM_CLASSES } from './alphabet.js';
import { INPUT_NORMS, TRAINABLE_NORMS, type FrontEnd, type InputNorm } from './features.js';
import { SpeechModel, type SpeechModelConfig } from './model.js';

export const APP = 'speech-to-text';
export const FORMAT = 'tensorkit-speech-ctc';
export const FORMAT_VERSION = 1;

export interface ModelInfo {
  /** The model (for an ensemble: its first member). */
  model: SpeechModel;
  /**
   * An ensemble's members (same front end, word list and output frames; architectures may
   * differ), whose per-frame probabilities are averaged when decoding; absent for a single model.
   */
  members?: SpeechModel[];
  /**
   * An ensemble whose members were trained with different input normalisations: each member's,
   * in order. The ensemble's own front end is then 'raw' and every member normalises its copy.
   */
  memberNorms?: InputNorm[];
  features: FeatureConfig;
  /** The feature config plus the input normalisation. */
  frontEnd: FrontEnd;
  /** Words the model was trained on (the optional decoding constraint). */
  lexicon: string[];
  /** Free-form training facts (command, seed, validation scores). */
  training: Record<string, unknown>;
}

export async function saveModel(path: string, info: ModelInfo, opts: { half?: boolean } = {}): Promise<void> {
  const metadata: Record<string, string> = {
    app: APP,
    format: FORMAT,
    version: String(FORMAT_VERSION),
    model_config: JSON.stringify(info.model.config),
    labels: JSON.stringify(LABELS),
    feature_config: JSON.stringify(info.features),
    input_norm: info.frontEnd.norm,
    lexicon: JSON.stringify(info.lexicon),
    training: JSON.stringify(info.training),
  };
  let tensors = info.model.stateDict();
  if (info.members && info.members.length > 1) {
    metadata.ensemble = String(info.members.length);
    if (info.memberNorms) metadata.member_norms = JSON.stringify(info.memberNorms);
    const configs = info.members.map((m) => JSON.stringify(m.config));
    if (configs.some((c) => c !== configs[0])) metadata.member_configs = `[${configs.join(',')}]`;
    tensors = {};
    info.members.forEach((m, i) => {
      for (const [k, t] of Object.entries(m.stateDict())) tensors[`${MEMBER}${i}.${k}`] = t;
    });
  }
  await saveSafetensors(path, tensors, { metadata, ...(opts.half ? { storeAs: 'F16' as const } : {}) });
}

/** Key prefix of an ensemble member's weights: `member0.…`, `member1.…`. */
const MEMBER = 'member';

function buildModel(path: string, cfg: SpeechModelConfig, tensors: Record<string, Tensor>, what: string): SpeechModel {
  let model: SpeechModel;
  try {
    model = new SpeechModel(cfg);
  } catch (err) {
    throw new UserError(`${path}: metadata field 'model_config' does not describe a model this build can make: ${(err as Error).message}`);
  }
  try {
    model.loadStateDict(tensors);
  } catch (err) {
    throw new UserError(`${path}: ${what} weights do not fit the model config: ${(err as Error).message.replace(/\n\s*/g, ' ')}`);
  }
  model.eval();
  return model;
}

function parseField(path: string, meta: Record<string, string>, key: string): unknown {
  const raw = meta[key];
  if (raw === undefined) throw new UserError(`${path}: not a speech-to-text model (metadata field '${key}' is missing)`);
  try {
    return JSON.parse(raw);
  } catch {
    throw new UserError(`${path}: metadata field '${key}' is not valid JSON`);
  }
}

/**
 * An ensemble of different architectures lists each member's config; their frames must line up
 * (same subsampling) and they must read the same features and emit the same labels.
 */
function memberConfigs(path: string, meta: Record<string, string>, first: SpeechModelConfig, n: number): SpeechModelConfig[] {
  const configs = parseField(path, meta, 'member_configs') as SpeechModelConfig[];
  if (!Array.isArray(configs) || configs.length !== n) {
    throw new UserError(`${path}: metadata 'member_configs' must list a model config for each of the ${n} members, got ${meta.member_configs}`);
  }
  configs.forEach((c, i) => {
    const shared = ['type', 'inputDim', 'numClasses', 'subsample'] as const;
    const differs = shared.find((k) => c?.[k] !== first[k]);
    if (differs !== undefined) {
      throw new UserError(`${path}: metadata 'member_configs': member ${i}'s ${differs} ${JSON.stringify(c?.[differs])} differs from 'model_config''s ${JSON.stringify(first[differs])} (members must agree on it so that their frames line up)`);
    }
  });
  return configs;
}

export async function loadModel(path: string): Promise<ModelInfo> {
  if (!existsSync(path)) throw new UserError(`${path}: model file not found (train one with \`speech train --data … --out ${path}\`)`);
  let contents;
  try {
    contents = await loadSafetensors(path);
  } catch (err) {
    throw new UserError(`${path}: cannot read model (${(err as Error).message})`);
  }
  const meta = contents.metadata;
  if (meta.app !== APP) {
    throw new UserError(`${path}: this model belongs to ${meta.app ? `the '${meta.app}' app` : 'no tensorkit app (no "app" in its metadata)'}, not ${APP}`);
  }
  if (meta.format !== FORMAT) throw new UserError(`${path}: unknown model format ${JSON.stringify(meta.format)} (expected ${FORMAT})`);
  if (Number(meta.version) > FORMAT_VERSION || !(Number(meta.version) >= 1)) {
    throw new UserError(`${path}: model format version ${meta.version} is not supported (this build reads up to ${FORMAT_VERSION})`);
  }
  const labels = parseField(path, meta, 'labels');
  if (JSON.stringify(labels) !== JSON.stringify(LABELS)) {
    throw new UserError(`${path}: the model's output labels ${JSON.stringify(labels)} differ from this build's ${JSON.stringify(LABELS)}`);
  }
  const cfg = parseField(path, meta, 'model_config') as SpeechModelConfig;
  if (cfg?.type !== 'SpeechCTC' || cfg.numClasses !== NUM_CLASSES) throw new UserError(`${path}: unsupported model config ${meta.model_config}`);
  let features: FeatureConfig;
  try {
    features = validateFeatureConfig(parseField(path, meta, 'feature_config'));
  } catch (err) {
    throw new UserError(`${path}: ${(err as Error).message.replace(/\n\s*/g, '; ')}`);
  }
  if (cfg.inputDim !== (features.nMfcc > 0 ? features.nMfcc : features.nMels)) {
    throw new UserError(`${path}: model input size ${cfg.inputDim} does not match its front end (${features.nMels} mels, ${features.nMfcc} MFCCs)`);
  }
  const norm = (meta.input_norm ?? 'config') as InputNorm;
  if (!INPUT_NORMS.includes(norm)) throw new UserError(`${path}: unknown input normalisation ${JSON.stringify(meta.input_norm)} (expected ${INPUT_NORMS.join(', ')})`);
  const lexicon = parseField(path, meta, 'lexicon');
  if (!Array.isArray(lexicon) || lexicon.some((w) => typeof w !== 'string')) throw new UserError(`${path}: metadata 'lexicon' must be a list of words`);
  const training = (meta.training ? JSON.parse(meta.training) : {}) as Record<string, unknown>;
  const base = { features, frontEnd: { config: features, norm }, lexicon: lexicon as string[], training };
  if (meta.ensemble === undefined) return { model: buildModel(path, cfg, contents.tensors, 'the'), ...base };
  const n = Number(meta.ensemble);
  if (!Number.isInteger(n) || n < 2 || n > 16) throw new UserError(`${path}: metadata 'ensemble' must be a member count from 2 to 16, got ${JSON.stringify(meta.ensemble)}`);
  const parts: Record<string, Tensor>[] = Array.from({ length: n }, () => ({}));
  for (const [k, t] of Object.entries(contents.tensors)) {
    const m = /^member(\d+)\.(.+)$/.exec(k);
    if (!m || Number(m[1]) >= n) throw new UserError(`${path}: tensor '${k}' belongs to no member of this ${n}-model ensemble`);
    parts[Number(m[1])][m[2]] = t;
  }
  const configs = meta.member_configs === undefined ? parts.map(() => cfg) : memberConfigs(path, meta, cfg, n);
  const members = parts.map((p, i) => buildModel(path, configs[i], p, `member ${i}'s`));
  if (meta.member_norms === undefined) return { model: members[0], members, ...base };
  const memberNorms = parseField(path, meta, 'member_norms') as InputNorm[];
  if (!Array.isArray(memberNorms) || memberNorms.length !== n || memberNorms.some((m) => !TRAINABLE_NORMS.includes(m))) {
    throw new UserError(`${path}: metadata 'member_norms' must list one of ${TRAINABLE_NORMS.join(', ')} for each of the ${n} members, got ${meta.member_norms}`);
  }
  if (norm !== 'raw') throw new UserError(`${path}: an ensemble with per-member normalisations needs input_norm "raw", got ${JSON.stringify(norm)}`);
  return { model: members[0], members, memberNorms, ...base };
}
