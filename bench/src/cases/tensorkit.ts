/** tensorkit's side of every case, on a chosen backend. */
import { createWasmBackend, jsBackend, listBackends, matmul, rand, registerBackend, setBackend } from '@tensorkit/core';
import { timeIt } from '../measure.js';
import { GEMM_SIZES, type CaseResult, type TrainCase } from './types.js';
import { buildTrainStep } from './tensorkit-train.js';

/** Activates the pure-TS backend ('js') or whichever wasm build loaded ('wasm-relaxed-simd' / 'wasm-simd'). */
export function selectBackend(kind: 'js' | 'wasm'): string {
  const name = listBackends().find((b) => b === kind || b.startsWith(`${kind}-`));
  if (!name) throw new Error(`backend '${kind}' is not available (have: ${listBackends().join(', ')})`);
  setBackend(name);
  return name;
}

/** Activates the portable (no relaxed-SIMD) wasm build, which runtimes without relaxed SIMD get. */
export async function selectPortableWasm(): Promise<string> {
  const w = createWasmBackend({ fallback: jsBackend, simd: 'portable' });
  if (!w) throw new Error('the portable wasm build is not available');
  await w.ready();
  registerBackend({ ...w, name: 'wasm-simd-portable' });
  setBackend('wasm-simd-portable');
  return 'wasm-simd-portable';
}

export async function tkGemm(name: string): Promise<CaseResult> {
  const [m, k, n] = GEMM_SIZES[name];
  const a = rand([m, k]);
  const b = rand([k, n]);
  const sec = await timeIt(() => matmul(a, b), { samples: 5, minMs: 300 });
  return { value: (2 * m * n * k) / sec / 1e9, unit: 'gflops' };
}

export async function tkTrain(which: TrainCase): Promise<CaseResult> {
  const { step, batch } = buildTrainStep(which);
  const sec = await timeIt(step, { warmup: 2, samples: 5, minMs: which === 'train-gru' || which === 'train-cnn' ? 1500 : 400 });
  return { value: batch / sec, unit: 'samples/s' };
}
