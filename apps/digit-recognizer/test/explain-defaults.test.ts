import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_EXPLAIN_STEPS, explain } from '../src/explain.js';
import { buildProgram } from '../src/program.js';
import { captureStdout, SAMPLES, SHIPPED_MODEL, tmpDir } from './helpers.js';

const tmp = tmpDir();
afterAll(() => tmp.cleanup());

describe('explain: one default for the starting number of integration steps', () => {
  // Before: `digits explain --help` and the README said 64, but explain() called without
  // `steps` (the library API) started from 32 and stopped there whenever 32 steps were complete
  // enough — 3-scan.jpg reports 32 steps through the library and 64 through the CLI.
  it('explain() without steps starts where the CLI does', async () => {
    const explainCmd = buildProgram().commands.find((c) => c.name() === 'explain')!;
    expect(explainCmd.options.find((o) => o.long === '--steps')!.defaultValue).toBe(DEFAULT_EXPLAIN_STEPS);
    expect(DEFAULT_EXPLAIN_STEPS).toBe(64);
    const { result } = await captureStdout(() => explain({ files: [join(SAMPLES, '3-scan.jpg')], model: SHIPPED_MODEL, out: tmp.dir, json: true }));
    expect(result.errors).toEqual([]);
    expect(result.explanations[0].steps).toBeGreaterThanOrEqual(DEFAULT_EXPLAIN_STEPS);
  });
});
