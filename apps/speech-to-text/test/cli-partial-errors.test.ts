/**
 * `speech transcribe` with some unreadable files transcribes the rest (like `digits predict`),
 * and `speech eval` names the model it scored (like digits and news eval).
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { evaluate, formatEval } from '../src/evaluate.js';
import { APP_DIR, SAMPLES_DIR, YESNO_MODEL_PATH } from '../src/paths.js';
import { tempDir } from './helpers.js';

const tmp = tempDir();
afterAll(tmp.cleanup);

const ROOT = join(APP_DIR, '..', '..');
const speech = (args: string[]) => spawnSync(join(ROOT, 'node_modules', '.bin', 'tsx'), ['--conditions=@tensorkit/source', join(APP_DIR, 'src', 'cli.ts'), ...args], { cwd: ROOT, encoding: 'utf8' });

describe('speech transcribe with a file that is not a WAV among good ones', () => {
  const good = join(SAMPLES_DIR, 'digits-george-371.wav');
  const good2 = join(SAMPLES_DIR, 'digits-jackson-5092.wav');
  const bad = join(tmp.dir, 'bad.wav');
  writeFileSync(bad, 'this is not audio');

  // Before: only the error was printed, nothing was transcribed.
  it('transcribes the good files in order, names the bad one on stderr, and exits 1', () => {
    const r = speech(['transcribe', good, bad, good2]);
    expect(r.status).toBe(1);
    expect(r.stdout.trim().split('\n')).toEqual([`${good}: three seven one`, `${good2}: five zero nine two`]);
    expect(r.stderr).toContain(`error: ${bad}: not a WAV file`);
    // With one good file left it is still named (several were asked for).
    const one = speech(['transcribe', bad, good]);
    expect(one.status).toBe(1);
    expect(one.stdout.trim()).toBe(`${good}: three seven one`);
  });

  it('--json: results of the good files and an errors list', () => {
    const r = speech(['transcribe', '--json', good, bad, good2]);
    expect(r.status).toBe(1);
    const last = JSON.parse(r.stdout.trim().split('\n').pop()!);
    expect(last.text).toBeUndefined();
    expect(last.results.map((t: { file: string; text: string }) => [t.file, t.text])).toEqual([[good, 'three seven one'], [good2, 'five zero nine two']]);
    expect(last.errors).toEqual([{ file: bad, error: expect.stringMatching(new RegExp(`^${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: not a WAV file`)) }]);
    expect(r.stderr).toContain(`error: ${bad}: not a WAV file`);
  });

  it('a single good file keeps `text` at the top level; a single bad one is just the error', () => {
    const r = speech(['transcribe', '--json', good]);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout.trim().split('\n').pop()!)).toMatchObject({ text: 'three seven one', results: [{ file: good, text: 'three seven one' }], errors: [] });
    const b = speech(['transcribe', bad]);
    expect(b.status).toBe(1);
    expect(b.stdout).toBe('');
    expect(b.stderr.trim()).toMatch(/^error: .*bad\.wav: not a WAV file/);
  });
});

describe('speech eval', () => {
  // Before: the text output named no model, so a yesno-folder run (which picks models/yesno) did not say which it scored.
  it('names the model it used', async () => {
    const dir = join(tmp.dir, 'yesno');
    mkdirSync(dir);
    copyFileSync(join(SAMPLES_DIR, 'yesno-1_0_1_1_0_1_1_1.wav'), join(dir, '1_0_1_1_0_1_1_1.wav'));
    const r = await evaluate({ data: dir, beam: 16, useLexicon: true, quiet: true });
    expect(formatEval(r).split('\n')[0]).toBe(`model: ${YESNO_MODEL_PATH}`);
  });
});
