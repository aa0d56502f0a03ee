// Entry point of the wasm kernels (compiled twice by wasm/build.mjs).
export { relaxed, workBytes, gemm, packBFull, addInto } from './gemm';
export { binaryF32, unaryF32, adamF32, adamRowsF32, rowScatterAddF32, bagSumF32, reluGradF32 } from './elementwise';
export { maxPool2x2F32, maxPoolGradF32, maxPoolF32 } from './pool';
export { biasGradF32 } from './conv';
export { gruStepF32, gruStepGradF32, columnSumsF32 } from './gru';
export { bnSumsF32, bnReluApplyF32, bnReluGradSumsF32, bnReluGradApplyF32 } from './batchnorm';
export { runTasks } from './tasks';
export { winogradWeights } from './winograd';
