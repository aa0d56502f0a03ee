import { describe, expect, it, vi } from 'vitest';

// The command line's job is to pass flags through; train itself is tested elsewhere.
const train = vi.hoisted(() => vi.fn(async () => ({ epochs: [], best: { epoch: 0 }, out: 'x', runDir: 'r', seconds: 0 })));
vi.mock('../src/train.js', async (importOriginal) => ({ ...(await importOriginal<object>()), train }));

const { buildProgram } = await import('../src/program.js');

describe('speech train flags reach train()', () => {
  it('--quiet (as in digits and news; train() took quiet, the command line could not pass it)', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    try {
      await buildProgram().parseAsync(['train', '--data', 'x.jsonl', '--out', 'm.safetensors', '--quiet'], { from: 'user' });
      await buildProgram().parseAsync(['train', '--data', 'x.jsonl', '--out', 'm.safetensors'], { from: 'user' });
    } finally {
      log.mockRestore();
    }
    expect(train.mock.calls.map((c) => (c as unknown as [{ quiet?: boolean }])[0].quiet)).toEqual([true, undefined]);
  });
});
