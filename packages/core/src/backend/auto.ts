/**
 * Picks the backend at load time: the WebAssembly SIMD backend when its
 * kernels are built and the runtime supports them, the pure-TypeScript one
 * otherwise. TENSORKIT_BACKEND=js forces the reference backend;
 * TENSORKIT_BACKEND=wasm makes a missing wasm backend an error instead of a
 * silent fallback. setBackend('wasm') accepts the same name for whichever wasm
 * backend loaded ('wasm-simd' or 'wasm-relaxed-simd').
 */
import { jsBackend } from './js-backend.js';
import { registerBackend, setBackend, setBackendAlias } from './registry.js';
import { createWasmBackend } from './wasm/index.js';

const wanted = (typeof process !== 'undefined' ? process.env.TENSORKIT_BACKEND : undefined)?.toLowerCase();

if (wanted && wanted !== 'js' && wanted !== 'wasm') {
  throw new Error(`TENSORKIT_BACKEND='${wanted}' is not a backend (expected js or wasm)`);
}

const wasm = wanted === 'js' ? null : createWasmBackend({ fallback: jsBackend });
if (wasm) {
  registerBackend(wasm);
  setBackendAlias('wasm', wasm.name); // setBackend('wasm') means what TENSORKIT_BACKEND=wasm means
  setBackend(wasm.name);
} else if (wanted === 'wasm') {
  throw new Error('TENSORKIT_BACKEND=wasm but the WebAssembly kernels are unavailable (run `pnpm --filter @tensorkit/core build:wasm`, and use a runtime with WebAssembly SIMD)');
}
