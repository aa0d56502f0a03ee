/**
 * The model's front end: audio → samples at the model's rate → log-mel → per-utterance
 * mean/variance normalisation. The FeatureConfig travels inside the model file, so
 * transcription always computes exactly the features the model was trained on.
 */
import {
  cmvn, createFeatureConfig, DataFormatError, extractFeatures, readWav, type FeatureConfig, type WavAudio,
} from '@tensorkit/data';
import { UserError } from '@tensorkit/train';
import { readNpy } from './npy.js';

/** A feature matrix ready for the model: frames × dim, row-major. */
export interface Features {
  data: Float32Array;
  frames: number;
  dim: number;
}

/**
 * 25 ms Hann windows every 10 ms, 40 HTK mels up to Nyquist. The log floor (1e-5) sits near
 * the recordings' own noise floor, so digitally silent pauses between clips do not look like
 * a wildly different "sound" from room-noise pauses.
 */
export function defaultFeatureConfig(sampleRate = 8000): FeatureConfig {
  return createFeatureConfig({ sampleRate, nMels: 40, logFloor: 1e-5, cmvn: 'utterance' });
}

export function featuresFromSamples(samples: Float32Array, cfg: FeatureConfig): Features {
  const f = extractFeatures(samples, cfg);
  return { data: f.data, frames: f.frames, dim: f.dim };
}

/** Mono samples at the model's rate (resampled when the file has another rate). */
export async function loadAudio(path: string, cfg: FeatureConfig): Promise<WavAudio> {
  try {
    return await readWav(path, { targetRate: cfg.sampleRate });
  } catch (err) {
    if (err instanceof DataFormatError) throw new UserError(err.message);
    throw err;
  }
}

/**
 * A precomputed log-mel matrix (frames × nMels, as `logMelSpectrogram` produces) → model
 * features. CMVN is applied here when the model uses it; it is idempotent, so a matrix that
 * was already normalised passes through unchanged.
 */
export function featuresFromLogMel(data: Float32Array, frames: number, cols: number, cfg: FeatureConfig, name: string): Features {
  if (cfg.nMfcc > 0) throw new UserError(`${name}: this model uses ${cfg.nMfcc} MFCCs; a log-mel .npy cannot be fed to it`);
  if (cols !== cfg.nMels) {
    throw new UserError(`${name}: spectrogram has ${cols} mel bins per frame, the model's front end has ${cfg.nMels} (shape must be frames × ${cfg.nMels})`);
  }
  if (frames === 0) throw new UserError(`${name}: spectrogram has no frames`);
  const out = cfg.cmvn === 'utterance' ? cmvn(data, frames, cols) : data;
  return { data: out, frames, dim: cols };
}

/** Features of a .wav or .npy path. */
export async function featuresFromFile(path: string, cfg: FeatureConfig): Promise<{ features: Features; duration: number; samples?: Float32Array }> {
  if (path.toLowerCase().endsWith('.npy')) {
    const m = await readNpy(path);
    const features = featuresFromLogMel(m.data, m.rows, m.cols, cfg, path);
    return { features, duration: (m.rows * cfg.hopLength) / cfg.sampleRate };
  }
  const audio = await loadAudio(path, cfg);
  if (audio.samples.length === 0) throw new UserError(`${path}: the WAV file holds no samples`);
  return { features: featuresFromSamples(audio.samples, cfg), duration: audio.duration, samples: audio.samples };
}
