/**
 * Which evaluated recordings the model was trained on. A WER measured on them (the shipped
 * digits model on the FSDD folder it was trained on, the yesno model on `0_*`) says how well it
 * fits its training data, not how it hears new recordings, so `eval` counts them. Judged from
 * the model's `training` metadata (each ensemble member's): its data path — as typed to
 * `train`, so looked up from the current folder and from the repository root, where the shipped
 * models were trained — and kind:
 *   fsdd     a file of that folder, not of the held-back recording indices (`holdOut`) nor of the
 *            left-out validation speaker;
 *   yesno    a `0_*` file of that folder (the three held back for validation included);
 *   manifest every line of that manifest (the up to 200 held back included).
 */
import { realpathSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseFsddName } from '@tensorkit/data';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

interface TrainedOn {
  data: string;
  kind: string;
  holdOut?: string;
  valSpeaker?: string | null;
}

function real(path: string): string | null {
  try {
    return realpathSync(path);
  } catch {
    return null;
  }
}

/** The training runs the metadata describes: one, or an ensemble's members. */
function runsOf(training: Record<string, unknown>): TrainedOn[] {
  const runs = Array.isArray(training.ensemble) ? (training.ensemble as unknown[]) : [training];
  return runs.filter((r): r is TrainedOn => typeof r === 'object' && r !== null && typeof (r as TrainedOn).data === 'string' && typeof (r as TrainedOn).kind === 'string');
}

function inHoldOut(index: number, holdOut: string | undefined): boolean {
  const m = /^(\d+)(?:-(\d+))?$/.exec(holdOut ?? '');
  if (!m) return false;
  return index >= Number(m[1]) && index <= Number(m[2] ?? m[1]);
}

/** One training run's test of a file (`source`: the manifest the file was listed in, for manifests). */
function trainedBy(run: TrainedOn, file: string, source: string): boolean {
  const name = basename(file);
  for (const base of new Set([process.cwd(), REPO_ROOT])) {
    const data = real(resolve(base, run.data));
    if (data === null) continue;
    if (run.kind === 'manifest') {
      if (real(source) === data) return true;
      continue;
    }
    if (real(dirname(file)) !== data) continue;
    if (run.kind === 'yesno') return name.startsWith('0_');
    if (run.kind === 'fsdd') {
      const f = parseFsddName(name);
      return f !== null && f.speaker !== run.valSpeaker && !inHoldOut(f.index, run.holdOut);
    }
  }
  return false;
}

/** How many of `files` (read from `source`: a folder or a manifest) the model described by `training` was trained on. */
export function countTrainedOn(files: readonly string[], source: string, training: Record<string, unknown>): number {
  const runs = runsOf(training);
  if (runs.length === 0) return 0;
  return files.filter((f) => runs.some((r) => trainedBy(r, f, source))).length;
}
