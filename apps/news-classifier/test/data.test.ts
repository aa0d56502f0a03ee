import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectLayout, loadDataset } from '../src/data.js';
import { validationSplit } from '../src/split.js';
import { post, tarGz, tempDir, writeAgNews, writeClassFolder, writeNewsgroups } from './helpers.js';

describe('layout autodetection', () => {
  it('recognises AG News CSVs and reads both sides with class names from classes.txt', async () => {
    const dir = writeAgNews(tempDir(), 4, 1, { test: 2 });
    const layout = await detectLayout(dir);
    expect(layout.kind).toBe('ag_news');
    const train = await loadDataset(dir, 'train');
    expect(train.classes).toEqual(['sport', 'money', 'tech']);
    expect(train.items).toHaveLength(12);
    expect(train.items[0].source).toBe('train.csv:1');
    const test = await loadDataset(dir, 'test');
    expect(test.path.endsWith('test.csv')).toBe(true);
    expect(test.items).toHaveLength(6);
  });

  it('recognises 20 Newsgroups archives and the extracted folders', async () => {
    const dir = writeNewsgroups(tempDir(), 3, 2, { test: 2 });
    expect((await detectLayout(dir)).kind).toBe('20news');
    const train = await loadDataset(dir, 'train');
    expect(train.classes).toEqual(['comp.graphics', 'misc.forsale', 'rec.sport.hockey']);
    expect(train.items).toHaveLength(9);
    expect(train.items.every((it) => it.order! >= 50000 && it.order! < 60000)).toBe(true);
    const test = await loadDataset(dir, 'test');
    expect(test.items).toHaveLength(6);
    expect(test.items.every((it) => it.order! >= 60000)).toBe(true);

    const ext = tempDir();
    for (const [g, id] of [['sci.space', '1'], ['sci.med', '2']]) {
      mkdirSync(join(ext, '20news-bydate-test', g), { recursive: true });
      writeFileSync(join(ext, '20news-bydate-test', g, id), post('orbit', 'launch'));
    }
    const folder = await loadDataset(ext, 'test');
    expect(folder.layout.kind).toBe('20news');
    expect(folder.classes).toEqual(['sci.med', 'sci.space']);
    await expect(loadDataset(ext, 'train')).rejects.toThrow(/without a train side/);
    // Pointing at the extracted half itself also works.
    expect((await loadDataset(join(ext, '20news-bydate-test'), 'test')).items).toHaveLength(2);
  });

  it('follows symbolic links to archives (datasets are often linked in)', async () => {
    const src = writeNewsgroups(tempDir(), 2, 8, { test: 1 });
    const dir = tempDir();
    symlinkSync(join(src, '20news-bydate-test.tar.gz'), join(dir, '20news-bydate-test.tar.gz'));
    const d = await loadDataset(dir, 'test');
    expect(d.layout.kind).toBe('20news');
    expect(d.items).toHaveLength(3);
  });

  it('treats class subfolders of .txt files as the generic layout; both sides are every file', async () => {
    const dir = writeClassFolder(tempDir(), 2, 3);
    const layout = await detectLayout(dir);
    expect(layout.kind).toBe('folder');
    const d = await loadDataset(dir, 'test');
    expect(d.classes).toEqual(['money', 'sport', 'tech']);
    expect(d.items).toHaveLength(6);
    expect(d.items[0].source).toMatch(/^money\/\d+\.txt$/);
  });

  it('reads a non-UTF-8 .txt file as Latin-1 (as BBC needs) instead of garbling it', async () => {
    const dir = writeClassFolder(tempDir(), 1, 4);
    writeFileSync(join(dir, 'money', 'latin1.txt'), Buffer.from([0x43, 0x6f, 0x73, 0x74, 0x20, 0xa3, 0x35, 0x30]));
    const d = await loadDataset(dir, 'train');
    expect(d.items.find((it) => it.source.endsWith('latin1.txt'))!.text).toBe('Cost £50');
  });
});

describe('a dataset file named directly', () => {
  it('reads an AG News-style CSV (classes.txt beside it) and a 20 Newsgroups test archive', async () => {
    const dir = writeAgNews(tempDir(), 4, 1, { test: 2 });
    const test = await loadDataset(join(dir, 'test.csv'), 'test');
    expect([test.layout.kind, test.items.length, test.classes]).toEqual(['ag_news', 6, ['sport', 'money', 'tech']]);
    const ng = writeNewsgroups(tempDir(), 3, 2, { test: 2 });
    const ngTest = await loadDataset(join(ng, '20news-bydate-test.tar.gz'), 'test');
    expect([ngTest.layout.kind, ngTest.items.length]).toEqual(['20news', 6]);
    await expect(loadDataset(join(ng, '20news-bydate-test.tar.gz'), 'train')).rejects.toThrow(/without a train side/);
  });

  it('rejects any other file, saying what it accepts', async () => {
    const f = join(tempDir(), 'notes.txt');
    writeFileSync(f, 'hello');
    await expect(detectLayout(f)).rejects.toThrow(/notes\.txt: expected a dataset folder, an AG News-style \.csv or a 20news-bydate-\*\.tar\.gz archive/);
  });
});

describe('layout errors', () => {
  it('rejects a missing or empty folder', async () => {
    await expect(detectLayout(join(tempDir(), 'nope'))).rejects.toThrow(/no such folder/);
    await expect(detectLayout(tempDir())).rejects.toThrow(/empty folder/);
  });

  it('rejects an unknown layout, naming what it found and what it expected', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'data.json'), '{}');
    await expect(detectLayout(dir)).rejects.toThrow(/unknown dataset layout \(found data\.json\); expected AG News/);
    const noTxt = tempDir();
    mkdirSync(join(noTxt, 'a'));
    writeFileSync(join(noTxt, 'a', 'x.md'), 'hi');
    await expect(detectLayout(noTxt)).rejects.toThrow(/none holds \.txt files/);
  });

  it('rejects a CSV with a bad class id, naming file and line', async () => {
    const dir = writeAgNews(tempDir(), 2, 5);
    writeFileSync(join(dir, 'train.csv'), '"1","a","b"\n"7","c","d"\n');
    await expect(loadDataset(dir, 'train')).rejects.toThrow(/train\.csv: line 2: class id '7' is not an integer in 1\.\.3/);
  });

  it('rejects a CSV that is not UTF-8, naming file, line and byte', async () => {
    const dir = writeAgNews(tempDir(), 2, 6);
    writeFileSync(join(dir, 'train.csv'), Buffer.concat([Buffer.from('"1","ok","fine"\n"2","caf'), Buffer.from([0xe9]), Buffer.from('","x"\n')]));
    await expect(loadDataset(dir, 'train')).rejects.toThrow(/train\.csv: line 2: not valid UTF-8 \(byte 0xe9/);
  });

  it('rejects empty documents, naming the first (they were classified by the bias alone and counted)', async () => {
    const folder = writeClassFolder(tempDir(), 2, 8);
    writeFileSync(join(folder, 'tech', 'blank.txt'), '');
    writeFileSync(join(folder, 'sport', 'spaces.txt'), ' \r\n\t\n');
    await expect(loadDataset(folder, 'test')).rejects.toThrow(/sport[/\\]spaces\.txt: empty file: expected the text of a document \(2 empty documents in all; remove them\)/);
    const ag = writeAgNews(tempDir(), 2, 9);
    writeFileSync(join(ag, 'train.csv'), '"1","a","b"\n"2"," ",""\n');
    await expect(loadDataset(ag, 'train')).rejects.toThrow(/train\.csv: line 2: empty title and description: expected the text of a document \(remove it\)/);
    const ng = tempDir();
    writeFileSync(join(ng, '20news-bydate-test.tar.gz'), tarGz([{ path: '20news-bydate-test/sci.space/1', data: post('s', 'b') }, { path: '20news-bydate-test/sci.med/2', data: '' }]));
    await expect(loadDataset(ng, 'test')).rejects.toThrow(/20news-bydate-test\.tar\.gz: sci\.med\/2: empty post/);
  });

  it('asks for the missing side', async () => {
    const dir = writeAgNews(tempDir(), 2, 7);
    await expect(loadDataset(dir, 'test')).rejects.toThrow(/without a test side \(expected test\.csv\)/);
  });

  it('rejects an archive that is not a tar.gz', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, '20news-bydate-train.tar.gz'), 'not gzip');
    await expect(loadDataset(dir, 'train')).rejects.toThrow(/20news-bydate-train\.tar\.gz/);
    // and the tar writer used by these tests produces archives the reader accepts
    writeFileSync(join(dir, '20news-bydate-train.tar.gz'), tarGz([{ path: '20news-bydate-train/x.y/1', data: post('s', 'b') }]));
    expect((await loadDataset(dir, 'train')).items).toHaveLength(1);
  });
});

describe('validation split', () => {
  it('is stratified and seeded; ordered items hold out the newest of each class', () => {
    const items = Array.from({ length: 40 }, (_, i) => ({ text: '', label: i % 2, source: String(i) }));
    const a = validationSplit(items, 2, 0.25, 1);
    expect(a.val).toHaveLength(10);
    expect(a.val.filter((i) => i % 2 === 0)).toHaveLength(5);
    expect(validationSplit(items, 2, 0.25, 1)).toEqual(a);
    expect(validationSplit(items, 2, 0.25, 2).val).not.toEqual(a.val);
    const ordered = items.map((it, i) => ({ ...it, order: 1000 - i }));
    const b = validationSplit(ordered, 2, 0.25, 1);
    // order decreases with i, so the newest (largest order) are the smallest indices.
    expect(b.val).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
});
