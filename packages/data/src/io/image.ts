import { checkOptionKeys, type OptionKeys, toBytes } from '../options.js';
import { DataFormatError } from './errors.js';
import { readFileOrThrow } from './fs-utils.js';
import { loadSharp } from './sharp-lazy.js';

export interface ImageReadOptions {
  /** 'gray' (default): one channel; 'rgb': three interleaved channels (HWC). */
  mode?: 'gray' | 'rgb';
  /** 'float32' (default) scales to [0, 1]; 'uint8' keeps 0..255. */
  dtype?: 'float32' | 'uint8';
  /** Resize to exactly this size (fill, no letterboxing). */
  resize?: { width: number; height: number };
  /** Invert intensities (MNIST has white digits on black; photos of ink are the opposite). */
  invert?: boolean;
  /** Colour that transparent pixels are flattened onto (default white: ink on paper). */
  background?: string;
  /**
   * Largest image (width × height, before any resize) that is decoded; default DEFAULT_MAX_PIXELS.
   * A small compressed file can declare a huge canvas (a 747 KB PNG of 16000 × 16000 would need 1 GB
   * as gray floats, 3 GB as RGB), so larger images are refused up front, naming the size.
   */
  maxPixels?: number;
}

const IMAGE_KEYS: OptionKeys<ImageReadOptions> = { mode: true, dtype: true, resize: true, invert: true, background: true, maxPixels: true };

/** 64 megapixels: above any phone photo (12–50 MP); 256 MB as gray floats. */
export const DEFAULT_MAX_PIXELS = 2 ** 26;

export interface DecodedImage<D extends Float32Array | Uint8Array = Float32Array | Uint8Array> {
  data: D;
  width: number;
  height: number;
  channels: 1 | 3;
  /** Set when the file holds several frames or pages (an animated GIF/WebP, a multi-page TIFF): how many. Only the first is decoded. */
  frames?: number;
}

/**
 * Decodes any format sharp understands (PNG, JPEG, WebP, GIF, TIFF, AVIF…) to
 * raw pixels. Transparency is flattened onto white (or `background`), so a
 * transparent-background PNG drawing reads like ink on paper rather than as black.
 */
export function decodeImage(bytes: Uint8Array | ArrayBuffer, name: string, opts: ImageReadOptions & { dtype: 'uint8' }): Promise<DecodedImage<Uint8Array>>;
export function decodeImage(bytes: Uint8Array | ArrayBuffer, name: string, opts?: ImageReadOptions & { dtype?: 'float32' }): Promise<DecodedImage<Float32Array>>;
export function decodeImage(bytes: Uint8Array | ArrayBuffer, name: string, opts?: ImageReadOptions): Promise<DecodedImage>;
export async function decodeImage(input: Uint8Array | ArrayBuffer, name: string, opts: ImageReadOptions = {}): Promise<DecodedImage> {
  const bytes = toBytes('decodeImage', input, 'readImage');
  checkOptionKeys('decodeImage', opts, IMAGE_KEYS);
  const mode = opts.mode ?? 'gray';
  const dtype = opts.dtype ?? 'float32';
  const maxPixels = opts.maxPixels ?? DEFAULT_MAX_PIXELS;
  if (!(maxPixels >= 1)) throw new Error(`decodeImage: maxPixels must be a positive number, got ${maxPixels}`);
  // Checked here: sharp's own complaint would surface as "<file>: cannot decode image", blaming every file.
  if (opts.resize) {
    const { width, height } = opts.resize;
    if (![width, height].every((v) => Number.isInteger(v) && v >= 1)) throw new Error(`decodeImage: resize must be positive integers, got ${width}×${height}`);
  }
  const sharp = await loadSharp();
  // The header is read first (cheap), so an oversized canvas is refused before any pixel is decoded.
  const meta = await decodeOrThrow(bytes, name, () => sharp(bytes, { failOn: 'error', limitInputPixels: false }).metadata());
  const pixels = (meta.width ?? 0) * (meta.height ?? 0);
  if (pixels > maxPixels) {
    const count = (n: number) => n.toLocaleString('en-US');
    throw new DataFormatError(name, `image is ${meta.width} × ${meta.height} = ${count(pixels)} pixels, more than maxPixels (${count(maxPixels)}); pass a larger maxPixels to read it`);
  }
  const raw = await decodeOrThrow(bytes, name, () => {
    let img = sharp(bytes, { failOn: 'error', limitInputPixels: false }).autoOrient().flatten({ background: opts.background ?? '#ffffff' });
    if (opts.resize) img = img.resize(opts.resize.width, opts.resize.height, { fit: 'fill' });
    img = img.toColourspace('srgb');
    if (opts.invert) img = img.negate({ alpha: false });
    return img.raw().toBuffer({ resolveWithObject: true });
  });
  const { width, height, channels } = raw.info;
  if (channels !== 3) throw new DataFormatError(name, `decoded to ${channels} channels, expected 3 (sRGB)`);
  const rgb = new Uint8Array(raw.data.buffer, raw.data.byteOffset, raw.data.byteLength);
  const bytesOut = mode === 'gray' ? luma(rgb) : rgb.slice();
  const want = mode === 'gray' ? 1 : 3;
  const frames = (meta.pages ?? 1) > 1 ? { frames: meta.pages } : {};
  if (dtype === 'uint8') return { data: bytesOut, width, height, channels: want, ...frames };
  const data = new Float32Array(bytesOut.length);
  for (let i = 0; i < bytesOut.length; i++) data[i] = bytesOut[i] / 255;
  return { data, width, height, channels: want, ...frames };
}

/**
 * ITU-R 601-2 luma, L = 0.299 R + 0.587 G + 0.114 B, in PIL's fixed point (`convert('L')`;
 * torchvision's Grayscale uses the same weights), so a model sees the gray images it would have
 * seen in PyTorch. libvips' own gray ('b-w') weighs in linear light: pure red became 127, not 76.
 */
function luma(rgb: Uint8Array): Uint8Array {
  const out = new Uint8Array(rgb.length / 3);
  for (let i = 0, j = 0; i < out.length; i++, j += 3) out[i] = (rgb[j] * 19595 + rgb[j + 1] * 38470 + rgb[j + 2] * 7471 + 0x8000) >> 16;
  return out;
}

/** Runs `decode` (a sharp pipeline on `bytes`), reporting an empty input or sharp's error as a DataFormatError naming `name`. */
export async function decodeOrThrow<T>(bytes: Uint8Array, name: string, decode: () => Promise<T>): Promise<T> {
  if (bytes.length === 0) throw new DataFormatError(name, 'empty file, expected an image');
  try {
    return await decode();
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    throw new DataFormatError(name, `cannot decode image (${detail})`, { cause: err });
  }
}

export function readImage(path: string, opts: ImageReadOptions & { dtype: 'uint8' }): Promise<DecodedImage<Uint8Array>>;
export function readImage(path: string, opts?: ImageReadOptions & { dtype?: 'float32' }): Promise<DecodedImage<Float32Array>>;
export function readImage(path: string, opts?: ImageReadOptions): Promise<DecodedImage>;
export async function readImage(path: string, opts: ImageReadOptions = {}): Promise<DecodedImage> {
  // Before the file is read, so a misspelt key is named rather than a decode error blamed on the file.
  checkOptionKeys('readImage', opts, IMAGE_KEYS);
  return decodeImage(await readFileOrThrow(path), path, opts);
}
