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
}

export async function transcribe(opts: TranscribeOptions): Promise<Transcript[]> {
  const info = await loadModel(opts.model);
  const rec = new Recognizer(info, { beam: opts.beam, useLexicon: opts.useLexicon });
  const feats: Features[] = [];
  const durations: number[] = [];
  for (const f of opts.files) {
    const r = await featuresFromFile(f, info.frontEnd);
    feats.push(r.features);
    durations.push(r.duration);
  }
  const results = rec.recognize(feats, { timestamps: opts.timestamps, durations });
  return results.map((r, i) => ({
    file: opts.files[i],
    text: r.text,
    duration: round3(durations[i]),
    ...(r.outsideWordList ? { outsideWordList: true as const } : {}),
    ...(feats[i].raisedDb !== undefined ? { raisedDb: Math.round(feats[i].raisedDb! * 10) / 10 } : {}),
    ...(opts.timestamps ? { words: (r.words ?? []).map((w: WordTiming) => ({ word: w.word, start: round3(w.start), end: round3(w.end) })) } : {}),
  }));
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

export function formatTranscripts(ts: readonly Transcript[]): string {
  const lines: string[] = [];
  for (const t of ts) {
    lines.push(ts.length > 1 || t.words ? `${t.file}: ${t.text}` : t.text);
    for (const w of t.words ?? []) lines.push(`  ${w.start.toFixed(2)}–${w.end.toFixed(2)} s  ${w.word}`);
  }
  return lines.join('\n');
}
