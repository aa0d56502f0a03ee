import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { zeros } from '@tensorkit/core';
import { encodeSafetensors, saveCheckpoint, Sequential, Linear } from '@tensorkit/nn';
import { encodePng, encodeRgbaPng } from '@tensorkit/data';
import { predict, predictFiles } from '../src/predict.js';
import { decodeModel, loadModel, type LoadedModel } from '../src/model-file.js';
import { captureStdout, digitBytes, digitPng, fixture, JPEG_DIR, SAMPLES, SHIPPED_MODEL, tmpDir, type Variant } from './helpers.js';

const tmp = tmpDir();
let shipped: LoadedModel;
beforeAll(async () => {
  shipped = await loadModel(SHIPPED_MODEL);
});
afterAll(() => tmp.cleanup());

/** Canvases of odd sizes, both polarities, tight crops, off-centre digits and coloured ink. */
const VARIANTS: (Variant & { name: string })[] = [
  { name: 'dark-16', width: 16, height: 16, size: 16, left: 0, top: 0, dark: true },
  { name: 'light-16', width: 16, height: 16, size: 16, left: 0, top: 0, dark: false },
  { name: 'dark-tight-37x53', width: 37, height: 53, size: 37, left: 0, top: 8, dark: true },
  { name: 'light-100x61', width: 100, height: 61, size: 50, left: 40, top: 6, dark: false },
  { name: 'dark-offcentre-300x200', width: 300, height: 200, size: 90, left: 190, top: 20, dark: true },
  { name: 'blue-ink-64', width: 64, height: 64, size: 56, left: 4, top: 2, dark: true, ink: [20, 40, 160] },
];

describe('predict', () => {
  it('recognises generated PNGs of both polarities at odd sizes', async () => {
    const m = await fixture();
    const files: string[] = [];
    const expected: number[] = [];
    // Ten digits, one of each class, in every variant.
    for (let i = 0; i < 10; i++) {
      for (const v of VARIANTS) {
        const f = join(tmp.dir, `${m.labels[i]}-${v.name}-${i}.png`);
        writeFileSync(f, await digitPng(digitBytes(m, i), v));
        files.push(f);
        expected.push(m.labels[i]);
      }
    }
    const { predictions, errors } = await predictFiles(shipped, files);
    expect(errors).toEqual([]);
    const wrong = predictions.filter((p, k) => p.digit !== expected[k]).map((p) => p.file.slice(tmp.dir.length + 1));
    expect(wrong.length, `misread: ${wrong.join(', ')}`).toBeLessThanOrEqual(3);
    for (const p of predictions) {
      expect(p.probabilities).toHaveLength(10);
      expect(p.probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 3);
    }
    // Single digits, however drawn, are not taken for several side by side.
    expect(predictions.filter((p) => p.separate_digits !== 1).map((p) => p.file)).toEqual([]);
    const light = predictions.filter((p) => p.file.includes('light'));
    expect(light.every((p) => p.polarity === 'light-on-dark')).toBe(true);
    expect(predictions.filter((p) => p.file.includes('dark')).every((p) => p.polarity === 'dark-on-light')).toBe(true);
  });

  it('reads drawings on a transparent canvas, dark ink and light ink alike', async () => {
    const m = await fixture();
    const files: string[] = [];
    for (let i = 0; i < 10; i++) {
      // The digit lives only in the alpha channel; the colour is uniform (black ink, or white ink as dark-mode apps export).
      const digit = digitBytes(m, i);
      for (const ink of [0, 255]) {
        const rgba = new Uint8Array(28 * 28 * 4);
        for (let k = 0; k < 28 * 28; k++) rgba.set([ink, ink, ink, digit[k]], 4 * k);
        const f = join(tmp.dir, `transparent-${ink}-${i}.png`);
        writeFileSync(f, await encodeRgbaPng(rgba, 28, 28));
        files.push(f);
      }
    }
    const { predictions, errors } = await predictFiles(shipped, files);
    // Before light ink was re-read on black, every white-ink file was 'no digit found'.
    expect(errors).toEqual([]);
    const wrong = predictions.filter((p, k) => p.digit !== m.labels[Math.floor(k / 2)]);
    expect(wrong.map((p) => p.file.slice(tmp.dir.length + 1))).toEqual([]);
    expect(predictions.filter((p) => p.file.includes('transparent-0-')).every((p) => p.polarity === 'dark-on-light')).toBe(true);
    expect(predictions.filter((p) => p.file.includes('transparent-255-')).every((p) => p.polarity === 'light-on-dark')).toBe(true);
  });

  it('recognises JPEGs of both polarities at odd sizes (16×16 up to 300×300)', async () => {
    const files = readdirSync(JPEG_DIR).filter((f) => f.endsWith('.jpg')).sort().map((f) => join(JPEG_DIR, f));
    expect(files).toHaveLength(10);
    const { predictions } = await predictFiles(shipped, files);
    const wrong = predictions.filter((p) => p.digit !== Number(p.file.slice(JPEG_DIR.length)[0]));
    expect(wrong.map((p) => `${p.file} → ${p.digit}`)).toEqual([]);
  });

  it('--json ends stdout with one object; one file also gets top-level digit and probabilities', async () => {
    const f = join(JPEG_DIR, '3-light-64x48.jpg');
    const { lines } = await captureStdout(() => predict({ files: [f], model: SHIPPED_MODEL, json: true }));
    const out = JSON.parse(lines[lines.length - 1]);
    expect(out.digit).toBe(3);
    expect(out.probabilities).toHaveLength(10);
    expect(out.predictions).toHaveLength(1);
    expect(out.errors).toEqual([]);
  });

  it('reports a corrupt or blank image by name and carries on with the others', async () => {
    const corrupt = join(tmp.dir, 'corrupt.png');
    writeFileSync(corrupt, Buffer.concat([Buffer.from('\x89PNG\r\n\x1a\n'), Buffer.alloc(64, 7)]));
    const blank = join(tmp.dir, 'blank.png');
    writeFileSync(blank, await encodePng(new Uint8Array(40 * 40).fill(250), 40, 40));
    const good = join(JPEG_DIR, '0-dark-16x16.jpg');
    const { predictions, errors } = await predictFiles(shipped, [corrupt, good, blank]);
    expect(predictions.map((p) => p.digit)).toEqual([0]);
    expect(errors[0].error).toMatch(/corrupt\.png: cannot decode image/);
    expect(errors[1].error).toMatch(/blank\.png: no digit found/);
    await expect(predict({ files: [corrupt], model: SHIPPED_MODEL })).rejects.toThrow(/corrupt\.png: cannot decode image/);
    await expect(predict({ files: [join(tmp.dir, 'absent.png')], model: SHIPPED_MODEL })).rejects.toThrow(/absent\.png: file or directory not found/);
    const prev = process.exitCode;
    await captureStdout(() => predict({ files: [good, blank], model: SHIPPED_MODEL, printError: () => {} }));
    expect(process.exitCode).toBe(1);
    process.exitCode = prev;
  });
});

/** Fixture digits with these labels side by side (28×28 tiles, so about 8 px apart), dark ink on light paper, as a PNG. */
async function numberPng(labels: number[]): Promise<string> {
  const m = await fixture();
  const w = 28 * labels.length;
  const px = new Uint8Array(w * 28).fill(255);
  labels.forEach((label, k) => {
    const d = digitBytes(m, m.labels.indexOf(label));
    for (let y = 0; y < 28; y++) for (let x = 0; x < 28; x++) px[y * w + 28 * k + x] = 255 - d[y * 28 + x];
  });
  const f = join(tmp.dir, `number-${labels.join('')}.png`);
  writeFileSync(f, await encodePng(px, w, 28));
  return f;
}

describe('predict on an animated image', () => {
  it('reads the first frame and says so; a blank first frame is "no digit found" with the reason', async () => {
    const FIXTURES = join(JPEG_DIR, '..');
    const first = join(FIXTURES, '3-then-blank.gif');
    const later = join(FIXTURES, 'blank-then-3.gif');
    const notes: string[] = [];
    const { lines } = await captureStdout(() => predict({ files: [first, later], model: SHIPPED_MODEL, json: true, printError: (l) => notes.push(l) }));
    const out = JSON.parse(lines[lines.length - 1]);
    expect(out.predictions.map((p: { digit: number; frames?: number }) => [p.digit, p.frames])).toEqual([[3, 2]]);
    expect(out.errors).toEqual([{ file: later, error: `${later}: no digit found in the first of its 2 frames (only the first frame of an animated or multi-page image is read)` }]);
    expect(notes).toContain(`note: ${first}: an animated or multi-page image (2 frames); only the first frame was read`);
  });
});

describe('predict on several digits side by side', () => {
  it('still predicts, but notes it on stderr and reports separate_digits in --json', async () => {
    const number = await numberPng([1, 2, 3]);
    const single = join(SAMPLES, '3-scan.jpg');
    const notes: string[] = [];
    const { lines } = await captureStdout(() => predict({ files: [number, single], model: SHIPPED_MODEL, json: true, printError: (l) => notes.push(l) }));
    expect(notes).toEqual([`note: ${number}: looks like 3 digits side by side; this model reads one digit per image — crop each digit into its own image`]);
    const out = JSON.parse(lines[lines.length - 1]);
    expect(out.errors).toEqual([]);
    // Every earlier field is still there, unchanged in name; separate_digits is added.
    expect(Object.keys(out.predictions[0]).sort()).toEqual(['confidence', 'digit', 'file', 'polarity', 'probabilities', 'separate_digits']);
    expect(out.predictions.map((p: { separate_digits: number }) => p.separate_digits)).toEqual([3, 1]);
    expect(out.predictions[1].digit).toBe(3);
  });

  it('puts separate_digits at the top level for one file, and the note after its lines without --json', async () => {
    const number = await numberPng([4, 2]);
    const { lines } = await captureStdout(() => predict({ files: [number], model: SHIPPED_MODEL, json: true, printError: () => {} }));
    expect(JSON.parse(lines[lines.length - 1]).separate_digits).toBe(2);
    const said: string[] = [];
    const record = (l: string) => said.push(l);
    await predict({ files: [number, join(JPEG_DIR, '0-dark-16x16.jpg')], model: SHIPPED_MODEL, print: record, printError: record });
    expect(said).toHaveLength(5);
    expect(said[0]).toMatch(/^.*number-42\.png: \d {2}\(/);
    expect(said[2]).toMatch(/^note: .*number-42\.png: looks like 2 digits side by side;/);
    expect(said.slice(3).some((l) => l.startsWith('note:'))).toBe(false);
  });

  it('does not flag the shipped samples or the single-digit variants', async () => {
    const samples = readdirSync(SAMPLES).filter((f) => /\.(png|jpg)$/.test(f)).map((f) => join(SAMPLES, f));
    const jpegs = readdirSync(JPEG_DIR).filter((f) => f.endsWith('.jpg')).map((f) => join(JPEG_DIR, f));
    const { predictions, errors } = await predictFiles(shipped, [...samples, ...jpegs]);
    expect(errors).toEqual([]);
    expect(predictions).toHaveLength(samples.length + jpegs.length);
    expect(predictions.filter((p) => p.separate_digits !== 1).map((p) => p.file)).toEqual([]);
  });
});

describe('model files', () => {
  it('the shipped model is small, F16 or F32, and records how it was trained', () => {
    const bytes = readFileSync(SHIPPED_MODEL);
    expect(bytes.length).toBeLessThan(4 * 1024 * 1024);
    expect(shipped.meta.training).not.toBeNull();
    expect(shipped.meta.training!.valAccuracy).toBeGreaterThanOrEqual(0.995);
  });

  it('refuses a model of another app, a checkpoint, a non-model file and damaged metadata', async () => {
    const foreign = join(tmp.dir, 'news.safetensors');
    const lin = new Sequential(new Linear({ inFeatures: 4, outFeatures: 2 }));
    writeFileSync(foreign, encodeSafetensors(lin.stateDict(), { metadata: { app: 'news-classifier', format: 'tensorkit.news.model', format_version: '1' } }));
    await expect(loadModel(foreign)).rejects.toThrow(/belongs to the app 'news-classifier', not to digit-recognizer/);

    const bare = join(tmp.dir, 'bare.safetensors');
    writeFileSync(bare, encodeSafetensors({ w: zeros([2, 2]) }));
    await expect(loadModel(bare)).rejects.toThrow(/not a digit-recognizer model \(its metadata names no app\)/);

    const ckpt = join(tmp.dir, 'ckpt.safetensors');
    await saveCheckpoint(ckpt, { model: lin, epoch: 0, step: 0 });
    await expect(loadModel(ckpt)).rejects.toThrow(/training checkpoint, not a model file/);

    const text = join(tmp.dir, 'notes.safetensors');
    writeFileSync(text, 'hello, I am not a model');
    await expect(loadModel(text)).rejects.toThrow(/notes\.safetensors: not a readable safetensors model file/);

    // Right app, but weights that do not fit the config.
    const md = { ...decodeModelMetadata(), model_config: JSON.stringify(lin.config) };
    const mismatched = join(tmp.dir, 'mismatch.safetensors');
    writeFileSync(mismatched, encodeSafetensors({ w: zeros([2, 2]) }, { metadata: md }));
    await expect(loadModel(mismatched)).rejects.toThrow(/weights do not match its config/);
    const newer = join(tmp.dir, 'newer.safetensors');
    writeFileSync(newer, encodeSafetensors({ w: zeros([2, 2]) }, { metadata: { ...md, format_version: '99' } }));
    expect(() => decodeModel(readFileSync(newer), newer)).toThrow(/format version 99 is not supported/);
  });
});

function decodeModelMetadata(): Record<string, string> {
  return {
    app: 'digit-recognizer', format: 'tensorkit.digits.model', format_version: '1', arch: 'cnn',
    labels: JSON.stringify(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']), preprocess: JSON.stringify(shipped.meta.preprocess),
  };
}
