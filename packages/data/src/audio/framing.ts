import { checkNumber, checkOneOf, checkOptionalBoolean, checkOptionKeys, COUNT, type OptionKeys } from '../options.js';

export type PadMode = 'reflect' | 'constant';

/** y[0] = x[0], y[n] = x[n] - coef·x[n-1]: boosts high frequencies that speech spectra lose with ~6 dB/octave. */
export function preEmphasis(samples: Float32Array, coef = 0.97): Float32Array {
  if (!(coef >= 0 && coef < 1)) throw new Error(`preEmphasis: coef must be in [0, 1), got ${coef}`);
  const out = new Float32Array(samples.length);
  if (samples.length === 0) return out;
  out[0] = samples[0];
  for (let i = 1; i < samples.length; i++) out[i] = samples[i] - coef * samples[i - 1];
  return out;
}

/**
 * Pads `pad` samples on both sides. 'reflect' mirrors without repeating the edge sample
 * (numpy/torch 'reflect'); signals shorter than the pad are mirrored back and forth
 * instead of throwing as torch does.
 */
export const PAD_MODES: readonly PadMode[] = ['reflect', 'constant'];

export function padSignal(samples: Float32Array, pad: number, mode: PadMode = 'reflect'): Float32Array {
  checkNumber('padSignal', 'pad', pad, COUNT);
  checkOneOf('padSignal', 'mode', mode, PAD_MODES);
  const n = samples.length;
  const out = new Float32Array(n + 2 * pad);
  out.set(samples, pad);
  if (mode === 'constant' || n === 0) return out;
  if (n === 1) {
    out.fill(samples[0]);
    return out;
  }
  const period = 2 * (n - 1);
  const at = (i: number): number => {
    let j = ((i % period) + period) % period;
    if (j >= n) j = period - j;
    return samples[j];
  };
  for (let i = 0; i < pad; i++) {
    out[i] = at(i - pad);
    out[pad + n + i] = at(n + i);
  }
  return out;
}

/** Frames in an STFT: with centring, one frame per hop starting at sample 0 (torch/librosa). */
export function numFrames(length: number, frameLength: number, hopLength: number, center: boolean): number {
  const padded = center ? length + 2 * (frameLength >> 1) : length;
  return padded < frameLength ? 0 : 1 + Math.floor((padded - frameLength) / hopLength);
}

export interface FrameOptions {
  frameLength: number;
  hopLength: number;
  /** Pad frameLength/2 on each side so frame t is centred on sample t·hop. Default true. */
  center?: boolean;
  /** Default 'reflect'. */
  padMode?: PadMode;
}

const FRAME_KEYS: OptionKeys<FrameOptions> = { frameLength: true, hopLength: true, center: true, padMode: true };

/** Slices a signal into overlapping frames: frames × frameLength, row-major. */
export function frameSignal(samples: Float32Array, options: FrameOptions): { data: Float32Array; frames: number } {
  checkOptionKeys('frameSignal', options, FRAME_KEYS);
  const { frameLength, hopLength, center = true, padMode = 'reflect' } = options;
  checkOptionalBoolean('frameSignal', 'center', center);
  if (!Number.isInteger(frameLength) || frameLength < 1) throw new Error(`frameSignal: frameLength must be a positive integer, got ${frameLength}`);
  if (!Number.isInteger(hopLength) || hopLength < 1) throw new Error(`frameSignal: hopLength must be a positive integer, got ${hopLength}`);
  const src = center ? padSignal(samples, frameLength >> 1, padMode) : samples;
  const frames = numFrames(samples.length, frameLength, hopLength, center);
  const data = new Float32Array(frames * frameLength);
  for (let t = 0; t < frames; t++) data.set(src.subarray(t * hopLength, t * hopLength + frameLength), t * frameLength);
  return { data, frames };
}
