import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Encodes mono samples in [-1, 1] as 16-bit PCM WAV; values outside are clipped, NaN and ±Infinity refused. */
export function encodeWav(samples: Float32Array | readonly number[], sampleRate: number): Buffer {
  if (!(Number.isInteger(sampleRate) && sampleRate > 0)) throw new Error(`encodeWav: sample rate must be a positive integer, got ${sampleRate}`);
  const n = samples.length;
  const out = Buffer.alloc(44 + 2 * n);
  out.write('RIFF', 0, 'latin1');
  out.writeUInt32LE(36 + 2 * n, 4);
  out.write('WAVE', 8, 'latin1');
  out.write('fmt ', 12, 'latin1');
  out.writeUInt32LE(16, 16);
  out.writeUInt16LE(1, 20);
  out.writeUInt16LE(1, 22);
  out.writeUInt32LE(sampleRate, 24);
  out.writeUInt32LE(sampleRate * 2, 28);
  out.writeUInt16LE(2, 32);
  out.writeUInt16LE(16, 34);
  out.write('data', 36, 'latin1');
  out.writeUInt32LE(2 * n, 40);
  for (let i = 0; i < n; i++) {
    const v = samples[i];
    // A NaN written as silence (or an infinity as full scale) would hide the bug that made it.
    if (!Number.isFinite(v)) throw new Error(`encodeWav: sample ${i} is ${v}; samples must be finite numbers`);
    // Same scale as the reader (code / 32768), so a write/read round trip is exact to 1 LSB.
    const code = Math.max(-32768, Math.min(32767, Math.round(v * 32768)));
    out.writeInt16LE(code, 44 + 2 * i);
  }
  return out;
}

/**
 * Writes a 16-bit PCM mono WAV atomically: a temporary file beside the target, synced, then
 * renamed over it — a crash or a failed write leaves the previous file (and no temporary one).
 */
export async function writeWav(path: string, samples: Float32Array | readonly number[], sampleRate: number): Promise<void> {
  const bytes = encodeWav(samples, sampleRate); // bad samples throw before anything is written
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    const fh = await open(tmp, 'wx');
    try {
      await fh.writeFile(bytes);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw new Error(`writeWav: cannot write ${path} (${(e as Error).message})`, { cause: e });
  }
}
