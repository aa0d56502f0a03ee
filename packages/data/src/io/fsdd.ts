import { join } from 'node:path';
import { DataFormatError } from './errors.js';
import { compareNames, listDir } from './fs-utils.js';

export interface FsddName {
  digit: number;
  speaker: string;
  index: number;
}

export interface FsddEntry extends FsddName {
  path: string;
}

const FSDD_NAME = /^([0-9])_([^_/\\]+)_([0-9]+)\.wav$/i;

/** Parses `{digit}_{speaker}_{index}.wav`; null if the name does not follow that pattern. */
export function parseFsddName(fileName: string): FsddName | null {
  const m = FSDD_NAME.exec(fileName);
  return m ? { digit: Number(m[1]), speaker: m[2], index: Number(m[3]) } : null;
}

/**
 * Lists a Free Spoken Digit Dataset `recordings/` folder, sorted by digit,
 * speaker, then numeric index. A `.wav` whose name breaks the pattern is an
 * error: its label would otherwise be silently wrong or dropped.
 */
export async function readFsddFolder(dir: string): Promise<FsddEntry[]> {
  const { files } = await listDir(dir);
  const entries: FsddEntry[] = [];
  for (const f of files) {
    if (!f.toLowerCase().endsWith('.wav')) continue;
    const parsed = parseFsddName(f);
    if (parsed === null) throw new DataFormatError(join(dir, f), 'file name does not match {digit}_{speaker}_{index}.wav');
    entries.push({ path: join(dir, f), ...parsed });
  }
  if (entries.length === 0) throw new DataFormatError(dir, 'no FSDD recordings: expected files named {digit}_{speaker}_{index}.wav');
  return entries.sort((a, b) => a.digit - b.digit || compareNames(a.speaker, b.speaker) || a.index - b.index);
}
