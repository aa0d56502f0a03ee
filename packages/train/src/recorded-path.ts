/**
 * Paths a model file records as they were typed to `train` (its training data), relative to the
 * folder train ran in — unknown later, so they are looked up from the current folder and from the
 * repository root, where the shipped models were trained.
 */
import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** The canonical path (symbolic links resolved), or null when nothing is there. */
export function realPathOrNull(path: string): string | null {
  try {
    return realpathSync(path);
  } catch {
    return null;
  }
}

/** Where a recorded path can be now: its canonical form from the current folder and from the repository root, existing ones only. */
export function recordedPathCandidates(recorded: string): string[] {
  const found = [process.cwd(), REPO_ROOT].map((base) => realPathOrNull(resolve(base, recorded))).filter((p): p is string => p !== null);
  return [...new Set(found)];
}
