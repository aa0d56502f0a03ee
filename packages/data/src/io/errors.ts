/**
 * Every reader reports problems through this error so that a failure deep in
 * a 60,000-file dataset says which file, and what was wrong with it, instead
 * of surfacing as a RangeError from a DataView.
 */
export class DataFormatError extends Error {
  readonly file: string;

  constructor(file: string, message: string, options?: { cause?: unknown }) {
    super(`${file}: ${message}`, options);
    this.name = 'DataFormatError';
    this.file = file;
  }
}

/** Rewraps any thrown value as a DataFormatError for `file`, keeping one already naming it. */
export function wrapError(file: string, what: string, err: unknown): DataFormatError {
  if (err instanceof DataFormatError) return err;
  const detail = err instanceof Error ? err.message : String(err);
  return new DataFormatError(file, `${what}: ${detail}`, { cause: err });
}

export function errorCode(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : undefined;
}
