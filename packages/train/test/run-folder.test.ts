import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { imageInfo } from '@tensorkit/data';
import { lossAccuracyCurveSvg, RunFolder } from '../src/index.js';

type Rec = { epoch: number; loss: number; val_loss: number; accuracy: number; val_accuracy: number };

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'run-folder-'));
  dirs.push(d);
  return d;
}
const rec = (epoch: number): Rec => ({ epoch, loss: 1 / epoch, val_loss: NaN, accuracy: 0.9, val_accuracy: 0.8 });
const lines = (path: string) => readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l));

describe('RunFolder', () => {
  it('appends one JSON line per epoch, with null for non-finite values, and writes the curve', async () => {
    const dir = join(tmp(), 'runs', 'm');
    const run = new RunFolder<Rec>(dir, { curveName: 'training-curve.png' });
    run.reset();
    run.append(rec(1));
    run.append(rec(2));
    const got = lines(run.metricsPath);
    expect(got.map((r) => [r.epoch, r.val_loss])).toEqual([[1, null], [2, null]]);
    expect(typeof got[0].time).toBe('string');
    await run.writeCurve(lossAccuracyCurveSvg([rec(1), rec(2)]));
    expect(run.curveSvgPath).toBe(join(dir, 'training-curve.svg'));
    expect(readFileSync(run.curveSvgPath, 'utf8')).toMatch(/^<svg /);
    expect((await imageInfo(readFileSync(run.curvePath))).format).toBe('png');
  });

  it('a new run replaces the old records; a resumed run rewrites its own history', () => {
    const run = new RunFolder<Rec>(tmp());
    run.reset();
    [1, 2, 3].forEach((e) => run.append(rec(e)));
    const resumed = new RunFolder<Rec>(run.dir);
    resumed.rewrite([rec(1), rec(2)]);
    resumed.append(rec(3));
    expect(lines(run.metricsPath).map((r) => r.epoch)).toEqual([1, 2, 3]);
    new RunFolder<Rec>(run.dir).reset();
    expect(readFileSync(run.metricsPath, 'utf8')).toBe('');
  });
});
