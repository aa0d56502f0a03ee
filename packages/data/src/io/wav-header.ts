import { DataFormatError } from './errors.js';
import { toBytes } from '../options.js';

export type WavEncoding = 'pcm' | 'float';

export interface WavFormat {
  encoding: WavEncoding;
  channels: number;
  sampleRate: number;
  bitsPerSample: number;
  blockAlign: number;
  /** True when the file used WAVE_FORMAT_EXTENSIBLE (0xFFFE). */
  extensible: boolean;
}

export interface WavLayout {
  format: WavFormat;
  dataOffset: number;
  dataLength: number;
}

const FORMAT_NAMES: Record<number, string> = {
  0x0002: 'Microsoft ADPCM',
  0x0006: 'A-law',
  0x0007: 'µ-law',
  0x0011: 'IMA ADPCM',
  0x0031: 'GSM 6.10',
  0x0055: 'MPEG layer 3',
  0x0050: 'MPEG',
};

const SUPPORTED = 'supported: PCM (0x0001) 8/16/24/32-bit, IEEE float (0x0003) 32/64-bit, or WAVE_FORMAT_EXTENSIBLE (0xFFFE) wrapping one of those';

function fourcc(b: Uint8Array, at: number): string {
  return String.fromCharCode(b[at], b[at + 1], b[at + 2], b[at + 3]);
}

/** Four printable ASCII characters at `at`, with room for a chunk size after them: plausibly a chunk header. */
function isChunkId(b: Uint8Array, at: number): boolean {
  if (at + 8 > b.length) return false;
  for (let i = at; i < at + 4; i++) if (b[i] < 0x20 || b[i] > 0x7e) return false;
  return true;
}

/** A plausible chunk header at `at` whose declared body fits in the file. */
function isWholeChunk(b: Uint8Array, view: DataView, at: number): boolean {
  return isChunkId(b, at) && at + 8 + view.getUint32(at + 4, true) <= b.length;
}

function printable(tag: string): string {
  return JSON.stringify(tag);
}

/** Names the audio formats people most often hand a WAV reader by mistake, from their first bytes. */
function otherAudioFormat(bytes: Uint8Array): string | null {
  const head = fourcc(bytes, 0);
  // An ID3 tag, or an MPEG audio frame sync with a layer (AAC's ADTS sync has layer bits 00).
  if (head.startsWith('ID3') || (bytes[0] === 0xff && (bytes[1] & 0xe0) === 0xe0 && (bytes[1] & 0x06) !== 0)) return 'an MP3 file';
  if (bytes[0] === 0xff && (bytes[1] & 0xf6) === 0xf0) return 'an AAC (ADTS) file';
  if (head === 'fLaC') return 'a FLAC file';
  if (head === 'OggS') return 'an Ogg file (Vorbis or Opus)';
  if (fourcc(bytes, 4) === 'ftyp') return 'an MP4/M4A file';
  if (head === 'FORM' && ['AIFF', 'AIFC'].includes(fourcc(bytes, 8))) return 'an AIFF file';
  if (head === 'caff') return 'a Core Audio (CAF) file';
  if (head === '.snd') return 'a Sun/NeXT AU file';
  if (head === 'RIFF' && fourcc(bytes, 8) === 'AVI ') return 'an AVI video';
  return null;
}

/**
 * Walks the RIFF chunks of a WAV file (honouring the pad byte after odd-sized
 * chunks, which wav-decoder ignores), validates the format and locates the
 * sample data. Every way a file can be unusable becomes an error naming it.
 */
export function parseWavLayout(input: Uint8Array | ArrayBuffer, name: string): WavLayout {
  const bytes = toBytes('parseWavLayout', input);
  if (bytes.length < 12) throw new DataFormatError(name, `not a WAV file: ${bytes.length} bytes, too short for a RIFF header`);
  const riff = fourcc(bytes, 0);
  if (riff === 'RIFX' || riff === 'RF64') throw new DataFormatError(name, `unsupported WAV container ${printable(riff)}, expected "RIFF" (little-endian, < 4 GB)`);
  if (riff !== 'RIFF' || fourcc(bytes, 8) !== 'WAVE') {
    const other = otherAudioFormat(bytes);
    if (other) throw new DataFormatError(name, `not a WAV file: this is ${other}; convert it to WAV first (for example: ffmpeg -i ${JSON.stringify(name)} -ac 1 out.wav)`);
    throw new DataFormatError(name, `not a WAV file: starts with ${printable(riff)}…${printable(fourcc(bytes, 8))}, expected "RIFF"…"WAVE"`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let format: WavFormat | null = null;
  let pos = 12;
  while (pos + 8 <= bytes.length) {
    const id = fourcc(bytes, pos);
    const size = view.getUint32(pos + 4, true);
    const body = pos + 8;
    if (id === 'fmt ') {
      format = parseFmt(view, body, Math.min(size, bytes.length - body), name);
    } else if (id === 'data') {
      if (format === null) throw new DataFormatError(name, 'the "data" chunk comes before any "fmt " chunk, expected "fmt " first');
      const available = bytes.length - body;
      // Streaming recorders leave 0 or 0xFFFFFFFF when they cannot seek back to fix the size. A 0
      // followed by a whole chunk (the LIST metadata of an empty recording) is a real empty
      // "data" chunk, whose neighbour must not be decoded as samples.
      const placeholder = size === 0xffffffff || (size === 0 && available > 0 && !isWholeChunk(bytes, view, body));
      if (!placeholder && size > available) {
        throw new DataFormatError(name, `"data" chunk declares ${size} bytes but only ${available} remain (truncated file)`);
      }
      const length = placeholder ? available : size;
      return { format, dataOffset: body, dataLength: length - (length % format.blockAlign) };
    }
    pos = body + size;
    // An odd-sized chunk is followed by a zero pad byte, but some writers leave it out: then
    // the next chunk's id starts where the pad belongs, and skipping a byte would misread it
    // (and report the file as having no "data" chunk).
    if (size & 1 && !isChunkId(bytes, pos)) pos++;
  }
  if (format === null) throw new DataFormatError(name, 'no "fmt " chunk: expected a format description before the samples');
  throw new DataFormatError(name, 'no "data" chunk: the file holds no samples');
}

function parseFmt(view: DataView, at: number, size: number, name: string): WavFormat {
  if (size < 16) throw new DataFormatError(name, `"fmt " chunk is ${size} bytes, expected at least 16`);
  let tag = view.getUint16(at, true);
  const channels = view.getUint16(at + 2, true);
  const sampleRate = view.getUint32(at + 4, true);
  const blockAlign = view.getUint16(at + 12, true);
  const bitsPerSample = view.getUint16(at + 14, true);
  const extensible = tag === 0xfffe;
  if (extensible) {
    // WAVEFORMATEXTENSIBLE: cbSize, validBits, channelMask, then a GUID whose first two bytes are the real tag.
    if (size < 40) throw new DataFormatError(name, `WAVE_FORMAT_EXTENSIBLE "fmt " chunk is ${size} bytes, expected 40`);
    tag = view.getUint16(at + 24, true);
  }
  const label = `format tag 0x${tag.toString(16).padStart(4, '0')}${FORMAT_NAMES[tag] ? ` (${FORMAT_NAMES[tag]})` : ''}`;
  if (tag !== 1 && tag !== 3) throw new DataFormatError(name, `unsupported WAV encoding: ${extensible ? 'extensible sub' : ''}${label}; ${SUPPORTED}`);
  const encoding: WavEncoding = tag === 3 ? 'float' : 'pcm';
  const okBits = encoding === 'pcm' ? [8, 16, 24, 32] : [32, 64];
  if (!okBits.includes(bitsPerSample)) {
    throw new DataFormatError(name, `unsupported ${encoding === 'pcm' ? 'PCM' : 'float'} bit depth ${bitsPerSample}, expected ${okBits.join('/')}`);
  }
  if (channels < 1) throw new DataFormatError(name, `channel count is ${channels}, expected at least 1`);
  if (sampleRate < 1) throw new DataFormatError(name, `sample rate is ${sampleRate}, expected a positive number of Hz`);
  if (blockAlign !== channels * (bitsPerSample / 8)) {
    throw new DataFormatError(name, `block align is ${blockAlign}, expected channels × bytes per sample = ${channels * (bitsPerSample / 8)}`);
  }
  // The header's byte-rate field is rate × block align in 32 bits, so no real file can exceed this.
  const maxRate = Math.floor(0xffffffff / blockAlign);
  if (sampleRate > maxRate) {
    throw new DataFormatError(name, `sample rate is ${sampleRate} Hz, more than a WAV header can describe for ${blockAlign}-byte frames (at most ${maxRate} Hz): the header is corrupt`);
  }
  return { encoding, channels, sampleRate, bitsPerSample, blockAlign, extensible };
}

/**
 * A minimal canonical WAV (44-byte header + the data bytes) with a plain PCM
 * or float tag, which wav-decoder accepts even when the original was
 * WAVE_FORMAT_EXTENSIBLE or had chunks it cannot skip.
 */
export function canonicalWav(bytes: Uint8Array, layout: WavLayout): Buffer {
  const { format, dataOffset, dataLength } = layout;
  const out = Buffer.alloc(44 + dataLength);
  out.write('RIFF', 0, 'latin1');
  out.writeUInt32LE(36 + dataLength, 4);
  out.write('WAVE', 8, 'latin1');
  out.write('fmt ', 12, 'latin1');
  out.writeUInt32LE(16, 16);
  out.writeUInt16LE(format.encoding === 'float' ? 3 : 1, 20);
  out.writeUInt16LE(format.channels, 22);
  out.writeUInt32LE(format.sampleRate, 24);
  out.writeUInt32LE(format.sampleRate * format.blockAlign, 28);
  out.writeUInt16LE(format.blockAlign, 32);
  out.writeUInt16LE(format.bitsPerSample, 34);
  out.write('data', 36, 'latin1');
  out.writeUInt32LE(dataLength, 40);
  out.set(bytes.subarray(dataOffset, dataOffset + dataLength), 44);
  return out;
}
