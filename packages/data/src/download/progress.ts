import cliProgress from 'cli-progress';

export interface DownloadProgress {
  /** Bytes of the file present so far, including a resumed part. */
  received: number;
  /** Full size when the server announced it. */
  total: number | null;
}

export type ProgressCallback = (p: DownloadProgress) => void;

/**
 * A terminal progress bar, or null when stdout is not a TTY (CI logs, pipes),
 * where redrawn bars would only add noise.
 */
export function terminalProgress(label: string): { update: ProgressCallback; stop: () => void } | null {
  if (!process.stdout.isTTY) return null;
  const bar = new cliProgress.SingleBar(
    {
      format: `${label} [{bar}] {percentage}% | {value}/{total} bytes`,
      hideCursor: true,
      clearOnComplete: false,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update({ received, total }) {
      if (!started) {
        bar.start(total ?? 0, received);
        started = true;
      }
      if (total !== null) bar.setTotal(total);
      bar.update(received);
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
