import { describe, expect, it } from 'vitest';
import { conv2d, gradcheck, Generator, maxPool2d, randn, tensor } from '@tensorkit/core';

describe('core smoke', () => {
  it('matmul forward matches hand-computed values', () => {
    const a = tensor([[1, 2, 3], [4, 5, 6]]);
    expect(a.T.matmul(a).toArray()).toEqual([[17, 22, 27], [22, 29, 36], [27, 36, 45]]);
  });

  it('conv2d + maxPool2d pass gradcheck', () => {
    const g = new Generator(1);
    const x = randn([2, 3, 5, 5], { dtype: 'float64', generator: g, requiresGrad: true });
    const k = randn([4, 3, 3, 3], { dtype: 'float64', generator: g, requiresGrad: true });
    const b = randn([4], { dtype: 'float64', generator: g, requiresGrad: true });
    expect(gradcheck((x, k, b) => maxPool2d(conv2d(x, k, b, { padding: 1 }), 2), [x, k, b]).ok).toBe(true);
  });
});
