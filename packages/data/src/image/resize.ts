import { assertImage, type GrayImage } from './types.js';

interface AxisWeights {
  /** For each output pixel, index of the first contributing input pixel. */
  first: Int32Array;
  /** Flattened weights; output i uses weights[offset[i] .. offset[i+1]). */
  offset: Int32Array;
  weights: Float64Array;
}

/**
 * Per-axis resampling weights. Shrinking integrates each input pixel's overlap with the
 * output pixel's footprint (area averaging, so thin strokes fade instead of vanishing or
 * aliasing); enlarging interpolates bilinearly between pixel centres.
 */
function axisWeights(srcLen: number, dstLen: number): AxisWeights {
  const scale = srcLen / dstLen;
  const first = new Int32Array(dstLen);
  const offset = new Int32Array(dstLen + 1);
  const w: number[] = [];
  for (let i = 0; i < dstLen; i++) {
    offset[i] = w.length;
    if (scale > 1) {
      const lo = i * scale;
      const hi = (i + 1) * scale;
      const j0 = Math.floor(lo);
      first[i] = j0;
      for (let j = j0; j < hi && j < srcLen; j++) w.push((Math.min(hi, j + 1) - Math.max(lo, j)) / scale);
    } else {
      const x = (i + 0.5) * scale - 0.5;
      const j0 = Math.floor(x);
      const f = x - j0;
      const a = Math.min(srcLen - 1, Math.max(0, j0));
      const b = Math.min(srcLen - 1, Math.max(0, j0 + 1));
      first[i] = a;
      if (b === a) w.push(1);
      else w.push(1 - f, f);
    }
  }
  offset[dstLen] = w.length;
  return { first, offset, weights: Float64Array.from(w) };
}

/** Resizes a grayscale image (area averaging when shrinking, bilinear when enlarging; each axis separately). */
export function resizeGray(img: GrayImage, width: number, height: number): GrayImage {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new Error(`resizeGray: target size must be positive integers, got ${width}×${height}`);
  }
  assertImage(img, 'resizeGray');
  const { data: src, width: sw, height: sh } = img;
  const ax = axisWeights(sw, width);
  const ay = axisWeights(sh, height);
  const tmp = new Float64Array(width * sh);
  for (let y = 0; y < sh; y++) {
    const row = y * sw;
    for (let x = 0; x < width; x++) {
      let acc = 0;
      for (let k = ax.offset[x], j = ax.first[x]; k < ax.offset[x + 1]; k++, j++) acc += ax.weights[k] * src[row + j];
      tmp[y * width + x] = acc;
    }
  }
  const out = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let acc = 0;
      for (let k = ay.offset[y], j = ay.first[y]; k < ay.offset[y + 1]; k++, j++) acc += ay.weights[k] * tmp[j * width + x];
      out[y * width + x] = acc;
    }
  }
  return { data: out, width, height };
}
