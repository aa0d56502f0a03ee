import { Generator } from '@tensorkit/core';
import { describe, expect, it } from 'vitest';
import { randomSpeedPerturb, specAugment, type RandomSource } from '../src/audio/index.js';
import { elasticDistort, randomAffine } from '../src/image/index.js';

describe('with the core Generator', () => {
  it('is a RandomSource and gives seed-reproducible augmentation', () => {
    const rng: RandomSource = new Generator(42);
    expect(typeof rng.uniform()).toBe('number');
    const spec = Float32Array.from({ length: 50 * 20 }, (_, i) => 1 + (i % 5));
    expect(Array.from(specAugment(spec, 50, 20, new Generator(1)))).toEqual(Array.from(specAugment(spec, 50, 20, new Generator(1))));
    const tone = Float32Array.from({ length: 400 }, (_, t) => Math.sin(t / 5));
    expect(randomSpeedPerturb(tone, new Generator(3)).samples).toEqual(randomSpeedPerturb(tone, new Generator(3)).samples);
    const img = { data: Float32Array.from({ length: 784 }, (_, i) => (i % 28) / 27), width: 28, height: 28 };
    expect(randomAffine(img, new Generator(5)).data).toEqual(randomAffine(img, new Generator(5)).data);
    expect(elasticDistort(img, new Generator(5)).data).toEqual(elasticDistort(img, new Generator(5)).data);
  });
});
