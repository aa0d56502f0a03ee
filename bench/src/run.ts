/**
 * `pnpm bench`: GEMM GFLOPS and training throughput for tensorkit (each
 * backend) against TensorFlow.js (cpu and wasm backends), each pair in its
 * own process so peak RSS is per case. Prints a table with ratios and writes
 * bench/results.json.
 *
 *   pnpm bench                 # everything
 *   pnpm bench gemm            # only cases whose name contains "gemm"
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GEMM_SIZES, TRAIN_CASES, type Impl } from './cases/types.js';

interface Row {
  case: string;
  impl: Impl;
  value: number | null;
  unit: string;
  peakRssMB?: number;
  note?: string;
  error?: string;
}

const here = dirname(fileURLToPath(import.meta.url));
const filter = process.argv[2];
const IMPLS: Impl[] = ['tensorkit-wasm', 'tensorkit-js', 'tfjs-wasm', 'tfjs-cpu'];
const cases = [...Object.keys(GEMM_SIZES), ...TRAIN_CASES].filter((c) => !filter || c.includes(filter));

function runOne(caseName: string, impl: Impl): Row {
  const res = spawnSync(process.execPath, ['--import', 'tsx', '--conditions=@tensorkit/source', join(here, 'worker.ts'), caseName, impl], {
    encoding: 'utf8',
    timeout: 300_000,
    env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '3' },
  });
  const line = (res.stdout ?? '').trim().split('\n').filter(Boolean).pop() ?? '';
  try {
    const parsed = JSON.parse(line);
    if (parsed.error) return { case: caseName, impl, value: null, unit: '', error: parsed.error };
    return { case: caseName, impl, ...parsed };
  } catch {
    return { case: caseName, impl, value: null, unit: '', error: (res.stderr || 'no output').trim().split('\n').slice(-1)[0] };
  }
}

const rows: Row[] = [];
for (const c of cases) {
  for (const impl of IMPLS) {
    const r = runOne(c, impl);
    rows.push(r);
    const v = r.value === null ? `error: ${r.error}` : `${r.value.toFixed(r.unit === 'gflops' ? 2 : 0)} ${r.unit}  (peak RSS ${r.peakRssMB?.toFixed(0)} MB)`;
    process.stderr.write(`${c.padEnd(16)} ${impl.padEnd(15)} ${v}\n`);
  }
}

const ratios: { case: string; ours: string; peer: string; ratio: number }[] = [];
const table: string[] = [];
const header = ['case', ...IMPLS, 'best tk / tfjs-wasm', 'best tk / tfjs-cpu'];
table.push(header.join(' | '));
table.push(header.map(() => '---').join(' | '));
for (const c of cases) {
  const get = (impl: Impl) => rows.find((r) => r.case === c && r.impl === impl);
  const ours = [get('tensorkit-wasm'), get('tensorkit-js')].filter((r): r is Row => !!r && r.value !== null).sort((a, b) => b.value! - a.value!)[0];
  const cells = IMPLS.map((i) => {
    const r = get(i);
    return r && r.value !== null ? r.value.toFixed(r.unit === 'gflops' ? 2 : 0) : 'n/a';
  });
  const ratioCells = (['tfjs-wasm', 'tfjs-cpu'] as Impl[]).map((peer) => {
    const p = get(peer);
    if (!ours || !p || p.value === null || !p.value) return 'n/a';
    const ratio = ours.value! / p.value;
    ratios.push({ case: c, ours: ours.impl, peer, ratio });
    return `${ratio.toFixed(2)}×`;
  });
  table.push([c, ...cells, ...ratioCells].join(' | '));
}
console.log('\nunits: gemm-* in GFLOPS, train-* in samples/s (forward + backward + Adam step)\n');
console.log(table.join('\n'));
for (const note of new Set(rows.map((r) => r.note).filter(Boolean))) console.log(`\nnote (tfjs-wasm): ${note}`);
const out = join(here, '..', 'results.json');
writeFileSync(out, JSON.stringify({ date: new Date().toISOString(), node: process.version, results: rows.map(({ case: c, impl, value, unit, peakRssMB, note, error }) => ({ case: c, impl, value, unit, peakRssMB, note, error })), ratios }, null, 2) + '\n');
console.log(`\nwrote ${out}`);
