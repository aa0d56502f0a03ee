// A photo-like digit (dark ink on light paper, off-centre) → an MNIST-style 28×28 input, then seeded augmentation;
// and a colour image → a normalized [C, H, W] tensor, as torchvision's ToTensor + Normalize give.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Generator } from '@tensorkit/core';
import {
  arrayToTensor, centerOfMass, elasticDistort, encodePng, encodeRgbPng, hwcToChw, MNIST_MEAN, MNIST_STD, normalizeImage,
  prepareMnistDigitDetailed, randomAffine, readImage,
} from '@tensorkit/data';

const dir = mkdtempSync(join(tmpdir(), 'tensorkit-images-'));
try {
  // 120×90 light-grey paper with a dark "1" (a thick vertical bar) near the left edge.
  const width = 120;
  const height = 90;
  const pixels = new Uint8Array(width * height).fill(230);
  for (let y = 15; y < 75; y++) for (let x = 20; x < 28; x++) pixels[y * width + x] = 25;
  const png = join(dir, 'digit.png');
  writeFileSync(png, await encodePng(pixels, width, height));

  // readImage decodes anything sharp reads (PNG, JPEG, WebP…) to gray floats in [0, 1] (HWC for 'rgb').
  const img = await readImage(png);
  assert.deepEqual([img.width, img.height, img.channels], [width, height, 1]);

  // Polarity detected, paper removed, cropped, scaled into 20×20, centre of mass moved to (14, 14).
  const digit = prepareMnistDigitDetailed(img);
  assert.equal(digit.polarity, 'dark-on-light');
  assert.equal(digit.data.length, 28 * 28);
  const com = centerOfMass({ data: digit.data, width: 28, height: 28 })!;
  assert.ok(Math.abs(com.x - 14) <= 1 && Math.abs(com.y - 14) <= 1, `centre of mass at ${com.x}, ${com.y}`);
  assert.ok(digit.data[14 * 28 + 14] > 0.9 && digit.data[14 * 28 + 3] === 0); // bright ink on black, as in MNIST

  // Augmentation takes a RandomSource (a core Generator): the same seed gives the same image.
  const canvas = { data: digit.data, width: 28, height: 28 };
  const a = randomAffine(canvas, new Generator(5), { maxRotation: 15, maxTranslate: 0.1 });
  const b = randomAffine(canvas, new Generator(5), { maxRotation: 15, maxTranslate: 0.1 });
  assert.deepEqual(a.data, b.data);
  const elastic = elasticDistort(canvas, new Generator(6), { alpha: 8, sigma: 4 });
  assert.notDeepEqual(elastic.data, canvas.data);

  // torchvision's Normalize((0.1307,), (0.3081,)) equivalent, ready for a model.
  const input = normalizeImage(a.data, MNIST_MEAN, MNIST_STD);
  assert.ok(Math.abs(input[0] - (0 - MNIST_MEAN) / MNIST_STD) < 1e-6);

  // Colour: readImage's 'rgb' pixels are interleaved (HWC). hwcToChw gives the [C, H, W] planes of
  // ToTensor; per-channel statistics need the layout spelled out, so they cannot hit the wrong channel.
  const rgbPath = join(dir, 'red-green.png');
  writeFileSync(rgbPath, await encodeRgbPng(Uint8Array.of(255, 0, 0, 0, 255, 0), 2, 1)); // a red and a green pixel
  const rgb = await readImage(rgbPath, { mode: 'rgb' });
  const planar = hwcToChw(rgb);
  assert.deepEqual(Array.from(planar.data), [1, 0, 0, 1, 0, 0]); // R plane, G plane, B plane
  const chw = normalizeImage(planar.data, [0.5, 0.5, 0.5], [0.5, 0.5, 0.5], { layout: 'chw' });
  assert.deepEqual(Array.from(chw), [1, -1, -1, 1, -1, -1]);
  const x = arrayToTensor({ data: chw, shape: planar.shape }).unsqueeze(0); // a batch of one: [1, 3, 1, 2]
  assert.deepEqual(x.shape, [1, 3, 1, 2]);
  assert.throws(() => normalizeImage(rgb.data, [0.5, 0.5, 0.5], [0.5, 0.5, 0.5]), /need options.layout/);
  console.log(`prepared ${digit.data.length} pixels; ink box ${JSON.stringify(digit.box)}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
