import cliProgress from 'cli-progress';

export interface DownloadProgress {
  /** Bytes of the file present so far, including a resumed part. */
  received: number;
  /** Full size when the server announced it. */
  total: number | null;
}

export type ProgressCallback = (p: DownloadProgress) => void;

/**
 * A terminal progress bar on stderr (where cli-progress draws), or null when stderr is not a TTY
 * (CI logs, pipes), where redrawn bars would only add noise.
 */
export function terminalProgress(label: string, stream: NodeJS.WriteStream = process.stderr): { update: ProgressCallback; stop: () => void } | null {
  if (!stream.isTTY) return null;
  let bar: cliProgress.SingleBar | null = null;
  return {
    update({ received, total }) {
      if (bar === null) {
        // Without a Content-Length (GitHub archives) cli-progress would show 100% of 0 bytes
        // throughout, so only the byte count is shown then.
        const format = total === null ? `${label} {value} bytes` : `${label} [{bar}] {percentage}% | {value}/{total} bytes`;
        bar = new cliProgress.SingleBar({ format, stream, hideCursor: true, clearOnComplete: false }, cliProgress.Presets.shades_classic);
        bar.start(total ?? 0, received);
      }
      if (total !== null) bar.setTotal(total);
      bar.update(received);
    },
    stop() {
      bar?.stop();
    },
  };
}
