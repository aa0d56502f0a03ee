/** The library API (featuresFromSamples, featuresFromLogMel, Recognizer) with invalid inputs a program may pass. */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readWav } from '@tensorkit/data';
import { featuresFromLogMel, featuresFromSamples } from '../src/features.js';
import { loadModel, type ModelInfo } from '../src/model-file.js';
import { DEFAULT_MODEL_PATH, SAMPLES_DIR } from '../src/paths.js';
import { buildProgram } from '../src/program.js';
import { MAX_BEAM, Recognizer } from '../src/recognizer.js';

let info: ModelInfo;
let samples: Float32Array;
beforeAll(async () => {
  info = await loadModel(DEFAULT_MODEL_PATH);
  samples = (await readWav(join(SAMPLES_DIR, 'digits-george-371.wav'))).samples;
});

describe('recognising hand-made inputs (shipped digits model)', () => {
  it('still recognises valid samples', () => {
    expect(new Recognizer(info).recognize([featuresFromSamples(samples, info.frontEnd)])[0].text).toBe('three seven one');
  });

  it('refuses NaN or infinite samples instead of transcribing part of the audio', () => {
    // One NaN sample used to give "three" for "three seven one".
    const bad = Float32Array.from(samples);
    bad[100] = NaN;
    expect(() => featuresFromSamples(bad, info.frontEnd)).toThrow(/sample 100 is NaN/);
    bad[100] = -Infinity;
    expect(() => featuresFromSamples(bad, info.frontEnd, 'mic.wav')).toThrow(/^mic\.wav: sample 100 is -Infinity/);
    expect(() => featuresFromLogMel(new Float32Array(400).fill(NaN), 10, 40, info.frontEnd, 'x.npy')).toThrow(/x\.npy: value NaN at frame 0/);
  });

  it('takes beam widths from 1 to MAX_BEAM and refuses wider ones before searching', () => {
    // 100,000 used to run for minutes and then fail inside the search ("Map maximum size exceeded").
    expect(new Recognizer(info, { beam: MAX_BEAM }).beam).toBe(1024);
    for (const beam of [MAX_BEAM + 1, 100_000, 0, 2.5]) {
      expect(() => new Recognizer(info, { beam })).toThrow(`beam must be an integer from 1 to 1024, got ${beam}`);
    }
    const option = buildProgram().commands.find((c) => c.name() === 'transcribe')!.options.find((o) => o.long === '--beam')!;
    expect(option.parseArg!('1024', undefined)).toBe(1024);
    expect(() => option.parseArg!('100000', undefined)).toThrow('--beam must be an integer from 1 to 1024');
  });

  it('refuses feature matrices the model cannot read, naming the input', () => {
    const f = featuresFromSamples(samples, info.frontEnd);
    const rec = new Recognizer(info, { beam: 1 });
    // Was a kernel error: "layerNorm: input [50,1,128] must end in [320]".
    expect(() => rec.recognize([f, { data: new Float32Array(13 * 100), frames: 100, dim: 13 }])).toThrow(/input 1: features have 13 values per frame, the model reads 40/);
    // Was a conv2d error.
    expect(() => rec.recognize([{ data: new Float32Array(0), frames: 0, dim: 40 }])).toThrow(/input 0: frames must be a positive integer, got 0/);
    // Was silently zero-padded into an empty transcript.
    expect(() => rec.recognize([{ ...f, data: f.data.subarray(0, 400) }])).toThrow(/input 0: data holds 400 values/);
    const nan = Float32Array.from(f.data);
    nan[81] = NaN;
    expect(() => rec.recognize([{ ...f, data: nan }])).toThrow(/input 0: feature 81 \(frame 2\) is NaN/);
  });
});
