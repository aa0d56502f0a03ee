import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildProgram } from '../src/program.js';
import { trainCommand } from '../src/train.js';
import { tempDir, writeAgNews } from './helpers.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CLI = fileURLToPath(new URL('../src/cli.ts', import.meta.url));

function news(args: string[], nodeFlags: string[] = []) {
  return spawnSync(process.execPath, [...nodeFlags, '--import', 'tsx', '--conditions=@tensorkit/source', CLI, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
}

describe('news CLI', () => {
  let data: string;
  let model: string;

  beforeAll(async () => {
    data = writeAgNews(tempDir(), 30, 21, { test: 10 });
    model = join(data, 'm.safetensors');
    await trainCommand({ data, modelType: 'linear', seed: 0, out: model, buckets: 2048, epochs: 2, charNgrams: 'none', quiet: true, log: () => {} });
  });

  it('has --help for every command and the contract flags', () => {
    const program = buildProgram();
    const names = program.commands.map((c) => c.name());
    expect(names).toEqual(['train', 'eval', 'predict', 'explain']);
    const flags = (n: string) => program.commands.find((c) => c.name() === n)!.options.map((o) => o.long);
    expect(flags('train')).toEqual(expect.arrayContaining(['--data', '--model-type', '--epochs', '--seed', '--out', '--run-dir']));
    expect(flags('eval')).toEqual(expect.arrayContaining(['--data', '--model', '--json', '--report']));
    expect(flags('predict')).toEqual(expect.arrayContaining(['--file', '--model', '--json', '--explain']));
    expect(flags('explain')).toEqual(expect.arrayContaining(['--html', '--model']));
  });

  it('without a command prints usage on stderr and fails, as digits and speech do', () => {
    const r = news([]);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('Usage: news');
  });

  it('eval --json prints one JSON object as the last stdout line; errors are one line without a stack', () => {
    const r = news(['eval', '--data', data, '--model', model, '--json']);
    expect(r.status, r.stderr).toBe(0);
    const last = r.stdout.trim().split('\n').pop()!;
    const j = JSON.parse(last);
    expect(j.n).toBe(30);
    expect(j.accuracy).toBeGreaterThanOrEqual(0);
    expect(j.accuracy).toBeLessThanOrEqual(1);
    expect(typeof j.macro_f1).toBe('number');

    const bad = news(['eval', '--data', join(data, 'missing')]);
    expect(bad.status).toBe(1);
    expect(bad.stderr.trim()).toMatch(/^error: .*missing: no such folder$/);
    expect(bad.stderr).not.toMatch(/\n\s+at /);
  });

  it('predict --explain on a long document fits in a modest heap (one logit array per n-gram occurrence needed ~600 MB for 200 KB; 6 MB crashed)', () => {
    const file = join(tempDir(), 'long.txt');
    writeFileSync(file, 'the stock market rallied as investors cheered strong earnings from technology companies '.repeat(2300) + '\n');
    const bbc = fileURLToPath(new URL('../models/bbc.safetensors', import.meta.url));
    const r = news(['predict', '--explain', '--file', file, '--model', bbc], ['--max-old-space-size=300']);
    expect(r.status, r.stderr.slice(0, 500)).toBe(0);
    expect(r.stdout).toMatch(/^business .*\n\s+pushed towards business rather than \w+: investors \+/);
  });
});
