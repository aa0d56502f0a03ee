import { describe, expect, it } from 'vitest';
import { logSoftmax, softmax, tensor } from '@tensorkit/core';
import { expectClose, expectGrad, f64, rnd } from './helpers.js';

// softmax([1,2,3]): e^-2, e^-1, 1 over their sum 1.503214724
const P = [0.090030573, 0.244728471, 0.665240956];
// log of those: x - logsumexp(x) = x - 3.407605964
const LP = [-2.407605964, -1.407605964, -0.407605964];

describe('softmax / logSoftmax forward', () => {
  it('last dimension by hand', () => {
    expectClose(softmax(tensor([1, 2, 3], { dtype: 'float64' })), P, 1e-8);
    expectClose(logSoftmax(tensor([1, 2, 3], { dtype: 'float64' })), LP, 1e-8);
    expectClose(tensor([[1, 2, 3], [0, 0, 0]]).softmax(), [P, [1 / 3, 1 / 3, 1 / 3]]);
  });

  it('along dim 0', () => {
    // columns: softmax(1, 3) = [1/(1+e²), e²/(1+e²)] = [0.119202922, 0.880797078]; softmax(0, 0) = [0.5, 0.5]
    expectClose(softmax(tensor([[1, 0], [3, 0]]), 0), [[0.119202922, 0.5], [0.880797078, 0.5]]);
    expectClose(logSoftmax(tensor([[1, 0], [3, 0]], { dtype: 'float64' }), 0), [[Math.log(0.119202922), -Math.LN2], [Math.log(0.880797078), -Math.LN2]], 1e-8);
  });

  it('is shift-invariant and stable for large inputs', () => {
    expectClose(softmax(tensor([1000, 1001, 1002], { dtype: 'float64' })), P, 1e-8);
    expectClose(logSoftmax(tensor([-1000, -999, -998], { dtype: 'float64' })), LP, 1e-8);
  });

  it('handles -inf (masked) entries', () => {
    expectClose(softmax(tensor([0, -Infinity, 0])), [0.5, 0, 0.5]);
    expectClose(logSoftmax(tensor([0, -Infinity, 0])), [-Math.LN2, -Infinity, -Math.LN2]);
  });

  it('non-contiguous inputs and 3-D middle dims', () => {
    const a = tensor([[1, 0], [2, 0], [3, 0]]);
    expectClose(a.T.softmax(-1), [P, [1 / 3, 1 / 3, 1 / 3]]);
    expectClose(tensor([[[1, 5]], [[2, 5]], [[3, 5]]]).softmax(0).select(2, 0).squeeze(), P);
    const y = tensor([[[1, 2, 3], [0, 0, 0]]]).softmax(1);
    expectClose(y.sum(1), [[1, 1, 1]]);
  });

  it('rows sum to one; ints promote; rank 0 is 1', () => {
    const s = softmax(tensor([[4, 1, -2, 0.5]]), 1);
    expect(s.sum().item()).toBeCloseTo(1, 6);
    expect(softmax(tensor([1, 2], { dtype: 'int32' })).dtype).toBe('float32');
    expect(softmax(tensor(3)).item()).toBe(1);
  });
});

describe('softmax gradients (float64 gradcheck)', () => {
  it('softmax over last, first and middle dims', () => {
    expectGrad((x) => softmax(x, -1), [rnd([2, 3], 1)]);
    expectGrad((x) => softmax(x, 0), [rnd([3, 2], 2)]);
    expectGrad((x) => softmax(x, 1), [rnd([2, 3, 2], 3)]);
  });

  it('logSoftmax', () => {
    expectGrad((x) => logSoftmax(x, -1), [rnd([2, 3], 4)]);
    expectGrad((x) => logSoftmax(x, 0), [rnd([3, 2], 5)]);
  });

  it('non-contiguous input', () => {
    expectGrad((x) => softmax(x.T, -1), [rnd([3, 2], 6)]);
    expectGrad((x) => logSoftmax(x.slice(1, 0, 4, 2), 1), [rnd([2, 4], 7)]);
  });

  it('rank-0 input has zero gradient', () => {
    const x = f64(2);
    softmax(x).backward();
    expect(x.grad!.item()).toBe(0);
    const y = f64(2);
    logSoftmax(y).backward();
    expect(y.grad!.item()).toBe(0);
  });
});
