import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import * as tar from 'tar-stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { iterateTarGz, readNewsgroups, readTarGzTextFiles, readTextFolder } from '../src/io/index.js';
import { makeTmpDir } from './fixtures/io/helpers.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => ({ dir, cleanup } = await makeTmpDir('tar')));
afterAll(() => cleanup());

/** Builds a tar archive in memory with tar-stream. */
async function makeTar(files: [string, Buffer | string][], dirs: string[] = []): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  const done = (async () => {
    for await (const c of pack) chunks.push(c as Buffer);
  })();
  for (const d of dirs) pack.entry({ name: d, type: 'directory' });
  for (const [name, body] of files) await new Promise<void>((res, rej) => pack.entry({ name }, body, (err) => (err ? rej(err) : res())));
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}

const latin1Message = Buffer.from('Subject: caf\xe9\n\nPrice \xa35', 'latin1');
const ngFiles: [string, Buffer | string][] = [
  ['20news-bydate-train/sci.space/61000', 'Subject: moon\n\nbody one'],
  ['20news-bydate-train/alt.atheism/9', 'Subject: a\n\nnine'],
  ['20news-bydate-train/alt.atheism/10', latin1Message],
  ['20news-bydate-train/alt.atheism/100', 'Subject: \u00fcber\n\nutf8 ok'],
];

async function put(name: string, bytes: Buffer): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, bytes);
  return path;
}

describe('iterateTarGz / readTarGzTextFiles', () => {
  it('streams files out of a .tar.gz, skipping directories and filtered entries', async () => {
    const path = await put('a.tar.gz', gzipSync(await makeTar([['./x/a.txt', 'alpha'], ['x/b.bin', Buffer.from([0, 1, 2])], ['x/c.txt', 'gamma']], ['x/'])));
    const all: [string, number][] = [];
    for await (const f of iterateTarGz(path)) all.push([f.path, f.bytes.length]);
    expect(all).toEqual([['x/a.txt', 5], ['x/b.bin', 3], ['x/c.txt', 5]]);
    const texts: string[] = [];
    for await (const f of readTarGzTextFiles(path, (p) => p.endsWith('.txt'))) texts.push(`${f.path}=${f.text}`);
    expect(texts).toEqual(['x/a.txt=alpha', 'x/c.txt=gamma']);
  });

  it('reads an uncompressed .tar too and stops cleanly when the consumer breaks', async () => {
    const path = await put('plain.tar', await makeTar([['one', '1'], ['two', '2']]));
    const seen: string[] = [];
    for await (const f of readTarGzTextFiles(path)) {
      seen.push(f.text);
      break;
    }
    expect(seen).toEqual(['1']);
  });

  it('falls back to Latin-1 for bytes that are not UTF-8', async () => {
    const path = await put('enc.tar.gz', gzipSync(await makeTar([['l1', latin1Message], ['u8', 'na\u00efve']])));
    const out: string[] = [];
    for await (const f of readTarGzTextFiles(path)) out.push(`${f.encoding}:${f.text}`);
    expect(out).toEqual(['latin1:Subject: café\n\nPrice £5', 'utf-8:naïve']);
  });

  it('rejects truncated and non-tar archives, naming the file', async () => {
    const big = gzipSync(await makeTar([['f', Buffer.alloc(20000, 65)]]));
    const cut = await put('cut.tar.gz', big.subarray(0, big.length - 40));
    await expect(drain(cut)).rejects.toThrow(new RegExp(`${cut}: truncated gzip stream`));
    const notTar = await put('not.tar.gz', gzipSync(Buffer.alloc(1024, 120)));
    await expect(drain(notTar)).rejects.toThrow(/not\.tar\.gz: not a valid tar archive/);
    const empty = await put('empty.tar.gz', gzipSync(Buffer.alloc(0)));
    await expect(drain(empty)).rejects.toThrow(/empty\.tar\.gz: archive contains no entries/);
  });
  it('refuses entries that point outside the archive folder (tar-slip), and a filter that is not a function', async () => {
    const slip = await put('slip.tar.gz', gzipSync(await makeTar([['ok.txt', 'x'], ['../../evil.txt', 'x']])));
    await expect(drain(slip)).rejects.toThrow(/slip\.tar\.gz: entry '\.\.\/\.\.\/evil\.txt' has an absolute path or a '\.\.' component/);
    const abs = await put('abs.tar.gz', gzipSync(await makeTar([['/etc/evil', 'x']])));
    await expect(drain(abs)).rejects.toThrow(/abs\.tar\.gz: entry '\/etc\/evil' has an absolute path/);
    // Dots inside a name are not a '..' component.
    const dots = await put('dots.tar.gz', gzipSync(await makeTar([['a..b/c..txt', 'x']])));
    expect(await drain(dots)).toBe(1);
    const bad = iterateTarGz(dots, 5 as never);
    await expect(bad.next()).rejects.toThrow('iterateTarGz: filter must be a function, got a number (5)');
  });
});

async function drain(path: string): Promise<number> {
  let n = 0;
  for await (const _ of iterateTarGz(path)) n++;
  return n;
}

describe('readNewsgroups', () => {
  it('reads the bydate archive in place: sorted groups, numeric ids, labels', async () => {
    const path = await put('20news-bydate-train.tar.gz', gzipSync(await makeTar(ngFiles)));
    const { classes, items } = await readNewsgroups(path);
    expect(classes).toEqual(['alt.atheism', 'sci.space']);
    expect(items.map((i) => [i.group, i.id, i.label, i.encoding])).toEqual([
      ['alt.atheism', '9', 0, 'utf-8'],
      ['alt.atheism', '10', 0, 'latin1'],
      ['alt.atheism', '100', 0, 'utf-8'],
      ['sci.space', '61000', 1, 'utf-8'],
    ]);
    expect(items[1].text).toBe('Subject: café\n\nPrice £5');
  });

  it('picks a split from an archive holding both, and insists on one', async () => {
    const both = [...ngFiles, ['20news-bydate-test/sci.space/7', 'test msg'] as [string, string]];
    const path = await put('20news-bydate.tar.gz', gzipSync(await makeTar(both)));
    const test = await readNewsgroups(path, { split: 'test' });
    expect(test.items.map((i) => i.text)).toEqual(['test msg']);
    expect((await readNewsgroups(path, { split: 'train' })).items.length).toBe(4);
    await expect(readNewsgroups(path)).rejects.toThrow(/20news-bydate\.tar\.gz: archive holds several parts \(20news-bydate-train, 20news-bydate-test\)/);
  });

  it('reads an extracted folder the same way', async () => {
    const root = join(dir, 'ng');
    for (const [name, body] of ngFiles) {
      await mkdir(join(root, name, '..'), { recursive: true });
      await writeFile(join(root, name), body);
    }
    const fromDir = await readNewsgroups(root);
    const fromArchive = await readNewsgroups(await put('same.tar.gz', gzipSync(await makeTar(ngFiles))));
    expect(fromDir).toEqual(fromArchive);
  });

  it('rejects an archive without <group>/<id> files', async () => {
    const path = await put('flat.tar.gz', gzipSync(await makeTar([['README', 'hi']])));
    await expect(readNewsgroups(path)).rejects.toThrow(/flat\.tar\.gz: no messages found/);
  });
});

describe('readTextFolder (BBC layout)', () => {
  it('reads class folders of .txt files with a Latin-1 fallback', async () => {
    const root = join(dir, 'bbc');
    await mkdir(join(root, 'sport'), { recursive: true });
    await mkdir(join(root, 'business'), { recursive: true });
    await writeFile(join(root, 'README.TXT'), 'not a class');
    await writeFile(join(root, 'sport', '199.txt'), Buffer.from('Title\n\nCost \xa3100', 'latin1'));
    await writeFile(join(root, 'sport', '001.txt'), 'Match\n\nWon 2\u20130');
    await writeFile(join(root, 'business', '001.txt'), 'Shares\n\nUp');
    const { classes, items } = await readTextFolder(root);
    expect(classes).toEqual(['business', 'sport']);
    expect(items.map((i) => [i.className, i.label, i.encoding, i.text])).toEqual([
      ['business', 0, 'utf-8', 'Shares\n\nUp'],
      ['sport', 1, 'utf-8', 'Match\n\nWon 2\u20130'],
      ['sport', 1, 'latin1', 'Title\n\nCost £100'],
    ]);
  });

  it('rejects a folder without classes', async () => {
    const root = join(dir, 'flat');
    await mkdir(root);
    await writeFile(join(root, 'a.txt'), 'x');
    await expect(readTextFolder(root)).rejects.toThrow(/flat: no class folders found/);
  });
});
