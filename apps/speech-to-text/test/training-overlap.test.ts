import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { countTrainedOn } from '../src/training-overlap.js';

const root = mkdtempSync(join(tmpdir(), 'speech-overlap-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function touch(dir: string, names: string[]): string[] {
  mkdirSync(dir, { recursive: true });
  return names.map((n) => {
    writeFileSync(join(dir, n), '');
    return join(dir, n);
  });
}

describe('countTrainedOn', () => {
  it('FSDD: files of the training folder outside the held-back indices and the left-out speaker; any ensemble member counts', () => {
    const fsdd = join(root, 'fsdd');
    const files = touch(fsdd, ['3_ann_5.wav', '3_ann_9.wav', '3_ann_10.wav', '3_bob_12.wav', '3_cy_20.wav']);
    const run = { data: fsdd, kind: 'fsdd', holdOut: '5-9', valSpeaker: 'bob' };
    expect(countTrainedOn(files, fsdd, run)).toBe(2); // ann_10, cy_20
    // The path as typed to train, relative to the folder it ran in.
    expect(countTrainedOn(files, fsdd, { ...run, data: relative(process.cwd(), fsdd) })).toBe(2);
    expect(countTrainedOn(files, fsdd, { ensemble: [run, { ...run, valSpeaker: null }] })).toBe(3);
    // Another copy of the same names elsewhere is new data.
    const other = join(root, 'other');
    expect(countTrainedOn(touch(other, ['3_ann_10.wav']), other, run)).toBe(0);
  });

  it('yesno: the 0_* files of the training folder; a manifest: every line of the same manifest', () => {
    const yesno = join(root, 'yesno');
    const files = touch(yesno, ['0_0_1_0_1_0_0_0_1.wav', '1_1_0_0_1_0_1_1_0.wav']);
    expect(countTrainedOn(files, yesno, { data: yesno, kind: 'yesno' })).toBe(1);
    const manifest = join(root, 'm.jsonl');
    writeFileSync(manifest, '');
    expect(countTrainedOn(files, manifest, { data: manifest, kind: 'manifest' })).toBe(2);
    expect(countTrainedOn(files, join(root, 'other.jsonl'), { data: manifest, kind: 'manifest' })).toBe(0);
  });

  it('nothing when the metadata records no data, or data that is not there any more', () => {
    const files = touch(join(root, 'x'), ['3_ann_10.wav']);
    expect(countTrainedOn(files, join(root, 'x'), {})).toBe(0);
    expect(countTrainedOn(files, join(root, 'x'), { data: join(root, 'gone'), kind: 'fsdd', holdOut: '5-9' })).toBe(0);
  });
});
