import sharp from 'sharp';
import { DataFormatError } from './errors.js';
import { readFileOrThrow } from './fs-utils.js';

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
}

export interface DecodedImage<D extends Float32Array | Uint8Array = Float32Array | Uint8Array> {
  data: D;
  width: number;
  height: number;
  channels: 1 | 3;
}

/**
 * Decodes any format sharp understands (PNG, JPEG, WebP, GIF, TIFF, AVIF…) to
 * raw pixels. Transparency is flattened onto white (or `background`), so a
 * transparent-background PNG drawing reads like ink on paper rather than as black.
 */
export function decodeImage(bytes: Buffer, name: string, opts: ImageReadOptions & { dtype: 'uint8' }): Promise<DecodedImage<Uint8Array>>;
export function decodeImage(bytes: Buffer, name: string, opts?: ImageReadOptions & { dtype?: 'float32' }): Promise<DecodedImage<Float32Array>>;
export function decodeImage(bytes: Buffer, name: string, opts?: ImageReadOptions): Promise<DecodedImage>;
export async function decodeImage(bytes: Buffer, name: string, opts: ImageReadOptions = {}): Promise<DecodedImage> {
  const mode = opts.mode ?? 'gray';
  const dtype = opts.dtype ?? 'float32';
  const raw = await decodeOrThrow(bytes, name, () => {
    let img = sharp(bytes, { failOn: 'error' }).autoOrient().flatten({ background: opts.background ?? '#ffffff' });
    if (opts.resize) img = img.resize(opts.resize.width, opts.resize.height, { fit: 'fill' });
    img = mode === 'gray' ? img.toColourspace('b-w') : img.toColourspace('srgb');
    if (opts.invert) img = img.negate({ alpha: false });
    return img.raw().toBuffer({ resolveWithObject: true });
  });
  const { width, height, channels } = raw.info;
  const want = mode === 'gray' ? 1 : 3;
  if (channels !== want) throw new DataFormatError(name, `decoded to ${channels} channels, expected ${want}`);
  const pixels = new Uint8Array(raw.data.buffer, raw.data.byteOffset, raw.data.byteLength);
  if (dtype === 'uint8') return { data: pixels.slice(), width, height, channels: want };
  const data = new Float32Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) data[i] = pixels[i] / 255;
  return { data, width, height, channels: want };
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
  return decodeImage(await readFileOrThrow(path), path, opts);
}
