/**
 * The one preprocessing contract shared by training, evaluation and
 * prediction. MNIST IDX digits are already size-normalised and centred, so
 * they only get scaled to [0, 1] and standardised; any other image first goes
 * through `prepareMnistDigit` (polarity detection, crop, 20×20 fit, centre of
 * mass at the middle of 28×28) and then gets the same standardisation. The
 * constants are stored in every model file and checked when it is loaded.
 */
import { MNIST_MEAN, MNIST_STD, prepareMnistDigitDetailed, readImage, type GrayInput, type Polarity } from '@tensorkit/data';
import { IMAGE_SIZE } from './model.js';

export interface PreprocessConfig {
  kind: 'mnist-prepare';
  canvasSize: number;
  boxSize: number;
  mean: number;
  std: number;
}

export const PREPROCESS: PreprocessConfig = { kind: 'mnist-prepare', canvasSize: IMAGE_SIZE, boxSize: 20, mean: MNIST_MEAN, std: MNIST_STD };

export const PIXELS = IMAGE_SIZE * IMAGE_SIZE;

/** Writes standardised pixels of 0..255 bytes into `out` at `offset`. */
export function standardiseBytes(src: Uint8Array, srcOffset: number, out: Float32Array, offset: number, cfg: PreprocessConfig = PREPROCESS): void {
  const a = 1 / (255 * cfg.std);
  const b = -cfg.mean / cfg.std;
  for (let i = 0; i < PIXELS; i++) out[offset + i] = src[srcOffset + i] * a + b;
}

/** Standardises [0, 1] pixels in place. */
export function standardiseUnit(data: Float32Array, cfg: PreprocessConfig = PREPROCESS): Float32Array {
  for (let i = 0; i < data.length; i++) data[i] = (data[i] - cfg.mean) / cfg.std;
  return data;
}

/**
 * Checks a caller's 28×28 image in [0, 1] (a `PreparedInput.unit`, an explanation input)
 * before it is standardised. A short array was padded with black and a long one spilled into
 * the next image, NaN went through the network, and 0–255 values came out as a confident
 * digit — all silently. The slack allows for float rounding in resampling.
 */
export function checkUnitImage(unit: ArrayLike<number>, name: string): void {
  if (unit.length !== PIXELS) throw new RangeError(`${name}: expected ${IMAGE_SIZE}×${IMAGE_SIZE} = ${PIXELS} pixels in [0, 1], got ${unit.length} values`);
  for (let i = 0; i < PIXELS; i++) {
    const v = unit[i];
    if (v >= -1e-3 && v <= 1 + 1e-3) continue;
    const hint = v > 1 && v <= 255 ? ' (0–255 values? divide them by 255)' : '';
    throw new RangeError(`${name}: pixel ${i} is ${v}; pixels must be numbers in [0, 1]${hint}`);
  }
}

export interface PreparedImage {
  /** 28×28 in [0, 1], ink bright on black (before standardisation; what the model "sees"). */
  unit: Float32Array;
  polarity: Polarity;
  /** No ink found: the image is blank or has no contrast. */
  empty: boolean;
  /** Digit-sized blobs of ink side by side (1 for one digit, 0 when empty); see prepareMnistDigitDetailed. */
  separateDigits: number;
}

/** Any grayscale image → MNIST-style 28×28 in [0, 1]. */
export function prepareImage(img: GrayInput, cfg: PreprocessConfig = PREPROCESS): PreparedImage {
  const p = prepareMnistDigitDetailed(img, { canvasSize: cfg.canvasSize, boxSize: cfg.boxSize });
  return { unit: p.data, polarity: p.polarity, empty: p.empty, separateDigits: p.separateDigits };
}

/**
 * Reads an image file and prepares it. Transparency is flattened onto white (ink on paper);
 * when that leaves nothing — light ink on a transparent canvas, as dark-mode drawing apps
 * export it — the file is read again flattened onto black.
 */
export async function readDigitImage(path: string, cfg: PreprocessConfig = PREPROCESS): Promise<PreparedImage & { frames?: number }> {
  const image = await readImage(path, { dtype: 'uint8' });
  // An animated GIF or multi-page TIFF: only its first frame is read, and the user is told.
  const frames = image.frames ? { frames: image.frames } : {};
  const onWhite = prepareImage(image, cfg);
  if (!onWhite.empty) return { ...onWhite, ...frames };
  const onBlack = prepareImage(await readImage(path, { dtype: 'uint8', background: '#000000' }), cfg);
  return { ...(onBlack.empty ? onWhite : onBlack), ...frames };
}
