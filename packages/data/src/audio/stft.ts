import { RealFFT } from './fft.js';
import { numFrames, PAD_MODES, padSignal, type PadMode } from './framing.js';
import { makeWindow, padWindow, type WindowType } from './window.js';
import { checkFloat32, checkNumber, checkOneOf, checkOptionalBoolean, checkOptionKeys, type OptionKeys, SIZE } from '../options.js';

export interface StftOptions {
  nFft: number;
  /** Default nFft / 4 (torch and librosa). */
  hopLength?: number;
  /** Default nFft; shorter windows are centred in the nFft frame. */
  winLength?: number;
  /** Default 'hann'. */
  window?: WindowType;
  /** Default true. */
  periodicWindow?: boolean;
  /** Default true. */
  center?: boolean;
  /** Default 'reflect'. */
  padMode?: PadMode;
}

export interface Spectrogram {
  /** frames × bins, row-major. */
  data: Float32Array;
  frames: number;
  /** nFft / 2 + 1. */
  bins: number;
}

export interface ComplexSpectrogram {
  re: Float32Array;
  im: Float32Array;
  frames: number;
  bins: number;
}

const STFT_KEYS: OptionKeys<StftOptions> = { nFft: true, hopLength: true, winLength: true, window: true, periodicWindow: true, center: true, padMode: true };

/** Reusable per-settings state: the FFT plan, the nFft-long window and scratch buffers. */
export class StftPlan {
  readonly nFft: number;
  readonly hopLength: number;
  readonly center: boolean;
  readonly padMode: PadMode;
  readonly bins: number;
  readonly window: Float64Array;
  private readonly fft: RealFFT;
  private readonly frame: Float64Array;
  private readonly re: Float64Array;
  private readonly im: Float64Array;

  constructor(options: StftOptions) {
    checkOptionKeys('STFT', options, STFT_KEYS);
    checkNumber('STFT', 'nFft', options.nFft, SIZE);
    checkOneOf('STFT', 'padMode', options.padMode ?? 'reflect', PAD_MODES);
    checkOptionalBoolean('STFT', 'center', options.center);
    checkOptionalBoolean('STFT', 'periodicWindow', options.periodicWindow);
    const { nFft, window = 'hann', periodicWindow = true, center = true, padMode = 'reflect' } = options;
    const winLength = options.winLength ?? nFft;
    const hopLength = options.hopLength ?? Math.floor(nFft / 4);
    if (!Number.isInteger(winLength) || winLength < 1 || winLength > nFft) {
      throw new Error(`STFT: winLength must be an integer in [1, nFft=${nFft}], got ${winLength}`);
    }
    if (!Number.isInteger(hopLength) || hopLength < 1) throw new Error(`STFT: hopLength must be a positive integer, got ${hopLength}`);
    this.fft = new RealFFT(nFft);
    this.nFft = nFft;
    this.hopLength = hopLength;
    this.center = center;
    this.padMode = padMode;
    this.bins = this.fft.bins;
    this.window = padWindow(makeWindow(window, winLength, periodicWindow), nFft);
    this.frame = new Float64Array(nFft);
    this.re = new Float64Array(this.bins);
    this.im = new Float64Array(this.bins);
  }

  numFrames(length: number): number {
    return numFrames(length, this.nFft, this.hopLength, this.center);
  }

  /**
   * Calls `visit(t, re, im)` for every frame with the (reused) spectrum buffers, so callers
   * can reduce each frame (power, mel) without materialising the complex spectrogram.
   */
  forEachFrame(samples: Float32Array, visit: (t: number, re: Float64Array, im: Float64Array) => void): number {
    checkFloat32('STFT', 'samples', samples);
    const src = this.center ? padSignal(samples, this.nFft >> 1, this.padMode) : samples;
    const frames = this.numFrames(samples.length);
    const { nFft, window: win, frame, re, im, hopLength } = this;
    for (let t = 0; t < frames; t++) {
      const off = t * hopLength;
      for (let i = 0; i < nFft; i++) frame[i] = src[off + i] * win[i];
      this.fft.forward(frame, re, im);
      visit(t, re, im);
    }
    return frames;
  }

  complex(samples: Float32Array): ComplexSpectrogram {
    const frames = this.numFrames(samples.length);
    const bins = this.bins;
    const outRe = new Float32Array(frames * bins);
    const outIm = new Float32Array(frames * bins);
    this.forEachFrame(samples, (t, re, im) => {
      outRe.set(re, t * bins);
      outIm.set(im, t * bins);
    });
    return { re: outRe, im: outIm, frames, bins };
  }

  /** |X|^power per bin: power 2 = power spectrum, 1 = magnitude. */
  spectrogram(samples: Float32Array, power: number = 2): Spectrogram {
    const frames = this.numFrames(samples.length);
    const bins = this.bins;
    const data = new Float32Array(frames * bins);
    this.forEachFrame(samples, (t, re, im) => {
      const row = t * bins;
      for (let k = 0; k < bins; k++) data[row + k] = spectralPower(re[k], im[k], power);
    });
    return { data, frames, bins };
  }
}

export function spectralPower(re: number, im: number, power: number): number {
  const p = re * re + im * im;
  return power === 2 ? p : power === 1 ? Math.sqrt(p) : Math.pow(p, power / 2);
}

/** Complex STFT (frames × bins, row-major). */
export function stft(samples: Float32Array, options: StftOptions): ComplexSpectrogram {
  return new StftPlan(options).complex(samples);
}

/** |STFT|². */
export function powerSpectrogram(samples: Float32Array, options: StftOptions): Spectrogram {
  return new StftPlan(options).spectrogram(samples, 2);
}

/** |STFT|. */
export function magnitudeSpectrogram(samples: Float32Array, options: StftOptions): Spectrogram {
  return new StftPlan(options).spectrogram(samples, 1);
}
