import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { imageInfo, readImage } from '@tensorkit/data';
import { evaluate } from '../src/eval.js';
import { captureStdout, checkHtmlWellFormed, digitBytes, digitPng, fixture, SHIPPED_MODEL, tmpDir, writeIdxPair } from './helpers.js';

const tmp = tmpDir();
const idxDir = join(tmp.dir, 'idx');
const folder = join(tmp.dir, 'folder');

beforeAll(async () => {
  const m = await fixture();
  // The fixture as an IDX test side (t10k-*), and 20 of its digits as images in 0…9 folders.
  writeIdxPair(idxDir, 't10k', m.images, m.labels);
  for (let i = 0; i < 20; i++) {
    const d = join(folder, String(m.labels[i]));
    mkdirSync(d, { recursive: true });
    const dark = i % 2 === 0;
    writeFileSync(join(d, `img${i}.png`), await digitPng(digitBytes(m, i), { width: 60 + i, height: 45, size: 36, left: 3 + i, top: 4, dark }));
  }
});
afterAll(() => tmp.cleanup());

describe('eval', () => {
  it('--json: the last stdout line is one object with accuracy, n, per-class scores and the confusion matrix', async () => {
    const { lines } = await captureStdout(() => evaluate({ data: idxDir, model: SHIPPED_MODEL, json: true, quiet: true }));
    const out = JSON.parse(lines[lines.length - 1]);
    expect(out.n).toBe(100);
    expect(out.accuracy).toBeGreaterThanOrEqual(0.95);
    expect(out.accuracy).toBeLessThanOrEqual(1);
    expect(out.correct).toBe(Math.round(out.accuracy * 100));
    expect(out.per_class).toHaveLength(10);
    for (const c of out.per_class) {
      expect(c.support).toBe(10);
      for (const k of ['precision', 'recall', 'f1']) expect(c[k]).toBeGreaterThanOrEqual(0);
    }
    expect(out.confusion).toHaveLength(10);
    expect(out.confusion.flat().reduce((a: number, b: number) => a + b, 0)).toBe(100);
    expect(out.confusion.reduce((s: number, row: number[], i: number) => s + row[i], 0)).toBe(out.correct);
  });

  it('prints a readable summary without --json', async () => {
    const lines: string[] = [];
    await evaluate({ data: idxDir, model: SHIPPED_MODEL, quiet: true, print: (l) => lines.push(l) });
    const text = lines.join('\n');
    expect(text).toMatch(/accuracy \d+\.\d\d% \(\d+\/100\)/);
    expect(text).toMatch(/precision\s+recall\s+f1\s+support/);
    expect(text).toMatch(/true\\pred/);
  });

  it('evaluates a folder of images in subfolders 0…9 through the same preprocessing as predict', async () => {
    const { lines } = await captureStdout(() => evaluate({ data: folder, model: SHIPPED_MODEL, json: true, quiet: true }));
    const out = JSON.parse(lines[lines.length - 1]);
    expect(out.n).toBe(20);
    expect(out.accuracy).toBeGreaterThanOrEqual(0.9);
  });

  it('--report writes well-formed HTML that references only images it wrote, which are valid and not blank', async () => {
    const dir = join(tmp.dir, 'report');
    // A few deliberately wrong labels make sure the error gallery has entries.
    const m = await fixture();
    const wrong = join(tmp.dir, 'wrong');
    const labels = Uint8Array.from(m.labels, (l, i) => (i < 3 ? (l + 1) % 10 : l));
    writeIdxPair(wrong, 't10k', m.images, labels);
    const { lines } = await captureStdout(() => evaluate({ data: wrong, model: SHIPPED_MODEL, json: true, quiet: true, report: dir }));
    const out = JSON.parse(lines[lines.length - 1]);
    expect(out.report).toBe(join(dir, 'index.html'));
    const html = readFileSync(out.report, 'utf8');
    expect(checkHtmlWellFormed(html)).toEqual([]);
    const refs = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((r) => r[1]);
    expect(refs).toContain('confusion.png');
    expect(refs.filter((r) => r.startsWith('errors/')).length).toBeGreaterThanOrEqual(3);
    for (const ref of refs) {
      expect(ref).not.toMatch(/^(\/|[a-z]+:)/);
      const path = resolve(dir, ref);
      expect(path.startsWith(resolve(dir))).toBe(true);
      expect(existsSync(path), ref).toBe(true);
    }
    const heat = await imageInfo(readFileSync(join(dir, 'confusion.png')));
    expect(heat.format).toBe('png');
    expect(heat.width).toBeGreaterThan(400);
    for (const ref of refs.filter((r) => r.endsWith('.png'))) {
      const img = await readImage(resolve(dir, ref), { dtype: 'uint8' });
      let min = 255;
      let max = 0;
      for (const v of img.data) {
        min = Math.min(min, v);
        max = Math.max(max, v);
      }
      expect(max - min, ref).toBeGreaterThan(100);
    }
    expect(html).toMatch(/true \d<\/b> → predicted <b class="bad">\d<\/b>/);
    expect(dirname(out.report)).toBe(dir);
  });

  it('checks --report before evaluating: a file there failed only at the end with a raw ENOTDIR, losing the results', async () => {
    const file = join(tmp.dir, 'README.md');
    writeFileSync(file, '# not a folder\n');
    const lines: string[] = [];
    // With --json: nothing may be printed before the error (the old code printed nothing either, but only after the whole evaluation).
    const { lines: stdout } = await captureStdout(async () => {
      await expect(evaluate({ data: idxDir, model: SHIPPED_MODEL, json: true, quiet: true, report: file, print: (l) => lines.push(l) }))
        .rejects.toThrow(`--report ${file}: is a file, expected a folder (index.html, confusion.png and errors/*.png go into it)`);
    });
    expect(stdout).toEqual([]);
    expect(lines).toEqual([]);
    // Checked before the model is even loaded: a missing model still reports the bad folder first.
    await expect(evaluate({ data: idxDir, model: join(tmp.dir, 'none.safetensors'), quiet: true, report: file })).rejects.toThrow(/^--report .*README\.md: is a file, expected a folder/);
    await expect(evaluate({ data: idxDir, model: SHIPPED_MODEL, quiet: true, report: join(file, 'sub') }))
      .rejects.toThrow(`--report ${join(file, 'sub')}: cannot write there (part of that path is a file, not a folder)`);
    expect(readFileSync(file, 'utf8')).toBe('# not a folder\n');
  });

  it('refuses a missing model, a folder without data and a model of another kind', async () => {
    await expect(evaluate({ data: idxDir, model: join(tmp.dir, 'none.safetensors'), quiet: true })).rejects.toThrow(/none\.safetensors: model file not found/);
    await expect(evaluate({ data: join(tmp.dir, 'nothing-here'), model: SHIPPED_MODEL, quiet: true })).rejects.toThrow(/folder not found/);
  });
});
