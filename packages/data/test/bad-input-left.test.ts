import { describe, expect, it } from 'vitest';
import { createFeatureConfig, melFilterbank } from '../src/index.js';

const bad = (v: unknown): never => v as never;

describe('melFilterbank: more mel bands than the FFT resolves', () => {
  it('refuses all-zero filters, naming nMels, nFft, the rate and how many are empty (torchaudio only warns)', () => {
    const message = 'melFilterbank: nMels 128 with nFft 64 at 8000 Hz: 66 of the 128 mel filters';
    expect(() => melFilterbank({ sampleRate: 8000, nFft: 64, nMels: 128 })).toThrow(message);
    // The feature config says the same thing, from the same check.
    expect(() => createFeatureConfig({ sampleRate: 8000, nFft: 64, winLength: 64, nMels: 128 })).toThrow('nMels 128 with nFft 64 at 8000 Hz: 66 of the 128');
    expect(melFilterbank({ sampleRate: 8000, nFft: 256, nMels: 40 }).nMels).toBe(40);
  });
});
