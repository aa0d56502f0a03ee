import { describe, expect, it } from 'vitest';
import {
  boundingBox, centerOfMass, detectPolarity, gaussianBlur, prepareMnistDigit, prepareMnistDigitDetailed, resizeGray, toInkOnBlack, toUnitGray,
  type GrayImage,
} from '../src/image/index.js';

/** Draws a digit-like "7" (bar + diagonal) of bright ink on black, at any size. */
function seven(width: number, height: number, stroke: number): GrayImage {
  const data = new Float32Array(width * height);
  const x0 = Math.round(width * 0.2);
  const x1 = Math.round(width * 0.8);
  const y0 = Math.round(height * 0.15);
  const y1 = Math.round(height * 0.85);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const bar = y >= y0 && y < y0 + stroke && x >= x0 && x <= x1;
      // diagonal from (x1, y0) down to (x0 + 0.3·w, y1)
      const t = (y - y0) / (y1 - y0);
      const xd = x1 + t * (x0 + 0.1 * width - x1);
      const diag = t >= 0 && t <= 1 && Math.abs(x - xd) < stroke / 2 + 0.5;
      if (bar || diag) data[y * width + x] = 1;
    }
  }
  return { data, width, height };
}

function invert(img: GrayImage): GrayImage {
  return { data: img.data.map((v) => 1 - v), width: img.width, height: img.height };
}

function inkBox(out: Float32Array) {
  return boundingBox({ data: out, width: 28, height: 28 }, 0.05)!;
}

function similarity(p: Float32Array, q: Float32Array): number {
  const a = gaussianBlur(p, 28, 28, 1);
  const b = gaussianBlur(q, 28, 28, 1);
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += a[i] * b[i];
    aa += a[i] * a[i];
    bb += b[i] * b[i];
  }
  return ab / Math.sqrt(aa * bb);
}

function expectCentred(out: Float32Array): void {
  const com = centerOfMass({ data: out, width: 28, height: 28 })!;
  expect(Math.abs(com.x - 14)).toBeLessThanOrEqual(0.5);
  expect(Math.abs(com.y - 14)).toBeLessThanOrEqual(0.5);
}

describe('polarity', () => {
  it('detects dark ink on light paper and light ink on dark', () => {
    const light = seven(40, 40, 4);
    expect(detectPolarity(light)).toBe('light-on-dark');
    expect(detectPolarity(invert(light))).toBe('dark-on-light');
    const flipped = toInkOnBlack(invert(light));
    expect(Array.from(flipped.data)).toEqual(Array.from(light.data));
  });

  it('still sees paper in a tight crop where ink touches the border', () => {
    const tight = invert(seven(20, 28, 5));
    const box = boundingBox(invert(tight))!;
    const cropped: GrayImage = { data: new Float32Array(box.width * box.height), width: box.width, height: box.height };
    for (let y = 0; y < box.height; y++) for (let x = 0; x < box.width; x++) cropped.data[y * box.width + x] = tight.data[(box.y + y) * 20 + box.x + x];
    expect(detectPolarity(cropped)).toBe('dark-on-light');
  });

  it('converts bytes and 0..255 floats to [0, 1]', () => {
    expect(Array.from(toUnitGray({ data: Uint8Array.of(0, 255, 51), width: 3, height: 1 }).data)).toEqual([0, 1, 0.2].map((v) => expect.closeTo(v, 6)));
    expect(toUnitGray({ data: Float32Array.of(0, 127.5), width: 2, height: 1 }).data[1]).toBeCloseTo(0.5, 6);
    expect(() => toUnitGray({ data: new Uint8Array(5), width: 2, height: 2 })).toThrow(/2×2/);
    // NaN survived the [0, 1] clamp and crashed prepareMnistDigit ("reading 'x' of null").
    expect(() => toUnitGray({ data: Float32Array.of(0, NaN), width: 2, height: 1 })).toThrow('toUnitGray: pixel 1 is NaN; pixels must be finite numbers');
    expect(() => prepareMnistDigit({ data: new Float32Array(16).fill(Infinity), width: 4, height: 4 })).toThrow('pixel 0 is Infinity');
  });
});

describe('prepareMnistDigit', () => {
  it('outputs 784 values in [0, 1] with the ink fitted to 20 px and centred by mass at (14, 14)', () => {
    const out = prepareMnistDigit(seven(28, 28, 3));
    expect(out).toBeInstanceOf(Float32Array);
    expect(out.length).toBe(784);
    expect(Math.min(...out)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...out)).toBeLessThanOrEqual(1);
    expect(Math.max(...out)).toBeGreaterThan(0.88);
    const box = inkBox(out);
    expect(Math.max(box.width, box.height)).toBeGreaterThanOrEqual(19);
    expect(Math.max(box.width, box.height)).toBeLessThanOrEqual(21);
    expectCentred(out);
  });

  it('crops to the ink and ignores faint noise and small specks', () => {
    const img = seven(100, 100, 8);
    // faint haze everywhere, plus two specks far from the digit
    for (let i = 0; i < img.data.length; i++) img.data[i] = Math.max(img.data[i], ((i * 7919) % 13) / 200);
    img.data[3 * 100 + 3] = 1;
    img.data[96 * 100 + 97] = 1;
    const r = prepareMnistDigitDetailed(invert(img));
    expect(r.polarity).toBe('dark-on-light');
    const expected = boundingBox(seven(100, 100, 8))!;
    expect(Math.abs(r.box!.x - expected.x)).toBeLessThanOrEqual(1);
    expect(Math.abs(r.box!.y - expected.y)).toBeLessThanOrEqual(1);
    expect(Math.abs(r.box!.width - expected.width)).toBeLessThanOrEqual(2);
    expect(Math.abs(r.box!.height - expected.height)).toBeLessThanOrEqual(2);
    expectCentred(r.data);
  });

  it('preserves the aspect ratio of a tall stroke', () => {
    const img: GrayImage = { data: new Float32Array(60 * 60), width: 60, height: 60 };
    for (let y = 10; y < 50; y++) for (let x = 25; x < 35; x++) img.data[y * 60 + x] = 1; // 10 × 40 bar
    const box = inkBox(prepareMnistDigit(img));
    expect(box.height).toBe(20);
    expect(box.width).toBe(5);
  });

  it('handles tightly cropped digits, 16×16 inputs, large photos and light-on-dark', () => {
    const base = seven(28, 28, 3);
    const tight = (() => {
      const b = boundingBox(base)!;
      const d = new Float32Array(b.width * b.height);
      for (let y = 0; y < b.height; y++) for (let x = 0; x < b.width; x++) d[y * b.width + x] = 1 - base.data[(b.y + y) * 28 + b.x + x];
      return { data: d, width: b.width, height: b.height };
    })();
    const small = resizeGray(base, 16, 16);
    // A 600×450 "photo": dark ink on paper lit unevenly from the left, with sensor noise; the digit sits off-centre.
    const W = 600;
    const H = 450;
    const digit = seven(240, 240, 26);
    const photo = new Uint8Array(W * H);
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const paper = 235 - 90 * (x / W) - 30 * (y / H) + ((x * 31 + y * 17) % 11) - 5;
        const dx = x - 300;
        const dy = y - 120;
        const ink = dx >= 0 && dy >= 0 && dx < 240 && dy < 240 ? digit.data[dy * 240 + dx] : 0;
        photo[y * W + x] = Math.round(paper * (1 - 0.75 * ink));
      }
    }
    const lightOnDark = Uint8Array.from(invert(seven(64, 64, 6)).data, (v) => Math.round(255 * (0.15 + 0.7 * (1 - v))));
    const cases = {
      tight: [prepareMnistDigitDetailed(tight), base],
      small: [prepareMnistDigitDetailed(small), base],
      photo: [prepareMnistDigitDetailed({ data: photo, width: W, height: H }), digit],
      lightOnDark: [prepareMnistDigitDetailed({ data: lightOnDark, width: 64, height: 64 }), seven(64, 64, 6)],
    } as const;
    expect(cases.tight[0].polarity).toBe('dark-on-light');
    expect(cases.photo[0].polarity).toBe('dark-on-light');
    expect(cases.lightOnDark[0].polarity).toBe('light-on-dark');
    for (const [name, [r, clean]] of Object.entries(cases)) {
      expect(r.empty, name).toBe(false);
      const box = inkBox(r.data);
      expect(Math.max(box.width, box.height), name).toBeGreaterThanOrEqual(19);
      expect(Math.max(box.width, box.height), name).toBeLessThanOrEqual(21);
      expectCentred(r.data);
      // Same picture as the clean source prepared directly (cosine similarity after a light blur, tolerating 1 px shifts).
      expect(similarity(r.data, prepareMnistDigit(clean)), name).toBeGreaterThan(0.88);
    }
  });

  it('returns an empty canvas for a blank image', () => {
    const r = prepareMnistDigitDetailed({ data: new Uint8Array(50 * 50).fill(200), width: 50, height: 50 });
    expect(r.empty).toBe(true);
    expect(r.data.every((v) => v === 0)).toBe(true);
  });
});
