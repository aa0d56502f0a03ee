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
import { basename, dirname } from 'node:path';
import { parseFsddName } from '@tensorkit/data';
import { realPathOrNull, recordedPathCandidates } from '@tensorkit/train';
import { parseRange } from './trainset.js';

interface TrainedOn {
  data: string;
  kind: string;
  holdOut?: string;
  valSpeaker?: string | null;
}

/** The training runs the metadata describes: one, or an ensemble's members. */
function runsOf(training: Record<string, unknown>): TrainedOn[] {
  const runs = Array.isArray(training.ensemble) ? (training.ensemble as unknown[]) : [training];
  return runs.filter((r): r is TrainedOn => typeof r === 'object' && r !== null && typeof (r as TrainedOn).data === 'string' && typeof (r as TrainedOn).kind === 'string');
}

function inHoldOut(index: number, holdOut: string | undefined): boolean {
  if (holdOut === undefined) return false;
  try {
    const { lo, hi } = parseRange(holdOut);
    return index >= lo && index <= hi;
  } catch {
    return false; // a hand-edited metadata value: nothing was held back that we can tell
  }
}

/** One training run's test of a file (`source`: the manifest the file was listed in, for manifests). */
function trainedBy(run: TrainedOn, file: string, source: string): boolean {
  const name = basename(file);
  for (const data of recordedPathCandidates(run.data)) {
    if (run.kind === 'manifest') {
      if (realPathOrNull(source) === data) return true;
      continue;
    }
    if (realPathOrNull(dirname(file)) !== data) continue;
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
