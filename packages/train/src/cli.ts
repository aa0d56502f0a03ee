/** Conventions shared by the app CLIs: clear one-line errors and a final JSON line for scripts. */

/** An error meant for the user: printed as `error: message` without a stack trace. */
export class UserError extends Error {}

/** Runs a CLI main function, turning thrown errors into `error: …` and exit code 1. */
export async function runCli(main: () => Promise<void>): Promise<void> {
  try {
    await main();
  } catch (e) {
    // Anything can be thrown (a string, null): print it rather than `undefined` or a crash.
    const err = e instanceof Error ? e : new Error(String(e));
    process.stderr.write(`error: ${err.message}\n`);
    if (process.env.TENSORKIT_DEBUG && e instanceof Error && err.stack) process.stderr.write(err.stack + '\n');
    process.exitCode = 1;
  }
}

/** Prints one JSON object as the last line of stdout (the `--json` contract). */
export function printJsonLine(value: unknown): void {
  process.stdout.write(JSON.stringify(value) + '\n');
}
