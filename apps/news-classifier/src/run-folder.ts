/**
 * The training run folder: metrics.jsonl (one line per epoch) and the
 * training curve (curve.png, with the curve.svg it is rendered from),
 * refreshed after every epoch so a long run can be watched.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { svgToPng } from '@tensorkit/data';
import { atomicWriteFile, RunLog } from '@tensorkit/train';
import { trainingCurveSvg } from './plot.js';

export interface EpochRecord {
  epoch: number;
  loss: number;
  accuracy: number;
  val_loss: number;
  val_accuracy: number;
  lr: number;
  samples_per_sec: number;
  epoch_seconds: number;
  elapsed_seconds: number;
}

export class RunFolder {
  readonly metricsPath: string;
  readonly curvePath: string;
  readonly curveSvgPath: string;
  private log: RunLog | null = null;

  constructor(readonly dir: string) {
    this.metricsPath = join(dir, 'metrics.jsonl');
    this.curvePath = join(dir, 'curve.png');
    this.curveSvgPath = join(dir, 'curve.svg');
  }

  /** Starts a fresh metrics file (a new run replaces the previous run's records). */
  reset(): void {
    mkdirSync(this.dir, { recursive: true });
    rmSync(this.metricsPath, { force: true });
    this.log = new RunLog(this.dir);
  }

  append(rec: EpochRecord): void {
    // NaN (no validation set) is not JSON: write null.
    const clean = Object.fromEntries(Object.entries(rec).map(([k, v]) => [k, Number.isFinite(v) ? v : null]));
    (this.log ??= new RunLog(this.dir)).log(clean);
  }

  async writeCurve(history: readonly EpochRecord[]): Promise<void> {
    const svg = trainingCurveSvg(history);
    atomicWriteFile(this.curveSvgPath, svg);
    atomicWriteFile(this.curvePath, await svgToPng(svg));
  }
}
