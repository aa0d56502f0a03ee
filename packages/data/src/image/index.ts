export { toUnitGray, type GrayImage, type GrayInput } from './types.js';
export { normalizeImage, MNIST_MEAN, MNIST_STD, type ImageLayout, type NormalizeImageOptions } from './normalize.js';
export { hwcToChw, chwToHwc, type InterleavedImage } from './layout.js';
export { detectPolarity, toInkOnBlack, type Polarity } from './polarity.js';
export { resizeGray } from './resize.js';
export { boundingBox, crop, centerOfMass, placeOnCanvas, type BoundingBox } from './geometry.js';
export { otsuThreshold } from './stats.js';
export { erode, dilate, whiteTopHat, median3x3, gaussianBlur } from './morphology.js';
export { connectedComponents, type Components } from './components.js';
export { prepareMnistDigit, prepareMnistDigitDetailed, type MnistPrepareOptions, type PreparedDigit } from './mnist-prepare.js';
export { countSeparateDigits, type SeparateDigitsOptions } from './separate-digits.js';
export {
  affineMatrix, invertAffine, warpAffine, randomAffine, sampleAffineParams,
  type AffineMatrix, type AffineParams, type RandomAffineOptions,
} from './affine.js';
export { elasticDistort, type ElasticOptions } from './elastic.js';
export { loadImageGray, encodePng, svgToPng, encodeRgbPng, encodeRgbaPng, imageInfo } from './sharp-io.js';
