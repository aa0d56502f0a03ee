import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openCorpus } from '../src/corpus.js';
import { defaultFrontEnd } from '../src/features.js';
import { selectionScore, type ValidationScores } from '../src/train-validation.js';
import { buildTrainSet, type ValidationSet } from '../src/trainset.js';
import { tempDir, toneFsddFolder } from './helpers.js';

const tmp = tempDir();
afterAll(tmp.cleanup);

const scores = (lexWer: number, cer: number): ValidationScores => ({ wer: lexWer, cer, lexWer, blankRate: 0, empty: 0 });
const set = (name: string, selects?: boolean): ValidationSet => ({ name, examples: [], ...(selects === undefined ? {} : { selects }) });

describe('which validation sets pick the saved epoch', () => {
  it('averages word-list WER (CER breaking ties) over the selecting sets only', () => {
    const val = { seen: scores(0.02, 0.01), unseen: scores(0.3, 0.2) };
    expect(selectionScore(val, [set('seen'), set('unseen')])).toBeCloseTo((0.02 + 0.001 + 0.3 + 0.02) / 2, 12);
    expect(selectionScore(val, [set('seen'), set('unseen', false)])).toBeCloseTo(0.021, 12);
    // An epoch that is better on the report-only set but worse on the selecting one must not win.
    const later = { seen: scores(0.03, 0.01), unseen: scores(0.1, 0.05) };
    const sets = [set('seen'), set('unseen', false)];
    expect(selectionScore(later, sets)).toBeGreaterThan(selectionScore(val, sets));
  });

  it('the left-out speaker (--val-speaker) is reported, not selected on; the held-back recordings are', async () => {
    const dir = toneFsddFolder(join(tmp.dir, 'fsdd'), ['alice', 'bob', 'carol'], 7);
    const ts = await buildTrainSet(await openCorpus(dir), defaultFrontEnd(8000), { holdOut: { lo: 5, hi: 9 }, valUtterances: 3, valRecordings: 3, valSpeaker: 'carol', specAugment: false });
    expect(ts.validation.map((v) => [v.name, v.selects !== false])).toEqual([['seen', true], ['unseen', false]]);
  });
});
