/**
 * Retrains the shipped digits model from its recipe (src/shipped-recipe.ts): the three members'
 * `speech train` runs — two lanes side by side by default, one per core — then their ensemble.
 *   tsx --conditions=@tensorkit/source apps/speech-to-text/scripts/train-shipped.ts --data ../shared/data/fsdd/recordings --out digits.safetensors [--work DIR] [--lanes 1|2]
 * The members and their run folders go to --work (default: <out without .safetensors>-members/). Each
 * lane's kernels get their share of the cores (TENSORKIT_THREADS, unless it is set), and with two
 * lanes each child collects garbage on its own thread (--single-threaded-gc; see trainMember).
 */
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { runCli, UserError } from '@tensorkit/train';
import { makeEnsemble } from '../src/ensemble.js';
import { saveModel } from '../src/model-file.js';
import { recipeLanes, shippedDigitsMembers, type RecipeMember } from '../src/shipped-recipe.js';

const CLI = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
const running = new Set<ReturnType<typeof spawn>>();

/**
 * Runs one member's training in a child process (the same loader flags as this one), its lines
 * prefixed. Each lane gets its share of the cores for its kernels' worker threads, so that two lanes
 * on two cores run two busy threads, not four (left at the default of one thread per core in every
 * process, an epoch took about as long — 1 min 14 s against 1 min 10–20 s — but the lanes' workers
 * contend for the cores the other lane is using).
 */
function trainMember(m: RecipeMember, threads: number, lanes: number): Promise<number> {
  const started = Date.now();
  const env = { ...process.env, TENSORKIT_THREADS: process.env.TENSORKIT_THREADS ?? String(threads) };
  // V8's parallel garbage collector runs helper threads beside the training thread (about a quarter
  // of a core more per process): with a lane per core they take time from the other lane. Collected
  // on the training thread instead, two 4-epoch runs side by side took 2 min 35 s against 3 min 1 s
  // (epochs 22/38/42/44 s against 27/46/50/49 s), for about 200 MB more peak RSS each (0.87–0.93 GB
  // against 0.67–0.72). The GC does not touch the numbers.
  const gc = lanes > 1 ? ['--single-threaded-gc'] : [];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, ...gc, CLI, 'train', ...m.args, '--quiet'], { stdio: ['ignore', 'pipe', 'pipe'], env });
    running.add(child);
    const prefix = (chunk: Buffer, to: NodeJS.WriteStream) => {
      for (const line of chunk.toString().split('\n')) if (line.trim()) to.write(`[${m.name}] ${line}\n`);
    };
    child.stdout.on('data', (c: Buffer) => prefix(c, process.stdout));
    child.stderr.on('data', (c: Buffer) => prefix(c, process.stderr));
    child.on('error', reject);
    child.on('close', (code) => {
      running.delete(child);
      if (code === 0) resolve((Date.now() - started) / 60_000);
      else reject(new UserError(`the ${m.name} member's training failed (exit code ${code}); its output is above, prefixed [${m.name}]`));
    });
  });
}

await runCli(async () => {
  const { values } = parseArgs({ options: { data: { type: 'string' }, out: { type: 'string' }, work: { type: 'string' }, lanes: { type: 'string', default: '2' } } });
  const { data, out } = values;
  if (!data || !out) throw new UserError('usage: train-shipped.ts --data FSDD_DIR --out FILE.safetensors [--work DIR] [--lanes 1|2]');
  if (values.lanes !== '1' && values.lanes !== '2') throw new UserError(`--lanes must be 1 or 2, got ${values.lanes}`);
  const work = values.work ?? `${out.replace(/\.safetensors$/, '')}-members`;
  mkdirSync(work, { recursive: true });
  const members = shippedDigitsMembers(data, work);
  const started = Date.now();
  try {
    const lanes = recipeLanes(members, values.lanes === '1' ? 1 : 2);
    const threads = Math.max(1, Math.floor(availableParallelism() / lanes.length));
    await Promise.all(lanes.map(async (lane) => {
      for (const m of lane) console.log(`[${m.name}] done in ${(await trainMember(m, threads, lanes.length)).toFixed(1)} min: ${m.out}`);
    }));
  } catch (e) {
    for (const child of running) child.kill();
    throw e;
  }
  await saveModel(out, await makeEnsemble(members.map((m) => m.out)), { half: false });
  console.log(`wrote ${out}: the ensemble of ${members.map((m) => m.name).join(', ')} in ${((Date.now() - started) / 60_000).toFixed(1)} min`);
});
