import { describe, expect, it } from 'vitest';
import { createFeatureConfig, encodeBagBatch, melFilterbank } from '../src/index.js';

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

describe('encodeBagBatch: ids that are not embedding rows', () => {
  it('refuses fractional, negative, NaN and out-of-int32 ids, naming the document and the id', () => {
    expect(() => encodeBagBatch([[1, 2], [3, 2.5]])).toThrow('encodeBagBatch: document 1 has id 2.5 at position 1; ids must be integers in [0, 2147483647]');
    expect(() => encodeBagBatch([Int32Array.of(4, -1)])).toThrow('encodeBagBatch: document 0 has id -1 at position 1');
    expect(() => encodeBagBatch([[NaN]])).toThrow('encodeBagBatch: document 0 has id NaN at position 0');
    expect(() => encodeBagBatch([[2 ** 31]])).toThrow('encodeBagBatch: document 0 has id 2147483648 at position 0');
    expect(() => encodeBagBatch([bad(['3'])])).toThrow('encodeBagBatch: document 0 has id "3" at position 0');
    expect(() => encodeBagBatch([bad(7)])).toThrow('encodeBagBatch: document 0 must be an array of ids, got a number (7)');
    expect(() => encodeBagBatch(bad('abc'))).toThrow('encodeBagBatch: documents must be an array of id arrays, got a string ("abc")');
    expect(Array.from(encodeBagBatch([Uint16Array.of(0, 65535), [2 ** 31 - 1]]).ids)).toEqual([0, 65535, 2 ** 31 - 1]);
  });
});
