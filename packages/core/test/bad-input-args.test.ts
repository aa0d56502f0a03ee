/**
 * Bad arguments that used to crash deep inside (TypeError: reading 'set', "shape is not
 * iterable", "fn is not a function") or were accepted: each now throws naming the function,
 * the argument and what it takes.
 */
import { describe, expect, it } from 'vitest';
import {
  concat, conv2d, createWasmBackend, Generator, gradcheck, interpolate, jsBackend, listBackends, noGrad, ones, oneHot, registerBackend,
  promoteTypes, scalar, scatterAdd, softmax, stack, tensor, withBackend, zeros, type Backend, type DType, type Tensor,
} from '@tensorkit/core';

const DTYPES = '(expected float32, float64, int32, bool or uint8)';

describe('unknown dtypes', () => {
  it('every creator and cast names itself and the dtype', () => {
    const x = ones([2]);
    expect(() => x.to('int64' as 'int32')).toThrow(`to: unknown dtype 'int64' ${DTYPES}`);
    expect(() => x.to('float16' as 'int32')).toThrow("to: unknown dtype 'float16'");
    expect(() => x.to(undefined as unknown as 'int32')).toThrow('to: a dtype is required');
    expect(() => scalar(1, 'int64' as 'int32')).toThrow(`scalar: unknown dtype 'int64' ${DTYPES}`);
    expect(() => oneHot(tensor([0, 1], { dtype: 'int32' }), 3, 'int64' as 'int32')).toThrow("oneHot: unknown dtype 'int64'");
    expect(() => x.fullLike(1, 'int64' as 'int32')).toThrow("fullLike: unknown dtype 'int64'");
    expect(() => x.zerosLike('int64' as 'int32')).toThrow("zerosLike: unknown dtype 'int64'");
    expect(x.to('float64').dtype).toBe('float64');
  });
});

describe('shapes that are not arrays', () => {
  it('zeros(3) and zeros("3") say a shape is an array', () => {
    expect(() => zeros(3 as unknown as number[])).toThrow('zeros: shape must be an array of non-negative integers, got 3 (write [3] for a 1-D shape)');
    expect(() => ones('3' as unknown as number[])).toThrow("ones: shape must be an array of non-negative integers, got '3'");
  });
});

describe('arguments that must be tensors', () => {
  const x = ones([1, 2]);
  it('concat and stack take an array of tensors', () => {
    expect(() => concat(x as unknown as Tensor[])).toThrow('concat: expected an array of tensors, got a Tensor (write concat([x, …]))');
    expect(() => stack(x as unknown as Tensor[])).toThrow('stack: expected an array of tensors, got a Tensor');
    expect(() => concat([x, undefined as unknown as Tensor])).toThrow('concat: tensors[1] must be a Tensor, got undefined');
    expect(() => concat([x, 5 as unknown as Tensor])).toThrow('concat: tensors[1] must be a Tensor, got a number (5)');
  });

  it('gather, scatterAdd and conv2d name the argument', () => {
    expect(() => x.gather(1, [[0]] as unknown as Tensor)).toThrow('gather: index must be a Tensor, got an array');
    const index = tensor([[0]], { dtype: 'int32' });
    expect(() => scatterAdd(x, 1, index, 1 as unknown as Tensor)).toThrow('scatterAdd: src must be a Tensor, got a number (1)');
    const img = ones([1, 1, 3, 3]);
    const w = ones([1, 1, 2, 2]);
    expect(() => conv2d(img, w, 1 as unknown as Tensor)).toThrow('conv2d: bias (a Tensor, null or undefined) must be a Tensor, got a number (1)');
    expect(() => conv2d(img, [[1]] as unknown as Tensor)).toThrow('conv2d: weight must be a Tensor, got an array');
  });
});

describe('gradcheck misuse', () => {
  const a = () => tensor([1, 2], { dtype: 'float64', requiresGrad: true });
  it('accepts a single tensor for inputs, as PyTorch', () => {
    expect(gradcheck((t) => t.square(), a()).ok).toBe(true);
  });

  it('names a bad output, input or function', () => {
    expect(() => gradcheck(() => 3 as unknown as Tensor, [a()])).toThrow('gradcheck: fn must return a Tensor or an array of Tensors, got a number (3)');
    expect(() => gradcheck((t) => [t, 3 as unknown as Tensor], [a()])).toThrow('gradcheck: fn must return a Tensor or an array of Tensors, got a number (3) at position 1');
    expect(() => gradcheck(() => undefined as unknown as Tensor, [a()])).toThrow('got undefined');
    expect(() => gradcheck((t) => t, [a(), 2 as unknown as Tensor])).toThrow('gradcheck: input 1 must be a Tensor, got a number (2)');
    expect(() => gradcheck(5 as unknown as () => Tensor, [a()])).toThrow('gradcheck: fn (the first argument) must be a function, got a number (5)');
  });

  it('refuses a check of nothing (it reported ok: true)', () => {
    expect(() => gradcheck((t) => t.square(), [tensor([1, 2], { dtype: 'float64' })])).toThrow('gradcheck: no input requires grad');
    expect(() => gradcheck(() => ones([1]), [])).toThrow('gradcheck: no input requires grad (0 input(s))');
  });

  it('refuses a zero or non-finite step and non-finite tolerances', () => {
    const f = (t: Tensor) => t.square();
    expect(() => gradcheck(f, [a()], { eps: 0 })).toThrow('gradcheck: eps must be a finite number > 0, got 0');
    expect(() => gradcheck(f, [a()], { eps: NaN })).toThrow('gradcheck: eps must be a finite number > 0, got NaN');
    expect(() => gradcheck(f, [a()], { atol: NaN })).toThrow('gradcheck: atol must be a finite number ≥ 0, got NaN');
    expect(() => gradcheck(f, [a()], { rtol: -1 })).toThrow('gradcheck: rtol must be a finite number ≥ 0, got -1');
    expect(gradcheck(f, [a()], { atol: 0, rtol: 1e-3 }).ok).toBe(true);
  });
});

describe('slice and expand bounds', () => {
  const x = ones([2, 3]);
  it('slice refuses non-integer bounds, naming slice (1.5 took two columns)', () => {
    expect(() => x.slice(1, 0.5, 2)).toThrow('slice: start must be an integer (or undefined), got 0.5');
    expect(() => x.slice(1, NaN)).toThrow('slice: start must be an integer (or undefined), got NaN');
    expect(() => x.slice(1, 0, 1.5)).toThrow('slice: end must be an integer (or undefined), got 1.5');
    expect(x.slice(1, -2).shape).toEqual([2, 2]);
  });

  it('expand names itself for a bad size', () => {
    const r = ones([1, 3]);
    expect(() => r.expand(-2, 3)).toThrow('expand: sizes must be non-negative integers (or -1 to keep a dimension), got [-2,3]');
    expect(() => r.expand(2.5, 3)).toThrow('expand: sizes must be non-negative integers (or -1 to keep a dimension), got [2.5,3]');
    expect(() => r.expand(NaN, 3)).toThrow('got [NaN,3]');
    expect(r.expand(2, -1).shape).toEqual([2, 3]);
  });
});

describe('functions and options that must be given', () => {
  it('noGrad and withBackend need a function; interpolate needs options', () => {
    expect(() => noGrad(5 as unknown as () => void)).toThrow('noGrad: the argument must be a function, got a number (5)');
    expect(() => withBackend('js', 5 as unknown as () => void)).toThrow('withBackend: fn (the second argument) must be a function, got a number (5)');
    expect(() => interpolate(ones([1, 1, 2]))).toThrow('interpolate: give exactly one of size and scaleFactor');
    expect(() => interpolate(ones([1, 1, 2]), { scaleFactor: NaN })).toThrow('interpolate: scaleFactor must be positive and finite, got NaN');
  });
});

describe('backend registration', () => {
  it('refuses a malformed backend and a replacement of the reference backend', () => {
    const before = listBackends();
    expect(() => registerBackend({} as Backend)).toThrow('registerBackend: the backend needs a non-empty string name, got undefined');
    expect(() => registerBackend(null as unknown as Backend)).toThrow('registerBackend: expected a backend object, got null');
    expect(() => registerBackend({ name: 'js' } as Backend)).toThrow("registerBackend: 'js' is the reference backend and cannot be replaced");
    expect(() => registerBackend({ name: 'mine' } as Backend)).toThrow("registerBackend: backend 'mine' must implement gemm(), got undefined");
    expect(listBackends()).toEqual(before);
    registerBackend(jsBackend); // re-registering the reference itself is harmless
    expect(withBackend('js', () => ones([2, 2]).matmul(ones([2, 2])).toArray())).toEqual([[2, 2], [2, 2]]);
  });

  it('createWasmBackend refuses a thread count that is not a positive integer (it became 1)', () => {
    expect(() => createWasmBackend({ threads: 0 })).toThrow('createWasmBackend: threads must be a positive integer (1 = no workers), got 0');
    expect(() => createWasmBackend({ threads: 1.5 })).toThrow('createWasmBackend: threads must be a positive integer (1 = no workers), got 1.5');
  });
});

describe('minor wording', () => {
  it('softmax of a scalar reports rank 0, setState a word past 32 bits, promoteTypes an unknown dtype', () => {
    expect(() => softmax(scalar(3), 1)).toThrow('softmax: axis 1 is out of range for a tensor of rank 0');
    expect(softmax(scalar(3), 0).item()).toBe(1);
    expect(() => new Generator().setState({ s: [2 ** 40, 0, 0, 0], spareNormal: null })).toThrow(
      'Generator.setState: expected {s: [four 32-bit integers], spareNormal}, got s = [1099511627776,0,0,0]',
    );
    const g = new Generator(5);
    expect(new Generator().setState(g.getState()).nextUint32()).toBe(g.nextUint32());
    expect(() => promoteTypes('float32', 'int64' as DType)).toThrow("promoteTypes: unknown dtype 'int64'");
    expect(promoteTypes('uint8', 'int32')).toBe('int32');
  });
});
