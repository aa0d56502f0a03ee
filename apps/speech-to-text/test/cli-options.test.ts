import { InvalidArgumentError, type Option } from 'commander';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MODEL_PATH, defaultTrainOut, YESNO_MODEL_PATH } from '../src/paths.js';
import { buildProgram } from '../src/program.js';

function trainOption(flag: string): Option {
  const train = buildProgram().commands.find((c) => c.name() === 'train')!;
  return train.options.find((o) => o.long === flag)!;
}

/** What commander does with the flag's value: the parsed value, or the error it reports. */
function parse(flag: string, value: string): unknown {
  try {
    return trainOption(flag).parseArg!(value, undefined);
  } catch (e) {
    if (e instanceof InvalidArgumentError) return e;
    throw e;
  }
}

describe('speech train: flag values are checked when the command line is read', () => {
  // Before: `--dropout abc` was parsed by Number() and failed only after every file was loaded,
  // inside the model, as "GRU: dropout must be a probability in [0, 1), got null".
  it('--dropout takes a probability 0 ≤ p < 1 and names itself otherwise', () => {
    expect(parse('--dropout', '0.3')).toBe(0.3);
    expect(parse('--dropout', '0')).toBe(0);
    for (const bad of ['abc', '', '1', '1.5', '-0.1']) {
      const r = parse('--dropout', bad);
      expect(r, bad).toBeInstanceOf(InvalidArgumentError);
      expect((r as Error).message).toContain('--dropout');
    }
    expect(trainOption('--dropout').defaultValue).toBe(0.1);
  });

  // Before: the help said 1-3 but `--subsample 5` was accepted and failed after loading the data
  // ("SpeechCTC: subsample must be 1, 2 or 3, got 5").
  it('--subsample takes 1, 2 or 3, as its help says', () => {
    expect(trainOption('--subsample').description).toContain('1-3');
    for (const ok of ['1', '2', '3']) expect(parse('--subsample', ok)).toBe(Number(ok));
    for (const bad of ['0', '4', '5']) {
      const r = parse('--subsample', bad);
      expect(r, bad).toBeInstanceOf(InvalidArgumentError);
      expect((r as Error).message).toContain('--subsample');
    }
  });

  it('--epoch-size says what it defaults to', () => {
    expect(trainOption('--epoch-size').description).toMatch(/default: FSDD 1600;.*at least 256/);
  });
});

describe('speech train --out', () => {
  // Before: the default was the shipped digits ensemble, so `speech train --data <yesno folder>`
  // (or any quick run) replaced the model eval and transcribe use.
  it('defaults to a file in the current folder named after the data, never a shipped model', () => {
    expect(trainOption('--out').defaultValue).toBeUndefined();
    expect(['fsdd', 'yesno', 'manifest'].map((k) => defaultTrainOut(k as 'fsdd'))).toEqual(['digits.safetensors', 'yesno.safetensors', 'speech.safetensors']);
    for (const k of ['fsdd', 'yesno', 'manifest'] as const) {
      expect([resolve(DEFAULT_MODEL_PATH), resolve(YESNO_MODEL_PATH)]).not.toContain(resolve(defaultTrainOut(k)));
    }
  });
});

