/**
 * A manifest line whose audio exists but cannot be used — not a WAV, a folder, a rate too low —
 * is named by manifest and line, as a missing file already was. The error used to name only the
 * audio file, so with several lines using files of the same name the line had to be searched for.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeWav } from '@tensorkit/data';
import { loadRecordings, openCorpus } from '../src/corpus.js';
import { defaultFeatureConfig } from '../src/features.js';
import { tempDir, toneWord } from './helpers.js';

const tmp = tempDir();
afterAll(tmp.cleanup);

describe('manifest audio that cannot be read names the manifest line', () => {
  const dir = join(tmp.dir, 'm');
  mkdirSync(join(dir, 'wavs', 'folder.wav'), { recursive: true });
  writeFileSync(join(dir, 'wavs', 'a.wav'), encodeWav(toneWord(300, 0.3, 8000), 8000));
  writeFileSync(join(dir, 'wavs', 'empty.wav'), '');
  writeFileSync(join(dir, 'wavs', 'low.wav'), encodeWav(toneWord(300, 0.3, 3000), 3000));
  const good = '{"audio_filepath": "wavs/a.wav", "text": "one"}';
  const manifest = (name: string, bad: string) => {
    const p = join(dir, name);
    writeFileSync(p, [good, good, `{"audio_filepath": "wavs/${bad}", "text": "two"}`].join('\n') + '\n');
    return p;
  };
  const cfg = defaultFeatureConfig(8000);

  it.each([
    ['empty.wav', 'not a WAV file: 0 bytes'],
    ['folder.wav', 'expected a file, found a directory'],
    ['low.wav', 'sample rate 3000 Hz is too low for this model'],
  ])('%s', async (bad, what) => {
    const p = manifest(`${bad}.jsonl`, bad);
    const c = await openCorpus(p);
    await expect(loadRecordings(c.recordings, cfg)).rejects.toThrow(`${p}: line 3: ${join(dir, 'wavs', bad)}: ${what}`);
  });

  it('a manifest whose audio is all readable still loads every line', async () => {
    const p = manifest('ok.jsonl', 'a.wav');
    const c = await openCorpus(p);
    const loaded = await loadRecordings(c.recordings, cfg);
    expect(loaded.map((r) => r.text)).toEqual(['one', 'one', 'two']);
  });
});
