// The loop every thread of a parallel kernel runs (the caller and each woken
// worker): claim a tile of the open job, compute it, count it, until none is
// left. The job's mode is read after each claim, never before: a thread still
// looping after the end of one job can claim a tile of the next one (the claim
// word carries the job's generation, so it can only claim a tile of the job
// that is open), and must then compute that job's tile, whatever its kind.
import { claimTile, gemmTile, JOB_COMPLETED, JOB_MODE } from './gemm';
import { convTile, MODE_CONV_FORWARD } from './conv-tasks';

/** Returns how many tiles this thread computed. `thread`: 0 for the caller, i ≥ 1 for worker i. */
export function runTasks(job: usize, work: usize, thread: i32): i32 {
  let done = 0;
  for (;;) {
    const t = claimTile(job);
    if (t < 0) break;
    if (load<i32>(job + JOB_MODE) >= MODE_CONV_FORWARD) convTile(job, work, thread, t);
    else gemmTile(job, work, t);
    done++;
    atomic.add<i32>(job + JOB_COMPLETED, 1);
  }
  return done;
}
