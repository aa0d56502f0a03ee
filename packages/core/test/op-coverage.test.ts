/**
 * Guard for the standard "every op has forward tests against hand-checked values and a
 * float64 finite-difference gradcheck": every export of @tensorkit/core and every Tensor
 * method must be decided here — covered (with the test file that holds both) or
 * non-differentiable (with the reason). Adding an op without a decision fails this test.
 */
import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import * as core from '@tensorkit/core';
import { Tensor } from '@tensorkit/core';
import { coverageProblems, type CoverageLists } from './coverage-guard.js';

const TEST_DIR = fileURLToPath(new URL('.', import.meta.url));

/** Differentiable ops → the test file with their hand-checked forward tests and float64 gradchecks. */
const COVERED: CoverageLists['covered'] = {
  'unary.test.ts': [
    'neg', 'abs', 'exp', 'log', 'log1p', 'sqrt', 'rsqrt', 'square', 'sin', 'cos', 'tanh', 'sigmoid', 'relu', 'leakyRelu', 'gelu', 'silu',
    'softplus', 'unaryWith',
  ],
  'binary.test.ts': ['add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum'],
  'compare.test.ts': ['where', 'clamp'],
  'reduce.test.ts': ['sum', 'mean', 'variance', 'std', 'max', 'min', 'logsumexp', 'prod', 'sumToShape', 'norm'],
  'views.test.ts': ['contiguous', 'clone', 'reshape', 'view', 'flatten', 'permute', 'transpose', 'slice', 'select', 'expand', 'squeeze', 'unsqueeze'],
  'matmul.test.ts': ['matmul'],
  'softmax.test.ts': ['softmax', 'logSoftmax'],
  'combine.test.ts': ['concat', 'stack', 'split', 'chunk', 'pad', 'flip', 'repeat', 'roll'],
  'indexing.test.ts': ['gather', 'scatterAdd', 'indexSelect', 'maskedFill'],
  'conv.test.ts': ['conv1d', 'conv2d'],
  'conv-pool.test.ts': ['conv2dMaxPool'],
  'conv-transpose.test.ts': ['convTranspose1d', 'convTranspose2d'],
  'interpolate.test.ts': ['interpolate'],
  'pool.test.ts': ['maxPool1d', 'maxPool2d', 'avgPool1d', 'avgPool2d'],
  'creation.test.ts': ['cast'],
  'cumulative.test.ts': ['cumsum'],
  'sort.test.ts': ['sort', 'topk'],
  'triangular.test.ts': ['tril', 'triu'],
  // Piecewise constant: their test checks the zero gradient (PyTorch's) by hand and by gradcheck.
  'rounding.test.ts': ['floor', 'ceil', 'round', 'trunc', 'sign'],
};

/** Exports that carry no gradient, by reason. */
const NON_DIFFERENTIABLE: CoverageLists['nonDifferentiable'] = {
  'creation: makes leaves from data, shapes or random draws': ['tensor', 'scalar', 'zeros', 'ones', 'full', 'arange', 'linspace', 'eye', 'rand', 'randn', 'randint'],
  'comparisons: bool results': ['eq', 'ne', 'lt', 'le', 'gt', 'ge'],
  'integer results (indices, one-hot codes of integer ids)': ['argmax', 'argmin', 'argsort', 'oneHot'],
  'bool results of logical reductions': ['any', 'all'],
  'in-place write into a view; records no graph node': ['assignInto'],
  'number → number (its tensor form is gelu)': ['erf'],
  'autograd machinery': ['backward', 'record', 'noGrad', 'enableGrad', 'isGradEnabled', 'markModifiedInPlace', 'gradcheck'],
  'random number generation': ['Generator', 'manualSeed', 'getDefaultGenerator'],
  'backends and their kernels (the ops above run on them)': ['createWasmBackend', 'getBackend', 'setBackend', 'registerBackend', 'listBackends', 'withBackend', 'jsBackend'],
  'dtype and shape utilities': ['DTYPES', 'isFloatDType', 'promoteTypes', 'numel', 'broadcastShapes', 'contiguousStrides'],
  'option checking (unknown keys, "did you mean")': ['closestKey', 'unknownOptionsError', 'checkOptionKeys'],
  'argument checks and value formatting shared with nn and data': ['checkTensor', 'checkBoolMask', 'isRecord', 'showValue', 'describeValue', 'inRange', 'checkNumber', 'optionalNumber', 'checkBoolean', 'checkFunction', 'checkOneOf', 'FINITE', 'NON_NEGATIVE', 'POSITIVE', 'UNIT', 'COUNT', 'SIZE'],
  'the tensor class and its type guard (its methods are checked one by one below)': ['Tensor', 'isTensor'],
};

/** Tensor methods that run a covered op under another name; every other differentiable method has its op's name. */
const RENAMED_METHODS = new Map<string, string>([
  ['T', 'transpose'], ['narrow', 'slice'], ['broadcastTo', 'expand'], ['var', 'variance'], ['to', 'cast'], ['float', 'cast'], ['double', 'cast'],
]);

/** Tensor members that carry no gradient, by reason. */
const NON_DIFFERENTIABLE_METHODS: Record<string, readonly string[]> = {
  'metadata and element access': ['size', 'rank', 'ndim', 'version', 'isLeaf', 'isContiguous', 'toTypedArray', 'toArray', 'item', 'toString'],
  'autograd machinery': ['requiresGrad_', 'detach', 'backward'],
  'creation of new leaves': ['zerosLike', 'onesLike', 'fullLike'],
  'bool or integer results': ['int', 'eq', 'ne', 'lt', 'le', 'gt', 'ge', 'argmax', 'argmin', 'argsort', 'any', 'all'],
};

const coveredOps = new Set(Object.values(COVERED).flat());

/** The source of a Tensor method or getter (as the test runner loaded it). */
function memberSource(name: string): string {
  const d = Object.getOwnPropertyDescriptor(Tensor.prototype, name)!;
  return String(d.value ?? d.get);
}

describe('op coverage guard (@tensorkit/core)', () => {
  it('every export is covered by a gradchecking test file that mentions it, or listed as non-differentiable', () => {
    const problems = coverageProblems(Object.keys(core), { covered: COVERED, nonDifferentiable: NON_DIFFERENTIABLE }, TEST_DIR);
    expect(problems, problems.join('\n')).toEqual([]);
  });

  it('every Tensor method delegates to a covered op (checked in its source) or is listed as non-differentiable', () => {
    const nonDiff = new Set(Object.values(NON_DIFFERENTIABLE_METHODS).flat());
    const members = Object.getOwnPropertyNames(Tensor.prototype).filter((n) => n !== 'constructor');
    const problems: string[] = [];
    for (const name of members) {
      const op = RENAMED_METHODS.get(name) ?? name;
      if (nonDiff.has(name)) {
        if (RENAMED_METHODS.has(name)) problems.push(`${name}: listed both as renamed and as non-differentiable`);
        continue;
      }
      if (!coveredOps.has(op)) {
        problems.push(`Tensor.${name}: undecided — make it call a covered op (listing it in RENAMED_METHODS if the name differs), or list it as non-differentiable`);
      } else if (!new RegExp(`\\.${op}\\(`).test(memberSource(name))) {
        problems.push(`Tensor.${name}: expected to call the covered op ${op}(), but its source does not: ${memberSource(name)}`);
      }
    }
    for (const name of [...nonDiff, ...RENAMED_METHODS.keys()]) if (!members.includes(name)) problems.push(`Tensor.${name}: listed but not a Tensor member`);
    expect(problems, problems.join('\n')).toEqual([]);
  });

  it('the check itself flags an undecided export, a stale entry, a file that never mentions its op and a missing file', () => {
    const lists: CoverageLists = {
      covered: { 'unary.test.ts': ['exp', 'notMentionedAnywhere'], 'no-such.test.ts': ['ghost'] },
      nonDifferentiable: { reason: ['eq', 'exp'] },
    };
    const problems = coverageProblems(['exp', 'eq', 'notMentionedAnywhere', 'ghost', 'brandNewOp'], lists, TEST_DIR).join('\n');
    expect(problems).toContain('brandNewOp: exported but undecided');
    expect(problems).toContain('notMentionedAnywhere: listed as covered by unary.test.ts, which never mentions it');
    expect(problems).toContain('no-such.test.ts: listed as covering [ghost] but does not exist');
    expect(problems).toContain('exp: listed twice');
    expect(coverageProblems(['exp'], { covered: { 'unary.test.ts': ['exp', 'gone'] }, nonDifferentiable: {} }, TEST_DIR)).toEqual([
      'gone: listed as covered by unary.test.ts, which never mentions it',
      'gone: listed (covered by unary.test.ts) but not exported — remove the stale entry',
    ]);
  });
});
