// Builds the WebAssembly kernels of @tensorkit/core into wasm/build/:
//   kernels-simd.wasm     portable SIMD (f32x4.mul + f32x4.add)
//   kernels-relaxed.wasm  relaxed SIMD (f32x4.relaxed_madd), same source
//   worker.mjs            the worker-thread script (copied from wasm/worker.mjs so
//                         that the published `wasm/build` folder is self-contained)
// Both modules import one shared memory (env.memory) so worker threads can run
// the same kernels on the same data. Run with `pnpm --filter @tensorkit/core build:wasm`;
// WASM_DEBUG=1 keeps function names, so CPU profiles show kernel names.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import asc from 'assemblyscript/asc';

const here = dirname(fileURLToPath(import.meta.url));
const outDir = join(here, 'build');
mkdirSync(outDir, { recursive: true });

const common = [
  join(here, 'assembly', 'index.ts'),
  '-O3', ...(process.env.WASM_DEBUG ? ['--debug'] : []), '--noAssert', '--runtime', 'stub', '--use', 'abort=',
  '--enable', 'simd', '--enable', 'threads',
  '--importMemory', '--sharedMemory', '--initialMemory', '1', '--maximumMemory', '65536',
];

const variants = [
  { name: 'kernels-simd', flags: [] },
  { name: 'kernels-relaxed', flags: ['--enable', 'relaxed-simd'] },
];

const started = performance.now();
for (const { name, flags } of variants) {
  const out = join(outDir, `${name}.wasm`);
  const tmp = `${out}.tmp`;
  const { error, stderr } = await asc.main([...common, ...flags, '--outFile', tmp], {});
  if (error) {
    process.stderr.write(stderr.toString());
    console.error(`wasm build: ${name} failed: ${error.message}`);
    process.exit(1);
  }
  renameSync(tmp, out); // atomic: a concurrent reader never sees a half-written file
}
const worker = readFileSync(join(here, 'worker.mjs'));
writeFileSync(join(outDir, 'worker.mjs.tmp'), worker);
renameSync(join(outDir, 'worker.mjs.tmp'), join(outDir, 'worker.mjs'));
console.log(`wasm build: ${variants.map((v) => v.name).join(', ')}, worker.mjs in ${((performance.now() - started) / 1000).toFixed(1)} s`);
