import { describe, expect, it, vi } from 'vitest';
import { recipeLanes, shippedDigitsMembers } from '../src/shipped-recipe.js';

// Each member's arguments must be ones `speech train` accepts, and reach train() as the recipe means.
const train = vi.hoisted(() => vi.fn(async () => ({ epochs: [], best: { epoch: 0 }, out: 'x', runDir: 'r', seconds: 0 })));
vi.mock('../src/train.js', async (importOriginal) => ({ ...(await importOriginal<object>()), train }));
const { buildProgram } = await import('../src/program.js');

describe('the shipped digits recipe', () => {
  const members = shippedDigitsMembers('recordings', 'work');

  it('passes every member through the train command line', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    try {
      for (const m of members) await buildProgram().parseAsync(['train', ...m.args], { from: 'user' });
    } finally {
      log.mockRestore();
    }
    const calls = train.mock.calls.map((c) => (c as unknown as [Record<string, unknown>])[0]);
    const pick = (o: Record<string, unknown>) => ({ data: o.data, out: o.out, seed: o.seed, inputNorm: o.inputNorm, epochs: o.epochs, alignSlack: o.alignSlack, alignEpochs: o.alignEpochs, tightEdges: o.tightEdges });
    expect(calls.map(pick)).toEqual([
      { data: 'recordings', out: members[0].out, seed: 1, inputNorm: undefined, epochs: 36, alignSlack: 0.2, alignEpochs: 12, tightEdges: 0.3 },
      { data: 'recordings', out: members[1].out, seed: 1, inputNorm: 'speech-mean', epochs: 18, alignSlack: 0.2, alignEpochs: 6, tightEdges: 0.3 },
      { data: 'recordings', out: members[2].out, seed: 1, inputNorm: 'loudness', epochs: 18, alignSlack: 0.2, alignEpochs: 6, tightEdges: 0.3 },
    ]);
  });

  it('writes each member to its own file in the work folder', () => {
    expect(new Set(members.map((m) => m.out)).size).toBe(3);
    expect(members.every((m) => m.out.startsWith('work'))).toBe(true);
  });

  it('runs the long envelope member beside the two short ones, or all in one lane', () => {
    expect(recipeLanes(members, 2).map((l) => l.map((m) => m.name))).toEqual([['envelope'], ['mean', 'loudness']]);
    expect(recipeLanes(members, 1).map((l) => l.map((m) => m.name))).toEqual([['envelope', 'mean', 'loudness']]);
  });
});
