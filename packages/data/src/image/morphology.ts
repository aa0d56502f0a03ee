import { checkNumber, NON_NEGATIVE, SIZE } from '../options.js';
import { type GrayImage } from './types.js';

/** Sliding min or max over a window of `size` along one line (monotonic deque, O(n)); edges use the partial window. */
function slide(src: Float32Array, dst: Float32Array, start: number, stride: number, n: number, size: number, max: boolean, q: Int32Array): void {
  const r = size >> 1;
  let head = 0;
  let tail = 0;
  let next = 0;
  for (let i = 0; i < n; i++) {
    const hiIdx = Math.min(n - 1, i + r);
    for (; next <= hiIdx; next++) {
      const v = src[start + next * stride];
      while (tail > head && (max ? src[start + q[tail - 1] * stride] <= v : src[start + q[tail - 1] * stride] >= v)) tail--;
      q[tail++] = next;
    }
    while (q[head] < i - r) head++;
    dst[start + i * stride] = src[start + q[head] * stride];
  }
}

function filter2d(img: GrayImage, size: number, max: boolean): GrayImage {
  checkNumber(max ? 'dilate' : 'erode', 'size', size, SIZE);
  const { data, width, height } = img;
  if (size <= 1) return { data: Float32Array.from(data), width, height };
  const tmp = new Float32Array(data.length);
  const out = new Float32Array(data.length);
  const q = new Int32Array(Math.max(width, height));
  for (let y = 0; y < height; y++) slide(data, tmp, y * width, 1, width, size, max, q);
  for (let x = 0; x < width; x++) slide(tmp, out, x, width, height, size, max, q);
  return { data: out, width, height };
}

/** Grayscale erosion with a size × size square. */
export function erode(img: GrayImage, size: number): GrayImage {
  return filter2d(img, size, false);
}

/** Grayscale dilation with a size × size square. */
export function dilate(img: GrayImage, size: number): GrayImage {
  return filter2d(img, size, true);
}

/**
 * White top-hat: the image minus its opening. Removes bright structures wider than the
 * square in both directions (uneven lighting, paper edges) and keeps thinner strokes.
 */
export function whiteTopHat(img: GrayImage, size: number): GrayImage {
  const opened = dilate(erode(img, size), size);
  const out = new Float32Array(img.data.length);
  for (let i = 0; i < out.length; i++) out[i] = Math.max(0, img.data[i] - opened.data[i]);
  return { data: out, width: img.width, height: img.height };
}

/** 3 × 3 median filter (edge pixels use their in-bounds neighbours): removes salt-and-pepper specks. */
export function median3x3(img: GrayImage): GrayImage {
  const { data, width, height } = img;
  const out = new Float32Array(data.length);
  const buf = new Float32Array(9);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let n = 0;
      for (let dy = -1; dy <= 1; dy++) {
        const yy = y + dy;
        if (yy < 0 || yy >= height) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const xx = x + dx;
          if (xx >= 0 && xx < width) buf[n++] = data[yy * width + xx];
        }
      }
      const s = buf.subarray(0, n).sort();
      out[y * width + x] = n & 1 ? s[n >> 1] : 0.5 * (s[(n >> 1) - 1] + s[n >> 1]);
    }
  }
  return { data: out, width, height };
}

/** Separable Gaussian blur; out-of-image samples are zero (matches an image on a black background). */
export function gaussianBlur(data: Float32Array | Float64Array, width: number, height: number, sigma: number): Float64Array {
  checkNumber('gaussianBlur', 'sigma', sigma, NON_NEGATIVE);
  const out = new Float64Array(data.length);
  if (!(sigma > 0)) {
    out.set(data);
    return out;
  }
  const r = Math.max(1, Math.ceil(3 * sigma));
  const k = new Float64Array(2 * r + 1);
  let s = 0;
  for (let i = -r; i <= r; i++) s += k[i + r] = Math.exp(-(i * i) / (2 * sigma * sigma));
  for (let i = 0; i < k.length; i++) k[i] /= s;
  const tmp = new Float64Array(data.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let acc = 0;
      for (let i = -r; i <= r; i++) {
        const xx = x + i;
        if (xx >= 0 && xx < width) acc += k[i + r] * data[y * width + xx];
      }
      tmp[y * width + x] = acc;
    }
  }
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let acc = 0;
      for (let i = -r; i <= r; i++) {
        const yy = y + i;
        if (yy >= 0 && yy < height) acc += k[i + r] * tmp[yy * width + x];
      }
      out[y * width + x] = acc;
    }
  }
  return out;
}
