import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { realPathOrNull, recordedPathCandidates } from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'recorded-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('recorded paths', () => {
  it('resolves a path as typed to train from the current folder (and the repository root), canonical and existing only', () => {
    const real = realPathOrNull(dir)!;
    symlinkSync(dir, join(dir, 'link'));
    expect(recordedPathCandidates(relative(process.cwd(), join(dir, 'link')))).toEqual([real]);
    expect(recordedPathCandidates(join(dir, 'missing'))).toEqual([]);
    expect(realPathOrNull(join(dir, 'missing'))).toBeNull();
    // The repository root: where the shipped models' relative paths start.
    expect(recordedPathCandidates('packages/train/src/recorded-path.ts')).toHaveLength(1);
  });
});
