import { describe, expect, it } from 'vitest';
import {
  assertFeatureConfigMatches, createFeatureConfig, diffFeatureConfigs, FeatureConfigMismatchError, featureConfigsEqual,
  logMelSpectrogram, validateFeatureConfig,
} from '../src/audio/index.js';

describe('FeatureConfig', () => {
  it('fills speech defaults: 25 ms window, 10 ms hop, next power-of-two FFT', () => {
    const c = createFeatureConfig({ sampleRate: 8000 });
    expect(c).toMatchObject({ winLength: 200, hopLength: 80, nFft: 256, fMax: 4000, melScale: 'htk', melNorm: 'none', nMels: 40 });
    const w = createFeatureConfig({ sampleRate: 16000, nFft: 256 });
    expect(w.winLength).toBe(256);
  });

  it('survives a JSON round trip and compares equal', () => {
    const c = createFeatureConfig({ sampleRate: 16000, nMels: 80, melScale: 'slaney', melNorm: 'slaney', preEmphasis: 0.97 });
    const back = validateFeatureConfig(JSON.parse(JSON.stringify(c)));
    expect(featureConfigsEqual(c, back)).toBe(true);
    expect(() => assertFeatureConfigMatches(c, back, 'model')).not.toThrow();
  });

  it('names every differing field in the mismatch error', () => {
    const trained = createFeatureConfig({ sampleRate: 16000, nMels: 80 });
    const given = createFeatureConfig({ sampleRate: 8000, nMels: 80, melScale: 'slaney' });
    expect(featureConfigsEqual(trained, given)).toBe(false);
    expect(diffFeatureConfigs(trained, given).map((d) => d.field)).toEqual([
      'sampleRate', 'nFft', 'winLength', 'hopLength', 'fMax', 'melScale',
    ]);
    let err: unknown;
    try {
      assertFeatureConfigMatches(trained, given, 'loading digits.ckpt');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(FeatureConfigMismatchError);
    const msg = (err as Error).message;
    expect(msg).toMatch(/^loading digits\.ckpt: audio feature config does not match \(6 fields\)/);
    expect(msg).toContain('sampleRate: expected 16000, got 8000 (resample the audio to 16000 Hz');
    expect(msg).toContain('melScale: expected "htk", got "slaney"');
    expect((err as FeatureConfigMismatchError).differences).toHaveLength(6);
  });

  it('treats a missing or extra field as a difference', () => {
    const c = createFeatureConfig({ sampleRate: 8000 });
    const { cmvn: _drop, ...partial } = c;
    const diffs = diffFeatureConfigs(c, partial as typeof c);
    expect(diffs).toEqual([{ field: 'cmvn', expected: 'none', actual: undefined }]);
  });

  it('validation lists every problem at once', () => {
    const bad = { ...createFeatureConfig({ sampleRate: 8000 }), nFft: 300, fMax: 5000, melScale: 'mel', nmels: 3 };
    expect(() => validateFeatureConfig(bad)).toThrow(/unknown field "nmels"[\s\S]*nFft must be a power of two[\s\S]*fMax must be in[\s\S]*melScale must be one of/);
    expect(() => createFeatureConfig({ sampleRate: 8000, winLength: 400, nFft: 256 })).toThrow(/winLength \(400\) must not exceed nFft/);
    expect(() => logMelSpectrogram(new Float32Array(10), { sampleRate: 8000, nMfcc: 50 })).toThrow(/nMfcc/);
  });

  it('refuses mel filters narrower than the FFT bin spacing, which would be constant bands', () => {
    // 8 kHz, nFft 256: bins 31.25 Hz apart; the lowest of 128 HTK mel filters span under 30 Hz.
    expect(() => createFeatureConfig({ sampleRate: 8000, nMels: 128 })).toThrow(
      /nMels 128 with nFft 256 at 8000 Hz: 6 of the 128 mel filters \(0, 3, 6, 9, 14, 23\) fall between the FFT bins \(31\.25 Hz apart\) and would always be empty: use a larger nFft, fewer nMels or a higher fMin/,
    );
    expect(() => logMelSpectrogram(new Float32Array(800), { sampleRate: 8000, nMels: 128 })).toThrow(/would always be empty/);
    // Every filter catches a bin with a finer FFT, or with the default 40 bands.
    expect(() => createFeatureConfig({ sampleRate: 8000, nMels: 128, nFft: 1024 })).not.toThrow();
    const f = logMelSpectrogram(new Float32Array(800).fill(0.1), { sampleRate: 8000 });
    expect(f.nMels).toBe(40);
  });
});
