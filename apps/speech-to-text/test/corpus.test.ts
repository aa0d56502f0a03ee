import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeWav } from '@tensorkit/data';
import { normalizeTranscript } from '../src/alphabet.js';
import { openCorpus, yesnoTranscript } from '../src/corpus.js';
import { tempDir, toneWord } from './helpers.js';

const tmp = tempDir();
afterAll(tmp.cleanup);

function wav(path: string, seconds = 0.3): void {
  writeFileSync(path, encodeWav(toneWord(300, seconds, 8000), 8000));
}

describe('manifest errors name the line', () => {
  const dir = join(tmp.dir, 'manifest');
  mkdirSync(join(dir, 'wavs'), { recursive: true });
  wav(join(dir, 'wavs', 'a.wav'));
  const write = (name: string, lines: string[]) => {
    const p = join(dir, name);
    writeFileSync(p, lines.join('\n') + '\n');
    return p;
  };
  const good = '{"audio_filepath": "wavs/a.wav", "duration": 0.3, "text": "one two"}';

  it('reads a valid manifest with paths relative to it', async () => {
    const c = await openCorpus(write('ok.jsonl', [good, '', good.replace('one two', 'Three,  FOUR')]));
    expect(c.kind).toBe('manifest');
    expect(c.recordings.map((r) => r.text)).toEqual(['one two', 'three four']);
    expect(c.recordings[0].path).toBe(join(dir, 'wavs', 'a.wav'));
    expect(c.recordings[1].line).toBe(3);
  });

  it('missing audio file', async () => {
    const p = write('missing.jsonl', [good, '{"audio_filepath": "wavs/nope.wav", "text": "one"}']);
    await expect(openCorpus(p)).rejects.toThrow(/missing\.jsonl: line 2: audio file not found: wavs\/nope\.wav/);
  });

  it('bad JSON line', async () => {
    const p = write('badjson.jsonl', [good, good, '{"audio_filepath": "wavs/a.wav", "text": "one"']);
    await expect(openCorpus(p)).rejects.toThrow(/badjson\.jsonl: line 3: invalid JSON/);
  });

  it('missing text', async () => {
    const p = write('notext.jsonl', ['{"audio_filepath": "wavs/a.wav", "duration": 0.3}']);
    await expect(openCorpus(p)).rejects.toThrow(/notext\.jsonl: line 1: missing "text"/);
  });

  it('characters the model cannot emit', async () => {
    const p = write('digits.jsonl', [good, '{"audio_filepath": "wavs/a.wav", "text": "call 911"}']);
    await expect(openCorpus(p)).rejects.toThrow(/digits\.jsonl: line 2: transcript "call 911" has characters outside the model alphabet \("9", "1"\)/);
  });
});

describe('dataset folders', () => {
  it('recognises FSDD and yesno folders by their file names', async () => {
    const fsdd = join(tmp.dir, 'fsdd');
    mkdirSync(fsdd);
    for (const n of ['3_alice_5.wav', '7_bob_12.wav']) wav(join(fsdd, n));
    const c = await openCorpus(fsdd);
    expect(c.kind).toBe('fsdd');
    expect(c.recordings.map((r) => [r.text, r.speaker, r.index])).toEqual([['three', 'alice', 5], ['seven', 'bob', 12]]);

    const yes = join(tmp.dir, 'yesno');
    mkdirSync(yes);
    wav(join(yes, '0_1_1_0.wav'));
    const y = await openCorpus(yes);
    expect(y.kind).toBe('yesno');
    expect(y.recordings[0].text).toBe('no yes yes no');
    expect(yesnoTranscript('1_0_0_1_0_1_1_0.wav')).toBe('yes no no yes no yes yes no');
  });

  it('refuses folders it cannot interpret', async () => {
    const odd = join(tmp.dir, 'odd');
    mkdirSync(odd);
    wav(join(odd, 'hello.wav'));
    await expect(openCorpus(odd)).rejects.toThrow(/cannot tell what dataset this is/);
    await expect(openCorpus(join(tmp.dir, 'nothing-here'))).rejects.toThrow(/no such file or directory/);
    // A single clip as --data: what to pass instead, not "invalid JSON" quoting its bytes.
    await expect(openCorpus(join(odd, 'hello.wav'))).rejects.toThrow(`${join(odd, 'hello.wav')}: this is a WAV file; --data expects a .jsonl manifest`);
  });

  it('normalises transcripts', () => {
    expect(normalizeTranscript("  Don't_STOP-me now! ")).toEqual({ text: "don't stop me now", bad: [] });
    // Typographic punctuation from word processors and phone keyboards, as its plain form.
    expect(normalizeTranscript('“Don’t” — Three–Seven… one')).toEqual({ text: "don't three seven one", bad: [] });
    expect(normalizeTranscript('three 7 é')).toEqual({ text: 'three 7 é', bad: ['7', 'é'] });
  });
});
