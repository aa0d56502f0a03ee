import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Generator } from '@tensorkit/core';
import { imageInfo, readImage } from '@tensorkit/data';
import { blackBaseline, explain, EXPLAIN_IMAGE, integratedGradients } from '../src/explain.js';
import { loadModel, type LoadedModel } from '../src/model-file.js';
import { createModel } from '../src/model.js';
import { PREPROCESS, standardiseBytes } from '../src/preprocess.js';
import { captureStdout, digitBytes, fixture, JPEG_DIR, SAMPLES, SHIPPED_MODEL, tmpDir } from './helpers.js';

const tmp = tmpDir();
let shipped: LoadedModel;
beforeAll(async () => {
  shipped = await loadModel(SHIPPED_MODEL);
});
afterAll(() => tmp.cleanup());

async function standardisedDigit(i: number): Promise<Float32Array> {
  const x = new Float32Array(784);
  standardiseBytes(digitBytes(await fixture(), i), 0, x, 0);
  return x;
}

describe('integrated gradients', () => {
  it('is complete: attributions sum to f(x) − f(black) within 1% for the shipped model', async () => {
    for (const i of [0, 7, 13]) {
      const x = await standardisedDigit(i);
      const m = await fixture();
      const ig = integratedGradients(shipped.model, x, blackBaseline(PREPROCESS), m.labels[i]);
      const delta = ig.logit - ig.baselineLogit;
      expect(Math.abs(ig.sum - delta) / Math.abs(delta)).toBeLessThan(0.01);
      expect(ig.relativeError).toBeLessThan(0.01);
      // Black pixels of the input equal the baseline, so they get no attribution.
      const bytes = digitBytes(m, i);
      for (let p = 0; p < 784; p++) if (bytes[p] === 0) expect(Math.abs(ig.attributions[p])).toBe(0);
    }
  });

  it('is complete for an untrained network too (the steps adapt), and attributes to the right class', async () => {
    const model = createModel('cnn', new Generator(4));
    model.eval();
    const x = await standardisedDigit(3);
    const ig = integratedGradients(model, x, blackBaseline(PREPROCESS), 5, { minSteps: 8 });
    expect(ig.target).toBe(5);
    expect(ig.relativeError).toBeLessThan(0.02);
    expect(Math.abs(ig.sum - (ig.logit - ig.baselineLogit))).toBeLessThan(0.02 * Math.abs(ig.logit - ig.baselineLogit) + 1e-6);
  });
});

describe('explain', () => {
  it('writes one saliency PNG per input with the top-3 classes, and --json reports completeness', async () => {
    const out = join(tmp.dir, 'explanations');
    const files = [join(SAMPLES, '3-scan.jpg'), join(JPEG_DIR, '7-light-50x70.jpg')];
    const { lines } = await captureStdout(() => explain({ files, model: SHIPPED_MODEL, out, json: true }));
    const res = JSON.parse(lines[lines.length - 1]);
    expect(res.errors).toEqual([]);
    expect(res.explanations.map((e: { digit: number }) => e.digit)).toEqual([3, 7]);
    for (const e of res.explanations) {
      expect(e.top3).toHaveLength(3);
      expect(e.top3[0].digit).toBe(e.digit);
      expect(e.top3[0].p).toBeGreaterThanOrEqual(e.top3[1].p);
      expect(e.completeness_error).toBeLessThan(0.01);
      expect(Math.abs(e.attribution_sum - (e.target_logit - e.baseline_logit))).toBeLessThan(0.01 * Math.abs(e.target_logit - e.baseline_logit));
      const png = readFileSync(e.image);
      expect(await imageInfo(png)).toMatchObject({ width: EXPLAIN_IMAGE.width, height: EXPLAIN_IMAGE.height, format: 'png' });
      const rgb = await readImage(e.image, { mode: 'rgb', dtype: 'uint8' });
      // Not blank: many distinct colours, and some strongly red pixels (positive evidence).
      const colours = new Set<number>();
      let red = 0;
      for (let p = 0; p < rgb.data.length; p += 3) {
        colours.add((rgb.data[p] << 16) | (rgb.data[p + 1] << 8) | rgb.data[p + 2]);
        if (rgb.data[p] > 180 && rgb.data[p + 1] < 90 && rgb.data[p + 2] < 90) red++;
      }
      expect(colours.size).toBeGreaterThan(50);
      expect(red).toBeGreaterThan(100);
    }
    expect(res.explanations[0].image).toBe(join(out, '3-scan.explain.png'));
  });

  it('checks --out up front: a file there failed with a raw EEXIST from mkdir', async () => {
    const file = join(tmp.dir, 'README.md');
    writeFileSync(file, '# not a folder\n');
    const { lines } = await captureStdout(async () => {
      await expect(explain({ files: [join(SAMPLES, '3-scan.jpg')], model: SHIPPED_MODEL, out: file, json: true }))
        .rejects.toThrow(`--out ${file}: is a file, expected a folder (the <name>.explain.png images go into it)`);
    });
    expect(lines).toEqual([]);
    await expect(explain({ files: [join(SAMPLES, '3-scan.jpg')], model: SHIPPED_MODEL, out: join(file, 'x') }))
      .rejects.toThrow(`--out ${join(file, 'x')}: cannot write there (part of that path is a file, not a folder)`);
    expect(readFileSync(file, 'utf8')).toBe('# not a folder\n');
  });

  it('--out FILE.png writes a single input\'s image there (it made a folder named FILE.png); several inputs need a folder', async () => {
    const png = join(tmp.dir, 'one', 'three.png');
    const { lines } = await captureStdout(() => explain({ files: [join(SAMPLES, '3-scan.jpg')], model: SHIPPED_MODEL, out: png, json: true }));
    expect(JSON.parse(lines[lines.length - 1]).explanations[0].image).toBe(png);
    expect(await imageInfo(readFileSync(png))).toMatchObject({ width: EXPLAIN_IMAGE.width, format: 'png' });
    const two = [join(SAMPLES, '3-scan.jpg'), join(JPEG_DIR, '7-light-50x70.jpg')];
    await expect(explain({ files: two, model: SHIPPED_MODEL, out: join(tmp.dir, 'both.png') }))
      .rejects.toThrow(`--out ${join(tmp.dir, 'both.png')}: names one image, but there are 2 files to explain; give a folder (their <name>.explain.png images go into it)`);
    // An existing folder whose name ends in .png is still a folder.
    const folder = join(tmp.dir, 'dir.png');
    mkdirSync(folder);
    const r = await captureStdout(() => explain({ files: [join(SAMPLES, '3-scan.jpg')], model: SHIPPED_MODEL, out: folder, json: true }));
    expect(JSON.parse(r.lines[r.lines.length - 1]).explanations[0].image).toBe(join(folder, '3-scan.explain.png'));
  });

  it('names an unreadable input and refuses when it is the only one', async () => {
    await expect(explain({ files: [join(tmp.dir, 'missing.png')], model: SHIPPED_MODEL, out: tmp.dir })).rejects.toThrow(/missing\.png: file or directory not found/);
  });
});
