import { checkNumber, checkOneOf, checkOptionKeys, NON_NEGATIVE, type OptionKeys, SIZE, UNIT } from '../options.js';
import { connectedComponents } from './components.js';
import { boundingBox, centerOfMass, crop, placeOnCanvas, type BoundingBox } from './geometry.js';
import { dilate, whiteTopHat } from './morphology.js';
import { detectPolarity, toInkOnBlack, type Polarity } from './polarity.js';
import { resizeGray } from './resize.js';
import { checkSeparateDigitsOptions, countSeparateDigits, type SeparateDigitsOptions } from './separate-digits.js';
import { borderPixels, otsuThreshold, quantile } from './stats.js';
import { estimateStrokeWidth } from './stroke.js';
import { toUnitGray, type GrayImage, type GrayInput } from './types.js';

export interface MnistPrepareOptions {
  /** Ink/background polarity of the input; 'auto' detects it. Default 'auto'. */
  polarity?: Polarity | 'auto';
  /** The digit is scaled to fit this square, keeping its aspect ratio. Default 20 (MNIST). */
  boxSize?: number;
  /** Output side length. Default 28. */
  canvasSize?: number;
  /** Larger inputs are first area-averaged to fit this many pixels a side. Default 256. */
  workingSize?: number;
  /** Ink blobs smaller than this fraction of the largest blob are treated as noise. Default 0.05. */
  minComponentFraction?: number;
  /** Thicken strokes thinner than this many output pixels (thin pen in a big photo). 0 = never. Default 2 (MNIST strokes are 2–3 px). */
  minStrokeWidth?: number;
  /** Thresholds of the side-by-side digit count (`separateDigits`); the defaults were chosen on MNIST training digits. */
  separateDigits?: SeparateDigitsOptions;
}

export interface PreparedDigit {
  /** canvasSize² values in [0, 1], ink bright on black. */
  data: Float32Array;
  polarity: Polarity;
  /** Ink bounding box in working-resolution pixels (null when no ink was found). */
  box: BoundingBox | null;
  /** True when nothing ink-like was found; data is then all zero. */
  empty: boolean;
  /**
   * Digit-sized blobs of ink standing side by side (before cropping, so all of them end up in
   * the one 28×28 output): 1 for a single digit, 2 or more for e.g. a written "42" or "123",
   * 0 when empty. Touching digits form one blob and count as one. See countSeparateDigits.
   */
  separateDigits: number;
}

// Below this contrast (in [0,1] units) between ink and paper we call the image blank.
const MIN_CONTRAST = 0.08;

/**
 * Turns an arbitrary grayscale digit image into an MNIST-style 28×28 input: ink made
 * bright on black, background and specks removed, cropped to the ink, scaled to fit
 * 20×20 with aspect ratio kept, and placed so its centre of mass sits at (14, 14) —
 * the preparation LeCun et al. describe for MNIST itself.
 */
const MNIST_PREPARE_KEYS: OptionKeys<MnistPrepareOptions> = {
  polarity: true, boxSize: true, canvasSize: true, workingSize: true, minComponentFraction: true, minStrokeWidth: true, separateDigits: true,
};

export function prepareMnistDigitDetailed(input: GrayInput, options: MnistPrepareOptions = {}): PreparedDigit {
  checkOptionKeys('prepareMnistDigit', options, MNIST_PREPARE_KEYS);
  const {
    polarity: polarityOpt = 'auto', boxSize = 20, canvasSize = 28, workingSize = 256, minComponentFraction = 0.05, minStrokeWidth = 2, separateDigits: separateOpts,
  } = options;
  if (!Number.isInteger(boxSize) || !Number.isInteger(canvasSize) || boxSize < 1 || boxSize > canvasSize) {
    throw new Error(`prepareMnistDigit: need integer 1 ≤ boxSize ≤ canvasSize, got ${boxSize}, ${canvasSize}`);
  }
  // Out of range, each of these gave a blank canvas (every blob dropped, or the image shrunk to nothing).
  checkOneOf('prepareMnistDigit', 'polarity', polarityOpt, ['auto', 'dark-on-light', 'light-on-dark']);
  checkNumber('prepareMnistDigit', 'workingSize', workingSize, SIZE);
  checkNumber('prepareMnistDigit', 'minComponentFraction', minComponentFraction, UNIT);
  checkNumber('prepareMnistDigit', 'minStrokeWidth', minStrokeWidth, NON_NEGATIVE);
  checkSeparateDigitsOptions('prepareMnistDigit', separateOpts);
  let img = toUnitGray(input);
  const longest = Math.max(img.width, img.height);
  if (longest > workingSize) {
    const s = workingSize / longest;
    img = resizeGray(img, Math.max(1, Math.round(img.width * s)), Math.max(1, Math.round(img.height * s)));
  }
  const polarity = polarityOpt === 'auto' ? detectPolarity(img) : polarityOpt;
  const ink = removeBackground(toInkOnBlack(img, polarity));
  const { width, height } = ink;
  const empty = (): PreparedDigit => ({ data: new Float32Array(canvasSize * canvasSize), polarity, box: null, empty: true, separateDigits: 0 });

  // Contrast stretch between half the Otsu level (noise floor) and typical ink brightness.
  const t = otsuThreshold(ink.data);
  const above = ink.data.filter((v) => v >= t);
  if (above.length === 0) return empty();
  const hi = quantile(above, 0.9);
  if (hi < MIN_CONTRAST) return empty();
  const lo = Math.min(0.5 * t, 0.5 * hi);
  const v = new Float32Array(ink.data.length);
  for (let i = 0; i < v.length; i++) v[i] = Math.min(1, Math.max(0, (ink.data[i] - lo) / (hi - lo)));

  // Keep the digit's blobs, drop specks; soft edge pixels next to kept blobs survive.
  const mask = new Uint8Array(v.length);
  for (let i = 0; i < v.length; i++) mask[i] = v[i] >= 0.5 ? 1 : 0;
  const { labels, areas } = connectedComponents(mask, width, height);
  if (areas.length === 0) return empty();
  // Counted on a mask with faint ink too, so a stroke the pen drew lightly does not split a digit.
  const faint = new Uint8Array(v.length);
  const inkLevel = separateOpts?.inkLevel ?? 0.25;
  for (let i = 0; i < v.length; i++) faint[i] = v[i] >= inkLevel ? 1 : 0;
  const separateDigits = countSeparateDigits(connectedComponents(faint, width, height), width, height, separateOpts);
  const minArea = areas.reduce((m, a) => Math.max(m, a), 0) * minComponentFraction;
  const keep = new Float32Array(v.length);
  for (let i = 0; i < v.length; i++) {
    mask[i] = labels[i] >= 0 && areas[labels[i]] >= minArea ? 1 : 0;
    keep[i] = mask[i];
  }
  const near = dilate({ data: keep, width, height }, 3).data;
  let digit: GrayImage = { data: v.map((x, i) => x * near[i]), width, height };
  let box = boundingBox(digit);
  if (!box) return empty();

  if (minStrokeWidth > 0) {
    const scale = boxSize / Math.max(box.width, box.height);
    const stroke = estimateStrokeWidth(mask, width, height);
    if (stroke * scale < minStrokeWidth) {
      const r = Math.ceil((minStrokeWidth / scale - stroke) / 2);
      digit = dilate(digit, 2 * r + 1);
      box = boundingBox(digit)!;
    }
  }

  const cropped = crop(digit, box);
  const s = boxSize / Math.max(box.width, box.height);
  const scaled = resizeGray(cropped, Math.max(1, Math.min(boxSize, Math.round(box.width * s))), Math.max(1, Math.min(boxSize, Math.round(box.height * s))));
  const com = centerOfMass(scaled)!;
  // Integer shift keeps pixels crisp (|error| ≤ 0.5 px); clamping keeps the whole digit on the canvas.
  const centre = canvasSize / 2;
  const left = Math.min(canvasSize - scaled.width, Math.max(0, Math.round(centre - com.x)));
  const top = Math.min(canvasSize - scaled.height, Math.max(0, Math.round(centre - com.y)));
  const out = placeOnCanvas(scaled, canvasSize, canvasSize, left, top).data;
  for (let i = 0; i < out.length; i++) out[i] = Math.min(1, Math.max(0, out[i]));
  return { data: out, polarity, box, empty: false, separateDigits };
}

/** MNIST-style 28×28 Float32Array in [0, 1] (see prepareMnistDigitDetailed). */
export function prepareMnistDigit(input: GrayInput, options: MnistPrepareOptions = {}): Float32Array {
  return prepareMnistDigitDetailed(input, options).data;
}

/**
 * Flattens the paper. Every image loses one background level; when the paper of a large
 * image (a photo) visibly varies in brightness, a white top-hat removes the uneven
 * lighting, its square wider than the strokes so they are not hollowed out. (No median
 * filter: at working resolution a thin pen stroke is 1–2 px wide and a median erases it;
 * specks are dropped later as small components.)
 */
function removeBackground(img: GrayImage): GrayImage {
  const { width, height } = img;
  const ring = Math.max(1, Math.round(0.05 * Math.min(width, height)));
  const border = borderPixels(img.data, width, height, ring);
  const level = Math.min(quantile(border, 0.5), quantile(img.data, 0.5));
  const flat = { data: img.data.map((x) => Math.max(0, x - level)), width, height };
  if (Math.min(width, height) < 48) return flat;
  // Ink may cover part of the border but rarely half of it, so the lower half of the border is paper.
  if (quantile(border, 0.5) - quantile(border, 0.02) < UNEVEN_PAPER) return flat;
  return whiteTopHat(flat, topHatSize(flat));
}

// Spread of paper brightness (2nd percentile to median of the border) above which lighting is called uneven.
const UNEVEN_PAPER = 0.06;

/**
 * A square about twice the stroke width. Strokes are measured after a first top-hat with
 * a wide square (which already follows smooth lighting), on blobs of at least 5% of the
 * largest so sensor noise does not pass for thin strokes.
 */
function topHatSize(img: GrayImage): number {
  const { width, height } = img;
  const side = Math.min(width, height);
  const wide = Math.floor(side / 2) | 1;
  const rough = whiteTopHat(img, wide);
  const t = otsuThreshold(rough.data);
  const mask = new Uint8Array(rough.data.length);
  for (let i = 0; i < mask.length; i++) mask[i] = rough.data[i] >= t ? 1 : 0;
  const { labels, areas } = connectedComponents(mask, width, height);
  if (areas.length === 0) return wide;
  const minArea = 0.05 * areas.reduce((m, a) => Math.max(m, a), 0);
  for (let i = 0; i < mask.length; i++) mask[i] = labels[i] >= 0 && areas[labels[i]] >= minArea ? 1 : 0;
  const stroke = estimateStrokeWidth(mask, width, height);
  return Math.min(Math.max(3, Math.ceil(2 * stroke) + 2), wide) | 1;
}
