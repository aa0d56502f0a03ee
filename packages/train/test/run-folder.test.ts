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

  it('a resumed run keeps the time stamps its checkpoint kept from append', () => {
    const run = new RunFolder<Rec>(tmp());
    run.reset();
    const stamps = [1, 2].map((e) => run.append(rec(e)));
    expect(stamps.every((t) => typeof t === 'string' && !Number.isNaN(Date.parse(t)))).toBe(true);
    expect(lines(run.metricsPath).map((r) => r.time)).toEqual(stamps);
    expect(run.append(rec(3), '2026-01-02T03:04:05.000Z')).toBe('2026-01-02T03:04:05.000Z');
    const resumed = new RunFolder<Rec>(run.dir);
    // An epoch whose time the checkpoint does not have (one written before times were kept) gets none.
    resumed.rewrite([rec(1), rec(2), rec(3)], [stamps[0], null, '2026-01-02T03:04:05.000Z']);
    const got = lines(run.metricsPath);
    expect(got.map((r) => r.time)).toEqual([stamps[0], undefined, '2026-01-02T03:04:05.000Z']);
    expect(Object.keys(got[0])[0]).toBe('time'); // laid out as append() lays out a line
    expect(got[0]).toEqual({ time: stamps[0], epoch: 1, loss: 1, val_loss: null, accuracy: 0.9, val_accuracy: 0.8 });
    resumed.append(rec(4));
    expect(lines(run.metricsPath).map((r) => r.epoch)).toEqual([1, 2, 3, 4]);
  });
});
