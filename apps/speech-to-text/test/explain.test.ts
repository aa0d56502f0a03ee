import { copyFileSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { imageInfo, readManifest } from '@tensorkit/data';
import { evaluate } from '../src/evaluate.js';
import { explain } from '../src/explain.js';
import { DEFAULT_MODEL_PATH, SAMPLES_DIR } from '../src/paths.js';
import { writeEvalReport } from '../src/report.js';
import { transcribe } from '../src/transcribe.js';
import { tempDir } from './helpers.js';

const tmp = tempDir();
afterAll(tmp.cleanup);

interface SampleLine { audio_filepath: string; text: string; duration: number; words: { word: string; start: number; end: number }[] }
const samples: SampleLine[] = readFileSync(join(SAMPLES_DIR, 'samples.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));

/** Decoded RGBA pixels of a PNG, via the data package's sharp-backed helpers. */
async function pixelSpread(png: Buffer): Promise<number> {
  const { loadImageGray } = await import('@tensorkit/data');
  const g = await loadImageGray(png);
  let lo = 255, hi = 0;
  const hist = new Set<number>();
  for (const v of g.data) { lo = Math.min(lo, v); hi = Math.max(hi, v); hist.add(v); }
  return (hi - lo) * Math.min(1, hist.size / 20);
}

describe('word timestamps from the best CTC path', () => {
  it('are monotonic, inside the audio, and land within 100 ms of the true joins of known clips', async () => {
    const out = await transcribe({
      files: samples.map((s) => join(SAMPLES_DIR, s.audio_filepath)), model: DEFAULT_MODEL_PATH, beam: 16, useLexicon: true, timestamps: true,
    });
    for (const [i, s] of samples.entries()) {
      const words = out[i].words!;
      expect(words.map((w) => w.word).join(' ')).toBe(s.text);
      let prevEnd = 0;
      for (const w of words) {
        expect(w.start).toBeGreaterThanOrEqual(prevEnd);
        expect(w.end).toBeGreaterThan(w.start);
        expect(w.end).toBeLessThanOrEqual(out[i].duration + 1e-9);
        prevEnd = w.end;
      }
      // A join is the pause between two clips: [end of clip k, start of clip k+1].
      for (let k = 0; k + 1 < words.length; k++) {
        const joinStart = s.words[k].end;
        const joinEnd = s.words[k + 1].start;
        const dist = (t: number) => (t < joinStart ? joinStart - t : t > joinEnd ? t - joinEnd : 0);
        expect({ file: s.audio_filepath, join: k, endOff: dist(words[k].end) <= 0.1, startOff: dist(words[k + 1].start) <= 0.1 })
          .toEqual({ file: s.audio_filepath, join: k, endOff: true, startOff: true });
      }
    }
  });
});

describe('explain', () => {
  it('writes a PNG of the stated size that is not blank', async () => {
    const file = join(SAMPLES_DIR, samples[0].audio_filepath);
    const out = join(tmp.dir, 'explain.png');
    const r = await explain({ file, out, model: DEFAULT_MODEL_PATH, beam: 16, useLexicon: true });
    expect(r.text).toBe(samples[0].text);
    expect(r.words.map((w) => w.word)).toEqual(samples[0].text.split(' '));
    const png = readFileSync(out);
    expect(await imageInfo(png)).toMatchObject({ width: r.width, height: r.height, format: 'png' });
    expect(await pixelSpread(png)).toBeGreaterThan(100);
  });

  it('refuses an --out that is the input recording itself', async () => {
    const file = join(tmp.dir, 'mine.wav');
    copyFileSync(join(SAMPLES_DIR, samples[0].audio_filepath), file);
    const before = readFileSync(file);
    await expect(explain({ file, out: join(tmp.dir, '.', 'mine.wav'), model: DEFAULT_MODEL_PATH, beam: 16, useLexicon: true }))
      .rejects.toThrow(`that is the input file; the PNG would overwrite the recording (give another name, e.g. ${join(tmp.dir, 'mine')}.explain.png)`);
    expect(readFileSync(file).equals(before)).toBe(true);
  });
});

describe('eval --report', () => {
  it('writes well-formed HTML that references only files it wrote', async () => {
    // One deliberately wrong reference guarantees a "worst utterance" section with marked errors.
    const entries = await readManifest(join(SAMPLES_DIR, 'samples.jsonl'));
    const manifest = join(tmp.dir, 'eval.jsonl');
    writeFileSync(manifest, entries.map((e, i) => JSON.stringify({ audio_filepath: e.audioPath, text: i === 0 ? 'three seven seven one' : e.text })).join('\n') + '\n');
    const r = await evaluate({ data: manifest, model: DEFAULT_MODEL_PATH, beam: 16, useLexicon: true, quiet: true });
    expect(r.n).toBe(entries.length);
    expect(r.wordErrors).toBeGreaterThanOrEqual(1);
    const dir = join(tmp.dir, 'report');
    const index = await writeEvalReport(dir, r);
    const html = readFileSync(index, 'utf8');
    expect(html).toMatch(/<span class="del">seven<\/span>/);
    checkWellFormed(html);
    const written = new Set(listFiles(dir).map((f) => relative(dir, f)));
    const refs = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
    expect(refs.length).toBeGreaterThanOrEqual(3);
    for (const ref of refs) {
      expect(ref).not.toMatch(/^(\/|[a-z]+:|\.\.)/);
      expect(written.has(ref)).toBe(true);
    }
    for (const f of [...written].filter((f) => f.endsWith('.png'))) {
      const png = readFileSync(join(dir, f));
      expect((await imageInfo(png)).format).toBe('png');
      expect(await pixelSpread(png)).toBeGreaterThan(50);
    }
  });
});

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? listFiles(join(dir, e.name)) : [join(dir, e.name)]));
}

/** Every element is closed in order (void elements self-closed), attributes are quoted, & is escaped. */
function checkWellFormed(html: string): void {
  const body = html.replace(/^<!DOCTYPE html>\s*/i, '').replace(/<style>[\s\S]*?<\/style>/, '<style></style>');
  const stack: string[] = [];
  const voids = new Set(['meta', 'img', 'br', 'hr', 'source', 'link', 'input']);
  for (const m of body.matchAll(/<(\/?)([a-zA-Z][a-zA-Z0-9]*)((?:\s+[a-zA-Z-:]+="[^"<]*")*)\s*(\/?)>|<|&(?!(?:amp|lt|gt|quot|#\d+);)/g)) {
    if (m[0] === '<' || m[0] === '&') throw new Error(`not well-formed near ${JSON.stringify(body.slice(m.index!, m.index! + 40))}`);
    const [, close, name, , selfClose] = m;
    if (close) {
      expect(stack.pop()).toBe(name);
    } else if (!selfClose) {
      if (voids.has(name)) throw new Error(`void element <${name}> is not self-closed`);
      stack.push(name);
    }
  }
  expect(stack).toEqual([]);
}
