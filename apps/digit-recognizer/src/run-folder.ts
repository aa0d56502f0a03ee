/**
 * The training run folder: metrics.jsonl (one line per epoch) and a training
 * curve (curve.png, plus the SVG it is rendered from) refreshed every epoch.
 */
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
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

  /** Starts a fresh metrics file. */
  reset(): void {
    this.rewrite([]);
  }

  /** Replaces metrics.jsonl with the given history (a resumed run's own record of its epochs). */
  rewrite(history: readonly EpochRecord[]): void {
    mkdirSync(this.dir, { recursive: true });
    atomicWriteFile(this.metricsPath, history.map((r) => JSON.stringify(r)).join('\n') + (history.length ? '\n' : ''));
    this.log = new RunLog(this.dir);
  }

  append(rec: EpochRecord): void {
    (this.log ??= new RunLog(this.dir)).log({ ...rec });
  }

  async writeCurve(history: readonly EpochRecord[]): Promise<void> {
    const svg = trainingCurveSvg(history);
    atomicWriteFile(this.curveSvgPath, svg);
    atomicWriteFile(this.curvePath, await svgToPng(svg));
  }
}
