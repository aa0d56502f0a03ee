/** A single-channel image, row-major; Float32 data is in [0, 1]. */
export interface GrayImage {
  data: Float32Array;
  width: number;
  height: number;
}

/** Accepted grayscale input: bytes (0..255) or floats (in [0, 1], or 0..255 if any value exceeds 1). */
export interface GrayInput {
  data: Float32Array | Uint8Array | Uint8ClampedArray;
  width: number;
  height: number;
}

export function assertImage(img: GrayInput, what: string): void {
  const { data, width, height } = img;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new Error(`${what}: width and height must be positive integers, got ${width}×${height}`);
  }
  if (data.length !== width * height) {
    throw new Error(`${what}: expected ${width}×${height} = ${width * height} pixels (one channel), got ${data.length}`);
  }
}

/** Copies into Float32 [0, 1]: bytes are divided by 255, floats only if they look like 0..255. */
export function toUnitGray(img: GrayInput): GrayImage {
  assertImage(img, 'toUnitGray');
  const { data, width, height } = img;
  const out = new Float32Array(data.length);
  let scale = 1;
  if (!(data instanceof Float32Array)) scale = 1 / 255;
  else {
    let max = 0;
    for (let i = 0; i < data.length; i++) {
      // NaN would pass the clamp below (Math.min/max keep it) and break the geometry after it.
      if (!Number.isFinite(data[i])) throw new Error(`toUnitGray: pixel ${i} is ${data[i]}; pixels must be finite numbers`);
      if (data[i] > max) max = data[i];
    }
    if (max > 1) scale = 1 / 255;
  }
  for (let i = 0; i < data.length; i++) out[i] = Math.min(1, Math.max(0, data[i] * scale));
  return { data: out, width, height };
}
