export { type RandomSource } from './random.js';
export { FFT, RealFFT, rfft, isPowerOfTwo } from './fft.js';
export { makeWindow, padWindow, type WindowType } from './window.js';
export { preEmphasis, padSignal, numFrames, frameSignal, type PadMode, type FrameOptions } from './framing.js';
export {
  StftPlan, stft, powerSpectrogram, magnitudeSpectrogram,
  type StftOptions, type Spectrogram, type ComplexSpectrogram,
} from './stft.js';
export { hzToMel, melToHz, type MelScale } from './mel-scale.js';
export { melFilterbank, applyMelFilterbank, type MelFilterbank, type MelFilterbankOptions, type MelNorm } from './mel-filterbank.js';
export { dctMatrix, mfcc } from './mfcc.js';
export { cmvn, type CmvnOptions } from './cmvn.js';
export { logMelSpectrogram, extractFeatures, type LogMelSpectrogram, type FeatureMatrix } from './log-mel.js';
export {
  createFeatureConfig, validateFeatureConfig, diffFeatureConfigs, featureConfigsEqual, assertFeatureConfigMatches,
  FeatureConfigMismatchError, type FeatureConfig, type FeatureConfigInput, type FeatureConfigDifference,
} from './feature-config.js';
export {
  specAugment, sampleSpecAugmentMasks, applySpecAugmentMasks,
  type SpecAugmentOptions, type SpecAugmentMasks, type MaskSpan,
} from './spec-augment.js';
export { resampleByRatio, type RatioResampleOptions } from './resample.js';
export {
  speedPerturb, randomSpeedPerturb, applyGain, randomGain, addNoise, randomNoise, type AddNoiseOptions,
} from './perturb.js';
