import { checkOptionalBoolean } from '../options.js';
export type WindowType = 'hann' | 'hamming' | 'povey' | 'rectangular';

/**
 * Analysis window of `length` samples. Periodic windows (denominator N, the default of
 * torch.hann_window and librosa) tile exactly under overlap-add; symmetric ones (N-1)
 * match numpy.hanning / MATLAB. Povey (Kaldi) is always symmetric: a Hann raised to 0.85.
 */
export function makeWindow(type: WindowType, length: number, periodic = true): Float64Array {
  if (!Number.isInteger(length) || length < 1) throw new Error(`makeWindow: length must be a positive integer, got ${length}`);
  // 'false' is truthy: it gave the periodic window.
  checkOptionalBoolean('makeWindow', 'periodic', periodic);
  const w = new Float64Array(length);
  if (length === 1) {
    w[0] = 1;
    return w;
  }
  const denom = periodic && type !== 'povey' ? length : length - 1;
  for (let n = 0; n < length; n++) {
    const c = Math.cos((2 * Math.PI * n) / denom);
    switch (type) {
      case 'hann':
        w[n] = 0.5 - 0.5 * c;
        break;
      case 'hamming':
        w[n] = 0.54 - 0.46 * c;
        break;
      case 'povey':
        w[n] = Math.pow(0.5 - 0.5 * c, 0.85);
        break;
      case 'rectangular':
        w[n] = 1;
        break;
      default:
        throw new Error(`makeWindow: unknown window ${JSON.stringify(type)} (use hann, hamming, povey or rectangular)`);
    }
  }
  return w;
}

/** Centres a window of winLength inside nFft zeros, as torch.stft and librosa do when winLength < nFft. */
export function padWindow(window: Float64Array, nFft: number): Float64Array {
  if (window.length > nFft) throw new Error(`padWindow: window length ${window.length} exceeds nFft ${nFft}`);
  const out = new Float64Array(nFft);
  out.set(window, (nFft - window.length) >> 1);
  return out;
}
