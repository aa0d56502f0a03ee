import { describe, expect, it } from 'vitest';
import { keepRecordedOptions, UserError } from '../src/index.js';

describe('keepRecordedOptions', () => {
  const keep = keepRecordedOptions('runs/a/checkpoint.safetensors');

  it('takes the recorded value when the option is left out or given with that value', () => {
    expect(keep('--lr', undefined, 0.003)).toBe(0.003);
    expect(keep('--lr', 0.003, 0.003)).toBe(0.003);
    expect(keep('--extra', ['./a/'], ['a'], { same: (x, y) => x.length === y.length && x.every((p, i) => p.replace(/^\.\/|\/$/g, '') === y[i]) })).toEqual(['a']);
  });

  it('takes the given value when the checkpoint recorded none (an older checkpoint), and leaves the default to the caller', () => {
    expect(keep('--lr', 0.01, undefined)).toBe(0.01);
    expect(keep<number>('--lr', undefined, undefined)).toBeUndefined();
  });

  it('refuses a given value that contradicts the checkpoint, naming the checkpoint, the flag and both values', () => {
    const err = (() => { try { keep('--lr', 0.01, 0.003); } catch (e) { return e; } })();
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toBe('--resume runs/a/checkpoint.safetensors: the checkpoint was trained with --lr 0.003, not 0.01; '
      + 'leave --lr out to continue the run, or start a new run without --resume');
    expect(() => keep('--hold-out', [1, 2], [5])).toThrow('trained with --hold-out 5, not 1,2;');
  });

  it('says "without" for an option the run was started without, and lets a boolean flag describe itself', () => {
    expect(() => keep<string | null>('--val-speaker', 'bob', null)).toThrow('the checkpoint was trained without --val-speaker, not with --val-speaker bob;');
    expect(() => keep<string[]>('--extra-data', ['x'], [])).toThrow('trained without --extra-data, not with --extra-data x;');
    expect(() => keep('--no-augment', false, true, { describe: (v) => (v ? 'augmentation' : '--no-augment') }))
      .toThrow('the checkpoint was trained with augmentation, not --no-augment; leave --no-augment out');
  });

  it('takes every option as given for a new run', () => {
    const fresh = keepRecordedOptions(undefined);
    expect(fresh('--lr', 0.01, 0.003)).toBe(0.01);
    expect(fresh<number>('--lr', undefined, 0.003)).toBeUndefined();
  });
});
