import { access, readFile, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { mapLimit } from './concurrency.js';
import { DataFormatError } from './errors.js';
import { fsError } from './fs-utils.js';
import { decodeText } from './text-decode.js';
import { checkOptionalBoolean, checkOptionKeys } from '../options.js';

export interface ManifestEntry {
  /** Absolute path of the audio file. */
  audioPath: string;
  /** `audio_filepath` as written in the manifest (relative to it, or absolute). */
  audioFilepath: string;
  /** Seconds, when the manifest gives one. With `offset`, the length of the segment. */
  duration?: number;
  /**
   * Seconds into the audio file where the utterance starts (NeMo's segment form: one long
   * recording, several lines, each `offset` + `duration`). Absent: the whole file.
   */
  offset?: number;
  text: string;
  /** 1-based line in the manifest. */
  line: number;
}

export interface ManifestOptions {
  /** Check that every audio file exists (default true). */
  checkAudio?: boolean;
}

/**
 * Reads a NeMo-style JSON-lines manifest: one
 * `{"audio_filepath": …, "duration": …, "text": …}` object per line, paths
 * relative to the manifest; an optional `offset` (seconds) makes the line the segment
 * `offset … offset + duration` of its file. Problems are reported as `manifest: line N: …`.
 */
export async function readManifest(path: string, opts: ManifestOptions = {}): Promise<ManifestEntry[]> {
  checkOptionKeys('readManifest', opts, { checkAudio: true });
  checkOptionalBoolean('readManifest', 'checkAudio', opts.checkAudio);
  let content: string;
  try {
    // Decoded like other text files: manifests saved by Windows tools start with a byte-order
    // mark (Notepad) or are UTF-16 (PowerShell 5's `>`), which JSON.parse would reject on line 1.
    content = decodeText(await readFile(path)).text;
  } catch (err) {
    throw fsError(path, err);
  }
  // Text has no NUL characters; an audio or model file given by mistake would otherwise be
  // reported as invalid JSON, quoting its binary bytes to the terminal.
  if (content.includes('\0')) throw new DataFormatError(path, 'not a text file (it holds NUL bytes): expected a JSON-lines manifest, one {"audio_filepath", "duration", "text"} object per line');
  const base = dirname(resolve(path));
  const entries: ManifestEntry[] = [];
  content.split(/\r?\n/).forEach((raw, i) => {
    if (raw.trim() === '') return;
    entries.push(parseLine(raw, i + 1, path, base));
  });
  if (entries.length === 0) throw new DataFormatError(path, 'empty manifest: expected one JSON object per line');
  if (opts.checkAudio ?? true) {
    await mapLimit(entries, 32, async (e) => {
      if (await exists(e.audioPath)) return;
      // A manifest written on Windows separates folders with backslashes, which are ordinary
      // file-name characters on other systems: try the path with forward slashes too.
      if (sep === '/' && e.audioFilepath.includes('\\')) {
        const slashed = e.audioFilepath.split('\\').join('/');
        const alt = isAbsolute(slashed) ? slashed : resolve(base, slashed);
        if (await exists(alt)) {
          e.audioPath = alt;
          return;
        }
      }
      throw new DataFormatError(path, `line ${e.line}: audio file not found: ${e.audioFilepath} (resolved to ${e.audioPath})`);
    });
  }
  return entries;
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}

function parseLine(raw: string, line: number, path: string, base: string): ManifestEntry {
  const fail = (msg: string): never => {
    throw new DataFormatError(path, `line ${line}: ${msg}`);
  };
  let obj: unknown;
  try {
    obj = JSON.parse(raw);
  } catch (err) {
    return fail(`invalid JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) return fail('expected a JSON object {"audio_filepath", "duration", "text"}');
  const rec = obj as Record<string, unknown>;
  const audio = rec.audio_filepath;
  if (typeof audio !== 'string' || audio.length === 0) return fail(`missing "audio_filepath" (expected a non-empty string path), got ${JSON.stringify(audio)}`);
  if (typeof rec.text !== 'string') return fail(`missing "text" (expected a string transcript), got ${JSON.stringify(rec.text)}`);
  const entry: ManifestEntry = { audioPath: isAbsolute(audio) ? audio : resolve(base, audio), audioFilepath: audio, text: rec.text, line };
  for (const key of ['duration', 'offset'] as const) {
    const v = rec[key];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) return fail(`"${key}" must be a non-negative number of seconds, got ${JSON.stringify(v)}`);
    entry[key] = v;
  }
  return entry;
}

/** Writes a manifest with paths relative to it (the inverse of readManifest). */
export async function writeManifest(path: string, entries: readonly { audioPath: string; text: string; duration?: number; offset?: number }[]): Promise<void> {
  const base = dirname(resolve(path));
  const lines = entries.map((e) => {
    const rel = relative(base, resolve(e.audioPath)).split('\\').join('/');
    return JSON.stringify({
      audio_filepath: rel,
      ...(e.offset !== undefined ? { offset: e.offset } : {}),
      ...(e.duration !== undefined ? { duration: e.duration } : {}),
      text: e.text,
    });
  });
  await writeFile(path, lines.join('\n') + '\n');
}
