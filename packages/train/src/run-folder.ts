/**
 * A training run folder that can be watched while the run goes: metrics.jsonl (one line per
 * epoch) and a training-curve PNG with the SVG it is rendered from, both rewritten after every
 * epoch. The caller passes the whole history when it redraws the curve, so the picture always shows
 * the whole run, and a resumed run rewrites the file from its checkpoint's history instead of
 * appending duplicates (those lines carry no `time`: the checkpoint does not know when its epochs ran).
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

  /** Replaces metrics.jsonl with the given history (a resumed run's own record of its epochs). */
  rewrite(history: readonly R[]): void {
    mkdirSync(this.dir, { recursive: true });
    atomicWriteFile(this.metricsPath, history.map((r) => JSON.stringify(jsonSafe(r))).join('\n') + (history.length ? '\n' : ''));
    this.log = new RunLog(this.dir);
  }

  append(record: R): void {
    (this.log ??= new RunLog(this.dir)).log(jsonSafe(record));
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
