import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { encodePng } from '@tensorkit/data';
import { DEFAULT_MODEL_PATH } from '../src/model-file.js';
import { buildProgram } from '../src/program.js';
import { train } from '../src/train.js';
import { FIXTURE_DIR } from './helpers.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CLI = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
const TSX = fileURLToPath(new URL('../../../node_modules/.bin/tsx', import.meta.url));

function run(args: string[], cwd = ROOT) {
  return spawnSync(TSX, ['--conditions=@tensorkit/source', CLI, ...args], { cwd, encoding: 'utf8', timeout: 60_000 });
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

  it('train --resume continues the run it names from any folder, without --data, and refuses a typed option the checkpoint fixes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'digits-cli-'));
    try {
      const out = join(dir, 'run', 'm.safetensors');
      // Stopped in the middle of epoch 2 of 2 (40 images: 32 to train in 2 steps of 16, 8 to validate).
      const first = await train({
        data: FIXTURE_DIR, arch: 'cnn', epochs: 2, batchSize: 16, lr: 3e-3, seed: 1, out, valSize: 8, valSeed: 0, limit: 40, patience: 5,
        checkpointEvery: 0, augment: true, weightDecay: 0.01, storeAs: 'auto', quiet: true, log: () => {}, stopAfterSteps: 3,
      });
      const elsewhere = join(dir, 'elsewhere');
      mkdirSync(elsewhere);
      // Options the checkpoint fixes were silently ignored when typed with another value.
      const bad = run(['train', '--resume', first.checkpoint, '--lr', '0.01', '--batch-size', '16'], elsewhere);
      expect(bad.status).toBe(1);
      expect(bad.stderr.trim()).toBe(`error: --resume ${first.checkpoint}: the checkpoint was trained with --lr 0.003, not 0.01; `
        + 'leave --lr out to continue the run, or start a new run without --resume');
      // No --out, --run-dir or --data: the run's own model file and run folder (it wrote ./digits.safetensors and ./runs/digits).
      const ok = run(['train', '--resume', first.checkpoint, '--quiet', '--seed', '1'], elsewhere);
      expect(ok.status, ok.stderr).toBe(0);
      expect(readdirSync(elsewhere)).toEqual([]);
      expect(ok.stdout).toContain(`model ${out} (`);
      const metrics = readFileSync(join(first.runDir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
      expect(metrics.map((m) => m.epoch)).toEqual([1, 2]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("the README's row of each command documents every flag its --help lists (train --quiet and eval --batch-size were missing)", () => {
    const readme = readFileSync(fileURLToPath(new URL('../README.md', import.meta.url)), 'utf8');
    for (const cmd of buildProgram().commands) {
      const row = readme.split('\n').find((l) => l.startsWith(`| \`${cmd.name()} `));
      expect(row, cmd.name()).toBeDefined();
      for (const o of cmd.options) expect(row!.includes(`${o.long}\``) || row!.includes(`${o.long} `), `${cmd.name()} ${o.long}`).toBe(true);
    }
  });

  it('train still requires --data for a new run', async () => {
    const program = buildProgram().exitOverride();
    let err = '';
    program.commands.forEach((c) => c.exitOverride().configureOutput({ writeErr: (s) => { err += s; } }));
    await expect(program.parseAsync(['train', '--epochs', '1'], { from: 'user' })).rejects.toThrow("error: required option '--data <dir>' not specified");
    expect(err).toContain("error: required option '--data <dir>' not specified");
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
