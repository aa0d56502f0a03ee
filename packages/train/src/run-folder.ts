/**
 * A training run folder that can be watched while the run goes: metrics.jsonl (one line per
 * epoch) and a training-curve PNG with the SVG it is rendered from, both rewritten after every
 * epoch. The caller passes the whole history when it redraws the curve, so the picture always shows
 * the whole run, and a resumed run rewrites the file from its checkpoint's history instead of
 * appending duplicates. `append` returns the time stamp it wrote, so a checkpoint can keep it and
 * `rewrite` can give the resumed lines their times back (a line whose time is not known gets none).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { svgToPng } from '@tensorkit/data';
import { atomicWriteFile } from './atomic-write.js';
import { RunLog, type MetricRecord } from './run-log.js';
import type { ClassifierEpoch } from './charts/training-curve.js';

/** One metrics.jsonl line of a classifier's run (what `lossAccuracyCurveSvg` draws, plus speed and schedule). */
export type ClassifierEpochRecord = ClassifierEpoch & {
  lr: number;
  samples_per_sec: number;
  epoch_seconds: number;
  elapsed_seconds: number;
};

export interface RunFolderOptions {
  /** File name of the curve image (default `curve.png`; the SVG is written beside it). */
  curveName?: string;
}

export class RunFolder<R extends Record<string, number | string | boolean | null>> {
  readonly metricsPath: string;
  readonly curvePath: string;
  readonly curveSvgPath: string;
  private log: RunLog | null = null;

  constructor(readonly dir: string, opts: RunFolderOptions = {}) {
    const name = opts.curveName ?? 'curve.png';
    this.metricsPath = join(dir, 'metrics.jsonl');
    this.curvePath = join(dir, name);
    this.curveSvgPath = join(dir, name.replace(/\.png$/i, '') + '.svg');
  }

  /** Starts a fresh metrics file (a new run replaces the previous run's records). */
  reset(): void {
    this.rewrite([]);
  }

  /**
   * Replaces metrics.jsonl with the given history (a resumed run's own record of its epochs).
   * `times[i]` is line i's time stamp, as `append` returned it; a line without one (null, undefined,
   * or past the end of `times`) has no `time`, and a record that has its own `time` keeps it.
   */
  rewrite(history: readonly R[], times: readonly (string | null | undefined)[] = []): void {
    mkdirSync(this.dir, { recursive: true });
    const line = (r: R, i: number) => JSON.stringify(typeof times[i] === 'string' ? { time: times[i], ...jsonSafe(r) } : jsonSafe(r));
    atomicWriteFile(this.metricsPath, history.map(line).join('\n') + (history.length ? '\n' : ''));
    this.log = new RunLog(this.dir);
  }

  /**
   * Appends one line stamped with `time` (default now, as an ISO string) and returns the stamp it
   * wrote (a record that has its own `time` keeps it), for the checkpoint to keep for `rewrite`.
   */
  append(record: R, time: string = new Date().toISOString()): string {
    (this.log ??= new RunLog(this.dir)).log(jsonSafe(record), time);
    return typeof record.time === 'string' ? record.time : time;
  }

  /** Writes the curve SVG and its PNG rendering. */
  async writeCurve(svg: string): Promise<void> {
    mkdirSync(this.dir, { recursive: true });
    atomicWriteFile(this.curveSvgPath, svg);
    atomicWriteFile(this.curvePath, await svgToPng(svg));
  }
}

/** NaN and ±Infinity (e.g. no validation split) are not JSON: they are written as null. */
function jsonSafe(record: Record<string, number | string | boolean | null>): MetricRecord {
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, typeof v === 'number' && !Number.isFinite(v) ? null : v]));
}
