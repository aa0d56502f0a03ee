import { describe, expect, it } from 'vitest';
import { Generator, listBackends, randn, withBackend } from '@tensorkit/core';
import { Adam, AdamW } from '@tensorkit/nn';

// Large parameters take the backend's vectorised adamUpdate; it must agree with the reference loop.
const wasm = listBackends().find((b) => b.startsWith('wasm'));

function train(backend: string, Opt: typeof Adam): Float32Array {
  return withBackend(backend, () => {
    const p = randn([300, 100], { generator: new Generator(3) }).requiresGrad_();
    const opt = new Opt([p], { lr: 0.01, weightDecay: 0.1 });
    for (let s = 0; s < 5; s++) {
      opt.zeroGrad();
      p.mul(p).sum().backward();
      opt.step();
    }
    return p.toTypedArray() as Float32Array;
  });
}

describe.skipIf(!wasm)('optimizers on the wasm backend', () => {
  for (const Opt of [Adam, AdamW]) {
    it(`${Opt.name} matches the pure-TS update`, () => {
      const a = train('js', Opt);
      const b = train(wasm!, Opt);
      let max = 0;
      for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
      expect(max).toBeLessThan(1e-5);
      expect(a[0]).not.toBe(0);
    });
  }
});
