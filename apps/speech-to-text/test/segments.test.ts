import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { encodeWav, readManifest, readWav } from '@tensorkit/data';
import { cutSegment, loadRecordings, openCorpus } from '../src/corpus.js';
import { evaluate, itemName } from '../src/evaluate.js';
import { writeEvalReport } from '../src/report.js';
import { DEFAULT_MODEL_PATH, SAMPLES_DIR } from '../src/paths.js';
import { tempDir } from './helpers.js';

// readWav as it is, counted: segment lines of one recording must not decode it once per line.
vi.mock('@tensorkit/data', async (importOriginal) => {
  const data = await importOriginal<typeof import('@tensorkit/data')>();
  return { ...data, readWav: vi.fn(data.readWav) };
});

const tmp = tempDir();
afterAll(tmp.cleanup);

describe('manifest segment lines (offset + duration)', () => {
  it('scores each segment of one long recording as its own utterance', async () => {
    // The shipped digit samples, joined into one recording with 0.4 s of silence between them.
    const samples = (await readManifest(join(SAMPLES_DIR, 'samples.jsonl'))).filter((e) => e.audioFilepath.startsWith('digits-'));
    const gap = new Float32Array(3200);
    const parts: Float32Array[] = [];
    const lines: string[] = [];
    let at = 0;
    for (const s of samples) {
      const a = await readWav(s.audioPath);
      expect(a.sampleRate).toBe(8000);
      lines.push(JSON.stringify({ audio_filepath: 'long.wav', offset: at / 8000, duration: a.samples.length / 8000, text: s.text }));
      parts.push(a.samples, gap);
      at += a.samples.length + gap.length;
    }
    const long = new Float32Array(at);
    let k = 0;
    for (const p of parts) {
      long.set(p, k);
      k += p.length;
    }
    writeFileSync(join(tmp.dir, 'long.wav'), encodeWav(long, 8000));
    const manifest = join(tmp.dir, 'segments.jsonl');
    writeFileSync(manifest, lines.join('\n') + '\n');
    const r = await evaluate({ data: manifest, model: DEFAULT_MODEL_PATH, beam: 16, useLexicon: true, quiet: true });
    expect(r.n).toBe(samples.length);
    // Each segment is heard on its own: the same transcripts as the separate files (which the shipped model gets right).
    expect(r.items.map((i) => i.hyp)).toEqual(samples.map((s) => s.text));
    expect(r.wer).toBe(0);

    // The report's worst example is the segment, not the whole recording.
    const wrong = lines.map((l, i) => (i === 1 ? l.replace(/"text":"[^"]*"/, '"text":"nine nine"') : l));
    writeFileSync(manifest, wrong.join('\n') + '\n');
    const bad = await evaluate({ data: manifest, model: DEFAULT_MODEL_PATH, beam: 16, useLexicon: true, quiet: true });
    const [worst] = bad.items.filter((i) => i.errors > 0);
    expect(itemName(worst)).toMatch(/^long\.wav @ [\d.]+–[\d.]+ s$/);
    const html = readFileSync(await writeEvalReport(join(tmp.dir, 'report'), bad), 'utf8');
    expect(html).toContain(itemName(worst));
    const example = await readWav(join(tmp.dir, 'report', 'audio', 'example-01.wav'));
    expect(example.duration).toBeCloseTo(JSON.parse(lines[1]).duration, 3);
  });

  it('decodes a long recording once for all its segment lines', async () => {
    const rate = 44100; // resampled to 8 kHz: the expensive part
    const x = Float32Array.from({ length: 4 * rate }, (_, i) => 0.1 * Math.sin(i / 7));
    writeFileSync(join(tmp.dir, 'long44.wav'), encodeWav(x, rate));
    writeFileSync(join(tmp.dir, 'other.wav'), encodeWav(x.subarray(0, rate), rate));
    const lines = Array.from({ length: 20 }, (_, i) => JSON.stringify({ audio_filepath: 'long44.wav', offset: i * 0.2, duration: 0.2, text: 'one' }));
    // a whole-file line of the same recording, and another file in between
    lines.splice(5, 0, JSON.stringify({ audio_filepath: 'other.wav', text: 'two' }), JSON.stringify({ audio_filepath: 'long44.wav', text: 'three' }));
    const manifest = join(tmp.dir, 'many-segments.jsonl');
    writeFileSync(manifest, lines.join('\n') + '\n');
    const corpus = await openCorpus(manifest);
    vi.mocked(readWav).mockClear();
    const loaded = await loadRecordings(corpus.recordings, { sampleRate: 8000 } as Parameters<typeof loadRecordings>[1]);
    expect(vi.mocked(readWav).mock.calls.map(([p]) => p.replace(/^.*[\\/]/, '')).sort()).toEqual(['long44.wav', 'other.wav']);
    expect(loaded.map((r) => r.samples.length)).toEqual([...Array(5).fill(1600), 8000, 32000, ...Array(15).fill(1600)]);
    // each segment is its own stretch of the recording
    const whole = loaded[6].samples;
    expect(Array.from(loaded[7].samples.subarray(0, 5))).toEqual(Array.from(whole.subarray(5 * 1600, 5 * 1600 + 5)));
  });

  it('cuts exactly the samples of the segment, and to the end without a duration', () => {
    const x = Float32Array.from({ length: 100 }, (_, i) => i);
    expect(Array.from(cutSegment(x, 10, { offset: 2, duration: 0.5, where: 'm: line 1' }, 'a.wav'))).toEqual([20, 21, 22, 23, 24]);
    expect(Array.from(cutSegment(x, 10, { offset: 9.7, where: 'm: line 1' }, 'a.wav'))).toEqual([97, 98, 99]);
    // a duration written to fewer decimals may overshoot the file by a rounding slack
    expect(cutSegment(x, 10, { offset: 9.5, duration: 0.54, where: 'm: line 1' }, 'a.wav').length).toBe(5);
  });

  it('refuses a segment outside its file, naming the manifest line', async () => {
    const x = new Float32Array(100);
    expect(() => cutSegment(x, 10, { offset: 10, duration: 1, where: 'm.jsonl: line 4' }, 'a.wav')).toThrow('m.jsonl: line 4: "offset" 10 s is at or past the end of a.wav (10 s)');
    expect(() => cutSegment(x, 10, { offset: 9, duration: 2, where: 'm.jsonl: line 4' }, 'a.wav')).toThrow('m.jsonl: line 4: segment 9 s + 2 s ends at 11 s, past the end of a.wav (10 s)');
    expect(() => cutSegment(x, 10, { offset: 3, duration: 0, where: 'm.jsonl: line 4' }, 'a.wav')).toThrow('m.jsonl: line 4: segment at 3 s holds no samples ("duration" 0 s)');
    // through the corpus reader: the error names the manifest and its line
    writeFileSync(join(tmp.dir, 'short.wav'), encodeWav(new Float32Array(800), 8000));
    const manifest = join(tmp.dir, 'past-end.jsonl');
    writeFileSync(manifest, ['{"audio_filepath": "short.wav", "offset": 0, "duration": 0.1, "text": "one"}', '{"audio_filepath": "short.wav", "offset": 0.05, "duration": 0.5, "text": "two"}'].join('\n'));
    const corpus = await openCorpus(manifest);
    await expect(loadRecordings(corpus.recordings, { sampleRate: 8000 } as Parameters<typeof loadRecordings>[1])).rejects.toThrow(`${manifest}: line 2: segment 0.05 s + 0.5 s ends at 0.55 s, past the end of`);
  });
});
