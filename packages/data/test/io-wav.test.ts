import { lstatSync, mkdirSync, readdirSync, symlinkSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeWav, encodeWav, readWav, resample, writeWav } from '../src/io/index.js';
import { buildWav, floatBytes, makeTmpDir, pcmBytes, rms, sine, toneAmplitude } from './fixtures/io/helpers.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => ({ dir, cleanup } = await makeTmpDir('wav')));
afterAll(() => cleanup());

const PCM = 1;
const FLOAT = 3;

describe('decodeWav: encodings', () => {
  const cases: [8 | 16 | 24 | 32, number[], number[]][] = [
    [8, [-128, -64, 0, 127], [-1, -0.5, 0, 127 / 128]],
    [16, [-32768, -16384, 0, 1, 32767], [-1, -0.5, 0, 1 / 32768, 32767 / 32768]],
    [24, [-8388608, -4194304, 0, 8388607], [-1, -0.5, 0, 8388607 / 8388608]],
    [32, [-2147483648, -1073741824, 0, 2147483647], [-1, -0.5, 0, 2147483647 / 2147483648]],
  ];
  for (const [bits, codes, expected] of cases) {
    it(`PCM ${bits}-bit maps code c to c / 2^${bits - 1}`, () => {
      const wav = buildWav({ formatTag: PCM, channels: 1, sampleRate: 8000, bitsPerSample: bits, data: pcmBytes(codes, bits) });
      const a = decodeWav(wav, `pcm${bits}.wav`);
      expect(a.sampleRate).toBe(8000);
      expect(a.channels).toBe(1);
      expect(a.format.encoding).toBe('pcm');
      expect(Array.from(a.samples)).toEqual(expected.map((v) => Math.fround(v)));
      expect(a.duration).toBeCloseTo(codes.length / 8000, 12);
    });
  }

  it('IEEE float 32 and 64 bit', () => {
    const values = [-1, -0.25, 0, 0.75];
    for (const bits of [32, 64] as const) {
      const a = decodeWav(buildWav({ formatTag: FLOAT, channels: 1, sampleRate: 16000, bitsPerSample: bits, data: floatBytes(values, bits) }), 'f.wav');
      expect(a.format.encoding).toBe('float');
      expect(Array.from(a.samples)).toEqual(values);
    }
  });

  it('rejects float samples that are NaN or infinite, naming where', () => {
    const nan = buildWav({ formatTag: FLOAT, channels: 1, sampleRate: 8000, bitsPerSample: 32, data: floatBytes([0, 0.5, NaN, 0.1], 32) });
    expect(() => decodeWav(nan, 'nan.wav')).toThrow('nan.wav: sample 2 is NaN; float WAV samples must be finite numbers');
    const inf = buildWav({ formatTag: FLOAT, channels: 2, sampleRate: 8000, bitsPerSample: 64, data: floatBytes([0, 0, 0.2, -Infinity], 64) });
    expect(() => decodeWav(inf, 'inf.wav')).toThrow('inf.wav: frame 1, channel 2 is -Infinity; float WAV samples must be finite numbers');
    // Loud but finite float audio (beyond ±1) is valid and kept as it is.
    expect(Array.from(decodeWav(buildWav({ formatTag: FLOAT, channels: 1, sampleRate: 8000, bitsPerSample: 32, data: floatBytes([2, -3], 32) }), 'loud.wav').samples)).toEqual([2, -3]);
  });

  it('averages stereo (and more channels) to mono', () => {
    // Interleaved L/R: (16384, -16384) → 0, (32767, 32767) → 32767/32768, (-32768, 0) → -0.5
    const stereo = buildWav({ formatTag: PCM, channels: 2, sampleRate: 22050, bitsPerSample: 16, data: pcmBytes([16384, -16384, 32767, 32767, -32768, 0], 16) });
    const a = decodeWav(stereo, 'stereo.wav');
    expect(a.channels).toBe(2);
    expect(Array.from(a.samples)).toEqual([0, Math.fround(32767 / 32768), -0.5]);
    const three = buildWav({ formatTag: FLOAT, channels: 3, sampleRate: 8000, bitsPerSample: 32, data: floatBytes([0.3, 0.6, 0.9], 32) });
    expect(decodeWav(three, '3ch.wav').samples[0]).toBeCloseTo(0.6, 6);
  });

  it('says how much the mono mix lost: nothing for identical channels, −6 dB for one silent channel, −Infinity when they cancel', () => {
    const stereo = (pairs: number[]) => decodeWav(buildWav({ formatTag: FLOAT, channels: 2, sampleRate: 8000, bitsPerSample: 32, data: floatBytes(pairs, 32) }), 's.wav');
    expect(stereo([0.5, 0.5, -0.25, -0.25]).mixdownDb).toBeCloseTo(0, 9);
    expect(stereo([0.5, 0, -0.25, 0]).mixdownDb).toBeCloseTo(20 * Math.log10(0.5), 6);
    expect(stereo([0.5, -0.5, -0.25, 0.25]).mixdownDb).toBe(-Infinity);
    expect(stereo([0, 0, 0, 0]).mixdownDb).toBe(0);
    const mono = decodeWav(buildWav({ formatTag: FLOAT, channels: 1, sampleRate: 8000, bitsPerSample: 32, data: floatBytes([0.5], 32) }), 'm.wav');
    expect(mono.mixdownDb).toBeUndefined();
  });

  it('decodes WAVE_FORMAT_EXTENSIBLE (PCM 24-bit stereo, float) by patching the tag', () => {
    const ext = buildWav({ formatTag: PCM, channels: 2, sampleRate: 48000, bitsPerSample: 24, extensible: true, data: pcmBytes([4194304, 4194304, -8388608, 0], 24) });
    const a = decodeWav(ext, 'sox24.wav');
    expect(a.format.extensible).toBe(true);
    expect(Array.from(a.samples)).toEqual([0.5, -0.5]);
    const extFloat = buildWav({ formatTag: FLOAT, channels: 1, sampleRate: 8000, bitsPerSample: 32, extensible: true, data: floatBytes([0.125], 32) });
    expect(Array.from(decodeWav(extFloat, 'xf.wav').samples)).toEqual([0.125]);
  });

  it('skips other chunks, including odd-sized ones with their pad byte', () => {
    const wav = buildWav({
      formatTag: PCM,
      channels: 1,
      sampleRate: 8000,
      bitsPerSample: 16,
      extraChunks: [{ id: 'LIST', body: Buffer.from('INFOabc') }, { id: 'fact', body: Buffer.alloc(4) }],
      data: pcmBytes([1000, -1000], 16),
    });
    expect(Array.from(decodeWav(wav, 'odd.wav').samples)).toEqual([1000 / 32768, -1000 / 32768].map(Math.fround));
  });

  it('finds the next chunk when a writer left out the pad byte after an odd-sized chunk', () => {
    const padded = buildWav({
      formatTag: PCM, channels: 1, sampleRate: 8000, bitsPerSample: 16,
      extraChunks: [{ id: 'LIST', body: Buffer.from('INFOabc') }], data: pcmBytes([1000, -1000], 16),
    });
    // RIFF header (12) + "fmt " chunk (8 + 16) + "LIST" header (8) + its 7-byte body: the pad byte.
    const padAt = 12 + 24 + 8 + 7;
    expect(padded[padAt]).toBe(0);
    const unpadded = Buffer.concat([padded.subarray(0, padAt), padded.subarray(padAt + 1)]);
    expect(Array.from(decodeWav(unpadded, 'nopad.wav').samples)).toEqual([1000 / 32768, -1000 / 32768].map(Math.fround));
  });

  it('accepts a streaming placeholder size and a trailing partial frame', () => {
    // Two stereo frames plus half a frame; the size field holds the "unknown" placeholder.
    const wav = buildWav({ formatTag: PCM, channels: 2, sampleRate: 8000, bitsPerSample: 16, data: pcmBytes([100, 100, 200, 200, 300], 16), declaredDataSize: 0xffffffff });
    expect(Array.from(decodeWav(wav, 'stream.wav').samples)).toEqual([100 / 32768, 200 / 32768].map(Math.fround));
  });
});

describe('decodeWav: an empty "data" chunk', () => {
  it('reads an empty recording followed by a LIST chunk as no samples, not the metadata as audio', () => {
    const empty = buildWav({ formatTag: PCM, channels: 1, sampleRate: 16000, bitsPerSample: 16, data: Buffer.alloc(0) });
    const info = Buffer.from('INFOISFT\x0e\x00\x00\x00Lavf58.76.100\x00', 'latin1');
    const list = Buffer.alloc(8);
    list.write('LIST', 0, 'latin1');
    list.writeUInt32LE(info.length, 4);
    // The 26 bytes of this chunk used to come back as 17 samples.
    expect(decodeWav(Buffer.concat([empty, list, info]), 'empty.wav').samples.length).toBe(0);
    // A streaming writer's 0 placeholder, followed by the samples themselves, still reads them.
    const stream = buildWav({ formatTag: PCM, channels: 1, sampleRate: 8000, bitsPerSample: 16, data: pcmBytes([300, -300], 16), declaredDataSize: 0 });
    expect(Array.from(decodeWav(stream, 'stream0.wav').samples)).toEqual([300 / 32768, -300 / 32768].map(Math.fround));
  });
});

describe('decodeWav: errors name the file', () => {
  const ok = { formatTag: PCM, channels: 1, sampleRate: 8000, bitsPerSample: 16 as const, data: pcmBytes([0, 1], 16) };

  it('rejects non-WAV bytes and empty files', async () => {
    expect(() => decodeWav(Buffer.from('ID3\x03 this is an mp3 really'), 'song.wav')).toThrow('song.wav: not a WAV file: this is an MP3 file; convert it to WAV first');
    expect(() => decodeWav(Buffer.alloc(0), 'empty.wav')).toThrow('empty.wav: not a WAV file: 0 bytes, too short for a RIFF header');
    const path = join(dir, 'text.wav');
    await writeFile(path, 'hello world, definitely not audio');
    await expect(readWav(path)).rejects.toThrow(new RegExp(`${path}: not a WAV file`));
  });

  it('rejects unsupported encodings with the format tag and what is supported', () => {
    const alaw = buildWav({ ...ok, formatTag: 6, bitsPerSample: 8, data: Buffer.from([1, 2]) });
    expect(() => decodeWav(alaw, 'alaw.wav')).toThrow(/alaw\.wav: unsupported WAV encoding: format tag 0x0006 \(A-law\); supported: PCM/);
    const adpcmExt = buildWav({ ...ok, formatTag: 2, extensible: true });
    expect(() => decodeWav(adpcmExt, 'x.wav')).toThrow(/x\.wav: unsupported WAV encoding: extensible subformat tag 0x0002 \(Microsoft ADPCM\)/);
    const pcm12 = buildWav({ ...ok, bitsPerSample: 12 as 16 });
    expect(() => decodeWav(pcm12, 'twelve.wav')).toThrow(/twelve\.wav: unsupported PCM bit depth 12, expected 8\/16\/24\/32/);
    const float16 = buildWav({ ...ok, formatTag: FLOAT });
    expect(() => decodeWav(float16, 'half.wav')).toThrow(/half\.wav: unsupported float bit depth 16, expected 32\/64/);
  });

  it('names other audio formats handed to it, and how to convert them', () => {
    const pad = (head: number[]) => Buffer.concat([Buffer.from(head), Buffer.alloc(64)]);
    const cases: [string, Buffer, string][] = [
      ['a.mp3', pad([0x49, 0x44, 0x33, 3, 0]), 'an MP3 file'],
      ['b.mp3', pad([0xff, 0xfb, 0x90, 0x64]), 'an MP3 file'],
      ['g.aac', pad([0xff, 0xf1, 0x50, 0x80]), 'an AAC (ADTS) file'],
      ['c.flac', Buffer.concat([Buffer.from('fLaC'), Buffer.alloc(64)]), 'a FLAC file'],
      ['d.ogg', Buffer.concat([Buffer.from('OggS'), Buffer.alloc(64)]), 'an Ogg file (Vorbis or Opus)'],
      ['e.m4a', Buffer.concat([Buffer.from([0, 0, 0, 32]), Buffer.from('ftypM4A '), Buffer.alloc(64)]), 'an MP4/M4A file'],
      ['f.aiff', Buffer.concat([Buffer.from('FORM'), Buffer.alloc(4), Buffer.from('AIFF'), Buffer.alloc(64)]), 'an AIFF file'],
    ];
    for (const [file, bytes, what] of cases) {
      expect(() => decodeWav(bytes, file), file).toThrow(`${file}: not a WAV file: this is ${what}; convert it to WAV first (for example: ffmpeg -i "${file}" -ac 1 out.wav)`);
    }
    // Anything else keeps the plain description of what was found.
    expect(() => decodeWav(Buffer.concat([Buffer.from('JUNKJUNKJUNK'), Buffer.alloc(64)]), 'x.wav')).toThrow('x.wav: not a WAV file: starts with "JUNK"…"JUNK", expected "RIFF"…"WAVE"');
  });

  it('rejects structural problems', () => {
    const truncated = buildWav(ok).subarray(0, 46);
    expect(() => decodeWav(truncated, 'cut.wav')).toThrow('cut.wav: "data" chunk declares 4 bytes but only 2 remain (truncated file)');
    const noData = buildWav(ok).subarray(0, 36);
    expect(() => decodeWav(noData, 'nodata.wav')).toThrow('nodata.wav: no "data" chunk: the file holds no samples');
    const badAlign = buildWav(ok);
    badAlign.writeUInt16LE(4, 32);
    expect(() => decodeWav(badAlign, 'align.wav')).toThrow('align.wav: block align is 4, expected channels × bytes per sample = 2');
    const noChannels = buildWav(ok);
    noChannels.writeUInt16LE(0, 22);
    expect(() => decodeWav(noChannels, 'zero.wav')).toThrow(/zero\.wav: (channel count is 0|block align)/);
    const hugeRate = buildWav(ok);
    hugeRate.writeUInt32LE(4_000_000_000, 24);
    expect(() => decodeWav(hugeRate, 'rate.wav')).toThrow('rate.wav: sample rate is 4000000000 Hz, more than a WAV header can describe for 2-byte frames (at most 2147483647 Hz): the header is corrupt');
    const maxRate = buildWav(ok);
    maxRate.writeUInt32LE(2_147_483_647, 24);
    expect(decodeWav(maxRate, 'max.wav').sampleRate).toBe(2_147_483_647);
  });

  it('refuses to resample a corrupt, tiny sample rate into gigabytes instead of allocating them', () => {
    // 200 KB of 16-bit samples whose rate field says 1 Hz: to 16 kHz that would be 1.6e9 samples (6.4 GB).
    const lowRate = buildWav({ formatTag: PCM, channels: 1, sampleRate: 1, bitsPerSample: 16, data: Buffer.alloc(200_000, 1) });
    expect(() => decodeWav(lowRate, 'low.wav', { targetRate: 16000 })).toThrow(
      "low.wav: sample rate is 1 Hz: resampling to 16000 Hz would turn 100000 samples into 1600000000 (more than ×32); the header's sample rate is probably corrupt",
    );
    expect(decodeWav(lowRate, 'low.wav').samples.length).toBe(100_000);
    const fewFrames = buildWav({ formatTag: PCM, channels: 1, sampleRate: 100, bitsPerSample: 16, data: Buffer.alloc(20) });
    expect(decodeWav(fewFrames, 'few.wav', { targetRate: 16000 }).samples.length).toBe(1600);
  });
});

describe('writeWav / encodeWav', () => {
  it('round-trips 16-bit PCM to within one LSB and clips', async () => {
    const x = sine(440, 8000, 0.05, 0.8);
    const path = join(dir, 'round.wav');
    await writeWav(path, x, 8000);
    const back = await readWav(path);
    expect(back.sampleRate).toBe(8000);
    expect(back.samples.length).toBe(x.length);
    let maxErr = 0;
    for (let i = 0; i < x.length; i++) maxErr = Math.max(maxErr, Math.abs(back.samples[i] - x[i]));
    expect(maxErr).toBeLessThanOrEqual(0.5 / 32768 + 1e-9);
    expect(Array.from(decodeWav(encodeWav([2, -2, 0.5], 100), 'clip').samples)).toEqual([32767 / 32768, -1, 0.5].map(Math.fround));
    expect(() => encodeWav([0], 0)).toThrow(/sample rate must be a positive integer/);
    expect(() => encodeWav([0, 0.5, NaN], 8000)).toThrow('encodeWav: sample 2 is NaN; samples must be finite numbers');
    expect(() => encodeWav(Float32Array.from([-Infinity]), 8000)).toThrow('encodeWav: sample 0 is -Infinity; samples must be finite numbers');
  });

  it('writes atomically: a failed write names the file and leaves neither a temporary file nor a changed target', async () => {
    const sub = join(dir, 'atomic');
    mkdirSync(join(sub, 'taken.wav'), { recursive: true }); // a folder where the file should go
    await expect(writeWav(join(sub, 'taken.wav'), [0, 0.5], 8000)).rejects.toThrow(`writeWav: cannot write ${join(sub, 'taken.wav')}`);
    expect(readdirSync(sub)).toEqual(['taken.wav']);
    const kept = join(sub, 'kept.wav');
    await writeWav(kept, [0.25], 8000);
    await expect(writeWav(kept, [0, NaN], 8000)).rejects.toThrow('sample 1 is NaN');
    expect(Array.from((await readWav(kept)).samples)).toEqual([0.25]);
    expect(readdirSync(sub).sort()).toEqual(['kept.wav', 'taken.wav']);
  });

  it('refuses a name too long for the temporary file beside it, naming the file and saying why', async () => {
    const sub = join(dir, 'long-names');
    mkdirSync(sub);
    const long = join(sub, `${'w'.repeat(248)}.wav`); // 252 bytes: a legal name, but not with a temp suffix
    await expect(writeWav(long, [0.5], 8000)).rejects.toThrow(
      `writeWav: cannot write ${long} (the file name is 252 bytes: too long for the temporary file an atomic write needs beside it; use at most 244)`,
    );
    expect(readdirSync(sub)).toEqual([]);
    const longest = join(sub, `${'w'.repeat(240)}.wav`); // 244 bytes
    await writeWav(longest, [0.5], 8000);
    expect(Array.from((await readWav(longest)).samples)).toEqual([0.5]);
    expect(readdirSync(sub)).toHaveLength(1);
  });

  it('writes through a symlink to its target instead of replacing the link', async () => {
    const sub = join(dir, 'linked');
    mkdirSync(join(sub, 'real'), { recursive: true });
    await writeWav(join(sub, 'real', 'tone.wav'), [0.25], 8000);
    symlinkSync(join('real', 'tone.wav'), join(sub, 'tone.wav'));
    await writeWav(join(sub, 'tone.wav'), [0.5], 8000);
    expect(lstatSync(join(sub, 'tone.wav')).isSymbolicLink()).toBe(true);
    expect(Array.from((await readWav(join(sub, 'real', 'tone.wav'))).samples)).toEqual([0.5]);
    expect(readdirSync(join(sub, 'real'))).toEqual(['tone.wav']);
  });
});

describe('resample', () => {
  it('keeps a sine tone\'s frequency and amplitude when downsampling 48 kHz → 16 kHz', () => {
    const y = resample(sine(1000, 48000, 0.5, 0.5), 48000, 16000);
    expect(y.length).toBe(8000);
    expect(toneAmplitude(y, 1000, 16000)).toBeCloseTo(0.5, 2);
    expect(toneAmplitude(y, 1010, 16000)).toBeLessThan(0.05); // energy really is at 1 kHz
  });

  it('keeps frequency and amplitude when upsampling 8 kHz → 22.05 kHz (non-integer ratio)', () => {
    const y = resample(sine(440, 8000, 0.5, 0.7), 8000, 22050);
    expect(y.length).toBe(11025);
    expect(toneAmplitude(y, 440, 22050)).toBeCloseTo(0.7, 2);
    // Sample-exact check in the middle: the interpolated signal matches the analytic sine.
    for (const n of [3000, 5555, 8000]) expect(y[n]).toBeCloseTo(0.7 * Math.sin((2 * Math.PI * 440 * n) / 22050), 2);
  });

  it('removes content above the new Nyquist frequency instead of aliasing it', () => {
    // 6 kHz at 16 kHz would alias to 2 kHz at 8 kHz without the low-pass.
    const y = resample(sine(6000, 16000, 0.5, 0.5), 16000, 8000);
    expect(rms(y, 400, y.length - 400)).toBeLessThan(0.005);
    expect(toneAmplitude(y, 2000, 8000)).toBeLessThan(0.005);
  });

  it('applies through readWav({ targetRate }) and validates rates', () => {
    const wav = encodeWav(sine(300, 8000, 0.25, 0.5), 8000);
    const a = decodeWav(wav, 'up.wav', { targetRate: 16000 });
    expect(a.sampleRate).toBe(16000);
    expect(a.samples.length).toBe(4000);
    expect(a.duration).toBeCloseTo(0.25, 6);
    expect(toneAmplitude(a.samples, 300, 16000)).toBeCloseTo(0.5, 2);
    expect(() => resample(new Float32Array(4), 0, 8000)).toThrow(/rates must be positive/);
    const same = new Float32Array([1, 2]);
    expect(resample(same, 8000, 8000)).not.toBe(same);
  });

  it('refuses kernel options that would give NaN or silence', () => {
    const x = new Float32Array([1, 2, 3]);
    // zeroCrossings 0 made every other output sample NaN; rolloff 0 made all of them 0.
    expect(() => resample(x, 8000, 16000, { zeroCrossings: 0 })).toThrow('resample: zeroCrossings must be a positive integer, got 0');
    expect(() => resample(x, 8000, 16000, { zeroCrossings: 2.5 })).toThrow('resample: zeroCrossings must be a positive integer, got 2.5');
    expect(() => resample(x, 8000, 16000, { rolloff: 0 })).toThrow('resample: rolloff must be in (0, 1], got 0');
    expect(() => resample(x, 16000, 8000, { rolloff: 1.5 })).toThrow('resample: rolloff must be in (0, 1], got 1.5');
    expect(() => resample(x, 16000, 8000, { kaiserBeta: NaN })).toThrow('resample: kaiserBeta must be a finite number ≥ 0, got NaN');
    expect(resample(x, 8000, 16000, { zeroCrossings: 4, rolloff: 1, kaiserBeta: 0 }).every(Number.isFinite)).toBe(true);
  });
});
