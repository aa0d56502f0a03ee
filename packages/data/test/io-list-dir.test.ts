import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listClassFolders, listDir, readFsddFolder } from '../src/io/index.js';
import { makeTmpDir } from './fixtures/io/helpers.js';

describe('listDir and the folder readers built on it: symbolic links', () => {
  let tmp: { dir: string; cleanup: () => Promise<void> };
  let real: string;
  let linked: string;
  beforeAll(async () => {
    tmp = await makeTmpDir('tk-listdir-');
    // The real data, and a folder assembled from links to part of it (as git-annex or a subset would be).
    real = join(tmp.dir, 'real');
    linked = join(tmp.dir, 'linked');
    await mkdir(join(real, 'sport'), { recursive: true });
    await mkdir(linked);
    for (const name of ['0_alice_0.wav', '1_alice_0.wav', '0_bob_0.wav']) await writeFile(join(real, name), 'x');
    await writeFile(join(real, 'sport', 'a.txt'), 'goal');
    await symlink(join(real, '0_alice_0.wav'), join(linked, '0_alice_0.wav'));
    await symlink(join(real, '1_alice_0.wav'), join(linked, '1_alice_0.wav'));
    await symlink(join(real, 'sport'), join(linked, 'sport'));
    await writeFile(join(linked, 'notes.md'), 'plain file');
  });
  afterAll(() => tmp.cleanup());

  it('lists a link as what it points to: files with files, folders with folders', async () => {
    expect(await listDir(linked)).toEqual({ dirs: ['sport'], files: ['0_alice_0.wav', '1_alice_0.wav', 'notes.md'] });
  });

  it('reads an FSDD folder of links and a class folder reached through a link', async () => {
    expect((await readFsddFolder(linked)).map((e) => e.path)).toEqual([join(linked, '0_alice_0.wav'), join(linked, '1_alice_0.wav')]);
    const listing = await listClassFolders(linked, (f) => f.endsWith('.txt'), 'text');
    expect(listing.classes).toEqual(['sport']);
    expect(listing.items).toHaveLength(1);
  });

  it('a link to nothing is an error naming the link and its target, not a smaller dataset', async () => {
    const broken = join(tmp.dir, 'broken');
    await mkdir(broken);
    await symlink(join(real, 'gone.wav'), join(broken, '2_alice_0.wav'));
    await expect(listDir(broken)).rejects.toThrow(`${join(broken, '2_alice_0.wav')}: symbolic link to ${join(real, 'gone.wav')}, which does not exist`);
  });
});
