import { isPowerOfTwo } from './fft.js';
import type { PadMode } from './framing.js';
import { buildMelFilterbank, emptyMelFilterProblem, type MelNorm } from './mel-filterbank.js';
import type { MelScale } from './mel-scale.js';
import type { WindowType } from './window.js';

/**
 * Every setting that changes what an audio front end produces. Models save it next to their
 * weights and check it on load, because a mismatched front end (other sample rate, HTK vs
 * Slaney mels, ...) yields plausible-looking garbage rather than an error.
 */
export interface FeatureConfig {
  version: 1;
  sampleRate: number;
  nFft: number;
  winLength: number;
  hopLength: number;
  window: WindowType;
  periodicWindow: boolean;
  center: boolean;
  padMode: PadMode;
  /** 2 = power spectrum (torchaudio/librosa default), 1 = magnitude. */
  power: 1 | 2;
  nMels: number;
  fMin: number;
  fMax: number;
  melScale: MelScale;
  melNorm: MelNorm;
  /** Pre-emphasis coefficient on the whole signal; 0 = off. */
  preEmphasis: number;
  /** 'add': log(x + logFloor) (torchaudio recipes); 'clamp': log(max(x, logFloor)) (Kaldi, librosa amin). */
  logMode: 'add' | 'clamp';
  logFloor: number;
  /** 0 = log-mel features; otherwise the number of MFCCs kept. */
  nMfcc: number;
  /** Per-utterance mean/variance normalisation of the final features. */
  cmvn: 'none' | 'utterance';
}

export type FeatureConfigInput = Partial<Omit<FeatureConfig, 'sampleRate'>> & { sampleRate: number };

const KEYS: readonly (keyof FeatureConfig)[] = [
  'version', 'sampleRate', 'nFft', 'winLength', 'hopLength', 'window', 'periodicWindow', 'center', 'padMode', 'power',
  'nMels', 'fMin', 'fMax', 'melScale', 'melNorm', 'preEmphasis', 'logMode', 'logFloor', 'nMfcc', 'cmvn',
];

function nextPowerOfTwo(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

/**
 * Fills defaults and validates: 25 ms Hann window, 10 ms hop, nFft = next power of two,
 * 40 HTK mels without norm over 0..sampleRate/2, log(x + 1e-6), no pre-emphasis.
 */
export function createFeatureConfig(input: FeatureConfigInput): FeatureConfig {
  const sr = input.sampleRate;
  const winLength = input.winLength ?? Math.min(Math.round(0.025 * sr), input.nFft ?? Infinity);
  const cfg: FeatureConfig = {
    version: 1,
    sampleRate: sr,
    nFft: input.nFft ?? nextPowerOfTwo(winLength),
    winLength,
    hopLength: input.hopLength ?? Math.round(0.01 * sr),
    window: input.window ?? 'hann',
    periodicWindow: input.periodicWindow ?? true,
    center: input.center ?? true,
    padMode: input.padMode ?? 'reflect',
    power: input.power ?? 2,
    nMels: input.nMels ?? 40,
    fMin: input.fMin ?? 0,
    fMax: input.fMax ?? sr / 2,
    melScale: input.melScale ?? 'htk',
    melNorm: input.melNorm ?? 'none',
    preEmphasis: input.preEmphasis ?? 0,
    logMode: input.logMode ?? 'add',
    logFloor: input.logFloor ?? 1e-6,
    nMfcc: input.nMfcc ?? 0,
    cmvn: input.cmvn ?? 'none',
  };
  for (const key of Object.keys(input)) if (!KEYS.includes(key as keyof FeatureConfig)) (cfg as any)[key] = (input as any)[key];
  return validateFeatureConfig(cfg);
}

/** Checks a (possibly deserialised) config completely and throws one error listing every problem. */
export function validateFeatureConfig(value: unknown): FeatureConfig {
  const problems: string[] = [];
  if (typeof value !== 'object' || value === null) throw new Error('validateFeatureConfig: expected an object');
  const c = value as Record<string, unknown>;
  const int = (k: string, min: number): void => {
    if (!Number.isInteger(c[k]) || (c[k] as number) < min) problems.push(`${k} must be an integer ≥ ${min}, got ${fmt(c[k])}`);
  };
  const oneOf = (k: string, allowed: readonly unknown[]): void => {
    if (!allowed.includes(c[k])) problems.push(`${k} must be one of ${allowed.map(fmt).join(', ')}, got ${fmt(c[k])}`);
  };
  for (const k of Object.keys(c)) if (!KEYS.includes(k as keyof FeatureConfig)) problems.push(`unknown field ${fmt(k)}`);
  oneOf('version', [1]);
  int('sampleRate', 1);
  int('nFft', 2);
  if (Number.isInteger(c.nFft) && !isPowerOfTwo(c.nFft as number)) problems.push(`nFft must be a power of two, got ${c.nFft}`);
  int('winLength', 1);
  if (Number.isInteger(c.winLength) && Number.isInteger(c.nFft) && (c.winLength as number) > (c.nFft as number)) {
    problems.push(`winLength (${c.winLength}) must not exceed nFft (${c.nFft})`);
  }
  int('hopLength', 1);
  oneOf('window', ['hann', 'hamming', 'povey', 'rectangular']);
  oneOf('periodicWindow', [true, false]);
  oneOf('center', [true, false]);
  oneOf('padMode', ['reflect', 'constant']);
  oneOf('power', [1, 2]);
  int('nMels', 1);
  const nyquist = (c.sampleRate as number) / 2;
  if (typeof c.fMin !== 'number' || !(c.fMin >= 0)) problems.push(`fMin must be ≥ 0, got ${fmt(c.fMin)}`);
  if (typeof c.fMax !== 'number' || !(c.fMax > 0) || c.fMax > nyquist) problems.push(`fMax must be in (0, sampleRate/2 = ${nyquist}], got ${fmt(c.fMax)}`);
  if (typeof c.fMin === 'number' && typeof c.fMax === 'number' && c.fMin >= c.fMax) problems.push(`fMin (${c.fMin}) must be below fMax (${c.fMax})`);
  oneOf('melScale', ['htk', 'slaney']);
  oneOf('melNorm', ['none', 'slaney']);
  if (typeof c.preEmphasis !== 'number' || !(c.preEmphasis >= 0 && c.preEmphasis < 1)) problems.push(`preEmphasis must be in [0, 1), got ${fmt(c.preEmphasis)}`);
  oneOf('logMode', ['add', 'clamp']);
  if (typeof c.logFloor !== 'number' || !(c.logFloor > 0) || !Number.isFinite(c.logFloor)) problems.push(`logFloor must be a positive number, got ${fmt(c.logFloor)}`);
  int('nMfcc', 0);
  if (Number.isInteger(c.nMfcc) && Number.isInteger(c.nMels) && (c.nMfcc as number) > (c.nMels as number)) {
    problems.push(`nMfcc (${c.nMfcc}) must not exceed nMels (${c.nMels})`);
  }
  oneOf('cmvn', ['none', 'utterance']);
  if (!problems.length) {
    const fb = buildMelFilterbank({ sampleRate: c.sampleRate as number, nFft: c.nFft as number, nMels: c.nMels as number, fMin: c.fMin as number, fMax: c.fMax as number, melScale: c.melScale as MelScale });
    const empty = emptyMelFilterProblem(fb, c.sampleRate as number, c.nFft as number);
    if (empty) problems.push(empty);
  }
  if (problems.length) throw new Error(`Invalid feature config:\n  ${problems.join('\n  ')}`);
  return value as FeatureConfig;
}

export interface FeatureConfigDifference {
  field: string;
  expected: unknown;
  actual: unknown;
}

/** Every field whose value differs (missing fields count as differences). */
export function diffFeatureConfigs(expected: FeatureConfig, actual: FeatureConfig): FeatureConfigDifference[] {
  const fields = [...new Set([...KEYS, ...Object.keys(expected), ...Object.keys(actual)])];
  const out: FeatureConfigDifference[] = [];
  for (const field of fields) {
    const e = (expected as any)[field];
    const a = (actual as any)[field];
    if (!Object.is(e, a)) out.push({ field, expected: e, actual: a });
  }
  return out;
}

export function featureConfigsEqual(a: FeatureConfig, b: FeatureConfig): boolean {
  return diffFeatureConfigs(a, b).length === 0;
}

export class FeatureConfigMismatchError extends Error {
  readonly differences: FeatureConfigDifference[];

  constructor(context: string, differences: FeatureConfigDifference[]) {
    const lines = differences.map((d) => {
      const hint = d.field === 'sampleRate' ? ` (resample the audio to ${fmt(d.expected)} Hz before extracting features)` : '';
      return `  ${d.field}: expected ${fmt(d.expected)}, got ${fmt(d.actual)}${hint}`;
    });
    super(`${context}: audio feature config does not match (${differences.length} field${differences.length === 1 ? '' : 's'}):\n${lines.join('\n')}`);
    this.name = 'FeatureConfigMismatchError';
    this.differences = differences;
  }
}

/** Throws a FeatureConfigMismatchError naming every differing field. */
export function assertFeatureConfigMatches(expected: FeatureConfig, actual: FeatureConfig, context = 'feature config'): void {
  const differences = diffFeatureConfigs(expected, actual);
  if (differences.length) throw new FeatureConfigMismatchError(context, differences);
}

function fmt(v: unknown): string {
  return v === undefined ? 'undefined' : JSON.stringify(v);
}
