import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeWav } from '@tensorkit/data';
import { evaluate } from '../src/evaluate.js';
import { APP_DIR, SAMPLES_DIR, YESNO_MODEL_PATH } from '../src/paths.js';
import { buildProgram } from '../src/program.js';
import { tempDir } from './helpers.js';

const tmp = tempDir();
afterAll(tmp.cleanup);

const ROOT = join(APP_DIR, '..', '..');

describe('speech CLI', () => {
  it('end to end: transcribe --json --timestamps prints one JSON object as the last stdout line', () => {
    const tsx = join(ROOT, 'node_modules', '.bin', 'tsx');
    const out = execFileSync(tsx, ['--conditions=@tensorkit/source', join(APP_DIR, 'src', 'cli.ts'), 'transcribe', '--json', '--timestamps', join(SAMPLES_DIR, 'digits-jackson-5092.wav')], {
      cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'],
    });
    const last = JSON.parse(out.trim().split('\n').pop()!);
    expect(last.text).toBe('five zero nine two');
    expect(last.results[0].words.map((w: { word: string }) => w.word)).toEqual(['five', 'zero', 'nine', 'two']);
  });

  it('transcribe says on stderr when it heard no words, keeping stdout for scripts', () => {
    const silent = join(tmp.dir, 'silent.wav');
    writeFileSync(silent, encodeWav(new Float32Array(16000), 8000));
    const r = spawnSync(join(ROOT, 'node_modules', '.bin', 'tsx'), ['--conditions=@tensorkit/source', join(APP_DIR, 'src', 'cli.ts'), 'transcribe', '--json', silent], { cwd: ROOT, encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout.trim().split('\n').pop()!).text).toBe('');
    expect(r.stderr).toContain(`note: ${silent}: no words recognised (silence, or speech the model could not make out)`);
  });

  it('eval refuses a --report path it cannot make a folder before scoring, in one line', () => {
    const file = join(tmp.dir, 'taken');
    writeFileSync(file, 'not a folder');
    const r = spawnSync(join(ROOT, 'node_modules', '.bin', 'tsx'), ['--conditions=@tensorkit/source', join(APP_DIR, 'src', 'cli.ts'), 'eval', '--data', join(SAMPLES_DIR, 'samples.jsonl'), '--report', file], { cwd: ROOT, encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toBe(`error: --report ${file}: is a file, expected a folder (index.html, img/ and audio/ go into it)`);
    expect(r.stdout).toBe('');
  });

  it('has the contracted commands and options, each with help', () => {
    const program = buildProgram();
    const opts = (name: string) => program.commands.find((c) => c.name() === name)!.options.map((o) => o.long);
    expect(program.commands.map((c) => c.name()).sort()).toEqual(['eval', 'explain', 'train', 'transcribe']);
    expect(opts('train')).toEqual(expect.arrayContaining(['--data', '--epochs', '--seed', '--out', '--resume', '--run-dir']));
    expect(opts('eval')).toEqual(expect.arrayContaining(['--data', '--model', '--beam', '--json', '--report']));
    expect(opts('transcribe')).toEqual(expect.arrayContaining(['--model', '--json', '--timestamps', '--beam']));
    expect(opts('explain')).toEqual(expect.arrayContaining(['--out', '--model']));
    for (const c of program.commands) expect(c.helpInformation()).toMatch(/Usage: speech /);
  });

  it('eval picks the shipped yesno model for a yesno folder when no --model is given', async () => {
    const dir = join(tmp.dir, 'yesno');
    mkdirSync(dir);
    copyFileSync(join(SAMPLES_DIR, 'yesno-1_0_1_1_0_1_1_1.wav'), join(dir, '1_0_1_1_0_1_1_1.wav'));
    const r = await evaluate({ data: dir, beam: 16, useLexicon: true, quiet: true });
    expect(r.model).toBe(YESNO_MODEL_PATH);
    expect(r.items[0].hyp).toBe('yes no yes yes no yes yes yes');
  });

  it('eval refuses a manifest whose transcripts are all empty, and scores one with a few', async () => {
    const dir = join(tmp.dir, 'empty-refs');
    mkdirSync(dir);
    copyFileSync(join(SAMPLES_DIR, 'digits-george-371.wav'), join(dir, 'a.wav'));
    const manifest = join(dir, 'm.jsonl');
    writeFileSync(manifest, '{"audio_filepath": "a.wav", "duration": 1.3, "text": ""}\n');
    await expect(evaluate({ data: manifest, beam: 1, useLexicon: true, quiet: true })).rejects.toThrow(
      `${manifest}: every transcript is empty, so there are no reference words to score against (WER and CER are undefined)`,
    );
    // Silence labelled "" beside a real transcript: its words count as insertions.
    writeFileSync(join(dir, 'silence.wav'), encodeWav(new Float32Array(8000), 8000));
    writeFileSync(manifest, '{"audio_filepath": "a.wav", "duration": 1.3, "text": "three seven one"}\n{"audio_filepath": "silence.wav", "duration": 1, "text": ""}\n');
    const r = await evaluate({ data: manifest, beam: 16, useLexicon: true, quiet: true });
    expect(r).toMatchObject({ n: 2, refWords: 3, wer: 0 });
  });
});
