/**
 * Large documents and awkward files for explain / predict / eval. A big text used to be explained
 * through one object per feature occurrence (~35 per word) and one term per position: 8 MB of news
 * text took 5 GB and 10 minutes (1 MB: 940 MB), and `explain` had no way to read a file at all.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '@tensorkit/train';
import { NewsClassifier } from '../src/classifier.js';
import { evalCommand } from '../src/eval.js';
import { explainCommand, MAX_JSON_TOKENS, SHOWN_CHARS } from '../src/explain.js';
import { documentBag, encodeTokens, streamedBag, textTokens, type FeatureConfig } from '../src/features.js';
import { MAX_INPUT_BYTES, readTextFile } from '../src/input.js';
import { encodeDoc, STREAM_TOKENS } from '../src/model.js';
import { predictCommand } from '../src/predict.js';
import { trainCommand, type TrainResult } from '../src/train.js';
import { makeDocs, tempDir, writeClassFolder } from './helpers.js';

const silent = () => {};

/** ~`mb` MB of text: synthetic topic sentences, each followed by a token seen nowhere else. */
function bigText(mb: number): string {
  const docs = makeDocs(200, 5).map((d) => d.text);
  const parts: string[] = [];
  let n = 0;
  for (let i = 0; n < mb * 1e6; i++) {
    const s = `${docs[i % docs.length]} ref${i.toString(36)}q `;
    parts.push(s);
    n += s.length;
  }
  return parts.join('');
}

describe('large documents', () => {
  let model: TrainResult;
  let clf: NewsClassifier;
  let big: string;

  beforeAll(async () => {
    const folder = writeClassFolder(tempDir(), 40, 7);
    // The shipped recipe's shape (block-weighted tf-idf over word and character n-grams), small.
    model = await trainCommand({ data: folder, modelType: 'linear', seed: 1, out: join(tempDir(), 'lin.safetensors'), buckets: 4096, epochs: 2, charNgrams: '2-4', quiet: true, log: silent });
    clf = await NewsClassifier.load(model.out);
    expect(clf.model.info.features.wordWeight).toBeDefined();
    big = bigText(1.2);
  });

  it('the streamed bag is the bag of the encoded ids (both block layouts), and long documents are encoded through it', () => {
    const text = 'Ｆｕｌｌ-width ﬁnance: the striker’s goal, 3.5% rates — naïve café owners in São Paulo cheer! 東京 株式 ' + big.slice(0, 20_000);
    for (const c of [clf.model.info.features, { ...clf.model.info.features, wordWeight: undefined }, { preprocess: 'plain', buckets: 997, wordNgrams: 3, charNgrams: null }] as FeatureConfig[]) {
      const tokens = textTokens(text, c);
      const want = documentBag(encodeTokens(tokens, c), tokens.length, c);
      for (const dense of [true, false]) {
        const got = streamedBag(tokens, c, dense).bag;
        expect(Array.from(got.ids)).toEqual(Array.from(want.ids));
        expect(Array.from(got.counts)).toEqual(Array.from(want.counts));
        expect(got.split).toBe(want.split);
      }
    }
    const tokens = clf.tokens(big.slice(0, 400_000));
    expect(tokens.length).toBeGreaterThan(STREAM_TOKENS);
    const c = clf.model.info.features;
    const streamed = encodeDoc(tokens, c, clf.model.net);
    const bag = documentBag(encodeTokens(tokens, c), tokens.length, c);
    expect(Array.from(streamed.ids)).toEqual(Array.from(bag.ids));
  });

  it('explains a multi-megabyte text with one entry per distinct term, exactly', () => {
    const ex = clf.explain(big);
    expect(ex.tokens.length).toBeGreaterThan(150_000);
    // One entry per distinct term (it was one per word and n-gram position: ~370,000 entries here), with its occurrence count.
    const keys = ex.terms.map((t) => `${t.kind}:${t.term}`);
    expect(new Set(keys).size).toBe(keys.length);
    const words = ex.terms.filter((t) => t.kind === 'word');
    expect(words.reduce((s, t) => s + t.count!, 0)).toBe(ex.tokens.length);
    expect(words.length).toBe(new Set(ex.tokens).size);
    expect(ex.terms.find((t) => t.term === 'striker')!.count).toBe(ex.tokens.filter((t) => t === 'striker').length);
    // Still exact: the logits are the net's, and bias + terms (or bias + tokens) is the logit difference.
    const net = clf.netLogits(big);
    const scale = Math.max(1, ...net.map(Math.abs));
    ex.logits.forEach((v, k) => expect(Math.abs(v - net[k])).toBeLessThan(1e-4 * scale));
    expect(ex.bias + ex.terms.reduce((s, t) => s + t.value, 0)).toBeCloseTo(ex.difference, 6);
    expect(ex.bias + ex.tokenValues.reduce((s, v) => s + v, 0)).toBeCloseTo(ex.difference, 6);
    // Integrated gradients run on the distinct buckets (they were steps × every occurrence) and agree.
    const ig = clf.explain(big, { method: 'ig', steps: 4 });
    expect(Math.abs(ig.bias + ig.terms.reduce((s, t) => s + t.value, 0) - ig.difference)).toBeLessThan(1e-4 * scale);
    expect(Math.abs(ig.terms[0].value - ex.terms.find((t) => t.term === ig.terms[0].term && t.kind === ig.terms[0].kind)!.value)).toBeLessThan(1e-4 * scale);
  });

  it('explain --file: the JSON lists the top terms and the first tokens, and the rest still adds up; the page and terminal show the head of the text', async () => {
    const file = join(tempDir(), 'big.txt');
    writeFileSync(file, big);
    const html = join(tempDir(), 'big.html');
    const lines: string[] = [];
    const r = await explainCommand({ file, model: model.out, json: true, html, top: 5, print: silent });
    expect(r.json.terms).toHaveLength(5);
    expect(r.json.tokens).toHaveLength(MAX_JSON_TOKENS);
    expect(r.json.tokens_rest!.count).toBe(r.explanation.tokens.length - MAX_JSON_TOKENS);
    const listed = r.json.tokens.reduce((s, t) => s + t.contribution, 0);
    expect(r.json.bias + listed + r.json.tokens_rest!.contribution).toBeCloseTo(r.json.logit_difference, 6);
    const page = readFileSync(html, 'utf8');
    expect(page.length).toBeLessThan(SHOWN_CHARS.html * 15);
    expect(page).toMatch(/more characters not shown; the terms and totals cover the whole text/);
    await explainCommand({ file, model: model.out, color: false, print: (s) => lines.push(s) });
    const out = lines.join('\n');
    expect(out.length).toBeLessThan(SHOWN_CHARS.terminal + 5_000);
    expect(out).toMatch(/more characters not shown; the terms below cover the whole text/);
  });

  it('predict --file and eval classify a multi-megabyte document', async () => {
    const dir = tempDir();
    const file = join(dir, 'one-line.txt');
    writeFileSync(file, big.replace(/\n/g, ' ') + '\n');
    const r = await predictCommand({ texts: [], file, model: model.out, explain: true, json: true, print: silent });
    expect(r.predictions).toHaveLength(1);
    expect(r.predictions[0].explanation!.length).toBeGreaterThan(0);
    const data = writeClassFolder(tempDir(), 5, 9);
    writeFileSync(join(data, 'sport', 'huge.txt'), big);
    const e = await evalCommand({ data, model: model.out, json: true, quiet: true, report: tempDir(), print: silent });
    expect(e.json.n).toBe(16);
  });

  it('predict --file reads a file of very many lines (spreading them as arguments overflowed the stack)', async () => {
    const file = join(tempDir(), 'many.txt');
    writeFileSync(file, 'goal\n'.repeat(150_000));
    const r = await predictCommand({ texts: [], file, model: model.out, json: true, print: silent });
    expect(r.predictions).toHaveLength(150_000);
  });
});

describe('files a user may hand to explain / predict', () => {
  let model: string;
  beforeAll(async () => {
    const folder = writeClassFolder(tempDir(), 20, 3);
    model = (await trainCommand({ data: folder, modelType: 'linear', seed: 1, out: join(tempDir(), 'm.safetensors'), buckets: 1024, epochs: 1, charNgrams: 'none', quiet: true, log: silent })).out;
  });

  it('refuses a folder, an empty file, binary data and a missing file with one line naming the file', async () => {
    const dir = tempDir();
    const folder = join(dir, 'folder');
    mkdirSync(folder);
    const empty = join(dir, 'empty.txt');
    writeFileSync(empty, '');
    const blank = join(dir, 'blank.txt');
    writeFileSync(blank, ' \n\n\t\n');
    const bin = join(dir, 'blob.bin');
    writeFileSync(bin, Buffer.from([1, 2, 0, 0, 200, 255, 0, 7]));
    const ex = (file: string) => explainCommand({ file, model, json: true, print: silent });
    const pr = (file: string) => predictCommand({ texts: [], file, model, json: true, print: silent });
    await expect(ex(folder)).rejects.toThrow(new UserError(`${folder}: is a folder; expected a plain-text file (explained as one document)`));
    await expect(pr(folder)).rejects.toThrow(new UserError(`${folder}: is a folder; expected a plain-text file with one text per line`));
    await expect(ex(empty)).rejects.toThrow(new UserError(`${empty}: empty file; expected the text of a document`));
    await expect(ex(blank)).rejects.toThrow(new UserError(`${blank}: empty file; expected the text of a document`));
    await expect(pr(empty)).rejects.toThrow(`${empty}: no text lines to classify`);
    await expect(ex(bin)).rejects.toThrow(`${bin}: not a text file: this is binary data (it holds NUL bytes)`);
    await expect(ex(join(dir, 'missing.txt'))).rejects.toThrow(`${join(dir, 'missing.txt')}: cannot read (ENOENT)`);
    await expect(explainCommand({ model, print: silent })).rejects.toThrow(/give a text to explain, or --file FILE/);
    await expect(explainCommand({ text: 'goal', file: empty, model, print: silent })).rejects.toThrow(/not both/);
  });

  it('explains a Latin-1 file and a file of punctuation only (with the no-words warning)', async () => {
    const dir = tempDir();
    const latin = join(dir, 'latin1.txt');
    writeFileSync(latin, Buffer.from('The striker\xb4s goal in the caf\xe9 league \xa3 cup', 'latin1'));
    const r = await explainCommand({ file: latin, model, json: true, print: silent });
    expect(r.explanation.tokens).toContain('café');
    const punct = join(dir, 'punct.txt');
    writeFileSync(punct, '!!! ??? ...\n');
    const warnings: string[] = [];
    const p = await explainCommand({ file: punct, model, json: true, print: silent, warn: (s) => warnings.push(s) });
    expect(p.json.warning).toMatch(/no words in this text/);
    expect(warnings).toHaveLength(1);
  });

  it('refuses a file over the size limit before reading it, naming the file, its size and the limit', async () => {
    const file = join(tempDir(), 'big.txt');
    writeFileSync(file, 'x '.repeat(1024 * 1024));
    await expect(readTextFile(file, 'a text', 1024 * 1024)).rejects.toThrow(new UserError(`${file}: too large: 2.0 MiB (2,097,152 bytes), over the limit of 1.0 MiB (1,048,576 bytes); split it into smaller documents`));
    // Just over the limit does not read as "32.0 MiB; the limit is 32.0 MiB".
    await expect(readTextFile(file, 'a text', 2 * 1024 * 1024 - 1)).rejects.toThrow(`too large: 2.0 MiB (2,097,152 bytes), over the limit of 2.0 MiB (2,097,151 bytes)`);
    await expect(readTextFile(file, 'a text', 4 * 1024 * 1024)).resolves.toHaveLength(2 * 1024 * 1024);
  });

  it('explain --file, predict --file and eval refuse a document over MAX_INPUT_BYTES by name (explaining 100 MB took 3 GB)', async () => {
    const dir = tempDir();
    const huge = 'goal '.repeat(Math.ceil((MAX_INPUT_BYTES + 1) / 5));
    const file = join(dir, 'huge.txt');
    writeFileSync(file, huge);
    const size = `${(huge.length / 1024 / 1024).toFixed(1)} MiB (${huge.length.toLocaleString('en-US')} bytes)`;
    await expect(explainCommand({ file, model, json: true, print: silent })).rejects.toThrow(`${file}: too large: ${size}, over the limit of 32.0 MiB (33,554,432 bytes); split it into smaller documents`);
    await expect(predictCommand({ texts: [], file, model, json: true, print: silent })).rejects.toThrow(`${file}: too large: ${size}, over the limit`);
    const data = writeClassFolder(join(dir, 'data'), 2, 4);
    writeFileSync(join(data, 'sport', 'huge.txt'), huge);
    await expect(evalCommand({ data, model, json: true, quiet: true, print: silent })).rejects.toThrow(`${join(data, 'sport', 'huge.txt')}: too large: ${huge.length.toLocaleString('en-US')} characters, over the limit of 33,554,432 per document`);
  });
});
