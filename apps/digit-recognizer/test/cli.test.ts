import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { encodePng } from '@tensorkit/data';
import { DEFAULT_MODEL_PATH } from '../src/model-file.js';
import { buildProgram } from '../src/program.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CLI = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
const TSX = fileURLToPath(new URL('../../../node_modules/.bin/tsx', import.meta.url));

function run(args: string[]) {
  return spawnSync(TSX, ['--conditions=@tensorkit/source', CLI, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
}

describe('digits CLI', () => {
  it('has the four commands with the contract flags', () => {
    const program = buildProgram();
    const cmds = Object.fromEntries(program.commands.map((c) => [c.name(), c.options.map((o) => o.long)]));
    expect(Object.keys(cmds).sort()).toEqual(['eval', 'explain', 'predict', 'train']);
    expect(cmds.train).toEqual(expect.arrayContaining(['--data', '--arch', '--epochs', '--batch-size', '--lr', '--seed', '--out', '--resume', '--run-dir']));
    expect(cmds.eval).toEqual(expect.arrayContaining(['--data', '--model', '--json', '--report']));
    expect(cmds.predict).toEqual(expect.arrayContaining(['--model', '--json']));
    expect(cmds.explain).toEqual(expect.arrayContaining(['--out', '--model']));
  });

  it('train writes ./digits.safetensors unless told: a quick run must not replace the shipped model predict and eval use', () => {
    const train = buildProgram().commands.find((c) => c.name() === 'train')!;
    const out = train.options.find((o) => o.long === '--out')!.defaultValue;
    expect(out).toBe('digits.safetensors');
    expect(resolve(out)).not.toBe(resolve(DEFAULT_MODEL_PATH));
  });

  it('checks --weight-decay as a number ≥ 0 at parse time (NaN reached AdamW, whose error named no flag)', async () => {
    for (const v of ['foo', '-5']) {
      const program = buildProgram().exitOverride();
      program.commands.forEach((c) => c.exitOverride().configureOutput({ writeErr: () => {} }));
      await expect(program.parseAsync(['train', '--data', 'x', '--weight-decay', v], { from: 'user' })).rejects.toThrow(`--weight-decay must be a number ≥ 0, got '${v}'`);
    }
  });

  it('runs end to end: predict --json on a shipped sample, and a one-line error for a missing data folder', () => {
    const ok = run(['predict', 'apps/digit-recognizer/samples/3-scan.jpg', '--json']);
    expect(ok.status, ok.stderr).toBe(0);
    const lines = ok.stdout.trim().split('\n');
    expect(JSON.parse(lines[lines.length - 1]).digit).toBe(3);
    const bad = run(['eval', '--data', 'no/such/folder', '--json']);
    expect(bad.status).toBe(1);
    expect(bad.stderr.trim()).toBe('error: --data no/such/folder: folder not found');
    expect(bad.stdout).toBe('');
  });

  it('predict warns on stderr about digits side by side, still predicts, and adds separate_digits to --json', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'digits-cli-'));
    try {
      // Three dark bars ("111") on white paper, far apart.
      const px = new Uint8Array(120 * 50).fill(255);
      for (const x0 of [20, 55, 90]) for (let y = 8; y < 42; y++) for (let x = x0; x < x0 + 6; x++) px[y * 120 + x] = 0;
      const file = join(dir, '111.png');
      writeFileSync(file, await encodePng(px, 120, 50));
      const r = run(['predict', file, '--json']);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stderr.trim()).toBe(`note: ${file}: looks like 3 digits side by side; this model reads one digit per image — crop each digit into its own image`);
      const lines = r.stdout.trim().split('\n');
      const out = JSON.parse(lines[lines.length - 1]);
      expect(out.separate_digits).toBe(3);
      expect(out.predictions[0].separate_digits).toBe(3);
      expect(out.probabilities).toHaveLength(10);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
