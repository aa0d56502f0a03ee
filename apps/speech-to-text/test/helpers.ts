/** Test fixtures: WAV encoding in every common layout, temp folders, the shipped samples. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeWav } from '@tensorkit/data';

export type WavLayout = { bits: 8 | 16 | 24 | 32; float?: boolean; channels?: number; extensible?: boolean };

/** Encodes mono samples (duplicated to every channel) in the given layout. */
export function encodeWavAs(samples: Float32Array, sampleRate: number, layout: WavLayout): Buffer {
  const ch = layout.channels ?? 1;
  const bytes = layout.bits / 8;
  const fmtSize = layout.extensible ? 40 : 16;
  const dataSize = samples.length * ch * bytes;
  const out = Buffer.alloc(12 + 8 + fmtSize + 8 + dataSize);
  out.write('RIFF', 0, 'latin1');
  out.writeUInt32LE(out.length - 8, 4);
  out.write('WAVE', 8, 'latin1');
  out.write('fmt ', 12, 'latin1');
  out.writeUInt32LE(fmtSize, 16);
  const tag = layout.float ? 3 : 1;
  out.writeUInt16LE(layout.extensible ? 0xfffe : tag, 20);
  out.writeUInt16LE(ch, 22);
  out.writeUInt32LE(sampleRate, 24);
  out.writeUInt32LE(sampleRate * ch * bytes, 28);
  out.writeUInt16LE(ch * bytes, 32);
  out.writeUInt16LE(layout.bits, 34);
  if (layout.extensible) {
    out.writeUInt16LE(22, 36);
    out.writeUInt16LE(layout.bits, 38);
    out.writeUInt32LE(ch === 2 ? 3 : 4, 40);
    out.writeUInt16LE(tag, 44); // first two bytes of the sub-format GUID
    Buffer.from([0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71]).copy(out, 46);
  }
  let pos = 20 + fmtSize;
  out.write('data', pos, 'latin1');
  out.writeUInt32LE(dataSize, pos + 4);
  pos += 8;
  for (const v0 of samples) {
    const v = Math.max(-1, Math.min(1 - 1 / 32768, v0));
    for (let c = 0; c < ch; c++) {
      if (layout.float) out.writeFloatLE(v, pos);
      else if (layout.bits === 8) out.writeUInt8(Math.round(v * 128) + 128, pos);
      else if (layout.bits === 16) out.writeInt16LE(Math.round(v * 32767), pos);
      else if (layout.bits === 24) out.writeIntLE(Math.round(v * 8388607), pos, 3);
      else out.writeInt32LE(Math.round(v * 2147483647), pos);
      pos += bytes;
    }
  }
  return out;
}

export function tempDir(prefix = 'speech-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A tone burst "word": a few harmonics of f0 with a smooth envelope. */
export function toneWord(f0: number, seconds: number, sampleRate: number): Float32Array {
  const n = Math.round(seconds * sampleRate);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const env = Math.sin((Math.PI * i) / n) ** 2;
    const t = i / sampleRate;
    out[i] = 0.3 * env * (Math.sin(2 * Math.PI * f0 * t) + 0.5 * Math.sin(4 * Math.PI * f0 * t));
  }
  return out;
}

/** An FSDD-style folder at `dir`: digits 0–1 as tone words (150 / 250 Hz), recordings 0…recordings−1 of each speaker. */
export function toneFsddFolder(dir: string, speakers: readonly string[], recordings: number, sampleRate = 8000): string {
  mkdirSync(dir);
  for (const s of speakers) for (let d = 0; d < 2; d++) for (let i = 0; i < recordings; i++) {
    writeFileSync(join(dir, `${d}_${s}_${i}.wav`), encodeWav(toneWord(150 + 100 * d, 0.25, sampleRate), sampleRate));
  }
  return dir;
}
