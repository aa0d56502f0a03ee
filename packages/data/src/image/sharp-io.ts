import { readFileOrThrow } from '../io/fs-utils.js';
import { DataFormatError } from '../io/errors.js';
import { decodeImage } from '../io/image.js';
import { loadSharp } from '../io/sharp-lazy.js';
import { assertImage, type GrayInput } from './types.js';
import { toBytes } from '../options.js';

/**
 * Decodes any image sharp reads (PNG, JPEG, WebP, ...) to 8-bit grayscale (ITU-R 601 luma, as PIL's
 * `convert('L')`), applying EXIF rotation and flattening alpha on white: `readImage` with `dtype: 'uint8'`.
 * Failures are DataFormatErrors naming the file (or 'image bytes' for a buffer), as readImage's are.
 */
export async function loadImageGray(source: string | Buffer | Uint8Array): Promise<{ data: Uint8Array; width: number; height: number }> {
  const name = typeof source === 'string' ? source : 'image bytes';
  const bytes = typeof source === 'string' ? await readFileOrThrow(source) : source;
  if (bytes.length === 0) throw new DataFormatError(name, 'empty file, expected an image');
  const { data, width, height } = await decodeImage(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), name, { dtype: 'uint8' });
  return { data, width, height };
}

/** Encodes a grayscale image (bytes, or floats in [0, 1]) as an 8-bit PNG. */
export async function encodePng(data: GrayInput['data'], width: number, height: number): Promise<Buffer> {
  assertImage({ data, width, height }, 'encodePng');
  const bytes = new Uint8Array(width * height);
  if (data instanceof Float32Array) for (let i = 0; i < bytes.length; i++) bytes[i] = Math.round(Math.min(1, Math.max(0, data[i])) * 255);
  else bytes.set(data);
  const sharp = await loadSharp();
  return sharp(bytes, { raw: { width, height, channels: 1 } }).png().toBuffer();
}

/** Renders an SVG document to PNG (for plots and reports; fonts: whatever fontconfig finds). */
export async function svgToPng(svg: string): Promise<Buffer> {
  const sharp = await loadSharp();
  return sharp(Buffer.from(svg, 'utf8')).png().toBuffer();
}

/** Encodes interleaved 8-bit RGB pixels as PNG. */
export async function encodeRgbPng(rgb: Uint8Array, width: number, height: number): Promise<Buffer> {
  return encodeInterleaved('encodeRgbPng', rgb, width, height, 3);
}

/** Interleaved RGBA bytes → PNG with an alpha channel (e.g. a drawing on a transparent canvas). */
export async function encodeRgbaPng(rgba: Uint8Array, width: number, height: number): Promise<Buffer> {
  return encodeInterleaved('encodeRgbaPng', rgba, width, height, 4);
}

async function encodeInterleaved(op: string, bytes: Uint8Array, width: number, height: number, channels: 3 | 4): Promise<Buffer> {
  const want = width * height * channels;
  if (bytes.length !== want) throw new Error(`${op}: ${bytes.length} bytes for a ${width}x${height} ${channels === 3 ? 'RGB' : 'RGBA'} image (expected ${want})`);
  const sharp = await loadSharp();
  return sharp(bytes, { raw: { width, height, channels } }).png().toBuffer();
}

/** Width, height and channel count of an encoded image (to check rendered output). */
export async function imageInfo(input: Uint8Array | ArrayBuffer): Promise<{ width: number; height: number; channels: number; format: string }> {
  const bytes = toBytes('imageInfo', input);
  const sharp = await loadSharp();
  const m = await sharp(bytes).metadata();
  return { width: m.width ?? 0, height: m.height ?? 0, channels: m.channels ?? 0, format: m.format ?? 'unknown' };
}
