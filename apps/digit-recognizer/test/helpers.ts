/** Shared test fixtures: the 100-digit IDX sample, temp folders, image writers and stdout capture. */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { vi } from 'vitest';
import { encodeIdx, encodePng, encodeRgbPng, readMnist, type MnistData } from '@tensorkit/data';

/** 100 MNIST training-set digits (10 per class) from the validation split of the shipped model. */
export const FIXTURE_DIR = fileURLToPath(new URL('./fixtures/digits-100/', import.meta.url));
/** JPEGs of validation digits: `<digit>-<dark|light>-<w>x<h>.jpg`, ink dark on light or light on dark. */
export const JPEG_DIR = fileURLToPath(new URL('./fixtures/jpeg/', import.meta.url));
export const SHIPPED_MODEL = fileURLToPath(new URL('../models/digits.safetensors', import.meta.url));
export const SAMPLES = fileURLToPath(new URL('../samples/', import.meta.url));

export function tmpDir(prefix = 'digits-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

let cached: MnistData | null = null;
export async function fixture(): Promise<MnistData> {
  cached ??= await readMnist(FIXTURE_DIR, 'train');
  return cached;
}

export function digitBytes(m: MnistData, i: number): Uint8Array {
  return m.images.slice(i * 784, (i + 1) * 784);
}

/** Writes an MNIST IDX pair (`prefix` train or t10k) into dir. */
export function writeIdxPair(dir: string, prefix: 'train' | 't10k', images: Uint8Array, labels: Uint8Array): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${prefix}-images-idx3-ubyte`), encodeIdx('uint8', [labels.length, 28, 28], images));
  writeFileSync(join(dir, `${prefix}-labels-idx1-ubyte`), encodeIdx('uint8', [labels.length], labels));
}

/** Bilinear resize of a byte image (for odd-size test inputs). */
export function resizeBytes(src: Uint8Array, sw: number, sh: number, dw: number, dh: number): Uint8Array {
  const out = new Uint8Array(dw * dh);
  for (let y = 0; y < dh; y++) {
    const fy = Math.min(sh - 1, Math.max(0, ((y + 0.5) * sh) / dh - 0.5));
    const y0 = Math.floor(fy);
    const y1 = Math.min(sh - 1, y0 + 1);
    const ty = fy - y0;
    for (let x = 0; x < dw; x++) {
      const fx = Math.min(sw - 1, Math.max(0, ((x + 0.5) * sw) / dw - 0.5));
      const x0 = Math.floor(fx);
      const x1 = Math.min(sw - 1, x0 + 1);
      const tx = fx - x0;
      const top = src[y0 * sw + x0] * (1 - tx) + src[y0 * sw + x1] * tx;
      const bottom = src[y1 * sw + x0] * (1 - tx) + src[y1 * sw + x1] * tx;
      out[y * dw + x] = Math.round(top * (1 - ty) + bottom * ty);
    }
  }
  return out;
}

export interface Variant {
  /** Canvas size. */
  width: number;
  height: number;
  /** Side of the square the digit is drawn into, and its top-left corner. */
  size: number;
  left: number;
  top: number;
  /** Dark ink on light paper (true) or light on dark. */
  dark: boolean;
  /** RGB ink colour for colour images (grey PNG when absent). */
  ink?: [number, number, number];
}

/** A 28×28 MNIST digit drawn onto a canvas as PNG bytes. */
export async function digitPng(digit: Uint8Array, v: Variant): Promise<Buffer> {
  const scaled = resizeBytes(digit, 28, 28, v.size, v.size);
  const alpha = new Float32Array(v.width * v.height);
  for (let y = 0; y < v.size; y++) {
    for (let x = 0; x < v.size; x++) {
      const yy = y + v.top;
      const xx = x + v.left;
      if (yy >= 0 && yy < v.height && xx >= 0 && xx < v.width) alpha[yy * v.width + xx] = scaled[y * v.size + x] / 255;
    }
  }
  const paper = v.dark ? 240 : 15;
  if (v.ink) {
    const rgb = new Uint8Array(v.width * v.height * 3);
    for (let i = 0; i < alpha.length; i++) for (let c = 0; c < 3; c++) rgb[3 * i + c] = Math.round(paper + (v.ink[c] - paper) * alpha[i]);
    return encodeRgbPng(rgb, v.width, v.height);
  }
  const ink = v.dark ? 20 : 240;
  return encodePng(Uint8Array.from(alpha, (a) => Math.round(paper + (ink - paper) * a)), v.width, v.height);
}

/** Collects what a function writes to stdout (and passes nothing through). */
export async function captureStdout<T>(fn: () => Promise<T>): Promise<{ result: T; lines: string[] }> {
  const chunks: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation(((c: string | Uint8Array) => {
    chunks.push(typeof c === 'string' ? c : Buffer.from(c).toString('utf8'));
    return true;
  }) as typeof process.stdout.write);
  try {
    const result = await fn();
    return { result, lines: chunks.join('').split('\n').filter((l) => l.length > 0) };
  } finally {
    spy.mockRestore();
  }
}

/** Tag balance check for the HTML we write (void elements excepted). */
export function checkHtmlWellFormed(html: string): string[] {
  const problems: string[] = [];
  const voids = new Set(['meta', 'img', 'br', 'hr', 'link', 'input']);
  const stack: string[] = [];
  const re = /<(\/?)([a-zA-Z][a-zA-Z0-9]*)([^>]*)>/g;
  const body = html.replace(/<!DOCTYPE[^>]*>/i, '').replace(/<style>[\s\S]*?<\/style>/, '<style></style>');
  for (let m = re.exec(body); m; m = re.exec(body)) {
    const [, close, rawName] = m;
    const name = rawName.toLowerCase();
    if (voids.has(name)) continue;
    if (!close) stack.push(name);
    else if (stack.pop() !== name) problems.push(`unexpected </${name}>`);
  }
  if (stack.length) problems.push(`unclosed: ${stack.join(', ')}`);
  if (!/^<!DOCTYPE html>/i.test(html.trimStart())) problems.push('missing doctype');
  return problems;
}
