// eslint-disable-next-line @typescript-eslint/triple-slash-reference -- the typings must travel with this file when other packages typecheck it from source
/// <reference path="../types/wav-decoder.d.ts" />
import WavDecoder from 'wav-decoder';
import { DataFormatError } from './errors.js';
import { readFileOrThrow } from './fs-utils.js';
import { resample, type ResampleOptions } from './resample.js';
import { canonicalWav, parseWavLayout, type WavFormat } from './wav-header.js';
import { checkNumber, checkOptionKeys, type OptionKeys, POSITIVE, toBytes } from '../options.js';

export interface WavReadOptions {
  /** Resample (windowed sinc) to this rate after mixing down to mono. */
  targetRate?: number;
  resample?: ResampleOptions;
}

export interface WavAudio {
  /** Mono samples in [-1, 1] (channels averaged). */
  samples: Float32Array;
  /** Rate of `samples`: the target rate if one was given, else the file's. */
  sampleRate: number;
  /** Channels in the file (before mixdown). */
  channels: number;
  /**
   * Files with several channels: the mono mix's energy relative to its loudest channel's, in dB
   * (0 for identical channels, −6 for one silent channel of two, −Infinity for a phase-inverted
   * copy) — very negative means the channels cancel when averaged, and the mix lost the signal.
   */
  mixdownDb?: number;
  /** Seconds. */
  duration: number;
  /** The file's own format. */
  format: WavFormat;
}

/**
 * Upsampling by more than this (8 kHz → 256 kHz) to more than MAX_UPSAMPLED_LENGTH samples (17 minutes
 * at 16 kHz, 64 MiB) is refused: no real recording needs it, a corrupt rate field produces it.
 */
const MAX_UPSAMPLE = 32;
const MAX_UPSAMPLED_LENGTH = 2 ** 24;

const WAV_KEYS: OptionKeys<WavReadOptions> = { targetRate: true, resample: true };

/** Decodes WAV bytes; `name` (usually the path) appears in every error. */
export function decodeWav(input: Uint8Array | ArrayBuffer, name: string, opts: WavReadOptions = {}): WavAudio {
  const bytes = toBytes('decodeWav', input, 'readWav');
  checkWavOptions('decodeWav', opts);
  const layout = parseWavLayout(bytes, name);
  const { format } = layout;
  let channelData: Float32Array[];
  try {
    // Pass a Buffer, never `.buffer`: wav-decoder copies Buffers correctly but
    // would read a pooled ArrayBuffer from offset 0.
    channelData = WavDecoder.decode.sync(canonicalWav(bytes, layout), { symmetric: true }).channelData;
  } catch (err) {
    throw new DataFormatError(name, `cannot decode WAV samples (${err instanceof Error ? err.message : String(err)})`, { cause: err });
  }
  if (format.encoding === 'pcm') fixPcmScaling(channelData, format.bitsPerSample);
  else checkFinite(channelData, name);
  let samples = mixDown(channelData);
  const mixdownDb = channelData.length > 1 ? mixdownLossDb(channelData, samples) : undefined;
  let sampleRate = format.sampleRate;
  if (opts.targetRate !== undefined && opts.targetRate !== sampleRate) {
    // A corrupt, tiny sample rate would make resampling allocate (and compute) thousands of times the file's length.
    const outLength = Math.round((samples.length * opts.targetRate) / sampleRate);
    if (opts.targetRate / sampleRate > MAX_UPSAMPLE && outLength > MAX_UPSAMPLED_LENGTH) {
      throw new DataFormatError(name, `sample rate is ${sampleRate} Hz: resampling to ${opts.targetRate} Hz would turn ${samples.length} samples into ${outLength} (more than ×${MAX_UPSAMPLE}); the header's sample rate is probably corrupt`);
    }
    samples = resample(samples, sampleRate, opts.targetRate, opts.resample);
    sampleRate = opts.targetRate;
  }
  return { samples, sampleRate, channels: format.channels, duration: samples.length / sampleRate, format, ...(mixdownDb !== undefined ? { mixdownDb } : {}) };
}

/** Before the file is read: a misspelt `target_rate` kept the file's rate without a word. */
function checkWavOptions(fn: string, opts: WavReadOptions): void {
  checkOptionKeys(fn, opts, WAV_KEYS);
  if (opts.targetRate !== undefined) checkNumber(fn, 'targetRate', opts.targetRate, POSITIVE);
}

export async function readWav(path: string, opts: WavReadOptions = {}): Promise<WavAudio> {
  checkWavOptions('readWav', opts);
  return decodeWav(await readFileOrThrow(path), path, opts);
}

/**
 * Corrects two wav-decoder quirks in place so every depth maps code c to
 * c / 2^(bits-1): its symmetric 8-bit path divides (u - 127.5) by 127.5
 * (silence 128 would read as +0.004), and its 24-bit sign test is off by one
 * (code -8388608 reads as +1.0, which no valid 24-bit code can produce).
 */
function fixPcmScaling(channels: Float32Array[], bits: number): void {
  if (bits === 8) {
    for (const ch of channels) for (let i = 0; i < ch.length; i++) ch[i] = Math.round(ch[i] * 127.5 + 127.5 - 128) / 128;
  } else if (bits === 24) {
    for (const ch of channels) for (let i = 0; i < ch.length; i++) if (ch[i] === 1) ch[i] = -1;
  }
}

/**
 * Float WAVs can carry NaN or ±Infinity (PCM cannot); one such sample would turn every
 * spectrogram frame it touches into NaN and the transcript into silent garbage.
 */
function checkFinite(channels: Float32Array[], name: string): void {
  channels.forEach((ch, c) => {
    const i = ch.findIndex((v) => !Number.isFinite(v));
    if (i >= 0) {
      const where = channels.length > 1 ? `frame ${i}, channel ${c + 1}` : `sample ${i}`;
      throw new DataFormatError(name, `${where} is ${ch[i]}; float WAV samples must be finite numbers`);
    }
  });
}

function energy(x: Float32Array): number {
  let e = 0;
  for (let i = 0; i < x.length; i++) e += x[i] * x[i];
  return e;
}

/** See WavAudio.mixdownDb; 0 when every channel is silent (nothing was lost). */
function mixdownLossDb(channels: Float32Array[], mix: Float32Array): number {
  const loudest = Math.max(...channels.map(energy));
  if (loudest === 0) return 0;
  return 10 * Math.log10(energy(mix) / loudest);
}

function mixDown(channels: Float32Array[]): Float32Array {
  if (channels.length === 1) return channels[0];
  const n = channels[0].length;
  const out = new Float32Array(n);
  for (const ch of channels) for (let i = 0; i < n; i++) out[i] += ch[i];
  const scale = 1 / channels.length;
  for (let i = 0; i < n; i++) out[i] *= scale;
  return out;
}
