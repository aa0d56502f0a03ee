/**
 * `pnpm download <dataset> [--out DIR] [--base-url URL]` — see @tensorkit/data's downloadCli.
 * The arguments are checked here first so that mistakes get one-line `error: …` messages like the
 * other CLIs' (not node:util's multi-line "Unknown option" text, or "unknown dataset ''" when no
 * dataset was named): an unknown option suggests the closest one, a missing or unknown dataset
 * lists the available ones.
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DATASETS, downloadCli } from '@tensorkit/data';
import { closestKey } from '@tensorkit/nn';

const OPTIONS = { out: { type: 'string' }, 'base-url': { type: 'string' }, help: { type: 'boolean', short: 'h' } } as const;
const FLAGS = ['--out', '--base-url', '--help'];
const USAGE = `pnpm download <dataset> [--out DIR] [--base-url URL]`;

/** Why `argv` is not a valid download command line (one line), or null when downloadCli should run. */
export function checkDownloadArgs(argv: readonly string[]): string | null {
  const { tokens } = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: false, tokens: true });
  const datasets = Object.keys(DATASETS);
  const available = `available: ${datasets.join(', ')}`;
  const positionals: string[] = [];
  let help = false;
  for (const t of tokens) {
    if (t.kind === 'positional') positionals.push(t.value);
    if (t.kind !== 'option') continue;
    if (!(t.name in OPTIONS)) {
      const hint = t.rawName.startsWith('--') ? closestKey(t.rawName, FLAGS) : undefined;
      return `unknown option '${t.rawName}'${hint ? `; did you mean ${hint}?` : ''} (usage: ${USAGE})`;
    }
    if (t.name === 'help') help = true;
    else if (t.value === undefined) return `${t.rawName} needs a value (usage: ${USAGE})`;
  }
  if (help) return null;
  if (positionals.length === 0) return `no dataset given; ${available} (usage: ${USAGE})`;
  const [name] = positionals;
  if (!datasets.includes(name)) {
    const hint = closestKey(name, datasets);
    return `unknown dataset '${name}'${hint ? `; did you mean ${hint}?` : ''} (${available})`;
  }
  if (positionals.length > 1) return `one dataset at a time, got '${positionals.join(' ')}' (${available})`;
  return null;
}

export async function main(argv: readonly string[]): Promise<void> {
  try {
    const problem = checkDownloadArgs(argv);
    if (problem) throw new Error(problem);
    await downloadCli(argv);
  } catch (e) {
    process.stderr.write(`error: ${(e as Error).message}\n`);
    process.exitCode = 1;
  }
}

// Run when executed (`pnpm download`), not when a test imports checkDownloadArgs.
if (process.argv[1] && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url))) await main(process.argv.slice(2));
