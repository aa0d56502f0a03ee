/**
 * Problems a user walkthrough found: output options checked before any work, a dataset's parent
 * folder named as --data, unquoted texts, shipped models named by their short names, and demo
 * headlines that fit each model's labels.
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEMO_MODELS, readHeadlines, runDemo } from '../src/demo.js';
import { detectLayout } from '../src/data.js';
import { evalCommand } from '../src/eval.js';
import { explainCommand } from '../src/explain.js';
import { main } from '../src/program.js';
import { predictCommand } from '../src/predict.js';
import { trainCommand } from '../src/train.js';
import { NewsClassifier, shippedModelPath } from '../src/classifier.js';
import { tempDir, writeClassFolder } from './helpers.js';

const MODELS = fileURLToPath(new URL('../models/', import.meta.url));

function collect() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, print: (s: string) => out.push(s), warn: (s: string) => err.push(s) };
}

describe('output options are checked before any work, naming the flag', () => {
  let data: string;
  let model: string;
  beforeAll(async () => {
    data = writeClassFolder(tempDir(), 12, 5);
    model = join(tempDir(), 'm.safetensors');
    await trainCommand({ data, modelType: 'linear', seed: 0, out: model, buckets: 512, epochs: 1, charNgrams: 'none', quiet: true, log: () => {} });
  });

  // Before: the whole evaluation was printed, then `EEXIST: file already exists, mkdir 'README.md'`.
  it('eval --report naming an existing file', async () => {
    const file = join(tempDir(), 'README.md');
    writeFileSync(file, '# notes\n');
    const io = collect();
    await expect(evalCommand({ data, model, report: file, quiet: true, ...io })).rejects.toThrow(
      `--report ${file}: is a file, expected a folder (index.html and confusion.png go into it)`);
    expect(io.out).toEqual([]);
    // Up front: the --report mistake is reported even when --data would fail too.
    await expect(evalCommand({ data: join(data, 'missing'), model, report: file, quiet: true, ...io })).rejects.toThrow(/^--report /);
  });

  it('eval --report under a file names the flag', async () => {
    const file = join(tempDir(), 'notes.txt');
    writeFileSync(file, 'x');
    const io = collect();
    await expect(evalCommand({ data, model, report: join(file, 'report'), quiet: true, ...io }))
      .rejects.toThrow(`--report ${join(file, 'report')}: cannot write there (part of that path is a file, not a folder)`);
    expect(io.out).toEqual([]);
  });

  it('eval --report to a new folder still writes the report', async () => {
    const dir = join(tempDir(), 'rep');
    const io = collect();
    await evalCommand({ data, model, report: dir, quiet: true, ...io });
    expect(readdirSync(dir).sort()).toEqual(['confusion.png', 'index.html']);
  });

  // Before: explained first, then `<dir>: cannot write there (is a folder, expected a file)` without the flag.
  it('explain --html naming a folder or a path under a file', async () => {
    const dir = tempDir();
    const io = collect();
    await expect(explainCommand({ text: 'striker scores', model, html: dir, ...io })).rejects.toThrow(
      `--html ${dir}: is a folder; give a file name (e.g. ${join(dir, 'explain.html')})`);
    const file = join(dir, 'f.txt');
    writeFileSync(file, 'x');
    await expect(explainCommand({ text: 'striker scores', model, html: join(file, 'x.html'), ...io })).rejects.toThrow(
      `--html ${join(file, 'x.html')}: cannot write there (part of that path is a file, not a folder)`);
    expect(io.out).toEqual([]);
  });
});

describe('--data naming the parent of a class-folder dataset', () => {
  // Before: `class 'bbc' is not one of the model's labels (…)` (with a README.TXT in bbc/), or
  // `class folders found (bbc) but none holds .txt files`.
  it('says which folder was probably meant', async () => {
    const parent = tempDir();
    writeClassFolder(join(parent, 'bbc'), 2, 1);
    await expect(detectLayout(parent)).rejects.toThrow(
      `${parent}: class folder 'bbc' contains no .txt files (only subfolders: money, sport, tech); did you mean --data ${join(parent, 'bbc')}?`);
    writeFileSync(join(parent, 'bbc', 'README.TXT'), 'about this dataset\n');
    await expect(detectLayout(parent)).rejects.toThrow(
      `${parent}: class folder 'bbc' holds subfolders of .txt files (money, sport, tech) and only 1 .txt file (README.TXT) of its own; did you mean --data ${join(parent, 'bbc')}?`);
    const io = collect();
    await expect(evalCommand({ data: parent, quiet: true, ...io })).rejects.toThrow(`did you mean --data ${join(parent, 'bbc')}?`);
    expect((await detectLayout(join(parent, 'bbc'))).kind).toBe('folder');
  });

  it('a class folder with many texts and a subfolder is still a class', async () => {
    const dir = writeClassFolder(tempDir(), 3, 2);
    mkdirSync(join(dir, 'sport', 'old'));
    writeFileSync(join(dir, 'sport', 'old', 'a.txt'), 'an old match report\n');
    expect((await detectLayout(dir)).kind).toBe('folder');
  });
});

describe('unquoted texts', () => {
  // Before: commander's "error: too many arguments for 'explain'. Expected 1 argument but got 3."
  it('explain with several words asks for quotes', async () => {
    const saved = process.exitCode;
    try {
      await expect(main(['explain', 'Striker', 'scores', 'twice'])).rejects.toThrow('explain takes one text; quote it: news explain "Striker scores twice"');
    } finally {
      process.exitCode = saved;
    }
  });

  it('predict with three or more one-word texts notes on stderr how to quote, and classifies as before', async () => {
    const io = collect();
    const r = await predictCommand({ texts: ['Central', 'bank', 'raises', 'rates'], ...io });
    expect(io.err).toEqual(['note: 4 one-word texts, each classified on its own; to classify them as one text, quote it: news predict "Central bank raises rates"']);
    expect(r.predictions.map((p) => p.text)).toEqual(['Central', 'bank', 'raises', 'rates']);
    expect(io.out).toHaveLength(4);
    for (const texts of [['Central', 'bank'], ['Central bank raises rates', 'stocks', 'fall']]) {
      const quiet = collect();
      await predictCommand({ texts, ...quiet });
      expect(quiet.err, texts.join('|')).toEqual([]);
    }
  });
});

describe('--model names a shipped model', () => {
  // Before: `bbc: model file not found (train one with `news train --data DIR --out bbc`)`.
  it('predict --model bbc uses the shipped BBC model and says so', async () => {
    for (const name of ['bbc', 'bbc.safetensors']) {
      const io = collect();
      const r = await predictCommand({ texts: ['hello'], model: name, ...io });
      expect(r.json.model).toBe(join(MODELS, 'bbc.safetensors'));
      expect(io.err).toEqual([`note: --model ${name}: no such file here; using the shipped model ${join(MODELS, 'bbc.safetensors')}`]);
    }
  });

  it('explain and eval accept the short names too; unknown names still fail naming the shipped ones', async () => {
    const io = collect();
    const ex = await explainCommand({ text: 'stocks fall', model: '20news', ...io });
    expect(ex.json.model).toBe(join(MODELS, '20news.safetensors'));
    const dir = writeClassFolder(tempDir(), 1, 3);
    await expect(evalCommand({ data: dir, model: 'ag_news', quiet: true, ...collect() })).rejects.toThrow(/class 'money' is not one of the model's labels/);
    await expect(predictCommand({ texts: ['x'], model: 'bbcc', ...collect() })).rejects.toThrow(/bbcc: model file not found \(the shipped models can be named: --model ag_news, 20news or bbc/);
  });
});

describe('demo headlines fit their models', () => {
  // Before: one list for every model — a film award classified as Sports (48%) by the AG News model.
  it('each shipped model classifies its sample headlines as intended', async () => {
    const expected: Record<string, string[]> = {
      'ag_news.safetensors': ['World', 'World', 'Sports', 'Sports', 'Business', 'Business', 'Sci/Tech', 'Sci/Tech'],
      'bbc.safetensors': ['business', 'business', 'entertainment', 'entertainment', 'politics', 'politics', 'sport', 'sport', 'tech', 'tech'],
      '20news.safetensors': ['comp.graphics', 'rec.autos', 'rec.sport.baseball', 'rec.sport.hockey', 'sci.crypt', 'sci.med', 'sci.space', 'soc.religion.christian'],
    };
    for (const m of DEMO_MODELS) {
      const clf = await NewsClassifier.load(shippedModelPath(m.file));
      const headlines = readHeadlines(m.samples);
      const C = clf.labels.length;
      const logits = clf.logits(headlines);
      const got = headlines.map((_, i) => {
        let b = 0;
        for (let c = 1; c < C; c++) if (logits[i * C + c] > logits[i * C + b]) b = c;
        return clf.labels[b];
      });
      expect(got, m.file).toEqual(expected[m.file]);
    }
    const lines: string[] = [];
    await runDemo((s) => lines.push(s));
    expect(lines.filter((l) => l.startsWith('news classifier'))).toHaveLength(3);
  });
});
