import { afterEach, describe, expect, it, vi } from 'vitest';
import { createProgress, formatDuration, runCli, type ProgressStream } from '@tensorkit/train';

/** A non-TTY stream (a log file or pipe) that records what is written: a plain object, no NodeJS.WriteStream cast needed. */
function logStream(): { stream: ProgressStream; lines: () => string[] } {
  let text = '';
  const stream = { isTTY: false, write: (s: string) => ((text += s), true) };
  return { stream, lines: () => text.split('\n').filter(Boolean) };
}

describe('plain progress lines', () => {
  it('prints one line per tenth, including 3/10 (no drift from adding 0.1s)', () => {
    const { stream, lines } = logStream();
    const p = createProgress({ total: 10, label: 'eval', stream });
    for (let i = 1; i <= 10; i++) p.update(i);
    p.stop();
    expect(lines().map((l) => l.split(' ')[1])).toEqual(['1/10', '2/10', '3/10', '4/10', '5/10', '6/10', '7/10', '8/10', '9/10', '10/10']);
    expect(lines().join('')).not.toMatch(/\x1b/); // eslint-disable-line no-control-regex
  });

  it('logs where an interrupted loop stopped, once', () => {
    const { stream, lines } = logStream();
    const p = createProgress({ total: 100, label: 'epoch 1/3', unit: 'samples', stream });
    for (let i = 1; i <= 55; i++) p.update(i);
    p.stop();
    expect(lines().at(-1)).toMatch(/^epoch 1\/3 55\/100 samples /);
    expect(lines().length).toBe(6);
    const done = logStream();
    const q = createProgress({ total: 4, label: 'x', stream: done.stream });
    for (let i = 1; i <= 4; i++) q.update(i);
    q.stop();
    expect(done.lines().length).toBe(4);
  });

  it('draws the live bar on any sink with write() that says it is a TTY', () => {
    let text = '';
    const sink = { isTTY: true, columns: 100, write: (s: string) => void (text += s) };
    const p = createProgress({ total: 4, label: 'tty', stream: sink });
    p.update(4);
    p.stop();
    expect(text).toMatch(/\x1b\[\?25l/); // eslint-disable-line no-control-regex -- the bar hides the cursor: terminal mode, not plain lines
    expect(text).toMatch(/tty \|█+\| 4\/4 items/);
  });

  it('never shows a negative ETA', () => {
    expect(formatDuration(-65)).toBe('0s');
    expect(formatDuration(125)).toBe('2m05s');
  });
});

describe('runCli', () => {
  afterEach(() => {
    vi.restoreAllMocks();
    process.exitCode = undefined;
  });

  it('prints a thrown non-Error value instead of undefined or crashing', async () => {
    const written: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((s) => (written.push(String(s)), true));
    await runCli(async () => {
      throw 'model.safetensors: not a model file';
    });
    await runCli(async () => {
      throw null;
    });
    expect(written).toEqual(['error: model.safetensors: not a model file\n', 'error: null\n']);
    expect(process.exitCode).toBe(1);
  });
});
