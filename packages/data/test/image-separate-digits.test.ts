import { describe, expect, it } from 'vitest';
import { connectedComponents, prepareMnistDigitDetailed, type GrayImage } from '../src/image/index.js';
import { countSeparateDigits } from '../src/image/separate-digits.js';

/** A mask from rows of text: '#' is ink. */
function mask(rows: string[]): { mask: Uint8Array; width: number; height: number } {
  const width = rows[0].length;
  const height = rows.length;
  const m = new Uint8Array(width * height);
  rows.forEach((r, y) => {
    expect(r).toHaveLength(width);
    for (let x = 0; x < width; x++) m[y * width + x] = r[x] === '#' ? 1 : 0;
  });
  return { mask: m, width, height };
}

function count(rows: string[]): number {
  const { mask: m, width, height } = mask(rows);
  return countSeparateDigits(connectedComponents(m, width, height), width, height);
}

/** Bright ink on black from a text picture, each character `scale`×`scale` pixels; '+' is faint ink. */
function picture(rows: string[], scale: number): GrayImage {
  const width = rows[0].length * scale + 2 * scale;
  const height = rows.length * scale + 2 * scale;
  const data = new Float32Array(width * height);
  rows.forEach((r, y) => {
    for (let x = 0; x < r.length; x++) {
      const v = r[x] === '#' ? 1 : r[x] === '+' ? 0.5 : 0;
      for (let dy = 0; dy < scale; dy++) for (let dx = 0; dx < scale; dx++) data[((y + 1) * scale + dy) * width + (x + 1) * scale + dx] = v;
    }
  });
  return { data, width, height };
}

// "1" and "0" side by side, a gap of two columns.
const TEN = [
  '...#.....####..',
  '..##....#....#.',
  '...#....#....#.',
  '...#....#....#.',
  '...#....#....#.',
  '...#....#....#.',
  '..###....####..',
];

describe('countSeparateDigits', () => {
  it('counts two digit-sized blobs side by side as 2, and three as 3', () => {
    expect(count(TEN)).toBe(2);
    expect(count(TEN.map((r) => r + r.slice(7)))).toBe(3);
  });

  it('ignores a speck next to a digit', () => {
    expect(count([
      '..####.......',
      '.#....#......',
      '.#....#......',
      '.#....#....#.',
      '.#....#......',
      '..####.......',
    ])).toBe(1);
  });

  it('reads a "5" whose top bar is detached as one digit (the bar is short)', () => {
    expect(count([
      '..######',
      '........',
      '.#......',
      '.#......',
      '.#####..',
      '......#.',
      '......#.',
      '......#.',
      '.#####..',
    ])).toBe(1);
  });

  it('ignores an underline spanning the digits (it is short, not digit-sized)', () => {
    expect(count([...TEN, '...............', '.##############'])).toBe(2);
  });

  it('does not call blobs stacked one above the other side by side', () => {
    expect(count([
      '..####..',
      '.#....#.',
      '.#....#.',
      '..####..',
      '........',
      '..####..',
      '.#....#.',
      '.#....#.',
      '..####..',
    ])).toBe(1);
  });

  it('tolerates the slight overlap of slanted handwriting but not more', () => {
    // Two slanted strokes ("11" in italics), the second `shift` columns right of the first; never touching.
    const elevens = (shift: number) => Array.from({ length: 7 }, (_, y) => {
      const row = Array<string>(shift + 7).fill('.');
      row[6 - y] = '#';
      row[6 - y + shift] = '#';
      return row.join('');
    });
    expect(count(elevens(8))).toBe(2); // extents 0–6 and 8–14
    expect(count(elevens(6))).toBe(2); // 0–6 and 6–12: one column of seven overlaps
    expect(count(elevens(3))).toBe(1); // 0–6 and 3–9: more than half overlaps, as strokes of one digit would
  });

  it('returns 0 for no ink', () => {
    expect(count(['....', '....'])).toBe(0);
  });
});

describe('prepareMnistDigitDetailed separateDigits', () => {
  it('is 2 for a drawn "10", 1 for each of its digits alone and 0 for a blank image', () => {
    expect(prepareMnistDigitDetailed(picture(TEN, 6)).separateDigits).toBe(2);
    expect(prepareMnistDigitDetailed(picture(TEN.map((r) => r.slice(0, 6)), 6)).separateDigits).toBe(1);
    expect(prepareMnistDigitDetailed(picture(TEN.map((r) => r.slice(7)), 6)).separateDigits).toBe(1);
    const blank = prepareMnistDigitDetailed({ data: new Float32Array(100), width: 10, height: 10 });
    expect([blank.empty, blank.separateDigits]).toEqual([true, 0]);
  });

  it('counts a stroke the pen drew faintly as ink, so it does not split the digit', () => {
    // A "0" whose top and bottom arcs are lighter than its sides (as in MNIST's own broken strokes).
    const zero = [
      '.++++++.',
      '#......#',
      '#......#',
      '#......#',
      '#......#',
      '.++++++.',
    ];
    expect(prepareMnistDigitDetailed(picture(zero, 5)).separateDigits).toBe(1);
    // Counted on full-strength ink only, the two sides are separate blobs side by side.
    expect(prepareMnistDigitDetailed(picture(zero, 5), { separateDigits: { inkLevel: 0.5 } }).separateDigits).toBe(2);
    expect(prepareMnistDigitDetailed(picture(zero.map((r) => r.replace(/\+/g, '.')), 5)).separateDigits).toBe(2);
  });
});
