import { describe, expect, it } from 'vitest';
import { Generator } from '@tensorkit/core';
import { parseFsddName } from '@tensorkit/data';
import { ACCENTS, espeakArgs, parseSynthArgs, planVoices, trimToWord } from '../scripts/voice-plan.js';
import { toneWord } from './helpers.js';

describe('synth-voices arguments', () => {
  it('defaults and flags in any order', () => {
    expect(parseSynthArgs(['/tmp/x'])).toEqual({ out: '/tmp/x', voices: 60, clips: 5, seed: 1 });
    expect(parseSynthArgs(['--voices', '8', '/tmp/x', '--seed', '3', '--clips', '2'])).toEqual({ out: '/tmp/x', voices: 8, clips: 2, seed: 3 });
  });

  it('rejects bad input with a one-line message', () => {
    expect(() => parseSynthArgs([])).toThrow(/usage: synth-voices\.ts OUT_DIR/);
    expect(() => parseSynthArgs(['/tmp/x', '--voices', '0'])).toThrow(/--voices: expected a positive integer, got "0"/);
    expect(() => parseSynthArgs(['/tmp/x', '--clips'])).toThrow(/--clips: expected a positive integer, got ""/);
    expect(() => parseSynthArgs(['/tmp/x', '--pitch', '3'])).toThrow(/unknown option --pitch/);
    expect(() => parseSynthArgs(['/tmp/x', '/tmp/y'])).toThrow(/unexpected argument "\/tmp\/y"/);
  });
});

describe('voice plan', () => {
  it('is deterministic from the seed, names are distinct FSDD speakers, settings in espeak-ng ranges', () => {
    const a = planVoices(20, 4);
    expect(planVoices(20, 4)).toEqual(a);
    expect(planVoices(20, 5)).not.toEqual(a);
    expect(new Set(a.map((v) => v.name)).size).toBe(20);
    for (const v of a) {
      expect(parseFsddName(`3_${v.name}_0.wav`)).toEqual({ digit: 3, speaker: v.name, index: 0 });
      expect(v.pitch).toBeGreaterThanOrEqual(0);
      expect(v.pitch).toBeLessThanOrEqual(99);
      expect(v.amplitude).toBeLessThanOrEqual(200);
    }
    // Every accent is used once there are at least as many voices as accents.
    expect(new Set(a.map((v) => v.voice.split('+')[0]))).toEqual(new Set(ACCENTS));
    // A longer plan starts with the same voices.
    expect(planVoices(25, 4).slice(0, 20)).toEqual(a);
  });

  it('espeak-ng arguments name the voice, the word and the output file', () => {
    const v = planVoices(1, 1)[0];
    const args = espeakArgs(v, 7, new Generator(1), '/tmp/o.wav');
    expect(args.slice(0, 2)).toEqual(['-v', v.voice]);
    expect(args.slice(-3)).toEqual(['-w', '/tmp/o.wav', 'seven']);
    const pitch = Number(args[args.indexOf('-p') + 1]);
    expect(Math.abs(pitch - v.pitch)).toBeLessThanOrEqual(8);
  });
});

describe('trimToWord', () => {
  it('cuts the silence around a word to 20 ms margins and scales the peak', () => {
    const sr = 8000;
    const word = toneWord(200, 0.4, sr);
    const padded = new Float32Array(sr);
    padded.set(word, 0.3 * sr);
    const out = trimToWord(padded, sr, 0.5);
    // The tone's faint tails (< -40 dB) are cut too, so the result is a bit shorter than word + margins.
    expect(out.length).toBeGreaterThan(0.3 * sr);
    expect(out.length).toBeLessThanOrEqual(0.4 * sr + 2 * 0.02 * sr + 2 * 80);
    expect(Math.max(...out.map(Math.abs))).toBeCloseTo(0.5, 5);
  });

  it('refuses a silent clip', () => {
    expect(() => trimToWord(new Float32Array(800), 8000)).toThrow(/silent/);
  });
});
