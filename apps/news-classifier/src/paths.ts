/**
 * Paths the user names on the command line, checked before any work: output options (`eval
 * --report DIR`, `explain --html FILE`) fail up front naming the flag and what it expects, rather
 * than after the whole evaluation with a raw `EEXIST … mkdir`; and `--model NAME` finds a shipped
 * model by its short name (`--model bbc`) when no file of that name exists.
 */
import { existsSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { checkWritable, checkWritableFolder, UserError } from '@tensorkit/train';
import { shippedModelPath } from './classifier.js';
import { REPORT_FILES } from './report.js';

/** What is at `path`, or null when nothing can be (missing, or under a file: checkWritable then says why). */
function kindOf(path: string): 'file' | 'dir' | null {
  try {
    return statSync(path).isDirectory() ? 'dir' : 'file';
  } catch {
    return null;
  }
}

/** `--report DIR`: a folder (created if missing) that index.html and confusion.png can be written into. */
export function checkReportDir(dir: string, flag = '--report'): void {
  checkWritableFolder(dir, flag, `${REPORT_FILES.index} and ${REPORT_FILES.confusion}`, [REPORT_FILES.index]);
}

/** `--html FILE`: a file that can be written (not a folder). */
export function checkOutputFile(file: string, flag: string, example: string): void {
  if (kindOf(file) === 'dir') throw new UserError(`${flag} ${file}: is a folder; give a file name (e.g. ${join(file, example)})`);
  checkWritable(file, flag);
}

/** The shipped models' short names (what `--model NAME` accepts besides a path). */
export const SHIPPED_MODELS = ['ag_news', '20news', 'bbc'] as const;

/**
 * `--model` as given, unless it names no file but is a shipped model's short name (`bbc`, or
 * `bbc.safetensors`): then that shipped model's path, said on `note` (stderr), so `--model bbc`
 * works from any folder. A file of that name in the current folder always wins.
 */
export function resolveModelOption(model: string | undefined, note: (s: string) => void): string | undefined {
  if (model === undefined || existsSync(model) || basename(model) !== model) return model;
  const name = model.endsWith('.safetensors') ? model.slice(0, -'.safetensors'.length) : model;
  if (!(SHIPPED_MODELS as readonly string[]).includes(name)) return model;
  const path = shippedModelPath(`${name}.safetensors`);
  if (!existsSync(path)) return model;
  note(`note: --model ${model}: no such file here; using the shipped model ${path}`);
  return path;
}
