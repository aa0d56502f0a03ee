import { checkNumber, checkOptionKeys, checkRandomSource, COUNT, type OptionKeys, showValue } from '../options.js';
import { randomIntInclusive, type RandomSource } from './random.js';

export interface SpecAugmentOptions {
  /** Number of frequency masks. Default 2. */
  freqMasks?: number;
  /** Maximum frequency-mask width F (widths are uniform in [0, F]). Default 10. */
  maxFreqWidth?: number;
  /** Number of time masks. Default 2. */
  timeMasks?: number;
  /** Maximum time-mask width T. Default 20. */
  maxTimeWidth?: number;
  /** Cap a time mask at this fraction of the utterance (SpecAugment's p). Default 1. */
  maxTimeFraction?: number;
  /** 'mean' fills with the spectrogram mean (neutral after CMVN-free log-mel); default 0. */
  maskValue?: number | 'mean';
}

/** A mask covering [start, start + width) along one axis. */
export interface MaskSpan {
  start: number;
  width: number;
}

export interface SpecAugmentMasks {
  freq: MaskSpan[];
  time: MaskSpan[];
}

/** Draws SpecAugment mask positions (Park et al. 2019): width ~ U{0..max}, start ~ U{0..size−width}. */
const SPEC_AUGMENT_KEYS: OptionKeys<SpecAugmentOptions> = {
  freqMasks: true, maxFreqWidth: true, timeMasks: true, maxTimeWidth: true, maxTimeFraction: true, maskValue: true,
};

export function sampleSpecAugmentMasks(frames: number, nMels: number, rng: RandomSource, options: SpecAugmentOptions = {}): SpecAugmentMasks {
  checkOptionKeys('specAugment', options, SPEC_AUGMENT_KEYS);
  checkRandomSource('specAugment', rng);
  // NaN frames drew NaN spans; a negative nMels drew spans of width -1.
  checkNumber('specAugment', 'frames', frames, COUNT);
  checkNumber('specAugment', 'nMels', nMels, COUNT);
  const mv = options.maskValue;
  if (mv !== undefined && mv !== 'mean' && !Number.isFinite(mv)) throw new Error(`specAugment: maskValue must be a finite number or 'mean', got ${showValue(mv)}`);
  const { freqMasks = 2, maxFreqWidth = 10, timeMasks = 2, maxTimeWidth = 20, maxTimeFraction = 1 } = options;
  for (const [name, v] of Object.entries({ freqMasks, maxFreqWidth, timeMasks, maxTimeWidth })) {
    if (!Number.isInteger(v) || v < 0) throw new Error(`specAugment: ${name} must be a non-negative integer, got ${v}`);
  }
  if (!(maxTimeFraction >= 0 && maxTimeFraction <= 1)) throw new Error(`specAugment: maxTimeFraction must be in [0, 1], got ${maxTimeFraction}`);
  const draw = (size: number, maxWidth: number): MaskSpan => {
    const width = randomIntInclusive(rng, 0, Math.min(maxWidth, size));
    return { start: randomIntInclusive(rng, 0, size - width), width };
  };
  const timeCap = Math.min(maxTimeWidth, Math.floor(maxTimeFraction * frames));
  const freq: MaskSpan[] = [];
  const time: MaskSpan[] = [];
  for (let i = 0; i < freqMasks; i++) freq.push(draw(nMels, maxFreqWidth));
  for (let i = 0; i < timeMasks; i++) time.push(draw(frames, timeCap));
  return { freq, time };
}

/** Writes `value` into the masked rows/columns of a frames × nMels spectrogram, in place. */
export function applySpecAugmentMasks(data: Float32Array, frames: number, nMels: number, masks: SpecAugmentMasks, value = 0): Float32Array {
  if (data.length !== frames * nMels) throw new Error(`specAugment: expected ${frames}×${nMels} values, got ${data.length}`);
  // Masks drawn for a larger spectrogram would spill a frequency mask into the next frame's bins.
  const check = (spans: MaskSpan[], axis: string, size: number): void => {
    for (const { start, width } of spans) {
      if (!(Number.isInteger(start) && Number.isInteger(width) && start >= 0 && width >= 0 && start + width <= size)) {
        throw new Error(`specAugment: ${axis} mask [${start}, ${start + width}) does not fit in ${size} ${axis === 'time' ? 'frames' : 'mel bins'}; draw the masks for this spectrogram's size`);
      }
    }
  };
  check(masks.freq, 'frequency', nMels);
  check(masks.time, 'time', frames);
  for (const { start, width } of masks.freq) {
    for (let t = 0; t < frames; t++) data.fill(value, t * nMels + start, t * nMels + start + width);
  }
  for (const { start, width } of masks.time) data.fill(value, start * nMels, (start + width) * nMels);
  return data;
}

/** SpecAugment frequency and time masking on a copy of a frames × nMels spectrogram. */
export function specAugment(data: Float32Array, frames: number, nMels: number, rng: RandomSource, options: SpecAugmentOptions = {}): Float32Array {
  const masks = sampleSpecAugmentMasks(frames, nMels, rng, options);
  let value = 0;
  if (options.maskValue === 'mean') {
    let s = 0;
    for (let i = 0; i < data.length; i++) s += data[i];
    value = data.length ? s / data.length : 0;
  } else if (typeof options.maskValue === 'number') {
    value = options.maskValue;
  }
  return applySpecAugmentMasks(Float32Array.from(data), frames, nMels, masks, value);
}
