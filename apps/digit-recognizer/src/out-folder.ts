/** Up-front checks of output folder options (`eval --report DIR`, `explain --out DIR`), before any work is done. */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { checkWritable, UserError } from '@tensorkit/train';

/**
 * Checks that `dir` is a folder (or can be made one) where the files `names` (relative, e.g.
 * `errors/001.png`) can be written, so a long job does not fail only at its end with a raw
 * `ENOTDIR`/`EEXIST`. Errors name the flag and the folder: `--report README.md: is a file, expected
 * a folder (…)`. Creates the folder, as the job would.
 */
export function checkOutputFolder(dir: string, flag: string, what: string, names: readonly string[]): void {
  let isFile = false;
  try {
    isFile = !statSync(dir).isDirectory();
  } catch {
    // missing (created below), or a part of the path is a file (checkWritable says so)
  }
  if (isFile) throw new UserError(`${flag} ${dir}: is a file, expected a folder (${what} go into it)`);
  for (const name of names) checkWritable(join(dir, name), flag, dir);
}
