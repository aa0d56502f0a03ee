// A run folder: metrics.jsonl (one line per epoch) and a training curve, rewritten as the run goes.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { imageInfo } from '@tensorkit/data';
import { lossAccuracyCurveSvg, RunFolder, type ClassifierEpochRecord } from '@tensorkit/train';

const dir = mkdtempSync(join(tmpdir(), 'tensorkit-run-'));
try {
  const run = new RunFolder<ClassifierEpochRecord>(join(dir, 'runs', 'digits'));
  run.reset(); // a new run starts an empty metrics.jsonl (a previous run's lines are replaced)

  const history: ClassifierEpochRecord[] = [];
  for (let epoch = 1; epoch <= 3; epoch++) {
    const record: ClassifierEpochRecord = {
      epoch, loss: 1 / epoch, accuracy: 1 - 0.3 / epoch,
      // No validation split in this run: NaN is skipped by the chart and written as null.
      val_loss: NaN, val_accuracy: NaN,
      lr: 1e-3, samples_per_sec: 1200, epoch_seconds: 50, elapsed_seconds: 50 * epoch,
    };
    history.push(record);
    run.append(record);
    // Redrawn from the whole history after every epoch, so the PNG can be watched during training.
    await run.writeCurve(lossAccuracyCurveSvg(history));
  }

  const lines = readFileSync(run.metricsPath, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(lines.map((l) => l.epoch), [1, 2, 3]);
  assert.equal(lines[0].val_loss, null); // NaN is not JSON
  assert.equal(typeof lines[0].time, 'string'); // append() stamps each line with an ISO time
  assert.equal(run.curveSvgPath, join(run.dir, 'curve.svg'));
  const png = await imageInfo(readFileSync(run.curvePath));
  assert.deepEqual([png.format, png.width, png.height], ['png', 960, 380]);

  // Resuming from a checkpoint taken after epoch 2: rewrite() replaces the file with the checkpoint's
  // own history, so epoch 3 is not logged twice when it runs again.
  const resumed = new RunFolder<ClassifierEpochRecord>(run.dir);
  resumed.rewrite(history.slice(0, 2));
  resumed.append(history[2]);
  const after = readFileSync(run.metricsPath, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(after.map((l) => l.epoch), [1, 2, 3]);
  console.log(`${run.metricsPath}: ${after.length} epochs; curve ${run.curvePath}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
