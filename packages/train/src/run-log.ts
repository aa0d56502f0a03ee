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

  /** Appends `record` stamped with `time` (default now); a `time` in the record itself wins. */
  log(record: MetricRecord, time: string = new Date().toISOString()): void {
    const withTime = { time, ...record };
    this.records.push(withTime);
    appendFileSync(this.metricsPath, JSON.stringify(withTime) + '\n');
  }
}
