/** The reference backend: pure TypeScript, always available, used for float64 and as the fallback. */
import type { Backend } from './backend.js';
import { jsGemm } from './js-gemm.js';

export const jsBackend: Backend = {
  name: 'js',
  gemm: jsGemm,
};
