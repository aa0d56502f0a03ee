// Folder-shaped corpora: 20 Newsgroups (extracted layout), FSDD recordings and a NeMo manifest.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataFormatError, readFsddFolder, readManifest, readNewsgroups, readWav, tokenize, writeManifest, writeWav } from '@tensorkit/data';

const dir = mkdtempSync(join(tmpdir(), 'tensorkit-corpora-'));
try {
  // 20 Newsgroups bydate: <part>/<group>/<id>. readNewsgroups also streams the .tar.gz without extracting it.
  const post = (subject: string, body: string) => `From: someone@example.org\nSubject: ${subject}\n\n${body}\n-- \nSomeone\n`;
  for (const [group, id, text] of [
    ['sci.space', '61000', post('Launch', 'In article <1@x> bob writes:\n> old quote\nThe launch window opens at dawn.')],
    ['sci.space', '9', post('Orbit', 'Orbits decay.')],
    ['rec.autos', '101', post('Brakes', 'Check the brake pads.')],
  ]) {
    mkdirSync(join(dir, '20news-bydate-train', group), { recursive: true });
    writeFileSync(join(dir, '20news-bydate-train', group, id), text);
  }
  const ng = await readNewsgroups(dir, { split: 'train' });
  assert.deepEqual(ng.classes, ['rec.autos', 'sci.space']); // sorted, so label ids never depend on the file system
  assert.deepEqual(ng.items.map((it) => `${it.group}/${it.id}`), ['rec.autos/101', 'sci.space/9', 'sci.space/61000']); // numeric id order
  // Items keep the raw post; the tokenizer can drop headers, quotes and the signature first (like scikit-learn's remove=).
  assert.deepEqual(tokenize(ng.items[2].text, { newsgroup: true }), ['the', 'launch', 'window', 'opens', 'at', 'dawn']);

  // Free Spoken Digit Dataset names are {digit}_{speaker}_{index}.wav; the label comes from the name.
  const rec = join(dir, 'recordings');
  mkdirSync(rec);
  const beep = Float32Array.from({ length: 800 }, (_, i) => 0.3 * Math.sin(i / 3));
  for (const name of ['7_jackson_10.wav', '7_jackson_2.wav', '3_nicolas_0.wav']) await writeWav(join(rec, name), beep, 8000);
  const fsdd = await readFsddFolder(rec);
  assert.deepEqual(fsdd.map((e) => [e.digit, e.speaker, e.index]), [[3, 'nicolas', 0], [7, 'jackson', 2], [7, 'jackson', 10]]);

  // NeMo manifests: one JSON object per line, audio paths relative to the manifest.
  const manifest = join(dir, 'train.jsonl');
  await writeManifest(manifest, fsdd.map((e) => ({ audioPath: e.path, duration: 0.1, text: String(e.digit) })));
  const entries = await readManifest(manifest);
  assert.equal(entries[0].audioFilepath, 'recordings/3_nicolas_0.wav');
  assert.equal((await readWav(entries[0].audioPath)).duration, 0.1);

  // A missing field or a missing audio file is reported with the manifest, the line and the expectation.
  writeFileSync(manifest, '{"audio_filepath": "recordings/3_nicolas_0.wav", "text": "3"}\n{"audio_filepath": "gone.wav"}\n');
  await assert.rejects(readManifest(manifest), (e: unknown) => {
    assert.ok(e instanceof DataFormatError);
    assert.equal(e.message, `${manifest}: line 2: missing "text" (expected a string transcript), got undefined`);
    return true;
  });
  console.log(`${ng.items.length} posts in ${ng.classes.length} groups, ${fsdd.length} recordings`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
