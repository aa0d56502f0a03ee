import { describe, expect, it } from 'vitest';
import { Generator } from '@tensorkit/core';
import { createModel } from '../src/model.js';
import { PREPROCESS } from '../src/preprocess.js';
import { storageFor } from '../src/train.js';

describe('--store-as auto', () => {
  const meta = { arch: 'mlp' as const, labels: [...'0123456789'], preprocess: PREPROCESS, training: null };
  const valSet = { images: new Uint8Array(2 * 784), labels: new Uint8Array([3, 7]), n: 2, source: 'test' };

  it('stores F32 when a weight is beyond float16 (F16 would load it as Infinity), saying why', () => {
    const model = createModel('mlp', new Generator(0));
    model.parameters()[0].storage[5] = 70000;
    const log: string[] = [];
    expect(storageFor(model, meta, valSet, 1, 'auto', (l) => log.push(l))).toBe('F32');
    expect(log.join('\n')).toMatch(/F16 weights: safetensors: tensor '.+': element 5 is 70000, beyond what F16 holds .*; storing F32/);
  });

  it('an explicit choice is kept', () => {
    const model = createModel('mlp', new Generator(0));
    expect(storageFor(model, meta, valSet, 1, 'F16', () => {})).toBe('F16');
  });
});
