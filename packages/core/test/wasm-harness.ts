/**
 * A wasm backend registered under its own name for one describe block, with counting wrappers
 * around the kernels under test: a test can then prove that the fused kernel (not the
 * TypeScript fallback) produced the results it compares.
 */
import { afterAll, beforeAll } from 'vitest';
import { jsBackend, registerBackend, type Backend } from '@tensorkit/core';
import { createWasmBackend, type WasmBackend, type WasmBackendOptions } from '../src/backend/wasm/index.js';

type KernelName = { [K in keyof Backend]-?: NonNullable<Backend[K]> extends (...args: never[]) => unknown ? K : never }[keyof Backend];

export interface CountedWasmBackend {
  /** Null when wasm is unavailable here (the tests then skip). */
  readonly backend: WasmBackend | null;
  /** The registered name to pass to withBackend. */
  readonly name: string;
  /** Calls per kernel since the block started. */
  readonly calls: { forward: number; backward: number };
}

/** Registers the backend in beforeAll and disposes it in afterAll of the enclosing describe. */
export function useCountedWasmBackend(name: string, options: WasmBackendOptions, kernels: { forward: KernelName; backward: KernelName }): CountedWasmBackend {
  const state = { backend: null as WasmBackend | null, name, calls: { forward: 0, backward: 0 } };
  beforeAll(async () => {
    const w = createWasmBackend({ fallback: jsBackend, adaptiveThreads: false, ...options });
    if (!w) return;
    await w.ready();
    const wrap = (kernel: KernelName, which: 'forward' | 'backward') => {
      const fn = w[kernel] as ((...a: unknown[]) => unknown) | undefined;
      if (typeof fn !== 'function') throw new Error(`wasm backend has no ${String(kernel)} kernel`);
      return (...a: unknown[]) => (state.calls[which]++, fn.apply(w, a));
    };
    registerBackend({ ...w, name, [kernels.forward]: wrap(kernels.forward, 'forward'), [kernels.backward]: wrap(kernels.backward, 'backward') });
    state.backend = w;
  });
  afterAll(() => state.backend?.dispose());
  return state;
}
