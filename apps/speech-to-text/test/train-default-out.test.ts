/**
 * `speech train` without --out: the model is named after the data's kind in the current folder,
 * the data are opened once (a big manifest was parsed twice), and the output is still checked
 * writable before training.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { encodeWav } from '@tensorkit/data';
import * as corpus from '../src/corpus.js';
import { buildProgram } from '../src/program.js';
import { tempDir, toneWord } from './helpers.js';

vi.mock('../src/corpus.js', async (importOriginal) => {
  const m = await importOriginal<typeof import('../src/corpus.js')>();
  return { ...m, openCorpus: vi.fn(m.openCorpus) };
});

const tmp = tempDir();
afterAll(tmp.cleanup);

const manifest = join(tmp.dir, 'data', 'train.jsonl');
mkdirSync(join(tmp.dir, 'data'));
const lines: string[] = [];
for (let i = 0; i < 10; i++) {
  const f = i % 2 ? 300 : 150;
  writeFileSync(join(tmp.dir, 'data', `u${i}.wav`), encodeWav(toneWord(f, 0.4, 8000), 8000));
  lines.push(JSON.stringify({ audio_filepath: `u${i}.wav`, text: f === 300 ? 'hi' : 'lo' }));
}
writeFileSync(manifest, lines.join('\n') + '\n');

const SMALL = ['--epochs', '1', '--epoch-size', '8', '--batch-size', '4', '--hidden', '8', '--layers', '1', '--conv-channels', '8', '--quiet'];
const run = (args: string[]) => buildProgram().exitOverride().parseAsync(['node', 'speech', 'train', '--data', manifest, ...SMALL, ...args]);

describe('speech train without --out', () => {
  const cwd = process.cwd();
  beforeEach(() => {
    vi.mocked(corpus.openCorpus).mockClear();
    vi.spyOn(console, 'log').mockImplementation(() => {});
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  });
  afterEach(() => {
    process.chdir(cwd);
    vi.restoreAllMocks();
  });

  it('writes speech.safetensors and runs/speech in the current folder, opening the manifest once', async () => {
    const here = join(tmp.dir, 'work');
    mkdirSync(here);
    process.chdir(here);
    await run([]);
    expect(existsSync(join(here, 'speech.safetensors'))).toBe(true);
    expect(existsSync(join(here, 'runs', 'speech', 'metrics.jsonl'))).toBe(true);
    expect(vi.mocked(corpus.openCorpus).mock.calls).toEqual([[manifest]]);
  });

  it('opens it once with --out too', async () => {
    const out = join(tmp.dir, 'named', 'm.safetensors');
    await run(['--out', out]);
    expect(existsSync(out)).toBe(true);
    expect(vi.mocked(corpus.openCorpus)).toHaveBeenCalledTimes(1);
  });

  it('checks the default run folder before training: a file named runs in the current folder is refused up front', async () => {
    const here = join(tmp.dir, 'blocked');
    mkdirSync(here);
    writeFileSync(join(here, 'runs'), 'not a folder');
    process.chdir(here);
    const progress = vi.mocked(process.stderr.write);
    await expect(run([])).rejects.toThrow(/^--run-dir .*runs[/\\]speech: cannot write there/);
    expect(progress).not.toHaveBeenCalled(); // no audio loaded, no epoch run
    expect(existsSync(join(here, 'speech.safetensors'))).toBe(false);
    expect(vi.mocked(corpus.openCorpus)).toHaveBeenCalledTimes(1);
  });
});
