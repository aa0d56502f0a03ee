import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { logMelSpectrogram, readWav, resample } from '@tensorkit/data';
import { encodeNpy } from '../src/npy.js';
import { loadModel } from '../src/model-file.js';
import { DEFAULT_MODEL_PATH, SAMPLES_DIR } from '../src/paths.js';
import { transcribe } from '../src/transcribe.js';
import { encodeWavAs, tempDir, type WavLayout } from './helpers.js';

const tmp = tempDir();
afterAll(tmp.cleanup);

const SAMPLE = join(SAMPLES_DIR, 'digits-george-371.wav');
const TEXT = 'three seven one';
const run = (files: string[], extra: Partial<Parameters<typeof transcribe>[0]> = {}) =>
  transcribe({ files, model: DEFAULT_MODEL_PATH, beam: 16, useLexicon: true, timestamps: false, ...extra });

describe('transcribe: WAV formats and sample rates (shipped digits model)', () => {
  it('gives the same words for every common encoding, rate and channel layout', async () => {
    const { samples } = await readWav(SAMPLE);
    const variants: [string, number, WavLayout][] = [
      ['pcm8', 8000, { bits: 8 }],
      ['pcm16', 8000, { bits: 16 }],
      ['pcm24-stereo', 8000, { bits: 24, channels: 2 }],
      ['pcm32', 8000, { bits: 32 }],
      ['float32', 8000, { bits: 32, float: true }],
      ['pcm16-16k', 16000, { bits: 16 }],
      ['float-44k1-stereo', 44100, { bits: 32, float: true, channels: 2 }],
      ['pcm24-22k05-extensible', 22050, { bits: 24, extensible: true }],
    ];
    const files = variants.map(([name, rate, layout]) => {
      const path = join(tmp.dir, `${name}.wav`);
      writeFileSync(path, encodeWavAs(rate === 8000 ? samples : resample(samples, 8000, rate), rate, layout));
      return path;
    });
    const out = await run(files);
    for (const [i, t] of out.entries()) expect({ variant: variants[i][0], text: t.text }).toEqual({ variant: variants[i][0], text: TEXT });
    expect(out[5].duration).toBeCloseTo(samples.length / 8000, 2);
  });

  it('accepts a precomputed log-mel .npy that matches the front end, and rejects one that does not', async () => {
    const info = await loadModel(DEFAULT_MODEL_PATH);
    const { samples } = await readWav(SAMPLE);
    const mel = logMelSpectrogram(samples, info.features);
    const good = join(tmp.dir, 'mel.npy');
    writeFileSync(good, encodeNpy(mel.data, mel.frames, mel.nMels));
    expect((await run([good]))[0].text).toBe(TEXT);
    const bad = join(tmp.dir, 'mel64.npy');
    writeFileSync(bad, encodeNpy(new Float32Array(10 * 64), 10, 64));
    await expect(run([bad])).rejects.toThrow(/mel64\.npy: spectrogram has 64 mel bins per frame, the model's front end has 40/);
  });

  it('reports unreadable inputs by name', async () => {
    const junk = join(tmp.dir, 'junk.wav');
    writeFileSync(junk, 'this is not audio');
    await expect(run([junk])).rejects.toThrow(/junk\.wav: not a WAV file/);
    await expect(run([join(tmp.dir, 'absent.wav')])).rejects.toThrow(/absent\.wav/);
  });

  it('refuses a file sampled below half the model\'s rate (garbage, or a corrupt header) before resampling it', async () => {
    const { samples } = await readWav(SAMPLE);
    const low = join(tmp.dir, 'low-3k.wav');
    writeFileSync(low, encodeWavAs(resample(samples, 8000, 3000), 3000, { bits: 16 }));
    await expect(run([low])).rejects.toThrow(`${low}: sample rate 3000 Hz is too low for this model: expected at least 4000 Hz (the model listens up to 4000 Hz; this file holds nothing above 1500 Hz)`);
    // A header claiming 1 Hz would otherwise be resampled into 4 hours of audio.
    const corrupt = join(tmp.dir, 'rate-1.wav');
    writeFileSync(corrupt, encodeWavAs(samples, 1, { bits: 16 }));
    await expect(run([corrupt])).rejects.toThrow(`${corrupt}: sample rate 1 Hz is too low for this model`);
    // Half the rate is still heard.
    const half = join(tmp.dir, 'half-4k.wav');
    writeFileSync(half, encodeWavAs(resample(samples, 8000, 4000), 4000, { bits: 16 }));
    expect((await run([half]))[0].text).toBe(TEXT);
  });

  it('refuses a model file from another app', async () => {
    const other = join(tmp.dir, 'other.safetensors');
    const bytes = readFileSync(DEFAULT_MODEL_PATH);
    // Rewrite the "app" metadata value in place (same length keeps the header valid).
    writeFileSync(other, Buffer.from(bytes.toString('latin1').replace('"app":"speech-to-text"', '"app":"digit-recogniz"'), 'latin1'));
    await expect(run([SAMPLE], { model: other })).rejects.toThrow(/belongs to the 'digit-recogniz' app, not speech-to-text/);
  });
});
