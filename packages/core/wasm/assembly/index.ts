// Entry point of the wasm kernels (compiled twice by wasm/build.mjs).
export { relaxed, workBytes, gemm, packBFull, gemmTasks, addInto } from './gemm';
export { binaryF32, unaryF32, adamF32 } from './elementwise';
