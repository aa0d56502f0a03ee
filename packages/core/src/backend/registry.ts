/**
 * Chooses the active backend. The fast WebAssembly backend is used when it
 * loads (and TENSORKIT_BACKEND is not `js`); the pure-TypeScript backend is
 * the reference and the fallback.
 */
import type { Backend } from './backend.js';
import { jsBackend } from './js-backend.js';

const available = new Map<string, Backend>([['js', jsBackend]]);
let active: Backend = jsBackend;

export function registerBackend(backend: Backend): void {
  available.set(backend.name, backend);
}

export function getBackend(): Backend {
  return active;
}

export function listBackends(): string[] {
  return [...available.keys()];
}

/** Switches the active backend by name; throws naming the available ones. */
export function setBackend(name: string): Backend {
  const b = available.get(name);
  if (!b) throw new Error(`setBackend: unknown backend '${name}' (available: ${listBackends().join(', ')})`);
  active = b;
  return b;
}

/** Runs fn with a given backend active, restoring the previous one afterwards. */
export function withBackend<T>(name: string, fn: () => T): T {
  const prev = active;
  setBackend(name);
  try {
    return fn();
  } finally {
    active = prev;
  }
}
