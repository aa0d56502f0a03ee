/**
 * Picks the backend at load time: the WebAssembly SIMD backend when its
 * kernels are built and the runtime supports them, the pure-TypeScript one
 * otherwise. TENSORKIT_BACKEND=js forces the reference backend;
 * TENSORKIT_BACKEND=wasm makes a missing wasm backend an error instead of a
 * silent fallback. Any other value, or a TENSORKIT_THREADS that is not a
 * thread count, makes the first op throw naming the variable (not the import:
 * see chooseBackend). setBackend('wasm') accepts the same name for whichever wasm
 * backend loaded ('wasm-simd' or 'wasm-relaxed-simd').
 */
import { jsBackend } from './js-backend.js';
import { deferBackendError, registerBackend, setBackend, setBackendAlias } from './registry.js';
import { createWasmBackend } from './wasm/index.js';

const raw = typeof process !== 'undefined' ? process.env.TENSORKIT_BACKEND : undefined;
const wanted = raw?.trim().toLowerCase() || undefined;

/**
 * Chooses the backend. A bad environment variable is not thrown here, at import time, where it
 * would reach the user as an uncaught exception with a stack trace: getBackend() throws it at the
 * first op (inside the CLIs' error handling, which prints `error: <message>` on one line).
 */
function chooseBackend(): void {
  if (wanted && wanted !== 'js' && wanted !== 'wasm') {
    throw new Error(`TENSORKIT_BACKEND='${raw}' is not a backend (expected js or wasm, or unset for automatic)`);
  }
  // createWasmBackend reads TENSORKIT_THREADS (and throws naming it when it is not a thread count).
  const wasm = wanted === 'js' ? null : createWasmBackend({ fallback: jsBackend });
  if (wasm) {
    registerBackend(wasm);
    setBackendAlias('wasm', wasm.name); // setBackend('wasm') means what TENSORKIT_BACKEND=wasm means
    setBackend(wasm.name);
  } else if (wanted === 'wasm') {
    throw new Error('TENSORKIT_BACKEND=wasm but the WebAssembly kernels are unavailable (run `pnpm --filter @tensorkit/core build:wasm`, and use a runtime with WebAssembly SIMD)');
  }
}

try {
  chooseBackend();
} catch (e) {
  deferBackendError(e instanceof Error ? e : new Error(String(e)));
}
