/**
 * A binary file among a dataset's training documents (an image saved as .txt, a truncated
 * download) is refused by name, as `predict --file` refuses it: it used to be read as Latin-1 and
 * trained on as a document of junk tokens. The test side is scored whole, as before.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDataset } from '../src/data.js';
import { post, tarGz, tempDir, writeClassFolder } from './helpers.js';

/** Deterministic bytes that look like a PNG/zip payload: every value 0…255, NULs included. */
function junk(n: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = (i * 151 + 7) & 0xff;
  return b;
}

describe('binary documents in a dataset', () => {
  it('a class folder with a .txt file holding NUL bytes is a training error naming the file, and scored by eval', async () => {
    const folder = writeClassFolder(tempDir(), 2, 3);
    writeFileSync(join(folder, 'sport', 'photo.txt'), junk(3000));
    // eval's side: every file is scored.
    expect((await loadDataset(folder, 'test')).items).toHaveLength(2 * 3 + 1);
    await expect(loadDataset(folder, 'train')).rejects.toThrow(/sport[/\\]photo\.txt: not a text file: this is binary data \(it holds NUL bytes\); expected the text of a document \(remove it\)/);
  });

  it('counts them when there are several, and leaves text folders (UTF-16 and Latin-1 included) alone', async () => {
    const folder = writeClassFolder(tempDir(), 2, 4);
    writeFileSync(join(folder, 'sport', 'a.txt'), junk(500));
    writeFileSync(join(folder, 'tech', 'b.txt'), Buffer.from([104, 105, 0, 1, 2, 3, 10, 0, 0, 7]));
    await expect(loadDataset(folder, 'train')).rejects.toThrow(/not a text file: this is binary data \(it holds NUL bytes\).*\(2 such files in all; remove them\)/);
    const ok = writeClassFolder(tempDir(), 2, 5);
    writeFileSync(join(ok, 'sport', 'notepad.txt'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('the striker scored a goal\r\n', 'utf16le')]));
    writeFileSync(join(ok, 'tech', 'latin.txt'), Buffer.from('caf\xe9 chips \xa3 price\n', 'latin1'));
    const d = await loadDataset(ok, 'train');
    expect(d.items.some((it) => it.text.includes('the striker scored a goal'))).toBe(true);
    expect(d.items.some((it) => it.text.includes('café chips £ price'))).toBe(true);
  });

  it('a 20 Newsgroups training post holding NUL bytes is an error naming the archive and the post', async () => {
    const ng = tempDir();
    writeFileSync(join(ng, '20news-bydate-train.tar.gz'), tarGz([
      { path: '20news-bydate-train/sci.space/1', data: post('orbit', 'the shuttle reached orbit') },
      { path: '20news-bydate-train/sci.med/2', data: junk(400) },
    ]));
    await expect(loadDataset(ng, 'train')).rejects.toThrow(/20news-bydate-train\.tar\.gz: sci\.med\/2: not a text file: this is binary data/);
  });
});
