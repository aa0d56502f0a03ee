import { cmvn } from './cmvn.js';
import { createFeatureConfig, validateFeatureConfig, type FeatureConfig, type FeatureConfigInput } from './feature-config.js';
import { preEmphasis } from './framing.js';
import { applyMelFilterbank, melFilterbank, type MelFilterbank } from './mel-filterbank.js';
import { mfcc } from './mfcc.js';
import { spectralPower, StftPlan } from './stft.js';

export interface FeatureMatrix {
  /** frames × dim, row-major. */
  data: Float32Array;
  frames: number;
  dim: number;
}

export interface LogMelSpectrogram {
  /** frames × nMels, row-major. */
  data: Float32Array;
  frames: number;
  nMels: number;
}

interface FeaturePlan {
  stft: StftPlan;
  filterbank: MelFilterbank;
  power: Float64Array;
}

const MAX_PLANS = 16;
const plans = new Map<string, FeaturePlan>();

/** Window, FFT twiddles and filterbank are built once per distinct config and reused. */
function planFor(cfg: FeatureConfig): FeaturePlan {
  const key = JSON.stringify([
    cfg.sampleRate, cfg.nFft, cfg.winLength, cfg.hopLength, cfg.window, cfg.periodicWindow, cfg.center, cfg.padMode,
    cfg.nMels, cfg.fMin, cfg.fMax, cfg.melScale, cfg.melNorm,
  ]);
  let plan = plans.get(key);
  if (plan) {
    // Re-insert to keep the map in least-recently-used order.
    plans.delete(key);
    plans.set(key, plan);
    return plan;
  }
  // Only their own fields: both refuse unknown option keys.
  const { nFft, hopLength, winLength, window, periodicWindow, center, padMode, sampleRate, nMels, fMin, fMax, melScale, melNorm } = cfg;
  const stft = new StftPlan({ nFft, hopLength, winLength, window, periodicWindow, center, padMode });
  plan = {
    stft,
    filterbank: melFilterbank({ sampleRate, nFft, nMels, fMin, fMax, melScale, norm: melNorm }),
    power: new Float64Array(stft.bins),
  };
  if (plans.size >= MAX_PLANS) plans.delete(plans.keys().next().value!);
  plans.set(key, plan);
  return plan;
}

function resolve(cfg: FeatureConfig | FeatureConfigInput): FeatureConfig {
  return 'version' in cfg && cfg.version !== undefined ? validateFeatureConfig(cfg) : createFeatureConfig(cfg);
}

/** Log-mel spectrogram (frames × nMels); ignores the config's nMfcc and cmvn. */
export function logMelSpectrogram(samples: Float32Array, config: FeatureConfig | FeatureConfigInput): LogMelSpectrogram {
  const cfg = resolve(config);
  const plan = planFor(cfg);
  const { filterbank: fb, power } = plan;
  const nMels = cfg.nMels;
  const bins = plan.stft.bins;
  const input = cfg.preEmphasis > 0 ? preEmphasis(samples, cfg.preEmphasis) : samples;
  const data = new Float32Array(plan.stft.numFrames(samples.length) * nMels);
  const floor = cfg.logFloor;
  const add = cfg.logMode === 'add';
  const p = cfg.power;
  const frames = plan.stft.forEachFrame(input, (t, re, im) => {
    for (let k = 0; k < bins; k++) power[k] = spectralPower(re[k], im[k], p);
    const row = t * nMels;
    applyMelFilterbank(fb, power, data, row);
    for (let m = 0; m < nMels; m++) {
      const x = data[row + m];
      data[row + m] = Math.log(add ? x + floor : x > floor ? x : floor);
    }
  });
  return { data, frames, nMels };
}

/** The model-facing features the config describes: log-mel, then MFCC if nMfcc > 0, then CMVN if asked. */
export function extractFeatures(samples: Float32Array, config: FeatureConfig | FeatureConfigInput): FeatureMatrix {
  const cfg = resolve(config);
  const mel = logMelSpectrogram(samples, cfg);
  let data = mel.data;
  let dim = mel.nMels;
  if (cfg.nMfcc > 0) {
    data = mfcc(data, mel.frames, mel.nMels, cfg.nMfcc);
    dim = cfg.nMfcc;
  }
  if (cfg.cmvn === 'utterance') data = cmvn(data, mel.frames, dim);
  return { data, frames: mel.frames, dim };
}
