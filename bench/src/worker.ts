/** Runs one (case, impl) pair in a fresh process and prints {value, unit, peakRssMB, note} as JSON. */
import { peakRssMB } from './measure.js';
import { GEMM_SIZES, type CaseResult, type Impl, type TrainCase } from './cases/types.js';

async function main(): Promise<void> {
  const [caseName, impl] = process.argv.slice(2) as [string, Impl];
  let result: CaseResult;
  if (impl.startsWith('tensorkit')) {
    const tk = await import('./cases/tensorkit.js');
    const backend = impl === 'tensorkit-wasm-portable' ? await tk.selectPortableWasm() : tk.selectBackend(impl === 'tensorkit-wasm' ? 'wasm' : 'js');
    result = caseName in GEMM_SIZES ? await tk.tkGemm(caseName) : await tk.tkTrain(caseName as TrainCase);
    result.note = `${impl}: backend ${backend}`;
  } else {
    const peer = await import('./cases/tfjs.js');
    const { tf, note } = await peer.loadTf(impl === 'tfjs-wasm' ? 'wasm' : 'cpu');
    result = caseName in GEMM_SIZES ? await peer.tfGemm(tf, caseName) : await peer.tfTrain(tf, caseName as TrainCase);
    if (note && !(caseName in GEMM_SIZES)) result.note = note;
  }
  process.stdout.write(JSON.stringify({ ...result, peakRssMB: peakRssMB() }) + '\n');
}

main().catch((e) => {
  process.stdout.write(JSON.stringify({ error: (e as Error).message }) + '\n');
  process.exitCode = 1;
});
