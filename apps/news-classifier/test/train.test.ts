import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tensor } from '@tensorkit/core';
import { imageInfo } from '@tensorkit/data';
import { decodeSafetensors, encodeSafetensors, saveSafetensors } from '@tensorkit/nn';
import { NewsClassifier } from '../src/classifier.js';
import { evalCommand } from '../src/eval.js';
import { explainCommand } from '../src/explain.js';
import { decodeModelFile, loadModel } from '../src/model-file.js';
import { predictCommand } from '../src/predict.js';
import { trainCommand, type TrainResult } from '../src/train.js';
import { tempDir, writeAgNews, writeClassFolder } from './helpers.js';

const quiet = { quiet: true, log: () => {} };
const silent = () => {};

/** Tags that must be closed, checked with a small stack parser (enough for our generated HTML). */
function checkWellFormed(html: string): void {
  expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
  const voidTags = new Set(['meta', 'img', 'br', 'hr', 'link', 'input']);
  const stack: string[] = [];
  for (const m of html.matchAll(/<(\/?)([a-zA-Z][a-zA-Z0-9]*)[^>]*?>/g)) {
    const name = m[2].toLowerCase();
    if (voidTags.has(name)) continue;
    if (m[1]) expect(stack.pop(), `closing </${name}>`).toBe(name);
    else stack.push(name);
  }
  expect(stack).toEqual([]);
}

describe('end to end on a synthetic fixture', () => {
  let linear: TrainResult;
  let fast: TrainResult;
  let folder: string;
  let outDir: string;
  let ag: string;

  beforeAll(async () => {
    folder = writeClassFolder(tempDir(), 60, 11);
    outDir = tempDir();
    linear = await trainCommand({
      data: folder, modelType: 'linear', seed: 3, out: join(outDir, 'lin.safetensors'), buckets: 4096, epochs: 3,
      charNgrams: '3-4', valFraction: 0.2, refit: true, ...quiet,
    });
    ag = writeAgNews(tempDir(), 60, 12, { test: 20 });
    fast = await trainCommand({ data: ag, modelType: 'fasttext', seed: 1, out: join(ag, 'fast.safetensors'), buckets: 4096, dim: 8, epochs: 6, lr: 0.1, ...quiet });
  });

  it('trains models that beat chance (1/3) by a wide margin on validation', () => {
    expect(linear.valAccuracy).toBeGreaterThan(0.85);
    expect(fast.valAccuracy).toBeGreaterThan(0.75);
    expect(linear.trainSize).toBe(180);
    expect(linear.valSize).toBe(36);
    expect(fast.history).toHaveLength(6);
  });

  it('refuses an --out it cannot write before training, not after', async () => {
    const blocker = join(tempDir(), 'a-file');
    writeFileSync(blocker, 'x');
    const logs: string[] = [];
    await expect(trainCommand({ data: folder, modelType: 'linear', seed: 3, out: join(blocker, 'm.safetensors'), epochs: 1, quiet: true, log: (s) => logs.push(s) }))
      .rejects.toThrow(`--out ${join(blocker, 'm.safetensors')}: cannot write there (part of that path is a file, not a folder)`);
    expect(logs.some((l) => /epoch/.test(l))).toBe(false);
  });

  it('stops with an error naming --lr and --weight-decay when training diverges, and writes no model', async () => {
    // --weight-decay 1e308 used to train on through NaN losses and save a model whose every probability was NaN.
    const out = join(tempDir(), 'nan.safetensors');
    const diverged = /: training diverged; lower --lr \(0\.02\) or --weight-decay \(1e\+308\)\. No model was written$/;
    const run = { data: folder, modelType: 'linear' as const, seed: 3, out, buckets: 4096, weightDecay: 1e308, ...quiet };
    await expect(trainCommand({ ...run, epochs: 2 })).rejects.toThrow(diverged);
    // Without validation, two whole-set steps: the second's loss is still finite, only the weights show it.
    await expect(trainCommand({ ...run, epochs: 2, valFraction: 0, batchSize: 1000 })).rejects.toThrow(/the weights became non-finite in the last steps: training diverged/);
    // One such step is not a divergence: Adam's step is bounded by its learning rate however large the gradient.
    await expect(trainCommand({ ...run, epochs: 1, valFraction: 0, batchSize: 1000, out: join(tempDir(), 'one-step.safetensors') })).resolves.toBeDefined();
    expect(existsSync(out)).toBe(false);
  });

  it('is deterministic for a seed', async () => {
    const again = await trainCommand({ data: ag, modelType: 'fasttext', seed: 1, out: join(ag, 'fast2.safetensors'), buckets: 4096, dim: 8, epochs: 6, lr: 0.1, ...quiet });
    expect(again.history.map((h) => h.loss)).toEqual(fast.history.map((h) => h.loss));
  });

  it('writes a loadable model file with its metadata and a run folder', async () => {
    const m = await loadModel(linear.out);
    expect(m.info.labels).toEqual(['money', 'sport', 'tech']);
    expect(m.info.features).toEqual({ preprocess: 'plain', buckets: 4096, wordNgrams: 2, charNgrams: [3, 4], wordWeight: 0.75 });
    const runDir = join(outDir, 'runs', linear.out.split('/').pop()!.replace('.safetensors', ''));
    const lines = readFileSync(join(runDir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(3);
    for (const k of ['loss', 'accuracy', 'val_accuracy', 'lr', 'samples_per_sec']) expect(typeof lines[0][k]).toBe('number');
    const png = readFileSync(join(runDir, 'curve.png'));
    const info = await imageInfo(png);
    expect(info).toMatchObject({ format: 'png', width: 960, height: 380 });
    // A blank 960×380 PNG compresses to a few hundred bytes; axes, labels and curves do not.
    expect(png.length).toBeGreaterThan(8000);
  });

  it('evaluates the test side with the --json contract', async () => {
    const r = await evalCommand({ data: ag, model: fast.out, json: true, quiet: true, print: silent });
    expect(r.json.n).toBe(60);
    expect(r.json.accuracy).toBeGreaterThan(0.7);
    expect(r.json.accuracy).toBeLessThanOrEqual(1);
    expect(r.json.macro_f1).toBeGreaterThan(0.6);
    expect(r.json.per_class.map((c) => c.label)).toEqual(['sport', 'money', 'tech']);
    expect(r.json.confusion.flat().reduce((a, b) => a + b, 0)).toBe(60);
    expect(JSON.parse(JSON.stringify(r.json))).toEqual(r.json);
    // The model was trained on train.csv; eval read test.csv.
    expect(r.json.trained_on_eval_data).toBe(false);
  });

  it('says when the documents it scores are the model\'s own training data (the folder lin was trained on; train.csv named directly)', async () => {
    const notes: string[] = [];
    const own = await evalCommand({ data: folder, model: linear.out, json: true, quiet: true, print: silent, warn: (s) => notes.push(s) });
    expect(own.json.trained_on_eval_data).toBe(true);
    expect(notes).toEqual([`note: ${linear.out} was trained on ${folder} (its metadata's dataset.path: ${folder}); the scores below measure how well it fits its own training documents, not how it does on new ones`]);
    const csv = await evalCommand({ data: join(ag, 'train.csv'), model: fast.out, json: true, quiet: true, print: silent, warn: () => {} });
    expect(csv.json.trained_on_eval_data).toBe(true);
    const other = writeClassFolder(tempDir(), 20, 99);
    const fresh = await evalCommand({ data: other, model: linear.out, json: true, quiet: true, print: silent, warn: (s) => notes.push(s) });
    expect(fresh.json.trained_on_eval_data).toBe(false);
    expect(notes).toHaveLength(1);
  });

  it('writes an HTML report that is well-formed and references only files it wrote', async () => {
    const dir = join(tempDir(), 'report');
    const r = await evalCommand({ data: folder, model: linear.out, report: dir, quiet: true, print: silent });
    expect(r.json.n).toBe(180);
    const html = readFileSync(join(dir, 'index.html'), 'utf8');
    checkWellFormed(html);
    const refs = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
    expect(refs.length).toBeGreaterThan(0);
    const written = readdirSync(dir);
    for (const ref of refs) expect(written).toContain(ref);
    const png = readFileSync(join(dir, 'confusion.png'));
    const info = await imageInfo(png);
    expect(info.format).toBe('png');
    expect(info.width).toBeGreaterThan(100);
    expect(png.length).toBeGreaterThan(3000); // cells, counts and labels, not a blank canvas
    expect(html).toMatch(/Misclassified texts/);
  });

  it('predicts with probabilities summing to 1 and explains the push', async () => {
    const r = await predictCommand({ texts: ['the striker scored a goal for the team in the cup match'], model: linear.out, explain: true, json: true, print: silent });
    const p = r.predictions[0];
    expect(p.label).toBe('sport');
    expect(Object.values(p.probabilities).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    expect(p.explanation!.map((e) => e.term)).toContain('striker');
  });

  it('--file reads UTF-16 text and refuses binary files, saying what they are', async () => {
    const dir = tempDir();
    const u16 = join(dir, 'notepad.txt');
    writeFileSync(u16, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('the striker scored a goal\r\nthe bank raised rates\r\n', 'utf16le')]));
    const r = await predictCommand({ texts: [], file: u16, model: linear.out, json: true, print: silent });
    expect(r.predictions.map((p) => p.text)).toEqual(['the striker scored a goal', 'the bank raised rates']);
    const files: [string, Buffer, string][] = [
      ['paper.pdf', Buffer.from('%PDF-1.4\n1 0 obj\n'), 'a PDF document'],
      ['memo.docx', Buffer.from([0x50, 0x4b, 0x03, 0x04, 20, 0, 6, 0]), 'a ZIP archive (a .docx, .odt or .xlsx document?)'],
      ['blob.txt', Buffer.from([104, 105, 0, 1, 2, 3, 10, 0, 0, 7]), 'binary data (it holds NUL bytes)'],
    ];
    for (const [name, bytes, what] of files) {
      const path = join(dir, name);
      writeFileSync(path, bytes);
      await expect(predictCommand({ texts: [], file: path, model: linear.out, json: true, print: silent })).rejects.toThrow(`${path}: not a text file: this is ${what}`);
    }
  });

  it('warns when a text has no words, and says its prediction is only the prior', async () => {
    const warnings: string[] = [];
    const r = await predictCommand({ texts: ['!!! ???', 'the striker scored a goal'], model: linear.out, json: true, print: silent, warn: (s) => warnings.push(s) });
    expect(r.predictions[0].warning).toMatch(/no words in this text .*the model's prior/);
    expect(r.predictions[1].warning).toBeUndefined();
    expect(warnings).toEqual([`warning: text 1 ("!!! ???"): ${r.predictions[0].warning}`]);
  });

  it('explain warns the same way when a text has no words (it explained the bias as if it were a reading)', async () => {
    const warnings: string[] = [];
    const r = await explainCommand({ text: '!!! ???', model: linear.out, json: true, print: silent, warn: (s) => warnings.push(s) });
    expect(r.json.terms).toEqual([]);
    expect(r.json.warning).toMatch(/no words in this text .*the model's prior/);
    expect(warnings).toEqual([`warning: ${r.json.warning}`]);
    const ok = await explainCommand({ text: 'the striker scored a goal', model: linear.out, json: true, print: silent, warn: (s) => warnings.push(s) });
    expect(ok.json.warning).toBeUndefined();
    expect(warnings).toHaveLength(1);
  });

  for (const which of ['linear', 'fasttext'] as const) {
    it(`${which}: contributions sum exactly to the logit difference`, async () => {
      const clf = await NewsClassifier.load(which === 'linear' ? linear.out : fast.out);
      const text = 'Bank profit rises as investors cheer the merger, while the new laptop chip disappoints';
      const ex = clf.explain(text);
      const net = clf.netLogits(text);
      // The explanation's logits are the network's logits.
      // (float32 network vs float64 sums: compare relative to the logits' size)
      const scale = Math.max(1, ...net.map(Math.abs));
      ex.logits.forEach((v, c) => expect(Math.abs(v - net[c])).toBeLessThan(1e-5 * scale));
      expect(Math.abs(ex.difference - (net[ex.target] - net[ex.reference]))).toBeLessThan(1e-5 * scale);
      const termSum = ex.terms.reduce((s, t) => s + t.value, 0);
      expect(ex.bias + termSum).toBeCloseTo(ex.difference, 5);
      const tokenSum = ex.tokenValues.reduce((s, v) => s + v, 0);
      expect(ex.bias + tokenSum).toBeCloseTo(ex.difference, 5);
      expect(ex.target).toBe(net.indexOf(Math.max(...net)));
      // Integrated gradients from the empty bag agree with the exact decomposition (the net is linear in the bag).
      const ig = clf.explain(text, { method: 'ig', steps: 8 });
      expect(ig.target).toBe(ex.target);
      const igSum = ig.tokenValues.reduce((s, v) => s + v, 0);
      expect(Math.abs(ig.bias + igSum - ig.difference)).toBeLessThan(1e-4 * scale);
      ig.tokenValues.forEach((v, i) => expect(Math.abs(v - ex.tokenValues[i])).toBeLessThan(1e-4 * scale));
    });
  }

  it('explain writes a coloured HTML page and highlights terms in the terminal', async () => {
    const html = join(tempDir(), 'ex.html');
    const lines: string[] = [];
    const r = await explainCommand({ text: 'The striker scored a late goal, the coach said.', model: linear.out, html, color: false, print: (s) => lines.push(s) });
    expect(r.json.label).toBe('sport');
    expect(lines.join('\n')).toMatch(/\[\+striker\]/);
    const page = readFileSync(html, 'utf8');
    checkWellFormed(page);
    expect(page).toMatch(/<span style="background:rgb\(\d+,\d+,\d+\)" title="\+[\d.]+">striker<\/span>/);
    const tokenSum = r.json.tokens.reduce((s, t) => s + t.contribution, 0);
    expect(r.json.bias + tokenSum).toBeCloseTo(r.json.logit_difference, 6);
  });

  it('rejects a model file from another app', async () => {
    const path = join(tempDir(), 'digits.safetensors');
    await saveSafetensors(path, { w: tensor([1, 2]) }, { metadata: { app: 'digit-recognizer', version: '1' } });
    await expect(loadModel(path)).rejects.toThrow(/belongs to 'digit-recognizer', not news-classifier/);
    await expect(loadModel(join(tempDir(), 'missing.safetensors'))).rejects.toThrow(/model file not found/);
    expect(existsSync(linear.out)).toBe(true);
  });
});

describe('model file decoding', () => {
  it('decodes F16 files exactly like nn (fast path), including specials', () => {
    const vals = [0, -0, 1, -2.5, 65504, 6e-8, 1e-5, 3.14159, -Infinity, Infinity, NaN, 0.1];
    const bytes = encodeSafetensors({ a: tensor(vals), b: tensor([[1, 2], [3, 4]]) }, { metadata: { app: 'x' }, storeAs: 'F16' });
    const fast = decodeModelFile(bytes, 'mem');
    const ref = decodeSafetensors(bytes, 'mem');
    expect(fast.metadata).toEqual(ref.metadata);
    expect(Array.from(fast.tensors.a.toTypedArray())).toEqual(Array.from(ref.tensors.a.toTypedArray()));
    expect(fast.tensors.b.shape).toEqual([2, 2]);
    expect(Array.from(fast.tensors.b.toTypedArray())).toEqual([1, 2, 3, 4]);
  });
});
