/**
 * @tensorkit/core — tensors, autograd, kernels and seeded randomness.
 *
 *   import { tensor, randn, noGrad } from '@tensorkit/core';
 *   const w = randn([3, 2], { requiresGrad: true });
 *   const loss = tensor([[1, 2, 3]]).matmul(w).relu().sum();
 *   loss.backward(); // w.grad now holds d(loss)/dw
 */
export { Tensor, isTensor, type NestedArray, type TensorLike, type SparseRowGrad } from './tensor.js';
export { type DType, type TypedArray, type FloatDType, DTYPES, isFloatDType, promoteTypes } from './dtype.js';
export { type Shape, checkedNumel as numel, checkedBroadcastShapes as broadcastShapes, checkedContiguousStrides as contiguousStrides } from './shape.js';
export { noGrad, enableGrad, isGradEnabled, backward, record, markModifiedInPlace, type GradNode, type BackwardOptions } from './autograd.js';
export { tensor, scalar, zeros, ones, full, arange, linspace, eye, rand, randn, randint, type CreateOptions, type TensorOptions, type RandomOptions, type ConvertibleArray } from './creation.js';
export { Generator, manualSeed, getDefaultGenerator, type GeneratorState } from './rng.js';
export { gradcheck, type GradcheckOptions, type GradcheckResult } from './gradcheck.js';
import './backend/auto.js';
export { createWasmBackend, type WasmBackend, type WasmBackendOptions } from './backend/wasm/index.js';
export { getBackend, setBackend, registerBackend, listBackends, withBackend } from './backend/registry.js';
export type { Backend, MatrixRef, FloatArray, UnaryKernelName, BinaryKernelName, AdamUpdateArgs, ConvKernelGeometry, ConvMaxPool, PoolKernelGeometry, GruForwardArgs, GruBackwardArgs, SparseAdamRowsArgs } from './backend/backend.js';
export { jsBackend } from './backend/js-backend.js';
export { assignInto } from './ops/view.js';
export * from './ops/index.js';
export { erf } from './kernels/special.js';
export { closestKey, unknownOptionsError } from './options.js';
export {
  showValue, describeValue, isRecord, inRange, checkNumber, optionalNumber, checkBoolean, checkFunction, checkOneOf, checkOptionKeys,
  FINITE, NON_NEGATIVE, POSITIVE, UNIT, COUNT, SIZE, type NumberRange,
} from './args.js';
export { checkTensor, checkBoolMask, type BoolMaskHint } from './ops/operand.js';
