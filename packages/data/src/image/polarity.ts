import { borderPixels, mean, quantile } from './stats.js';
import { type GrayImage } from './types.js';

export type Polarity = 'dark-on-light' | 'light-on-dark';

/**
 * Guesses whether ink is darker than the paper. The background dominates the image border
 * and (usually) the median, so a background brighter than the mean means dark ink. The
 * border gets more say because a tight crop of a bold digit can be mostly ink.
 */
export function detectPolarity(img: GrayImage): Polarity {
  const { data, width, height } = img;
  const ring = Math.max(1, Math.round(0.05 * Math.min(width, height)));
  const avg = mean(data);
  const score = (quantile(borderPixels(data, width, height, ring), 0.5) - avg) + 0.5 * (quantile(data, 0.5) - avg);
  return score > 0 ? 'dark-on-light' : 'light-on-dark';
}

/** Returns an image with bright ink on a dark background (MNIST convention), inverting if needed. */
export function toInkOnBlack(img: GrayImage, polarity: Polarity = detectPolarity(img)): GrayImage {
  if (polarity === 'light-on-dark') return { data: Float32Array.from(img.data), width: img.width, height: img.height };
  const out = new Float32Array(img.data.length);
  for (let i = 0; i < out.length; i++) out[i] = 1 - img.data[i];
  return { data: out, width: img.width, height: img.height };
}
