// Atomic writes and the CLI conventions: check outputs before a long job, fail with one clear line.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { atomicWriteFile, checkWritable, runCli, UserError } from '@tensorkit/train';

const dir = mkdtempSync(join(tmpdir(), 'tensorkit-cli-'));
try {
  // Readers see the old file or the new one, never half of either: temp file, fsync, rename.
  const report = join(dir, 'reports', 'eval.json'); // missing folders are created
  atomicWriteFile(report, JSON.stringify({ accuracy: 0.97 }));
  atomicWriteFile(report, JSON.stringify({ accuracy: 0.98 }));
  assert.deepEqual(JSON.parse(readFileSync(report, 'utf8')), { accuracy: 0.98 });
  assert.deepEqual(readdirSync(join(dir, 'reports')), ['eval.json']); // no temp file left behind

  // checkWritable runs before training, so a bad --out fails now rather than after the last epoch.
  const notAFolder = join(dir, 'notes.txt');
  writeFileSync(notAFolder, 'a file, not a folder');
  checkWritable(join(dir, 'models', 'digits.safetensors'), '--out');
  assert.throws(() => checkWritable(join(notAFolder, 'model.safetensors'), '--out'), (e: unknown) => {
    assert.ok(e instanceof UserError);
    assert.match(e.message, /^--out .*notes\.txt\/model\.safetensors: cannot write there \(part of that path is a file, not a folder\)$/);
    return true;
  });
  assert.throws(() => checkWritable(dir, '--out'), /is a folder; give a file name \(e\.g\. .*model\.safetensors\)/);

  // runCli turns a thrown error into `error: <message>` on stderr and exit code 1 (no stack trace
  // unless TENSORKIT_DEBUG is set). Captured here so this example itself still exits with 0.
  const written: string[] = [];
  const write = process.stderr.write;
  const exitCode = process.exitCode;
  process.stderr.write = ((chunk: string) => {
    written.push(chunk);
    return true;
  }) as typeof process.stderr.write;
  try {
    await runCli(async () => {
      throw new UserError('--epochs must be a positive integer, got 0');
    });
    assert.equal(process.exitCode, 1);
  } finally {
    process.stderr.write = write;
    process.exitCode = exitCode;
  }
  assert.deepEqual(written, ['error: --epochs must be a positive integer, got 0\n']);
  console.log(written[0].trim());
} finally {
  rmSync(dir, { recursive: true, force: true });
}
