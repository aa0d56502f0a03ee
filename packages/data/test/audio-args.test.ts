import { Generator } from '@tensorkit/core';
import { describe, expect, it } from 'vitest';
import {
  addNoise, applyGain, applyMelFilterbank, cmvn, frameSignal, makeWindow, melFilterbank, padSignal, randomGain, randomNoise, resample, resampleByRatio, sampleSpecAugmentMasks,
  specAugment, stft,
} from '../src/index.js';

const bad = (v: unknown): never => v as never;
const sig = new Float32Array(1024).map((_, i) => Math.sin(i / 5));
const rng = () => new Generator(1);

describe('audio options: unknown keys are named, not ignored', () => {
  it('stft, frameSignal, melFilterbank, cmvn, specAugment, resample, addNoise', () => {
    expect(() => stft(sig, bad({ nFft: 256, hop_length: 10 }))).toThrow(/STFT: unknown option 'hop_length' \(did you mean 'hopLength'\?\)/);
    expect(() => frameSignal(sig, bad({ frameLength: 4, hopLength: 2, pad_mode: 'constant' }))).toThrow(/frameSignal: unknown option 'pad_mode' \(did you mean 'padMode'\?\)/);
    expect(() => melFilterbank(bad({ sampleRate: 16000, nFft: 512, nMels: 40, n_mels: 80 }))).toThrow(/melFilterbank: unknown option 'n_mels' \(did you mean 'nMels'\?\)/);
    expect(() => cmvn(new Float32Array(8), 2, 4, bad({ norm_vars: true }))).toThrow(/cmvn: unknown option 'norm_vars'/);
    expect(() => sampleSpecAugmentMasks(100, 40, rng(), bad({ freq_masks: 2 }))).toThrow(/specAugment: unknown option 'freq_masks' \(did you mean 'freqMasks'\?\)/);
    expect(() => resample(sig, 16000, 8000, bad({ zero_crossings: 3 }))).toThrow(/resample: unknown option 'zero_crossings' \(did you mean 'zeroCrossings'\?\)/);
    expect(() => resampleByRatio(sig, 2, bad({ roloff: 0.9 }))).toThrow(/resample: unknown option 'roloff' \(did you mean 'rolloff'\?\)/);
    expect(() => addNoise(sig, 10, rng(), bad({ noize: new Float32Array(4) }))).toThrow(/addNoise: unknown option 'noize' \(did you mean 'noise'\?\)/);
  });
});

describe('audio arguments that gave NaN, a TypeError or a silently wrong result', () => {
  it('stft: NaN or fractional nFft, a bogus padMode, samples that are not a Float32Array', () => {
    expect(() => stft(sig, { nFft: NaN })).toThrow('STFT: nFft must be a positive integer, got NaN');
    expect(() => stft(sig, { nFft: 256, padMode: bad('edge') })).toThrow(`STFT: padMode must be one of 'reflect', 'constant', got "edge"`);
    expect(() => stft(bad(5), { nFft: 256 })).toThrow('STFT: samples must be a Float32Array, got a number (5)');
    expect(() => stft(bad([1, 2, 3, 4]), { nFft: 4 })).toThrow('STFT: samples must be a Float32Array, got an array');
  });

  it('melFilterbank: NaN, negative or fractional nFft, an infinite rate; applyMelFilterbank on a short spectrum', () => {
    expect(() => melFilterbank({ sampleRate: 16000, nFft: NaN, nMels: 4 })).toThrow('melFilterbank: nFft must be a positive integer, got NaN');
    expect(() => melFilterbank({ sampleRate: 16000, nFft: -4, nMels: 4 })).toThrow('melFilterbank: nFft must be a positive integer, got -4');
    expect(() => melFilterbank({ sampleRate: Infinity, nFft: 512, nMels: 4 })).toThrow('melFilterbank: sampleRate must be a finite number > 0, got Infinity');
    const fb = melFilterbank({ sampleRate: 16000, nFft: 512, nMels: 4 });
    expect(() => applyMelFilterbank(fb, new Float64Array(3), new Float32Array(4))).toThrow('applyMelFilterbank: spectrum has 3 values, the filterbank needs 257 (nFft/2 + 1)');
    expect(() => applyMelFilterbank(fb, new Float64Array(257), new Float32Array(4), 2)).toThrow('applyMelFilterbank: out has room for 2 values at offset 2, need 4');
  });

  it('sampleSpecAugmentMasks: NaN frames and a negative nMels drew NaN or negative spans', () => {
    expect(() => sampleSpecAugmentMasks(NaN, 40, rng())).toThrow('specAugment: frames must be a non-negative integer, got NaN');
    expect(() => sampleSpecAugmentMasks(10, -1, rng())).toThrow('specAugment: nMels must be a non-negative integer, got -1');
  });

  it('resampleByRatio: a tiny ratio asking for trillions of samples is named, not an Invalid typed array length', () => {
    expect(() => resampleByRatio(sig, 1e-9)).toThrow(/resample: 1024 samples from 1e-9 to 1 would give 1024000000000 samples, more than 1073741824; check the rates/);
  });

  it('padSignal: negative or fractional pad, unknown mode', () => {
    expect(() => padSignal(sig, -1)).toThrow('padSignal: pad must be a non-negative integer, got -1');
    expect(() => padSignal(sig, 1.5)).toThrow('padSignal: pad must be a non-negative integer, got 1.5');
    expect(() => padSignal(sig, 2, bad('edge'))).toThrow(`padSignal: mode must be one of 'reflect', 'constant', got "edge"`);
  });

  it("string booleans: makeWindow periodic 'false', frameSignal/stft center 'no' were truthy", () => {
    expect(() => makeWindow('hann', 4, bad('false'))).toThrow(`makeWindow: periodic must be true or false, got "false"`);
    expect(() => frameSignal(sig, { frameLength: 4, hopLength: 2, center: bad('no') })).toThrow(`frameSignal: center must be true or false, got "no"`);
    expect(() => stft(sig, { nFft: 256, center: bad('no') })).toThrow(`STFT: center must be true or false, got "no"`);
    expect(() => stft(sig, { nFft: 256, periodicWindow: bad(0) })).toThrow('STFT: periodicWindow must be true or false, got 0');
  });

  it('cmvn: NaN or negative eps, a non-boolean variance', () => {
    expect(() => cmvn(new Float32Array(8), 2, 4, { eps: NaN })).toThrow('cmvn: eps must be a finite number ≥ 0, got NaN');
    expect(() => cmvn(new Float32Array(8), 2, 4, { eps: -1 })).toThrow('cmvn: eps must be a finite number ≥ 0, got -1');
    expect(() => cmvn(new Float32Array(8), 2, 4, { variance: bad('no') })).toThrow(`cmvn: variance must be true or false, got "no"`);
  });

  it('specAugment: rng that is not a random source, an unknown maskValue', () => {
    expect(() => sampleSpecAugmentMasks(100, 40, bad(5))).toThrow(/specAugment: rng must be a random source with uniform\(\) and normal\(\).*got a number \(5\)/);
    expect(() => specAugment(new Float32Array(4000), 100, 40, rng(), { maskValue: bad('avg') })).toThrow(`specAugment: maskValue must be a finite number or 'mean', got "avg"`);
    expect(() => specAugment(new Float32Array(4000), 100, 40, rng(), { maskValue: NaN })).toThrow(/maskValue must be a finite number or 'mean', got NaN/);
  });

  it('gain and noise: NaN dB, reversed ranges, a noise that is not a Float32Array', () => {
    expect(() => applyGain(sig, NaN)).toThrow('applyGain: db must be a finite number, got NaN');
    expect(() => randomGain(sig, rng(), 6, -6)).toThrow('randomGain: minDb must be ≤ maxDb, got minDb=6, maxDb=-6');
    expect(() => randomGain(sig, rng(), NaN, 6)).toThrow('randomGain: minDb must be a finite number, got NaN');
    expect(() => randomNoise(sig, rng(), 20, 5)).toThrow('randomNoise: minDb must be ≤ maxDb, got minDb=20, maxDb=5');
    expect(() => addNoise(sig, 10, rng(), { noise: bad(5) })).toThrow('addNoise: options.noise must be a Float32Array, got a number (5)');
    expect(() => addNoise(sig, 10, bad({}))).toThrow(/addNoise: rng must be a random source/);
  });
});
