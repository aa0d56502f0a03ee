/**
 * Chooses the active backend. The fast WebAssembly backend is used when it
 * loads (and TENSORKIT_BACKEND is not `js`); the pure-TypeScript backend is
 * the reference and the fallback.
 */
import type { Backend } from './backend.js';
import { jsBackend } from './js-backend.js';
import { checkFunction, describeValue } from '../args.js';

const available = new Map<string, Backend>([['js', jsBackend]]);
/** Other names setBackend accepts: 'wasm' for the WebAssembly backend chosen at import (as TENSORKIT_BACKEND=wasm). */
const aliases = new Map<string, string>();
let active: Backend = jsBackend;
/**
 * A bad TENSORKIT_BACKEND / TENSORKIT_THREADS found at import (auto.ts): thrown by getBackend() —
 * the first op that needs a backend — rather than by the import itself, so a CLI's error handler
 * prints it as one line instead of Node printing an uncaught exception with a stack trace.
 * setBackend() clears it (the program chose a backend itself).
 */
let pendingError: Error | null = null;

/**
 * Adds a backend under its name. A malformed one is refused here rather than when an op first
 * calls it; so is the name 'js', which would replace the reference backend every fallback uses.
 */
export function registerBackend(backend: Backend): void {
  if (backend === null || typeof backend !== 'object') throw new Error(`registerBackend: expected a backend object, got ${describeValue(backend)}`);
  const { name } = backend;
  if (typeof name !== 'string' || name === '') throw new Error(`registerBackend: the backend needs a non-empty string name, got ${describeValue(name)}`);
  if (name === 'js' && backend !== jsBackend) throw new Error("registerBackend: 'js' is the reference backend and cannot be replaced; register yours under another name");
  if (typeof backend.gemm !== 'function') throw new Error(`registerBackend: backend '${name}' must implement gemm(), got ${describeValue(backend.gemm)}`);
  available.set(name, backend);
}

export function getBackend(): Backend {
  if (pendingError) throw pendingError;
  return active;
}

/** Makes getBackend() throw `error` until setBackend() is called (not exported from the package: auto.ts uses it). */
export function deferBackendError(error: Error): void {
  pendingError = error;
}

export function listBackends(): string[] {
  return [...available.keys()];
}

/** Makes `alias` another name for the registered backend `target` (not exported from the package: auto.ts sets 'wasm'). */
export function setBackendAlias(alias: string, target: string): void {
  aliases.set(alias, target);
}

/** Switches the active backend by name (or alias); throws naming the accepted ones. */
export function setBackend(name: string): Backend {
  const b = available.get(name) ?? available.get(aliases.get(name) ?? '');
  if (!b) {
    const names = [...listBackends(), ...[...aliases].map(([alias, target]) => `${alias} (= ${target})`)];
    throw new Error(`setBackend: unknown backend '${name}' (available: ${names.join(', ')})`);
  }
  active = b;
  pendingError = null;
  return b;
}

/** Runs fn with a given backend active, restoring the previous one afterwards. */
export function withBackend<T>(name: string, fn: () => T): T {
  checkFunction('withBackend', 'fn (the second argument)', fn);
  const prev = active;
  const prevError = pendingError;
  setBackend(name);
  try {
    return fn();
  } finally {
    active = prev;
    pendingError = prevError;
  }
}
