/** A training run folder: one JSON object per line in metrics.jsonl. */
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

export type MetricRecord = Record<string, number | string | boolean | null>;

export class RunLog {
  readonly dir: string;
  readonly metricsPath: string;
  readonly records: MetricRecord[] = [];

  constructor(dir: string) {
    this.dir = dir;
    mkdirSync(dir, { recursive: true });
    this.metricsPath = join(dir, 'metrics.jsonl');
  }

  log(record: MetricRecord): void {
    const withTime = { time: new Date().toISOString(), ...record };
    this.records.push(withTime);
    appendFileSync(this.metricsPath, JSON.stringify(withTime) + '\n');
  }
}
