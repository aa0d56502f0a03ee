import type { NumericArray, StackedArray } from '../loader/collate.js';

/** Pixels with their channels interleaved (HWC), as `readImage` returns them. */
export interface InterleavedImage<A extends NumericArray = NumericArray> {
  data: A;
  width: number;
  height: number;
  channels: number;
}

function checkDims(what: string, width: number, height: number, channels: number, length: number): void {
  for (const [name, v] of [['width', width], ['height', height], ['channels', channels]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new Error(`${what}: ${name} must be a positive integer, got ${v}`);
  }
  if (length !== width * height * channels) {
    throw new Error(`${what}: ${height}×${width}×${channels} needs ${height * width * channels} values, data has ${length}`);
  }
}

/**
 * Interleaved pixels → channel planes with shape [C, H, W], the layout of torchvision's
 * `ToTensor` and of conv layers' input; `arrayToTensor` turns the result into a tensor.
 * The data keeps its array type (uint8 stays uint8).
 */
export function hwcToChw<A extends NumericArray>(img: InterleavedImage<A>): StackedArray<A> {
  const { data, width, height, channels } = img;
  checkDims('hwcToChw', width, height, channels, data.length);
  const plane = width * height;
  const out = new (data.constructor as { new (n: number): A })(data.length);
  for (let p = 0; p < plane; p++) for (let c = 0; c < channels; c++) out[c * plane + p] = data[p * channels + c];
  return { data: out, shape: [channels, height, width] };
}

/** The inverse of hwcToChw: [C, H, W] planes (a model's image output, say) → interleaved pixels for encoding. */
export function chwToHwc<A extends NumericArray>(planar: StackedArray<A>): InterleavedImage<A> {
  const { data, shape } = planar;
  if (shape.length !== 3) throw new Error(`chwToHwc: shape must be [channels, height, width], got [${shape.join(', ')}]`);
  const [channels, height, width] = shape;
  checkDims('chwToHwc', width, height, channels, data.length);
  const plane = width * height;
  const out = new (data.constructor as { new (n: number): A })(data.length);
  for (let p = 0; p < plane; p++) for (let c = 0; c < channels; c++) out[p * channels + c] = data[c * plane + p];
  return { data: out, width, height, channels };
}
