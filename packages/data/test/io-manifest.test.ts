import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeWav, parseFsddName, readFsddFolder, readManifest, readWav, writeManifest } from '../src/io/index.js';
import { makeTmpDir } from './fixtures/io/helpers.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ dir, cleanup } = await makeTmpDir('manifest'));
  await mkdir(join(dir, 'wavs'));
  for (const name of ['a.wav', 'b.wav']) await writeFile(join(dir, 'wavs', name), encodeWav(new Float32Array(800), 8000));
});
afterAll(() => cleanup());

async function manifest(name: string, lines: string[]): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, lines.join('\n'));
  return path;
}

describe('readManifest', () => {
  it('resolves audio paths relative to the manifest and keeps line numbers', async () => {
    const path = await manifest('ok.jsonl', [
      '{"audio_filepath": "wavs/a.wav", "duration": 0.1, "text": "seven four"}',
      '',
      `{"audio_filepath": "${join(dir, 'wavs', 'b.wav')}", "text": ""}`,
    ]);
    const entries = await readManifest(path);
    expect(entries).toEqual([
      { audioPath: join(dir, 'wavs', 'a.wav'), audioFilepath: 'wavs/a.wav', duration: 0.1, text: 'seven four', line: 1 },
      { audioPath: join(dir, 'wavs', 'b.wav'), audioFilepath: join(dir, 'wavs', 'b.wav'), text: '', line: 3 },
    ]);
    expect((await readWav(entries[0].audioPath)).duration).toBeCloseTo(0.1, 6);
  });

  it('round-trips through writeManifest', async () => {
    const path = join(dir, 'written.jsonl');
    await writeManifest(path, [{ audioPath: join(dir, 'wavs', 'a.wav'), text: 'one', duration: 0.1 }, { audioPath: join(dir, 'wavs', 'a.wav'), text: 'two', offset: 0.05, duration: 0.02 }]);
    const [e, f] = await readManifest(path);
    expect([e.audioFilepath, e.text, e.duration, e.offset]).toEqual(['wavs/a.wav', 'one', 0.1, undefined]);
    expect([f.text, f.offset, f.duration]).toEqual(['two', 0.05, 0.02]);
  });

  it('reads segment lines (offset + duration into a longer file)', async () => {
    const path = await manifest('segments.jsonl', [
      '{"audio_filepath": "wavs/a.wav", "offset": 0, "duration": 0.04, "text": "one"}',
      '{"audio_filepath": "wavs/a.wav", "offset": 0.04, "duration": 0.06, "text": "two"}',
    ]);
    expect((await readManifest(path)).map((e) => [e.offset, e.duration, e.text])).toEqual([[0, 0.04, 'one'], [0.04, 0.06, 'two']]);
  });

  const errors: [string, string[], RegExp][] = [
    ['bad json', ['{"audio_filepath": "wavs/a.wav", "text": "x"}', '{"audio_filepath": "wavs/b.wav", "text": '], /bad-json\.jsonl: line 2: invalid JSON/],
    ['missing text', ['{"audio_filepath": "wavs/a.wav", "text": "x"}', '', '{"audio_filepath": "wavs/b.wav"}'], /missing-text\.jsonl: line 3: missing "text" \(expected a string transcript\), got undefined/],
    ['missing audio_filepath', ['{"text": "x"}'], /missing-audio_filepath\.jsonl: line 1: missing "audio_filepath"/],
    ['missing audio file', ['{"audio_filepath": "wavs/a.wav", "text": "x"}', '{"audio_filepath": "wavs/zzz.wav", "text": "y"}'], /missing-audio-file\.jsonl: line 2: audio file not found: wavs\/zzz\.wav \(resolved to .*wavs\/zzz\.wav\)/],
    ['bad duration', ['{"audio_filepath": "wavs/a.wav", "duration": "long", "text": "x"}'], /bad-duration\.jsonl: line 1: "duration" must be a non-negative number/],
    ['bad offset', ['{"audio_filepath": "wavs/a.wav", "offset": -1, "duration": 1, "text": "x"}'], /bad-offset\.jsonl: line 1: "offset" must be a non-negative number of seconds, got -1/],
    ['not an object', ['["wavs/a.wav", "x"]'], /not-an-object\.jsonl: line 1: expected a JSON object/],
    ['empty', ['', '  '], /empty\.jsonl: empty manifest/],
  ];
  for (const [what, lines, pattern] of errors) {
    it(`reports ${what} with file and line`, async () => {
      const path = await manifest(`${what.replace(/ /g, '-')}.jsonl`, lines);
      await expect(readManifest(path)).rejects.toThrow(pattern);
    });
  }

  it('reads manifests saved by Windows tools: a byte-order mark, UTF-16, backslash-separated paths', async () => {
    const lines = ['{"audio_filepath": "wavs/a.wav", "text": "one"}', '{"audio_filepath": "wavs/b.wav", "text": "two"}'];
    const bom = join(dir, 'bom.jsonl');
    await writeFile(bom, '\ufeff' + lines.join('\r\n') + '\r\n');
    expect((await readManifest(bom)).map((e) => [e.audioPath, e.text])).toEqual([[join(dir, 'wavs', 'a.wav'), 'one'], [join(dir, 'wavs', 'b.wav'), 'two']]);
    const utf16 = join(dir, 'utf16.jsonl');
    await writeFile(utf16, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(lines.join('\r\n'), 'utf16le')]));
    expect((await readManifest(utf16)).map((e) => e.text)).toEqual(['one', 'two']);
    const windows = await manifest('windows.jsonl', ['{"audio_filepath": "wavs\\\\a.wav", "text": "one"}']);
    const [w] = await readManifest(windows);
    expect([w.audioFilepath, w.audioPath]).toEqual(['wavs\\a.wav', join(dir, 'wavs', 'a.wav')]);
    // Still an error naming the line when neither spelling exists.
    await expect(readManifest(await manifest('windows-missing.jsonl', ['{"audio_filepath": "wavs\\\\zzz.wav", "text": "one"}'])))
      .rejects.toThrow(/windows-missing\.jsonl: line 1: audio file not found: wavs\\zzz\.wav/);
  });

  it('refuses a binary file as not text, without quoting its bytes', async () => {
    const path = join(dir, 'model.safetensors');
    await writeFile(path, Buffer.from([0x10, 0, 0, 0, 0, 0, 0, 0, 0x7b, 0x22]));
    const err = await readManifest(path).catch((e: Error) => e);
    expect((err as Error).message).toBe(`${path}: not a text file (it holds NUL bytes): expected a JSON-lines manifest, one {"audio_filepath", "duration", "text"} object per line`);
  });

  it('can skip the audio existence check', async () => {
    const path = await manifest('lazy.jsonl', ['{"audio_filepath": "wavs/zzz.wav", "text": "y"}']);
    expect((await readManifest(path, { checkAudio: false })).length).toBe(1);
  });
});

describe('FSDD names', () => {
  it('parses {digit}_{speaker}_{index}.wav', () => {
    expect(parseFsddName('7_jackson_32.wav')).toEqual({ digit: 7, speaker: 'jackson', index: 32 });
    expect(parseFsddName('0_george_5.WAV')).toEqual({ digit: 0, speaker: 'george', index: 5 });
    expect(parseFsddName('12_jackson_3.wav')).toBeNull();
    expect(parseFsddName('7_jackson.wav')).toBeNull();
    expect(parseFsddName('7_jack_son_1.wav')).toBeNull();
  });

  it('lists a recordings folder sorted by digit, speaker, numeric index', async () => {
    const rec = join(dir, 'recordings');
    await mkdir(rec);
    for (const f of ['1_theo_10.wav', '1_theo_9.wav', '0_lucas_5.wav', '1_george_0.wav', 'notes.md']) await writeFile(join(rec, f), '');
    const entries = await readFsddFolder(rec);
    expect(entries.map((e) => [e.digit, e.speaker, e.index, e.path.slice(rec.length + 1)])).toEqual([
      [0, 'lucas', 5, '0_lucas_5.wav'],
      [1, 'george', 0, '1_george_0.wav'],
      [1, 'theo', 9, '1_theo_9.wav'],
      [1, 'theo', 10, '1_theo_10.wav'],
    ]);
    await writeFile(join(rec, 'oops.wav'), '');
    await expect(readFsddFolder(rec)).rejects.toThrow(/recordings\/oops\.wav: file name does not match \{digit\}_\{speaker\}_\{index\}\.wav/);
    const none = join(dir, 'none');
    await mkdir(none);
    await expect(readFsddFolder(none)).rejects.toThrow(/none: no FSDD recordings/);
  });
});
