/**
 * Very quiet audio (a normal recording ~60 dB down, peak ≈ −68 dBFS) is raised before the
 * log-mel, whose absolute floor (1e-5) otherwise swallowed the speech; normally levelled audio
 * keeps exactly the features the shipped models were trained on.
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { logMelSpectrogram, readWav } from '@tensorkit/data';
import { featuresFromFile, featuresFromSamples, normalizeLogMel, quietInputGain } from '../src/features.js';
import { loadModel } from '../src/model-file.js';
import { DEFAULT_MODEL_PATH, SAMPLES_DIR } from '../src/paths.js';
import { Recognizer } from '../src/recognizer.js';
import { transcribe } from '../src/transcribe.js';
import { encodeWavAs, tempDir } from './helpers.js';

const tmp = tempDir();
afterAll(tmp.cleanup);

const SAMPLES: [string, string][] = [['digits-george-371.wav', 'three seven one'], ['digits-jackson-5092.wav', 'five zero nine two'], ['digits-yweweler-84.wav', 'eight four']];
const peakDb = (s: Float32Array) => 20 * Math.log10(s.reduce((m, x) => Math.max(m, Math.abs(x)), 0));
const scaled = (s: Float32Array, db: number) => s.map((x) => x * 10 ** (db / 20));

describe('very quiet input', () => {
  it('normally levelled audio is not touched: the features are bit for bit the plain front end', async () => {
    const info = await loadModel(DEFAULT_MODEL_PATH);
    for (const [name] of SAMPLES) {
      const { samples } = await readWav(join(SAMPLES_DIR, name));
      for (const s of [samples, scaled(samples, -20)]) {
        expect(quietInputGain(s)).toBe(1);
        const f = featuresFromSamples(s, info.frontEnd);
        const m = logMelSpectrogram(s, info.frontEnd.config);
        expect(f.raisedDb).toBeUndefined();
        expect(Array.from(f.data)).toEqual(Array.from(normalizeLogMel(m.data, m.frames, m.nMels, info.frontEnd)));
      }
    }
    expect(quietInputGain(new Float32Array(100))).toBe(1); // digital silence: nothing to raise
  });

  it('a recording turned down to a −68 dBFS peak (16-bit WAV: 46–60 dB down) is transcribed like the original', async () => {
    const files: string[] = [];
    for (const [name] of SAMPLES) {
      const { samples } = await readWav(join(SAMPLES_DIR, name));
      const quiet = scaled(samples, -68 - peakDb(samples));
      expect(peakDb(quiet)).toBeCloseTo(-68, 5);
      const path = join(tmp.dir, `quiet-${name}`);
      writeFileSync(path, encodeWavAs(quiet, 8000, { bits: 16 }));
      files.push(path);
    }
    const out = await transcribe({ files, model: DEFAULT_MODEL_PATH, beam: 16, useLexicon: true, timestamps: false });
    expect(out.map((t) => t.text)).toEqual(SAMPLES.map(([, text]) => text));
    for (const t of out) expect(t.raisedDb).toBeGreaterThan(30);
  });

  it('digital silence still gives an empty transcript with finite log-probabilities', async () => {
    const info = await loadModel(DEFAULT_MODEL_PATH);
    const rec = new Recognizer(info);
    const [r] = rec.recognize([featuresFromSamples(new Float32Array(16000), info.frontEnd)]);
    expect(r.text).toBe('');
    expect(Array.from(r.lp.data).every(Number.isFinite)).toBe(true);
  });

  it('silence (zeros, or ±1-step dither of 16-bit audio) is no words, for the yesno model too (it heard "yes")', async () => {
    const info = await loadModel(join(dirname(DEFAULT_MODEL_PATH), 'yesno.safetensors'));
    const rec = new Recognizer(info);
    const dither = new Float32Array(16000).map((_, i) => ((i * 7919) % 3 - 1) / 32768);
    const feats = [new Float32Array(16000), dither].map((s) => featuresFromSamples(s, info.frontEnd));
    for (const f of feats) expect(f.silent).toBe(true);
    expect(rec.recognize(feats).map((r) => r.text)).toEqual(['', '']);
    // A real recording at its own level is not silence.
    const { samples } = await readWav(join(SAMPLES_DIR, SAMPLES[0][0]));
    expect(featuresFromSamples(samples, info.frontEnd).silent).toBeUndefined();
  });
});

/** 16-bit stereo WAV: `left` in the left channel, its codes × `rightGain` in the right. */
function stereoWav(left: Float32Array, rightGain: number, sampleRate: number): Buffer {
  const wav = encodeWavAs(left, sampleRate, { bits: 16, channels: 2 });
  const dataStart = wav.length - 4 * left.length;
  for (let i = 0; i < left.length; i++) {
    const code = wav.readInt16LE(dataStart + 4 * i);
    wav.writeInt16LE(Math.max(-32768, Math.min(32767, Math.round(code * rightGain))), dataStart + 4 * i + 2);
  }
  return wav;
}

describe('stereo whose channels cancel in the mono mix', () => {
  it('is flagged (a phase-inverted channel mixed the speech away without a word said); a normal stereo file is not', async () => {
    const info = await loadModel(DEFAULT_MODEL_PATH);
    const { samples } = await readWav(join(SAMPLES_DIR, SAMPLES[0][0]));
    const inverted = join(tmp.dir, 'anti-phase.wav');
    writeFileSync(inverted, stereoWav(samples, -1, 8000));
    const almost = join(tmp.dir, 'nearly-anti-phase.wav');
    writeFileSync(almost, stereoWav(samples, -0.9, 8000));
    const normal = join(tmp.dir, 'stereo.wav');
    writeFileSync(normal, stereoWav(samples, 0.5, 8000));
    expect((await featuresFromFile(inverted, info.frontEnd)).features.mixdownDb).toBe(-Infinity);
    expect((await featuresFromFile(almost, info.frontEnd)).features.mixdownDb).toBeCloseTo(20 * Math.log10(0.05), 1);
    expect((await featuresFromFile(normal, info.frontEnd)).features.mixdownDb).toBeUndefined();
    const out = await transcribe({ files: [inverted, almost, normal], model: DEFAULT_MODEL_PATH, beam: 16, useLexicon: true, timestamps: false });
    expect(out.map((t) => t.mixdownDb)).toEqual([null, -26, undefined]);
    expect(out[0].text).toBe('');
    expect(out[2].text).toBe(SAMPLES[0][1]);
    // JSON carries the silent mix as null, not as a missing field.
    expect(JSON.parse(JSON.stringify(out[0])).mixdownDb).toBeNull();
  });
});
