import { basename } from 'node:path';
import writeFileAtomic from 'write-file-atomic';

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

/** write-file-atomic names its temporary file `<name>.<uint32>`: up to 11 bytes more than the 255 a file name may have. */
const MAX_NAME_BYTES = 255 - 11;

/**
 * Writes a 16-bit PCM mono WAV atomically (npm's write-file-atomic): a temporary file beside the
 * target, synced, then renamed over it — a crash or a failed write leaves the previous file (and no
 * temporary one); a symlink is written through to its target.
 */
export async function writeWav(path: string, samples: Float32Array | readonly number[], sampleRate: number): Promise<void> {
  const bytes = encodeWav(samples, sampleRate); // bad samples throw before anything is written
  // Checked up front: the temporary file's suffix varies in length, so a name near the limit would fail only sometimes.
  const nameBytes = Buffer.byteLength(basename(path));
  if (nameBytes > MAX_NAME_BYTES) {
    throw new Error(`writeWav: cannot write ${path} (the file name is ${nameBytes} bytes: too long for the temporary file an atomic write needs beside it; use at most ${MAX_NAME_BYTES})`);
  }
  try {
    await writeFileAtomic(path, bytes);
  } catch (e) {
    throw new Error(`writeWav: cannot write ${path} (${(e as Error).message})`, { cause: e });
  }
}
