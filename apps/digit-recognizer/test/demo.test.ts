/** `pnpm demo`'s digits part: the shipped model on the shipped samples, with a header a newcomer can read. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runDemo } from '../src/demo.js';

afterEach(() => vi.restoreAllMocks());

describe('digits demo', () => {
  it('says what the stored dtype is rather than a bare (F16) after the accuracy, and reads every sample', async () => {
    const lines: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void lines.push(a.join(' ')));
    await runDemo();
    expect(lines[0]).toMatch(/^digit recognizer: cnn model, validation accuracy \d+\.\d\d%; weights stored as float(16|32)$/);
    expect(lines.join('\n')).not.toMatch(/\(F16\)|\(F32\)/);
  });
});
