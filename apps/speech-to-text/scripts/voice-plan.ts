/**
 * The pure half of synth-voices.ts: argument parsing, the seeded list of synthetic voices
 * (espeak-ng accent × variant × pitch/speed/amplitude) and trimming a synthesised clip to its
 * word. Kept apart from the espeak-ng calls so it can be tested without espeak-ng installed.
 */
import { Generator } from '@tensorkit/core';
import { DIGIT_WORDS } from '../src/alphabet.js';

export const USAGE = 'usage: synth-voices.ts OUT_DIR [--voices N] [--clips K] [--seed S]';

export interface SynthArgs {
  out: string;
  /** Synthetic speakers. */
  voices: number;
  /** Clips per digit and voice (each with slightly different pitch and speed). */
  clips: number;
  seed: number;
}

function positiveInt(flag: string, v: string | undefined): number {
  const n = Number(v);
  if (v === undefined || !Number.isInteger(n) || n < 1) throw new Error(`${flag}: expected a positive integer, got ${JSON.stringify(v ?? '')}`);
  return n;
}

export function parseSynthArgs(argv: readonly string[]): SynthArgs {
  const args: SynthArgs = { out: '', voices: 60, clips: 5, seed: 1 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--voices') args.voices = positiveInt(a, argv[++i]);
    else if (a === '--clips') args.clips = positiveInt(a, argv[++i]);
    else if (a === '--seed') args.seed = positiveInt(a, argv[++i]);
    else if (a.startsWith('-')) throw new Error(`unknown option ${a} (${USAGE})`);
    else if (args.out) throw new Error(`unexpected argument ${JSON.stringify(a)} (${USAGE})`);
    else args.out = a;
  }
  if (!args.out) throw new Error(USAGE);
  return args;
}

/** espeak-ng's English accents (the gmw voices; mbrola ones need extra packages). */
export const ACCENTS = ['en-us', 'en-gb', 'en-gb-scotland', 'en-gb-x-rp', 'en-gb-x-gbclan', 'en-gb-x-gbcwmd', 'en-029', 'en-us-nyc'] as const;
/** Voice variants: male/female formant sets and the Klatt synthesisers ('' = the accent's default). */
export const VARIANTS = ['', 'm1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7', 'f1', 'f2', 'f3', 'f4', 'f5', 'klatt', 'klatt2', 'klatt3', 'klatt4'] as const;

export interface VoiceSpec {
  /** FSDD speaker name (no underscore). */
  name: string;
  voice: string;
  /** espeak-ng -p (0–99), -s (words per minute), -a (0–200). */
  pitch: number;
  speed: number;
  amplitude: number;
}

/** N voices, deterministic from the seed; accents cycle so every one is used, variants are drawn. */
export function planVoices(n: number, seed: number): VoiceSpec[] {
  const rng = new Generator(seed);
  return Array.from({ length: n }, (_, i) => {
    const variant = VARIANTS[rng.randint(0, VARIANTS.length)];
    const female = variant.startsWith('f');
    return {
      name: `espeak${String(i).padStart(3, '0')}`,
      voice: ACCENTS[i % ACCENTS.length] + (variant ? `+${variant}` : ''),
      // Female variants already raise the pitch; keep their base lower so they stay plausible.
      pitch: Math.round(female ? 20 + 50 * rng.uniform() : 15 + 70 * rng.uniform()),
      speed: Math.round(110 + 90 * rng.uniform()),
      amplitude: Math.round(80 + 80 * rng.uniform()),
    };
  });
}

/** espeak-ng arguments for clip `k` of `digit` by `v` (small per-clip pitch/speed jitter, so clips differ). */
export function espeakArgs(v: VoiceSpec, digit: number, rng: Generator, wavPath: string): string[] {
  const pitch = Math.max(0, Math.min(99, Math.round(v.pitch + 16 * (rng.uniform() - 0.5))));
  const speed = Math.round(v.speed * (0.9 + 0.2 * rng.uniform()));
  return ['-v', v.voice, '-p', String(pitch), '-s', String(speed), '-a', String(v.amplitude), '-w', wavPath, DIGIT_WORDS[digit]];
}

/**
 * Cuts the silence espeak-ng puts around a word: keeps the 10 ms frames within 40 dB of the
 * loudest one, plus 20 ms on each side, and scales the peak to `peak` (FSDD clips are cut
 * close to the word too; the training pipeline adds its own pauses and gain).
 */
export function trimToWord(samples: Float32Array, sampleRate: number, peak = 0.5): Float32Array {
  const hop = Math.max(1, Math.round(0.01 * sampleRate));
  const frames = Math.ceil(samples.length / hop);
  const energy = new Float64Array(frames);
  let maxE = 0;
  for (let f = 0; f < frames; f++) {
    let s = 0;
    const end = Math.min(samples.length, (f + 1) * hop);
    for (let i = f * hop; i < end; i++) s += samples[i] * samples[i];
    energy[f] = s / (end - f * hop);
    maxE = Math.max(maxE, energy[f]);
  }
  if (maxE === 0) throw new Error('synthesised clip is silent');
  const floor = maxE * 1e-4;
  let first = 0;
  while (energy[first] < floor) first++;
  let last = frames - 1;
  while (energy[last] < floor) last--;
  const margin = 2 * hop;
  const out = samples.slice(Math.max(0, first * hop - margin), Math.min(samples.length, (last + 1) * hop + margin));
  let m = 0;
  for (const x of out) m = Math.max(m, Math.abs(x));
  for (let i = 0; i < out.length; i++) out[i] *= peak / m;
  return out;
}
