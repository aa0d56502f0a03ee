/**
 * Reading a speech dataset from whatever PATH the user gives: an FSDD-style folder of
 * `{digit}_{speaker}_{index}.wav` clips, an OpenSLR yesno folder (`0_1_1_0_….wav`, the name
 * is the transcript), or a NeMo-style JSON-lines manifest. Every problem becomes a
 * one-line error naming the file (and the manifest line).
 */
import { readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import {
  DataFormatError, mapLimit, parseFsddName, readFsddFolder, readManifest, type FeatureConfig,
} from '@tensorkit/data';
import { UserError } from '@tensorkit/train';
import { DIGIT_WORDS, encodeText, normalizeTranscript } from './alphabet.js';
import { loadAudio } from './features.js';

export type CorpusKind = 'fsdd' | 'yesno' | 'manifest';

/** One recording with its transcript. */
export interface Recording {
  path: string;
  text: string;
  /** For FSDD clips. */
  speaker?: string;
  digit?: number;
  index?: number;
  /** Manifest line (1-based). */
  line?: number;
  /** The manifest that line is in (named, with the line, when its audio cannot be read). */
  manifest?: string;
  /** Manifest segment lines: the utterance is `offset … offset + duration` seconds of the file. */
  segment?: { offset: number; duration?: number; where: string };
}

export interface Corpus {
  kind: CorpusKind;
  /** The folder or manifest as given. */
  source: string;
  recordings: Recording[];
}

export const YESNO_NAME = /^[01](_[01])+\.wav$/i;

/**
 * Word mapping for yesno: the Hebrew words "ken" (1) and "lo" (0) are transcribed with their
 * English meaning, which keeps transcripts readable for people who do not speak Hebrew.
 */
export const YESNO_WORDS = ['no', 'yes'] as const;

export function yesnoTranscript(fileName: string): string {
  return basename(fileName).replace(/\.wav$/i, '').split('_').map((b) => YESNO_WORDS[Number(b)]).join(' ');
}

async function pathKind(path: string): Promise<'dir' | 'file'> {
  try {
    return (await stat(path)).isDirectory() ? 'dir' : 'file';
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UserError(`${path}: ${code === 'ENOENT' ? 'no such file or directory' : `cannot access (${code ?? (err as Error).message})`}`);
  }
}

/** Wraps library format errors as user errors (one line, names the file). */
async function userErrors<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof DataFormatError) throw new UserError(err.message);
    throw err;
  }
}

function checkText(text: string, where: string): string {
  const { text: norm, bad } = normalizeTranscript(text);
  if (bad.length) {
    throw new UserError(`${where}: transcript ${JSON.stringify(text)} has characters outside the model alphabet (${bad.map((c) => JSON.stringify(c)).join(', ')}); expected lower-case letters, spaces and apostrophes (write numbers as words)`);
  }
  return norm;
}

/**
 * Opens PATH as a corpus. Folders are recognised by their file names (a folder holding a
 * `recordings/` subfolder, as the FSDD repository does, is accepted too).
 */
export async function openCorpus(path: string): Promise<Corpus> {
  if ((await pathKind(path)) === 'file') {
    if (/\.wav$/i.test(path)) {
      // Read as a manifest it would be "invalid JSON" at line 1, which does not say what to do.
      throw new UserError(`${path}: this is a WAV file; --data expects a .jsonl manifest (audio_filepath, duration, text) or a folder of FSDD/yesno clips (to transcribe one file: speech transcribe ${path})`);
    }
    const entries = await userErrors(() => readManifest(path));
    const recordings = entries.map((e): Recording => ({
      path: e.audioPath, text: checkText(e.text, `${path}: line ${e.line}`), line: e.line, manifest: path,
      ...(e.offset !== undefined ? { segment: { offset: e.offset, duration: e.duration, where: `${path}: line ${e.line}` } } : {}),
    }));
    return { kind: 'manifest', source: path, recordings };
  }
  let names: string[];
  try {
    names = (await readdir(path)).filter((n) => !n.startsWith('.'));
  } catch (err) {
    throw new UserError(`${path}: cannot list folder (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  const wavs = names.filter((n) => n.toLowerCase().endsWith('.wav'));
  if (wavs.length === 0 && names.includes('recordings')) return openCorpus(join(path, 'recordings'));
  if (wavs.length === 0) throw new UserError(`${path}: no .wav files (expected FSDD clips {digit}_{speaker}_{index}.wav, yesno files like 0_1_0_0_1_0_1_1.wav, or pass a .jsonl manifest)`);
  if (wavs.every((n) => YESNO_NAME.test(n))) {
    return { kind: 'yesno', source: path, recordings: wavs.sort().map((n) => ({ path: join(path, n), text: yesnoTranscript(n) })) };
  }
  if (wavs.some((n) => parseFsddName(n))) {
    const entries = await userErrors(() => readFsddFolder(path));
    return {
      kind: 'fsdd',
      source: path,
      recordings: entries.map((e) => ({ path: e.path, text: DIGIT_WORDS[e.digit], speaker: e.speaker, digit: e.digit, index: e.index })),
    };
  }
  throw new UserError(`${path}: cannot tell what dataset this is: ${wavs[0]} matches neither {digit}_{speaker}_{index}.wav (FSDD) nor 0_1_….wav (yesno); pass a .jsonl manifest instead`);
}

/** Decoded audio of a recording at the model's sample rate. */
export interface LoadedRecording extends Recording {
  samples: Float32Array;
  labels: Int32Array;
}

/**
 * Reads every recording (16 at a time), resampled to the model's rate. Each file is decoded
 * once however many lines use it: segment manifests cut hundreds of utterances from one long
 * recording, and decoding (and resampling) the whole recording again for every line took
 * seconds per line. A file's samples are dropped once its last line has been read.
 */
export async function loadRecordings(recs: readonly Recording[], cfg: FeatureConfig, onProgress?: (done: number) => void): Promise<LoadedRecording[]> {
  let done = 0;
  const lines = new Map<string, number>();
  for (const r of recs) lines.set(r.path, (lines.get(r.path) ?? 0) + 1);
  const left = new Map(lines);
  const decoded = new Map<string, Promise<Float32Array>>();
  const samplesOf = (path: string): Promise<Float32Array> => {
    let audio = decoded.get(path);
    if (!audio) {
      audio = loadAudio(path, cfg).then((a) => a.samples);
      decoded.set(path, audio);
    }
    left.set(path, left.get(path)! - 1);
    if (left.get(path) === 0) decoded.delete(path);
    return audio;
  };
  return mapLimit(recs, 16, async (r) => {
    const audio = await samplesOf(r.path).catch((err: unknown) => {
      // An unreadable file of a manifest (a folder, an MP3, a truncated WAV) named only the audio
      // file; say which manifest line points at it, as a missing file does.
      if (err instanceof UserError && r.manifest !== undefined && r.line !== undefined) throw new UserError(`${r.manifest}: line ${r.line}: ${err.message}`);
      throw err;
    });
    // A whole-file line of a file other lines use too gets its own copy: callers may modify it.
    const samples = r.segment ? cutSegment(audio, cfg.sampleRate, r.segment, r.path) : lines.get(r.path)! > 1 ? audio.slice() : audio;
    onProgress?.(++done);
    return { ...r, samples, labels: encodeText(r.text) };
  });
}

/** Rounding slack at a segment's end: a duration written to fewer decimals may overshoot the file a little. */
const SEGMENT_END_SLACK = 0.05;

/** The samples of a manifest segment line; a segment outside its file is an error naming the line. */
export function cutSegment(samples: Float32Array, rate: number, seg: NonNullable<Recording['segment']>, path: string): Float32Array {
  const length = samples.length / rate;
  const fmt = (x: number) => `${Number(x.toFixed(3))} s`;
  if (seg.offset >= length) throw new UserError(`${seg.where}: "offset" ${fmt(seg.offset)} is at or past the end of ${path} (${fmt(length)})`);
  const end = seg.duration === undefined ? length : seg.offset + seg.duration;
  if (end > length + SEGMENT_END_SLACK) {
    throw new UserError(`${seg.where}: segment ${fmt(seg.offset)} + ${fmt(seg.duration!)} ends at ${fmt(end)}, past the end of ${path} (${fmt(length)})`);
  }
  const from = Math.round(seg.offset * rate);
  const to = Math.min(samples.length, Math.round(end * rate));
  if (to <= from) throw new UserError(`${seg.where}: segment at ${fmt(seg.offset)} holds no samples ("duration" ${fmt(seg.duration ?? 0)})`);
  return samples.slice(from, to);
}
