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
const IMPLS: Impl[] = ['tensorkit-wasm', 'tensorkit-wasm-portable', 'tensorkit-js', 'tfjs-wasm', 'tfjs-cpu'];
/** The portable build is measured on GEMM only (its target is a GEMM figure); training cases use the default build. */
const implsFor = (c: string): Impl[] => IMPLS.filter((i) => i !== 'tensorkit-wasm-portable' || c in GEMM_SIZES);
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
  for (const impl of implsFor(c)) {
    const r = runOne(c, impl);
    rows.push(r);
    const v = r.value === null ? `error: ${r.error}` : `${r.value.toFixed(r.unit === 'gflops' ? 2 : 0)} ${r.unit}  (peak RSS ${r.peakRssMB?.toFixed(0)} MB)`;
    process.stderr.write(`${c.padEnd(16)} ${impl.padEnd(24)} ${v}\n`);
  }
}

/** The targets (tensorkit-wasm), shown next to the measurements. */
const TARGETS: Record<string, string> = {
  'gemm-1024': '≥ 95 relaxed (portable build ≥ 70)',
  'train-mlp': '≥ 25,000',
  'train-cnn': '≥ 1,500',
  'train-text': '≥ 30,000',
  'train-gru': '≥ 400',
};
const PEERS: Impl[] = ['tfjs-wasm', 'tfjs-cpu'];
const OURS: Impl[] = ['tensorkit-wasm', 'tensorkit-js'];
const get = (c: string, impl: Impl) => rows.find((r) => r.case === c && r.impl === impl);
const fmt = (r: Row | undefined) => (!r ? '–' : r.value !== null ? r.value.toFixed(r.unit === 'gflops' ? 1 : 0) : 'n/a');

// Ratios of each tensorkit backend over each peer; the table shows the default (wasm) backend's.
const ratios: { case: string; ours: Impl; peer: Impl; ratio: number }[] = [];
for (const c of cases) {
  for (const ours of OURS) {
    for (const peer of PEERS) {
      const o = get(c, ours);
      const p = get(c, peer);
      if (o?.value && p?.value) ratios.push({ case: c, ours, peer, ratio: o.value / p.value });
    }
  }
}
const ratioCell = (c: string, peer: Impl) => {
  const r = ratios.find((x) => x.case === c && x.ours === 'tensorkit-wasm' && x.peer === peer);
  return r ? `${r.ratio.toFixed(2)}×` : 'n/a';
};

const table: string[] = [];
const header = ['case', ...IMPLS, 'tk-wasm / tfjs-wasm', 'tk-wasm / tfjs-cpu', 'target (tk-wasm)'];
table.push(`| ${header.join(' | ')} |`);
table.push(`|${header.map(() => ' --- ').join('|')}|`);
for (const c of cases) table.push(`| ${[c, ...IMPLS.map((i) => fmt(get(c, i))), ratioCell(c, 'tfjs-wasm'), ratioCell(c, 'tfjs-cpu'), TARGETS[c] ?? ''].join(' | ')} |`);

const rss: string[] = [];
rss.push(`| case | ${IMPLS.join(' | ')} |`);
rss.push(`|${['case', ...IMPLS].map(() => ' --- ').join('|')}|`);
for (const c of cases) rss.push(`| ${[c, ...IMPLS.map((i) => { const r = get(c, i); return !r ? '–' : r.peakRssMB !== undefined ? r.peakRssMB.toFixed(0) : 'n/a'; })].join(' | ')} |`);

console.log('\nunits: gemm-* in GFLOPS, train-* in samples/s (forward + backward + Adam lr 1e-3, batch 64 (GRU 32), median of 5 timed runs after warm-up)\n');
console.log(table.join('\n'));
console.log('\npeak RSS (MB), each pair in its own process:\n');
console.log(rss.join('\n'));
const errors = rows.filter((r) => r.error);
for (const r of errors) console.log(`\nerror: ${r.case} ${r.impl}: ${r.error}`);
console.log('\nnotes (tfjs kernels filled or replaced in the training cases; see bench/src/cases/tfjs.ts for why):');
for (const note of new Set(rows.map((r) => r.note).filter(Boolean))) console.log(`  ${note}`);
const out = join(here, '..', 'results.json');
writeFileSync(out, JSON.stringify({ date: new Date().toISOString(), node: process.version, results: rows.map(({ case: c, impl, value, unit, peakRssMB, note, error }) => ({ case: c, impl, value, unit, peakRssMB, note, error })), ratios }, null, 2) + '\n');
console.log(`\nwrote ${out}`);
