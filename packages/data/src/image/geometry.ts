import { checkNumber, COUNT, SIZE } from '../options.js';
import { type GrayImage } from './types.js';

export interface BoundingBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Smallest box containing every pixel above `threshold`, or null if there is none. */
export function boundingBox(img: GrayImage, threshold = 0): BoundingBox | null {
  const { data, width, height } = img;
  let x0 = width;
  let y0 = height;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (data[y * width + x] > threshold) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
    }
  }
  return x1 < 0 ? null : { x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1 };
}

export function crop(img: GrayImage, box: BoundingBox): GrayImage {
  // Outside the image, rows were read from the neighbouring row or past the end (zeros), and a
  // fractional x was truncated by subarray: a shifted crop instead of an error.
  const { x, y, width, height } = box;
  checkNumber('crop', 'box.x', x, COUNT);
  checkNumber('crop', 'box.y', y, COUNT);
  checkNumber('crop', 'box.width', width, SIZE);
  checkNumber('crop', 'box.height', height, SIZE);
  if (x + width > img.width || y + height > img.height) {
    throw new Error(`crop: box ${width}×${height} at (${x}, ${y}) does not fit in the ${img.width}×${img.height} image`);
  }
  const out = new Float32Array(box.width * box.height);
  for (let y = 0; y < box.height; y++) {
    const from = (box.y + y) * img.width + box.x;
    out.set(img.data.subarray(from, from + box.width), y * box.width);
  }
  return { data: out, width: box.width, height: box.height };
}

/** Intensity-weighted centroid in pixel-index coordinates (pixel (0,0) is at 0,0), or null for an empty image. */
export function centerOfMass(img: GrayImage): { x: number; y: number } | null {
  const { data, width, height } = img;
  let m = 0;
  let sx = 0;
  let sy = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = data[y * width + x];
      m += v;
      sx += v * x;
      sy += v * y;
    }
  }
  return m > 0 ? { x: sx / m, y: sy / m } : null;
}

/** Copies `img` onto a zero canvas with its top-left corner at (left, top); parts outside are clipped. */
export function placeOnCanvas(img: GrayImage, canvasWidth: number, canvasHeight: number, left: number, top: number): GrayImage {
  checkNumber('placeOnCanvas', 'canvasWidth', canvasWidth, SIZE);
  checkNumber('placeOnCanvas', 'canvasHeight', canvasHeight, SIZE);
  // A NaN or fractional offset matched no canvas index: a blank canvas instead of the image.
  if (!Number.isSafeInteger(left) || !Number.isSafeInteger(top)) throw new Error(`placeOnCanvas: left and top must be integers, got ${left}, ${top}`);
  const out = new Float32Array(canvasWidth * canvasHeight);
  for (let y = 0; y < img.height; y++) {
    const cy = top + y;
    if (cy < 0 || cy >= canvasHeight) continue;
    for (let x = 0; x < img.width; x++) {
      const cx = left + x;
      if (cx >= 0 && cx < canvasWidth) out[cy * canvasWidth + cx] = img.data[y * img.width + x];
    }
  }
  return { data: out, width: canvasWidth, height: canvasHeight };
}
