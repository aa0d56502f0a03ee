/**
 * A resumed run keeps the options its checkpoint recorded. Continuing "the same run" with another
 * batch size or learning rate silently changes it, and ignoring a typed flag hides that the user
 * asked for something else, so: an option left out takes the recorded value, one given with the
 * recorded value is fine, and one given with another value is refused, naming both.
 */
import { UserError } from './cli.js';

export interface RecordedOptionCheck<T> {
  /** Whether a given value is the recorded one (default `===`; e.g. compare resolved paths). */
  same?: (given: T, recorded: T) => boolean;
  /**
   * How a value reads in the error, in place of `FLAG VALUE` (e.g. `v => v ? 'augmentation' : '--no-augment'`
   * for a boolean flag).
   */
  describe?: (value: T) => string;
}

/**
 * Reconciles one option: returns the recorded value when the checkpoint has one, else the given
 * value (`undefined` when neither: the caller's default applies).
 */
export type KeepRecordedOption = <T>(flag: string, given: T | undefined, recorded: T | undefined, check?: RecordedOptionCheck<T>) => T | undefined;

/** A recorded value that means "the run was started without this option". */
function isAbsent(value: unknown): boolean {
  return value === null || (Array.isArray(value) && value.length === 0);
}

function show(value: unknown): string {
  return Array.isArray(value) ? value.join(',') : String(value);
}

/**
 * The option reconciler of a run resumed from `checkpoint` (named in errors as `--resume CHECKPOINT`);
 * for a new run (`checkpoint` undefined) every option is taken as given.
 *
 * ```ts
 * const keep = keepRecordedOptions(opts.resume);
 * const lr = keep('--lr', opts.lr, saved?.lr) ?? 3e-3;
 * // --resume runs/a/checkpoint.safetensors: the checkpoint was trained with --lr 0.003, not 0.01; leave --lr out …
 * ```
 */
export function keepRecordedOptions(checkpoint: string | undefined): KeepRecordedOption {
  return <T>(flag: string, given: T | undefined, recorded: T | undefined, check: RecordedOptionCheck<T> = {}): T | undefined => {
    if (checkpoint === undefined || recorded === undefined) return given;
    if (given === undefined || (check.same ?? ((a: T, b: T) => a === b))(given, recorded)) return recorded;
    const reason = check.describe
      ? `was trained with ${check.describe(recorded)}, not ${check.describe(given)}`
      : isAbsent(recorded)
        ? `was trained without ${flag}, not with ${flag} ${show(given)}`
        : `was trained with ${flag} ${show(recorded)}, not ${show(given)}`;
    throw new UserError(`--resume ${checkpoint}: the checkpoint ${reason}; leave ${flag} out to continue the run, or start a new run without --resume`);
  };
}
