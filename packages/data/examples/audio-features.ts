// WAV in, log-mel features out, driven by a feature config that a model can store and check.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Generator } from '@tensorkit/core';
import {
  assertFeatureConfigMatches, createFeatureConfig, extractFeatures, FeatureConfigMismatchError,
  melFilterbank, readWav, specAugment, validateFeatureConfig, writeWav,
} from '@tensorkit/data';

const dir = mkdtempSync(join(tmpdir(), 'tensorkit-audio-'));
try {
  // Half a second of a 1 kHz tone at 16 kHz, written as 16-bit PCM by the package's own encoder.
  const tone = Float32Array.from({ length: 8000 }, (_, i) => 0.5 * Math.sin((2 * Math.PI * 1000 * i) / 16000));
  const wavPath = join(dir, 'tone.wav');
  await writeWav(wavPath, tone, 16000);

  // readWav mixes down to mono and resamples (band-limited sinc) when asked for another rate.
  const audio = await readWav(wavPath, { targetRate: 8000 });
  assert.equal(audio.sampleRate, 8000);
  assert.equal(audio.samples.length, 4000);
  assert.equal(audio.format.sampleRate, 16000); // the file's own format is kept for reference

  // Defaults: 25 ms Hann window, 10 ms hop, nFft = next power of two, 40 HTK mels, log(x + 1e-6).
  const config = createFeatureConfig({ sampleRate: 8000, nMels: 40 });
  assert.equal(config.winLength, 200);
  assert.equal(config.hopLength, 80);
  assert.equal(config.nFft, 256);

  const features = extractFeatures(audio.samples, config);
  // center: true pads nFft / 2 samples on each side, so there is one frame per hop, plus one.
  assert.equal(features.frames, 1 + Math.floor(4000 / 80));
  assert.equal(features.dim, 40);

  // The loudest mel band of a middle frame is the one around 1 kHz.
  const t = 25;
  const row = Array.from(features.data.subarray(t * 40, (t + 1) * 40));
  const loudest = row.indexOf(Math.max(...row));
  // Filter m spans edgesHz[m] .. edgesHz[m + 2] (a triangle peaking at edgesHz[m + 1]).
  const { edgesHz } = melFilterbank({ sampleRate: 8000, nFft: 256, nMels: 40 });
  assert.ok(edgesHz[loudest] < 1000 && 1000 < edgesHz[loudest + 2], `band ${loudest} should contain 1 kHz`);

  // The same config can ask for MFCCs and per-utterance mean/variance normalisation instead.
  const mfccs = extractFeatures(audio.samples, { ...config, nMfcc: 13, cmvn: 'utterance' });
  assert.equal(mfccs.dim, 13);
  let mean0 = 0;
  for (let f = 0; f < mfccs.frames; f++) mean0 += mfccs.data[f * 13] / mfccs.frames;
  assert.ok(Math.abs(mean0) < 1e-4); // CMVN centres every coefficient over the utterance

  // The config is plain JSON: saved with a model, validated and compared when the model is loaded.
  const saved = validateFeatureConfig(JSON.parse(JSON.stringify(config)));
  assertFeatureConfigMatches(saved, config);
  const other = createFeatureConfig({ sampleRate: 16000, nMels: 40 });
  assert.throws(() => assertFeatureConfigMatches(saved, other, 'model.safetensors'), (e: unknown) => {
    assert.ok(e instanceof FeatureConfigMismatchError);
    // Every differing field is listed; for the sample rate, the message says to resample.
    assert.deepEqual(e.differences.map((d) => d.field), ['sampleRate', 'nFft', 'winLength', 'hopLength', 'fMax']);
    assert.match(e.message, /sampleRate: expected 8000, got 16000 \(resample the audio to 8000 Hz/);
    return true;
  });

  // Training-time augmentation draws from a seeded Generator: same seed, same masks.
  const a = specAugment(features.data, features.frames, 40, new Generator(1), { freqMasks: 1, maxFreqWidth: 8, timeMasks: 1, maxTimeWidth: 10 });
  const b = specAugment(features.data, features.frames, 40, new Generator(1), { freqMasks: 1, maxFreqWidth: 8, timeMasks: 1, maxTimeWidth: 10 });
  assert.deepEqual(a, b);
  console.log(`${features.frames} frames × ${features.dim} log-mel bands; loudest band ${loudest}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
