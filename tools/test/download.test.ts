/**
 * `pnpm download` mistakes get one-line `error:` messages like the other CLIs'. Before: node:util's
 * multi-line "Unknown option '--ot'. To specify a positional argument starting with a '-', …", and
 * "unknown dataset ''" (plus a usage line) when no dataset was named.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkDownloadArgs } from '../src/download.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLI = fileURLToPath(new URL('../src/download.ts', import.meta.url));
const USAGE = '(usage: pnpm download <dataset> [--out DIR] [--base-url URL])';
const AVAILABLE = 'available: mnist, agNews, newsgroups20, fsdd';

function download(args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', '--conditions=@tensorkit/source', CLI, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
}

describe('pnpm download argument errors', () => {
  it.each([
    [['mnist', '--ot', 'x'], `unknown option '--ot'; did you mean --out? ${USAGE}`],
    [['mnist', '--base-uri', 'x'], `unknown option '--base-uri'; did you mean --base-url? ${USAGE}`],
    [['-x', 'mnist'], `unknown option '-x' ${USAGE}`],
    [[], `no dataset given; ${AVAILABLE} ${USAGE}`],
    [['mnist', '--out'], `--out needs a value ${USAGE}`],
    [['agnews'], `unknown dataset 'agnews'; did you mean agNews? (${AVAILABLE})`],
    [['cifar'], `unknown dataset 'cifar' (${AVAILABLE})`],
    [['mnist', 'fsdd'], `one dataset at a time, got 'mnist fsdd' (${AVAILABLE})`],
  ])('%j', (args, message) => {
    expect(checkDownloadArgs(args)).toBe(message);
  });

  it('a valid command line and --help pass the check', () => {
    expect(checkDownloadArgs(['mnist', '--out', 'x'])).toBeNull();
    expect(checkDownloadArgs(['--help'])).toBeNull();
  });

  it('the command prints the one-line error and exits 1 (one process, end to end)', () => {
    const r = download(['mnist', '--ot', 'x']);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`error: unknown option '--ot'; did you mean --out? ${USAGE}\n`);
  });

  it('--help still prints the usage', () => {
    const r = download(['--help']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^usage: download <mnist\|agNews\|newsgroups20\|fsdd> \[--out DIR\] \[--base-url URL\]\n$/);
  });
});
