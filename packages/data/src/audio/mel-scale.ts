import { checkNumber, NON_NEGATIVE } from '../options.js';

export type MelScale = 'htk' | 'slaney';

// Slaney (Auditory Toolbox, librosa default): linear 200/3 Hz per mel below 1 kHz, log above.
const F_SP = 200 / 3;
const MIN_LOG_HZ = 1000;
const MIN_LOG_MEL = MIN_LOG_HZ / F_SP; // 15
const LOG_STEP = Math.log(6.4) / 27;

/** Hz → mel. HTK: 2595·log10(1 + f/700) (torchaudio default); Slaney: librosa's default. */
export function hzToMel(hz: number, scale: MelScale = 'htk'): number {
  // NaN came back as NaN, and a negative frequency as a negative (HTK) or NaN (Slaney) mel.
  checkNumber('hzToMel', 'hz', hz, NON_NEGATIVE);
  if (scale === 'htk') return 2595 * Math.log10(1 + hz / 700);
  if (scale !== 'slaney') throw new Error(`hzToMel: unknown mel scale ${JSON.stringify(scale)}`);
  return hz < MIN_LOG_HZ ? hz / F_SP : MIN_LOG_MEL + Math.log(hz / MIN_LOG_HZ) / LOG_STEP;
}

/** Inverse of hzToMel. */
export function melToHz(mel: number, scale: MelScale = 'htk'): number {
  checkNumber('melToHz', 'mel', mel, NON_NEGATIVE);
  if (scale === 'htk') return 700 * (Math.pow(10, mel / 2595) - 1);
  if (scale !== 'slaney') throw new Error(`melToHz: unknown mel scale ${JSON.stringify(scale)}`);
  return mel < MIN_LOG_MEL ? mel * F_SP : MIN_LOG_HZ * Math.exp(LOG_STEP * (mel - MIN_LOG_MEL));
}
