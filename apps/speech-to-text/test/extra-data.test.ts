import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Generator } from '@tensorkit/core';
import { encodeWav } from '@tensorkit/data';
import { openCorpus } from '../src/corpus.js';
import { defaultFrontEnd } from '../src/features.js';
import { buildProgram } from '../src/program.js';
import { buildTrainSet, type TrainSetOptions } from '../src/trainset.js';
import { tempDir, toneFsddFolder, toneWord } from './helpers.js';

const tmp = tempDir();
afterAll(tmp.cleanup);

/** An FSDD-style folder: digits 0–1, indices 0–6 of each speaker. */
function fsddFolder(name: string, speakers: string[]): string {
  return toneFsddFolder(join(tmp.dir, name), speakers, 7);
}

const real = fsddFolder('real', ['alice', 'bob', 'carol']);
const synth = fsddFolder('synth', ['espeak000', 'espeak001']);
const fe = defaultFrontEnd(8000);
const base: TrainSetOptions = { holdOut: { lo: 5, hi: 9 }, valUtterances: 5, valRecordings: 3, valSpeaker: 'carol', specAugment: false };
const speakersOf = (name: string) => new Set(name.split('+').map((n) => n.split('_')[1]));

describe('--extra-data', () => {
  it('trains on the extra speakers at the given proportion and never validates on them', async () => {
    const ts = await buildTrainSet(await openCorpus(real), fe, { ...base, extra: { corpora: [await openCorpus(synth)], weight: 0.5 } });
    expect(ts.summary).toMatch(/plus 28 extra training clips from 2 speakers .* in 50% of utterances/);
    for (const v of ts.validation) for (const e of v.examples) for (const s of speakersOf(e.name)) expect(s).not.toMatch(/^espeak/);
    const rng = new Generator(1);
    let fromExtra = 0;
    const n = 200;
    for (let i = 0; i < n; i++) {
      const sp = speakersOf(ts.sample(rng).name);
      // One speaker per utterance, never the left-out one.
      expect(sp.size).toBe(1);
      expect(sp.has('carol')).toBe(false);
      if ([...sp][0].startsWith('espeak')) fromExtra++;
    }
    expect(fromExtra / n).toBeGreaterThan(0.35);
    expect(fromExtra / n).toBeLessThan(0.65);
  });

  it('refuses extra speakers that are also real ones, and non-FSDD extra data', async () => {
    const clash = fsddFolder('clash', ['bob']);
    await expect(buildTrainSet(await openCorpus(real), fe, { ...base, extra: { corpora: [await openCorpus(clash)], weight: 0.3 } }))
      .rejects.toThrow(/--extra-data .*clash: speaker bob also appears in the training data/);
    const yesno = join(tmp.dir, 'yesno');
    mkdirSync(yesno);
    writeFileSync(join(yesno, '0_1_0.wav'), encodeWav(toneWord(200, 0.5, 8000), 8000));
    await expect(buildTrainSet(await openCorpus(real), fe, { ...base, extra: { corpora: [await openCorpus(yesno)], weight: 0.3 } }))
      .rejects.toThrow(/--extra-data .*yesno: expected an FSDD-style folder/);
  });

  it('CLI: repeatable and comma-separated folders; the weight must lie in (0, 1)', async () => {
    const parse = async (...args: string[]) => {
      const program = buildProgram().exitOverride();
      const cmd = program.commands.find((c) => c.name() === 'train')!.exitOverride().action(() => {});
      cmd.configureOutput({ writeErr: () => {} });
      await program.parseAsync(['node', 'speech', 'train', '--data', real, ...args]);
      return cmd.opts();
    };
    expect((await parse('--extra-data', 'a,b', '--extra-data', 'c', '--extra-weight', '0.25'))).toMatchObject({ extraData: ['a', 'b', 'c'], extraWeight: 0.25 });
    expect((await parse()).extraData).toBeUndefined();
    await expect(parse('--extra-weight', '1')).rejects.toThrow(/between 0 and 1/);
  });
});
