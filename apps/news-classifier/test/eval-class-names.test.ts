/**
 * eval matches a test set's classes to the model's labels by name, exactly. A class folder that
 * differs only in case or spacing ('Sport' for 'sport') used to get the same error as an unrelated
 * class; now the message names the label meant.
 */
import { cpSync, mkdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evalCommand } from '../src/eval.js';
import { trainCommand } from '../src/train.js';
import { tempDir, writeClassFolder } from './helpers.js';

const silent = () => {};

describe('eval: class names that differ from the model\'s labels', () => {
  it('suggests the label a folder differs from only in case or spacing, and not for an unrelated class', async () => {
    const data = writeClassFolder(tempDir(), 6, 1);
    const out = join(tempDir(), 'm.safetensors');
    await trainCommand({ data, modelType: 'linear', seed: 0, out, buckets: 2048, epochs: 1, charNgrams: 'none', quiet: true, log: silent });
    const test = join(tempDir(), 'test');
    mkdirSync(test);
    cpSync(join(data, 'sport'), join(test, 'Sport'), { recursive: true });
    await expect(evalCommand({ data: test, model: out, quiet: true, print: silent, warn: silent })).rejects.toThrow(
      /class 'Sport' is not one of the model's labels \([^)]*\); did you mean 'sport'\? class names are matched exactly, case included: rename 'Sport' to 'sport', or pass the matching --model$/,
    );
    renameSync(join(test, 'Sport'), join(test, 'weather'));
    await expect(evalCommand({ data: test, model: out, quiet: true, print: silent, warn: silent })).rejects.toThrow(
      /class 'weather' is not one of the model's labels \([^)]*\); pass the matching --model$/,
    );
  });
});
