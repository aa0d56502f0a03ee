import { checkOptionKeys, type OptionKeys } from '../options.js';

/** Mean and standard deviation of the MNIST training pixels in [0, 1] (the usual torchvision constants). */
export const MNIST_MEAN = 0.1307;
export const MNIST_STD = 0.3081;

/** 'hwc': channels interleaved per pixel (readImage's `mode: 'rgb'`); 'chw': one plane per channel (hwcToChw, torchvision). */
export type ImageLayout = 'hwc' | 'chw';

export interface NormalizeImageOptions {
  /** How the channels are stored; required when mean or std has more than one value. */
  layout?: ImageLayout;
}

const NORMALIZE_KEYS: OptionKeys<NormalizeImageOptions> = { layout: true };

/**
 * (x − mean) / std, like torchvision's `Normalize`. Scalars (or one-element arrays) apply to every
 * value; longer arrays give one mean/std per channel, and then `options.layout` must say whether
 * the channels are interleaved or planar — guessing would subtract the red mean from green pixels.
 */
export function normalizeImage(
  data: ArrayLike<number>,
  mean: number | readonly number[],
  std: number | readonly number[],
  options: NormalizeImageOptions = {},
): Float32Array {
  checkOptionKeys('normalizeImage', options, NORMALIZE_KEYS);
  const means = typeof mean === 'number' ? [mean] : mean;
  const stds = typeof std === 'number' ? [std] : std;
  if (means.length === 0 || stds.length === 0) throw new Error('normalizeImage: mean and std need at least one value each');
  const channels = Math.max(means.length, stds.length);
  if ((means.length !== 1 && means.length !== channels) || (stds.length !== 1 && stds.length !== channels)) {
    throw new Error(`normalizeImage: mean and std give different channel counts (${means.length} vs ${stds.length})`);
  }
  if (means.some((m) => !Number.isFinite(m))) throw new Error(`normalizeImage: mean must be finite, got [${means.join(', ')}]`);
  if (stds.some((s) => !(s > 0 && s < Infinity))) throw new Error(`normalizeImage: std must be positive and finite, got [${stds.join(', ')}]`);
  const { layout } = options;
  if (layout !== undefined && layout !== 'hwc' && layout !== 'chw') {
    throw new Error(`normalizeImage: options.layout must be 'hwc' or 'chw', got ${JSON.stringify(layout)}`);
  }
  if (channels > 1 && layout === undefined) {
    throw new Error(
      `normalizeImage: ${channels} per-channel means/stds need options.layout: 'hwc' (interleaved pixels, as readImage's mode 'rgb' returns) ` +
        `or 'chw' (channel planes, as hwcToChw returns)`,
    );
  }
  if (data.length % channels !== 0) throw new Error(`normalizeImage: ${data.length} values do not split into ${channels} channels`);
  const m = Float64Array.from({ length: channels }, (_, c) => means[means.length === 1 ? 0 : c]);
  const inv = Float64Array.from({ length: channels }, (_, c) => 1 / stds[stds.length === 1 ? 0 : c]);
  const out = new Float32Array(data.length);
  if (layout === 'hwc') {
    for (let i = 0; i < data.length; i++) out[i] = (data[i] - m[i % channels]) * inv[i % channels];
  } else {
    const plane = data.length / channels;
    for (let c = 0; c < channels; c++) for (let i = c * plane; i < (c + 1) * plane; i++) out[i] = (data[i] - m[c]) * inv[c];
  }
  return out;
}
