/**
 * `pnpm download` mistakes get one-line `error:` messages like the other CLIs'. Before: node:util's
 * multi-line "Unknown option '--ot'. To specify a positional argument starting with a '-', …", and
 * "unknown dataset ''" (plus a usage line) when no dataset was named.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLI = fileURLToPath(new URL('../src/download.ts', import.meta.url));
const USAGE = '(usage: pnpm download <dataset> [--out DIR] [--base-url URL])';
const AVAILABLE = 'available: mnist, agNews, newsgroups20, fsdd';

function download(args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', '--conditions=@tensorkit/source', CLI, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
}

describe('pnpm download argument errors', () => {
  it.each([
    [['mnist', '--ot', 'x'], `error: unknown option '--ot'; did you mean --out? ${USAGE}`],
    [['mnist', '--base-uri', 'x'], `error: unknown option '--base-uri'; did you mean --base-url? ${USAGE}`],
    [['-x', 'mnist'], `error: unknown option '-x' ${USAGE}`],
    [[], `error: no dataset given; ${AVAILABLE} ${USAGE}`],
    [['mnist', '--out'], `error: --out needs a value ${USAGE}`],
    [['agnews'], `error: unknown dataset 'agnews'; did you mean agNews? (${AVAILABLE})`],
    [['cifar'], `error: unknown dataset 'cifar' (${AVAILABLE})`],
    [['mnist', 'fsdd'], `error: one dataset at a time, got 'mnist fsdd' (${AVAILABLE})`],
  ])('%j', (args, message) => {
    const r = download(args);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(message + '\n');
  });

  it('--help still prints the usage', () => {
    const r = download(['--help']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^usage: download <mnist\|agNews\|newsgroups20\|fsdd> \[--out DIR\] \[--base-url URL\]\n$/);
  });
});
