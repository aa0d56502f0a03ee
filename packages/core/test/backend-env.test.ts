/**
 * TENSORKIT_BACKEND / TENSORKIT_THREADS with bad values: the import must not throw (an uncaught
 * exception at import time reaches the user as a stack trace, outside any CLI's error handler); the
 * first op throws one line naming the variable and what it accepts; and a bad thread count is not
 * silently ignored.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { listBackends } from '@tensorkit/core';
import { defaultThreads } from '../src/backend/wasm/runtime.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CORE = fileURLToPath(new URL('../src/index.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'core-env-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Imports core (as a CLI does before its error handler runs), then runs one op and reports what it threw.
const script = join(dir, 'probe.mts');
writeFileSync(script, `
const core = await import(${JSON.stringify(CORE)});
console.log('imported');
try {
  core.matmul(core.ones([2, 2]), core.ones([2, 2]));
  console.log('op ran');
} catch (e) {
  console.log('op threw: ' + e.message);
}
core.setBackend('js');
console.log('after setBackend: ' + core.matmul(core.ones([1, 1]), core.ones([1, 1])).item());
`);

function probe(env: Record<string, string>) {
  return spawnSync(process.execPath, ['--import', 'tsx', '--conditions=@tensorkit/source', script], {
    cwd: ROOT, encoding: 'utf8', timeout: 60_000, env: { ...process.env, TENSORKIT_BACKEND: '', TENSORKIT_THREADS: '', ...env },
  });
}

describe('bad backend environment variables', () => {
  it('TENSORKIT_BACKEND=gpu: the import succeeds and the first op throws one line naming the variable and js / wasm', () => {
    const r = probe({ TENSORKIT_BACKEND: 'gpu' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.split('\n')).toEqual([
      'imported',
      "op threw: TENSORKIT_BACKEND='gpu' is not a backend (expected js or wasm, or unset for automatic)",
      'after setBackend: 1',
      '',
    ]);
  });

  it('TENSORKIT_THREADS=abc is not ignored: the first op throws one line naming it', () => {
    const r = probe({ TENSORKIT_THREADS: 'abc' });
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('imported');
    // Without the wasm kernels (none built, no SIMD) TENSORKIT_THREADS has nothing to configure.
    if (listBackends().some((n) => n.startsWith('wasm'))) {
      expect(lines[1]).toBe("op threw: TENSORKIT_THREADS='abc' is not a thread count (expected a whole number ≥ 1, e.g. TENSORKIT_THREADS=4, or unset for the default)");
    }
  });

  it('good values and an empty variable still work', () => {
    const envs: Record<string, string>[] = [{ TENSORKIT_BACKEND: 'js' }, { TENSORKIT_BACKEND: 'JS' }, { TENSORKIT_THREADS: '2' }, {}];
    for (const env of envs) {
      const r = probe(env);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout, JSON.stringify(env)).toContain('imported\nop ran\n');
    }
  });

  it('defaultThreads reads TENSORKIT_THREADS: a whole number ≥ 1 (capped at 16), else an error naming it', () => {
    const saved = process.env.TENSORKIT_THREADS;
    try {
      process.env.TENSORKIT_THREADS = '3';
      expect(defaultThreads()).toBe(3);
      process.env.TENSORKIT_THREADS = '999';
      expect(defaultThreads()).toBe(16);
      process.env.TENSORKIT_THREADS = '';
      expect(defaultThreads()).toBeGreaterThanOrEqual(1);
      for (const bad of ['abc', '0', '-2', '2.5', '4abc']) {
        process.env.TENSORKIT_THREADS = bad;
        expect(() => defaultThreads(), bad).toThrow(`TENSORKIT_THREADS='${bad}' is not a thread count (expected a whole number ≥ 1`);
      }
    } finally {
      if (saved === undefined) delete process.env.TENSORKIT_THREADS;
      else process.env.TENSORKIT_THREADS = saved;
    }
  });
});
