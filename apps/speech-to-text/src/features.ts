/**
 * The model's front end: audio → samples at the model's rate → log-mel → input normalisation.
 * The FeatureConfig (and the normalisation's name) travel inside the model file, so
 * transcription always computes exactly the features the model was trained on.
 *
 * Normalisation: 'loudness' subtracts the utterance's speech level (the 90th percentile of the
 * per-frame mean log-mel) and applies a fixed scale. Per-utterance CMVN ('config' with
 * cmvn: 'utterance', used by early models) made the features of a word depend on how much
 * silence surrounds it — an isolated clip without pauses looked different from the same clip
 * inside a connected string, and was misrecognised far more often.
 */
import {
  cmvn, createFeatureConfig, DataFormatError, extractFeatures, logMelSpectrogram, readWav, resample, type FeatureConfig, type WavAudio,
} from '@tensorkit/data';
import { UserError } from '@tensorkit/train';
import { readNpy } from './npy.js';

/** A feature matrix ready for the model: frames × dim, row-major. */
export interface Features {
  data: Float32Array;
  frames: number;
  dim: number;
  /** Set when very quiet audio was raised before the log-mel (see quietInputGain): by how many dB. */
  raisedDb?: number;
  /** Set when the audio is silence (peak below SILENT_PEAK_DBFS): there is nothing to recognise. */
  silent?: boolean;
  /** Set when the file's channels largely cancelled in the mono mix (WavAudio.mixdownDb below CANCELLED_MIX_DB). */
  mixdownDb?: number;
}

/** A mono mix this far (dB) below the file's loudest channel lost most of the signal: the user is told. */
export const CANCELLED_MIX_DB = -20;

/** What the user is told about a file whose channels cancelled when averaged to mono. */
export function cancelledMixNote(mixdownDb: number): string {
  const level = mixdownDb === -Infinity ? 'silent' : `${(-mixdownDb).toFixed(1)} dB below the louder channel`;
  return `the channels cancel when averaged to mono (the mix is ${level}; one channel is probably phase-inverted): the model heard that mix — convert the file to mono from one channel`;
}

/**
 * 'loudness': level-normalised log-mel (see above); 'speech-mean': each band's mean over the
 * utterance's speech frames only is subtracted (a speaker/channel normalisation that, unlike
 * plain CMVN, does not change with the amount of silence around the words); 'speech-envelope':
 * only the smooth part of those band means (their first ENVELOPE_TERMS cosine terms along
 * frequency: a speaker's level and spectral tilt) is subtracted, so a word's own spectral shape
 * stays; 'config': whatever the FeatureConfig does (its cmvn); 'raw': the log-mel as it is — the
 * front end of an ensemble whose members normalise differently (each normalises its own copy).
 */
export type InputNorm = 'loudness' | 'speech-mean' | 'speech-envelope' | 'config' | 'raw';
export const INPUT_NORMS: readonly InputNorm[] = ['loudness', 'speech-mean', 'speech-envelope', 'config', 'raw'];
/** Normalisations a model can be trained with ('raw' is an ensemble's: its members normalise their own copies). */
export const TRAINABLE_NORMS: readonly InputNorm[] = ['loudness', 'speech-mean', 'speech-envelope'];

export interface FrontEnd {
  config: FeatureConfig;
  norm: InputNorm;
}

/**
 * 25 ms Hann windows every 10 ms, 40 HTK mels up to Nyquist. The log floor (1e-5) sits near
 * the recordings' own noise floor, so digitally silent pauses between clips do not look like
 * a wildly different "sound" from room-noise pauses.
 */
export function defaultFeatureConfig(sampleRate = 8000): FeatureConfig {
  return createFeatureConfig({ sampleRate, nMels: 40, logFloor: 1e-5, cmvn: 'none' });
}

export function defaultFrontEnd(sampleRate = 8000, norm: InputNorm = 'loudness'): FrontEnd {
  return { config: defaultFeatureConfig(sampleRate), norm };
}

const LEVEL_PERCENTILE = 0.9;
const LEVEL_OFFSET = 5;
const SCALE = 0.25;

/** Speech level of a log-mel matrix: a high percentile of the per-frame mean (robust to how much silence there is). */
export function speechLevel(data: Float32Array, frames: number, dim: number): number {
  if (frames === 0) return 0;
  const means = new Float64Array(frames);
  for (let t = 0; t < frames; t++) {
    let s = 0;
    for (let d = 0; d < dim; d++) s += data[t * dim + d];
    means[t] = s / dim;
  }
  means.sort();
  return means[Math.min(frames - 1, Math.floor(LEVEL_PERCENTILE * frames))];
}

/** Frames whose mean log-mel is within this many nepers (≈ 15 dB) of the loudest frame's count as speech. */
const SPEECH_RANGE = 3.5;

/**
 * Per-band mean over the speech frames (those within SPEECH_RANGE of the loudest frame), so the
 * silence around the words does not enter it. Measured from the loudest frame, not from a
 * percentile: a percentile moves with the share of silence, and the selected frames with it.
 */
export function speechBandMeans(data: Float32Array, frames: number, dim: number): Float64Array {
  const means = new Float64Array(frames);
  let top = -Infinity;
  for (let t = 0; t < frames; t++) {
    let m = 0;
    for (let d = 0; d < dim; d++) m += data[t * dim + d];
    means[t] = m / dim;
    top = Math.max(top, means[t]);
  }
  const sum = new Float64Array(dim);
  let n = 0;
  for (let t = 0; t < frames; t++) {
    if (means[t] < top - SPEECH_RANGE) continue;
    for (let d = 0; d < dim; d++) sum[d] += data[t * dim + d];
    n++;
  }
  for (let d = 0; d < dim; d++) sum[d] /= Math.max(1, n);
  return sum;
}

/** Cepstral terms of the speech-frame band means that 'speech-envelope' subtracts (level, tilt, broad shape). */
export const ENVELOPE_TERMS = 4;

/** The projection of `x` onto the first `terms` orthonormal DCT-II basis vectors: its smooth part along frequency. */
function cosineSmooth(x: Float64Array, terms: number): Float64Array {
  const dim = x.length;
  const out = new Float64Array(dim);
  for (let k = 0; k < Math.min(terms, dim); k++) {
    const scale = Math.sqrt((k === 0 ? 1 : 2) / dim);
    const basis = (d: number) => scale * Math.cos((Math.PI * k * (d + 0.5)) / dim);
    let c = 0;
    for (let d = 0; d < dim; d++) c += basis(d) * x[d];
    for (let d = 0; d < dim; d++) out[d] += c * basis(d);
  }
  return out;
}

/** Applies the front end's normalisation to a raw log-mel matrix (returns a new array). */
export function normalizeLogMel(data: Float32Array, frames: number, dim: number, fe: FrontEnd): Float32Array {
  if (fe.norm === 'speech-envelope' || fe.norm === 'speech-mean') {
    // 'speech-envelope' subtracts only the smooth part of the speech-frame band means (a
    // speaker's level and spectral tilt); subtracting the whole mean removed part of what
    // identifies a single word.
    const mean = speechBandMeans(data, frames, dim);
    const envelope = fe.norm === 'speech-envelope';
    const sub = envelope ? cosineSmooth(mean, ENVELOPE_TERMS) : mean;
    const offset = envelope ? LEVEL_OFFSET : 0;
    const out = new Float32Array(data.length);
    for (let t = 0; t < frames; t++) for (let d = 0; d < dim; d++) out[t * dim + d] = (data[t * dim + d] - sub[d] + offset) * SCALE;
    return out;
  }
  if (fe.norm === 'raw') return Float32Array.from(data);
  if (fe.norm === 'loudness') {
    const shift = LEVEL_OFFSET - speechLevel(data, frames, dim);
    const out = new Float32Array(data.length);
    for (let i = 0; i < data.length; i++) out[i] = (data[i] + shift) * SCALE;
    return out;
  }
  return fe.config.cmvn === 'utterance' ? cmvn(data, frames, dim) : Float32Array.from(data);
}

/** Index of the first NaN or ±Infinity in `a`, or -1. */
export function firstNonFinite(a: ArrayLike<number>): number {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) return i;
  return -1;
}

/** Audio whose loudest sample is below this (dBFS) is raised before the log-mel (see quietInputGain). */
export const QUIET_PEAK_DBFS = -50;
/** …to this peak (dBFS): a level inside what the models were trained on. */
export const QUIET_TARGET_DBFS = -20;
/**
 * Audio whose loudest sample is below this (dBFS; 3 steps of 16-bit audio) is silence: digital
 * zeros or dither, with no speech to raise. Raised, its noise filled the log-mel, and the yesno
 * model heard "yes" in it (as it did in the constant floor of unraised zeros).
 */
export const SILENT_PEAK_DBFS = -80;

function peakOf(samples: Float32Array): number {
  let peak = 0;
  for (let i = 0; i < samples.length; i++) {
    const a = Math.abs(samples[i]);
    if (a > peak) peak = a;
  }
  return peak;
}

/**
 * The gain applied to very quiet audio before the log-mel: 1 unless the loudest sample is below
 * QUIET_PEAK_DBFS, then whatever brings it to QUIET_TARGET_DBFS. The log floor (1e-5 of mel
 * power) is absolute: around −60 dBFS the speech itself falls under it, every frame is the same
 * floor, and the level normalisation that follows has nothing left to normalise (a clip scaled
 * down by 60 dB was transcribed as silence). Raising only such audio leaves the features of
 * normally levelled audio — and so what the shipped models were trained and validated on —
 * bit for bit unchanged: the quietest FSDD clip peaks at −32 dBFS, −44 with training's −12 dB
 * gain augmentation. Silence (peak below SILENT_PEAK_DBFS) has no speech to raise and stays as it is.
 */
export function quietInputGain(samples: Float32Array): number {
  return gainForPeak(peakOf(samples));
}

function gainForPeak(peak: number): number {
  if (peak < 10 ** (SILENT_PEAK_DBFS / 20) || peak >= 10 ** (QUIET_PEAK_DBFS / 20)) return 1;
  return 10 ** (QUIET_TARGET_DBFS / 20) / peak;
}

/** The samples as the front end hears them — very quiet audio raised (quietInputGain) — and what was done to them. */
function heardSamples(samples: Float32Array): { x: Float32Array; raisedDb?: number; silent?: true } {
  const peak = peakOf(samples);
  const gain = gainForPeak(peak);
  if (gain !== 1) return { x: samples.map((v) => v * gain), raisedDb: 20 * Math.log10(gain) };
  return peak < 10 ** (SILENT_PEAK_DBFS / 20) ? { x: samples, silent: true } : { x: samples };
}

/** The raw log-mel (before normalisation) of the audio as the model heard it, for pictures of it. */
export function heardLogMel(samples: Float32Array, config: FeatureConfig): { data: Float32Array; frames: number; nMels: number } {
  const m = logMelSpectrogram(heardSamples(samples).x, config);
  return { data: m.data, frames: m.frames, nMels: m.nMels };
}

/** What the user is told about audio that quietInputGain raised by `raisedDb`. */
export function quietNote(raisedDb: number): string {
  return `very quiet audio (loudest sample ${(QUIET_TARGET_DBFS - raisedDb).toFixed(1)} dBFS, below ${QUIET_PEAK_DBFS} dBFS): raised by ${raisedDb.toFixed(1)} dB before recognition`;
}

export function featuresFromSamples(samples: Float32Array, fe: FrontEnd, name = 'audio'): Features {
  // One NaN (a float WAV or a caller's buffer) spreads through its STFT frames into NaN
  // log-probabilities, and the decoder silently dropped the words around it.
  const bad = firstNonFinite(samples);
  if (bad >= 0) throw new UserError(`${name}: sample ${bad} is ${samples[bad]}; audio samples must be finite numbers`);
  const { x, ...raised } = heardSamples(samples);
  if (fe.norm === 'config' || fe.config.nMfcc > 0) {
    const f = extractFeatures(x, fe.config);
    return { data: f.data, frames: f.frames, dim: f.dim, ...raised };
  }
  const m = logMelSpectrogram(x, fe.config);
  return { data: normalizeLogMel(m.data, m.frames, m.nMels, fe), frames: m.frames, dim: m.nMels, ...raised };
}

/**
 * Mono samples at the model's rate (resampled when the file has another rate). A file sampled
 * below half the model's rate is refused: it holds less than half the band the model listens
 * to (a 3 kHz file nothing above 1.5 kHz), and the shipped model turned such files into
 * confident wrong digits; a header claiming a few Hz also had the resampler blow a short file
 * up into hours of audio. Checked before resampling, for that reason.
 */
export async function loadAudio(path: string, cfg: FeatureConfig): Promise<WavAudio> {
  let audio: WavAudio;
  try {
    audio = await readWav(path);
  } catch (err) {
    if (err instanceof DataFormatError) throw new UserError(err.message);
    throw err;
  }
  const min = cfg.sampleRate / 2;
  if (audio.sampleRate < min) {
    throw new UserError(`${path}: sample rate ${audio.sampleRate} Hz is too low for this model: expected at least ${min} Hz (the model listens up to ${cfg.sampleRate / 2} Hz; this file holds nothing above ${audio.sampleRate / 2} Hz)`);
  }
  if (audio.samples.length === 0) throw new UserError(`${path}: the WAV file holds no samples`);
  if (audio.sampleRate === cfg.sampleRate) return audio;
  const samples = resample(audio.samples, audio.sampleRate, cfg.sampleRate);
  return { ...audio, samples, sampleRate: cfg.sampleRate, duration: samples.length / cfg.sampleRate };
}

/**
 * A precomputed log-mel matrix (frames × nMels, natural-log mel power exactly as
 * `logMelSpectrogram` produces with the model's FeatureConfig) → model features.
 */
export function featuresFromLogMel(data: Float32Array, frames: number, cols: number, fe: FrontEnd, name: string): Features {
  const cfg = fe.config;
  if (cfg.nMfcc > 0) throw new UserError(`${name}: this model uses ${cfg.nMfcc} MFCCs; a log-mel .npy cannot be fed to it`);
  if (cols !== cfg.nMels) {
    throw new UserError(`${name}: spectrogram has ${cols} mel bins per frame, the model's front end has ${cfg.nMels} (shape must be frames × ${cfg.nMels})`);
  }
  if (frames === 0) throw new UserError(`${name}: spectrogram has no frames`);
  const bad = firstNonFinite(data);
  if (bad >= 0) throw new UserError(`${name}: value ${data[bad]} at frame ${Math.floor(bad / cols)}, bin ${bad % cols}; a log-mel spectrogram must hold finite numbers (floor the power before the log)`);
  return { data: normalizeLogMel(data, frames, cols, fe), frames, dim: cols };
}

/** Features of a .wav or .npy path. */
export async function featuresFromFile(path: string, fe: FrontEnd): Promise<{ features: Features; duration: number; samples?: Float32Array }> {
  const cfg = fe.config;
  if (path.toLowerCase().endsWith('.npy')) {
    const m = await readNpy(path);
    const features = featuresFromLogMel(m.data, m.rows, m.cols, fe, path);
    return { features, duration: (m.rows * cfg.hopLength) / cfg.sampleRate };
  }
  const audio = await loadAudio(path, cfg);
  const features = featuresFromSamples(audio.samples, fe, path);
  if (audio.mixdownDb !== undefined && audio.mixdownDb < CANCELLED_MIX_DB) features.mixdownDb = audio.mixdownDb;
  return { features, duration: audio.duration, samples: audio.samples };
}
