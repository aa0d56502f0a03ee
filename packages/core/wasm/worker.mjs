// Worker thread of the @tensorkit/core wasm backend (plain ESM: Node 20 workers
// cannot load TypeScript). It instantiates the kernels on the shared memory it
// receives and helps with parallel GEMMs and convolutions: when woken for a job it calls
// runTasks(job, work), which claims tiles from the shared job record until
// none are left (see wasm/assembly/gemm.ts and src/backend/wasm/runtime.ts).
//
// Control words (int32 index relative to this worker's slot):
//   SIGNAL  bumped by the main thread for every wake-up or job (the worker sleeps on it)
//   JOBSEQ  id of the latest posted job
//   READY   1 once the worker is instantiated
//   CMD     1 = help with the job, 2 = exit
//   WSLEEP  1 while this worker is (about to be) blocked in Atomics.wait
// Job record words used here: COMPLETED (1), MSLEEP (21: the main thread sleeps
// on COMPLETED), FAILED (22). Each side calls Atomics.notify only when the other
// has said it is asleep; a woken worker spins briefly for a job before sleeping.
import { workerData } from 'node:worker_threads';

const { module, memory, slotByte, jobByte, workByte, thread } = workerData;
const { runTasks } = new WebAssembly.Instance(module, { env: { memory } }).exports;
const ctl = new Int32Array(memory.buffer, 0, (slotByte >> 2) + 16);
const base = slotByte >> 2;
const SIGNAL = base;
const JOBSEQ = base + 1;
const READY = base + 2;
const CMD = base + 3;
const WSLEEP = base + 4;
const COMPLETED = (jobByte >> 2) + 1;
const MSLEEP = (jobByte >> 2) + 21;
const FAILED = (jobByte >> 2) + 22;
const SPIN_MS = 0.05; // spin this long for a job after a wake-up or a finished job

let lastJob = Atomics.load(ctl, JOBSEQ);
Atomics.store(ctl, READY, 1);
for (;;) {
  let until = performance.now() + SPIN_MS;
  let spins = 0;
  while (Atomics.load(ctl, JOBSEQ) === lastJob) {
    if ((++spins & 63) !== 0 || performance.now() < until) continue;
    Atomics.store(ctl, WSLEEP, 1);
    const signal = Atomics.load(ctl, SIGNAL);
    if (Atomics.load(ctl, JOBSEQ) === lastJob) Atomics.wait(ctl, SIGNAL, signal);
    Atomics.store(ctl, WSLEEP, 0);
    until = performance.now() + SPIN_MS;
  }
  lastJob = Atomics.load(ctl, JOBSEQ);
  if (Atomics.load(ctl, CMD) === 2) break;
  try {
    runTasks(jobByte, workByte, thread);
  } catch {
    Atomics.store(ctl, FAILED, 1); // a claimed tile is lost: the main thread must not wait for it
    Atomics.notify(ctl, COMPLETED);
  } finally {
    if (Atomics.load(ctl, MSLEEP) === 1) Atomics.notify(ctl, COMPLETED);
  }
}
