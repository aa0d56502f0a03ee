/**
 * Progress reporting for training and evaluation: a live bar (cli-progress)
 * on a terminal, and a plain line every ~10% otherwise so logs stay readable.
 */
import cliProgress from 'cli-progress';

export interface Progress {
  /** Sets the number of finished items and the values shown beside the bar. */
  update(done: number, values?: Record<string, string | number>): void;
  stop(): void;
}

/**
 * Where progress goes (default process.stderr): all that is used. Plain lines need only write();
 * the live bar is drawn when isTTY is true (cursor moves are written as escape codes), and
 * cli-progress reads columns as the terminal width.
 */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface ProgressOptions {
  total: number;
  label: string;
  /** Name of the items, e.g. 'samples'. */
  unit?: string;
  stream?: ProgressStream;
  /** Force plain line output (default: when the stream is not a TTY). */
  plain?: boolean;
  silent?: boolean;
}

function fmtValues(values: Record<string, string | number>): string {
  return Object.entries(values)
    .map(([k, v]) => `${k} ${typeof v === 'number' ? (Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(4)) : v}`)
    .join('  ');
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.max(0, Math.round(seconds)); // an ETA past the total is 0s, not "-1m-5s"
  const m = Math.floor(s / 60);
  return m ? `${m}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

export function createProgress(opts: ProgressOptions): Progress {
  const stream: ProgressStream = opts.stream ?? process.stderr;
  const unit = opts.unit ?? 'items';
  const start = performance.now();
  const rate = (done: number) => done / Math.max(1e-9, (performance.now() - start) / 1000);
  if (opts.silent) return { update() {}, stop() {} };
  if (opts.plain ?? !stream.isTTY) {
    // Tenths are counted in integers: summing 0.1s drifts (3/10 < 0.1 + 0.1 + 0.1) and skips lines.
    let nextTenth = 1;
    let last = 0;
    let reported = 0;
    let lastValues: Record<string, string | number> = {};
    const report = (done: number) => {
      const r = rate(done);
      stream.write(`${opts.label} ${done}/${opts.total} ${unit}  ${r.toFixed(0)} ${unit}/s  ETA ${formatDuration((opts.total - done) / r)}  ${fmtValues(lastValues)}\n`);
      reported = done;
    };
    return {
      update(done, values) {
        last = done;
        if (values) lastValues = values;
        if (opts.total > 0 && done * 10 >= nextTenth * opts.total) {
          report(done);
          nextTenth = Math.floor((done * 10) / opts.total) + 1;
        }
      },
      stop() {
        // A loop that ends between two tenths (an interrupted epoch) still logs where it stopped.
        if (last !== reported) report(last);
      },
    };
  }
  // cli-progress declares a full NodeJS.WritableStream but only calls write() (readline's cursor moves too) and reads isTTY and columns.
  const bar = new cliProgress.SingleBar(
    { format: `${opts.label} |{bar}| {value}/{total} ${unit} | {rate} ${unit}/s | ETA {eta_formatted} | {values}`, stream: stream as NodeJS.WritableStream, hideCursor: true, clearOnComplete: false, etaBuffer: 50 },
    cliProgress.Presets.shades_classic,
  );
  bar.start(opts.total, 0, { rate: '0', values: '' });
  return {
    update(done, values) {
      bar.update(done, { rate: rate(done).toFixed(0), values: values ? fmtValues(values) : '' });
    },
    stop() {
      bar.stop();
    },
  };
}
