/** `speech transcribe`: WAV (any common format/rate) or log-mel .npy files → text, optionally with word times. */
import type { WordTiming } from './decode.js';
import { featuresFromFile, type Features } from './features.js';
import { loadModel } from './model-file.js';
import { Recognizer } from './recognizer.js';

export interface TranscribeOptions {
  files: string[];
  model: string;
  beam: number;
  useLexicon: boolean;
  timestamps: boolean;
}

export interface Transcript {
  file: string;
  text: string;
  duration: number;
  words?: { word: string; start: number; end: number }[];
  /** The word list was asked for but the search found no transcript within it: `text` is the unconstrained best path. */
  outsideWordList?: true;
  /** The audio was very quiet and raised by this many dB before the features (quietInputGain). */
  raisedDb?: number;
  /** The file's channels cancelled in the mono mix: its level relative to the loudest channel (dB, or null for silence). */
  mixdownDb?: number | null;
}

/** A file that could not be transcribed, and why (the message names the file). */
export interface TranscribeError {
  file: string;
  error: string;
}

/**
 * Transcribes every file that can be read, and lists the others with their errors (the model
 * itself must load). The results keep the order of `files`.
 */
export async function transcribeFiles(opts: TranscribeOptions, { failFast = false } = {}): Promise<{ results: Transcript[]; errors: TranscribeError[] }> {
  const info = await loadModel(opts.model);
  const rec = new Recognizer(info, { beam: opts.beam, useLexicon: opts.useLexicon });
  const files: string[] = [];
  const feats: Features[] = [];
  const durations: number[] = [];
  const errors: TranscribeError[] = [];
  for (const f of opts.files) {
    try {
      const r = await featuresFromFile(f, info.frontEnd);
      files.push(f);
      feats.push(r.features);
      durations.push(r.duration);
    } catch (err) {
      if (failFast) throw err;
      const message = (err as Error).message;
      errors.push({ file: f, error: message.startsWith(f) ? message : `${f}: ${message}` });
    }
  }
  const recognized = feats.length ? rec.recognize(feats, { timestamps: opts.timestamps, durations }) : [];
  const results = recognized.map((r, i) => ({
    file: files[i],
    text: r.text,
    duration: round3(durations[i]),
    ...(r.outsideWordList ? { outsideWordList: true as const } : {}),
    ...(feats[i].raisedDb !== undefined ? { raisedDb: Math.round(feats[i].raisedDb! * 10) / 10 } : {}),
    // JSON has no -Infinity: a mix that cancelled to silence is null.
    ...(feats[i].mixdownDb !== undefined ? { mixdownDb: Number.isFinite(feats[i].mixdownDb) ? Math.round(feats[i].mixdownDb! * 10) / 10 : null } : {}),
    ...(opts.timestamps ? { words: (r.words ?? []).map((w: WordTiming) => ({ word: w.word, start: round3(w.start), end: round3(w.end) })) } : {}),
  }));
  return { results, errors };
}

/** Transcribes every file; the first that cannot be read is an error (transcribeFiles carries on past it). */
export async function transcribe(opts: TranscribeOptions): Promise<Transcript[]> {
  return (await transcribeFiles(opts, { failFast: true })).results;
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/**
 * One line per file (`file: text`, or just the text for a single file without word times);
 * `withNames` names the files even when only one is left (the others could not be read).
 */
export function formatTranscripts(ts: readonly Transcript[], { withNames = ts.length > 1 }: { withNames?: boolean } = {}): string {
  const lines: string[] = [];
  for (const t of ts) {
    lines.push(withNames || t.words ? `${t.file}: ${t.text}` : t.text);
    for (const w of t.words ?? []) lines.push(`  ${w.start.toFixed(2)}–${w.end.toFixed(2)} s  ${w.word}`);
  }
  return lines.join('\n');
}
