// Entry point of the wasm kernels (compiled twice by wasm/build.mjs).
export { relaxed, workBytes, gemm, packBFull, gemmTasks, addInto } from './gemm';
export { binaryF32, unaryF32, adamF32, reluGradF32 } from './elementwise';
export { maxPool2x2F32 } from './pool';
