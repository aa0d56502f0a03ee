import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  createFeatureConfig, decodeImage, decodeText, decodeWav, encodeBagBatch, encodeIdx, encodePng, encodeWav, FFT, hzToMel, imageInfo, iterateTarGz, melFilterbank, melToHz,
  parseIdx, parseWavLayout, readIdx, RealFFT, rfft,
} from '../src/index.js';

const bad = (v: unknown): never => v as never;

describe('melFilterbank: more mel bands than the FFT resolves', () => {
  it('refuses all-zero filters, naming nMels, nFft, the rate and how many are empty (torchaudio only warns)', () => {
    const message = 'melFilterbank: nMels 128 with nFft 64 at 8000 Hz: 66 of the 128 mel filters';
    expect(() => melFilterbank({ sampleRate: 8000, nFft: 64, nMels: 128 })).toThrow(message);
    // The feature config says the same thing, from the same check.
    expect(() => createFeatureConfig({ sampleRate: 8000, nFft: 64, winLength: 64, nMels: 128 })).toThrow('nMels 128 with nFft 64 at 8000 Hz: 66 of the 128');
    expect(melFilterbank({ sampleRate: 8000, nFft: 256, nMels: 40 }).nMels).toBe(40);
  });
});

describe('encodeBagBatch: ids that are not embedding rows', () => {
  it('refuses fractional, negative, NaN and out-of-int32 ids, naming the document and the id', () => {
    expect(() => encodeBagBatch([[1, 2], [3, 2.5]])).toThrow('encodeBagBatch: document 1 has id 2.5 at position 1; ids must be integers in [0, 2147483647]');
    expect(() => encodeBagBatch([Int32Array.of(4, -1)])).toThrow('encodeBagBatch: document 0 has id -1 at position 1');
    expect(() => encodeBagBatch([[NaN]])).toThrow('encodeBagBatch: document 0 has id NaN at position 0');
    expect(() => encodeBagBatch([[2 ** 31]])).toThrow('encodeBagBatch: document 0 has id 2147483648 at position 0');
    expect(() => encodeBagBatch([bad(['3'])])).toThrow('encodeBagBatch: document 0 has id "3" at position 0');
    expect(() => encodeBagBatch([bad(7)])).toThrow('encodeBagBatch: document 0 must be an array of ids, got a number (7)');
    expect(() => encodeBagBatch(bad('abc'))).toThrow('encodeBagBatch: documents must be an array of id arrays, got a string ("abc")');
    expect(Array.from(encodeBagBatch([Uint16Array.of(0, 65535), [2 ** 31 - 1]]).ids)).toEqual([0, 65535, 2 ** 31 - 1]);
  });
});

describe('FFT and mel-scale functions: input that gave NaN', () => {
  it('rfft, RealFFT.forward and FFT.transform refuse a string or other non-numeric container', () => {
    expect(() => rfft(bad('abcd'))).toThrow('rfft: input must be a numeric array (Float32Array, Float64Array or an array of numbers), got a string ("abcd")');
    expect(() => rfft(bad(['a', 'b', 'c', 'd']))).toThrow('rfft: input must be a numeric array (Float32Array, Float64Array or an array of numbers), got an array starting with "a"');
    expect(() => rfft(bad(new BigInt64Array(4)))).toThrow('rfft: input must be a numeric array');
    const plan = new RealFFT(4);
    const out = (): Float64Array => new Float64Array(3);
    expect(() => plan.forward(bad('abcd'), out(), out())).toThrow('RealFFT: input must be a numeric array');
    expect(() => plan.forward([1, 2, 3], out(), out())).toThrow('RealFFT: input has 3 values, need 4 from offset 0');
    expect(() => plan.forward([1, 2, 3, 4], out(), out(), 1)).toThrow('RealFFT: input has 4 values, need 4 from offset 1');
    expect(() => plan.forward([1, 2, 3, 4], new Float64Array(2), out())).toThrow('RealFFT: outRe and outIm need 3 values (size/2 + 1), got 2 and 3');
    expect(() => plan.forward([1, 2, 3, 4], bad([0, 0, 0]), out())).toThrow('RealFFT: outRe must be a Float64Array or Float32Array, got an array');
    expect(() => new FFT(4).transform(bad('abcd'), new Float64Array(4))).toThrow('FFT: re must be a Float64Array or Float32Array, got a string ("abcd")');
    expect(Array.from(rfft([1, 1, 1, 1]).re)).toEqual([4, 0, 0]);
    expect(Array.from(rfft(Int16Array.of(1, 1, 1, 1)).re)).toEqual([4, 0, 0]);
  });

  it('hzToMel / melToHz refuse NaN, Infinity and negative input', () => {
    expect(() => hzToMel(NaN)).toThrow('hzToMel: hz must be a finite number ≥ 0, got NaN');
    expect(() => hzToMel(-100, 'slaney')).toThrow('hzToMel: hz must be a finite number ≥ 0, got -100');
    expect(() => melToHz(NaN)).toThrow('melToHz: mel must be a finite number ≥ 0, got NaN');
    expect(() => melToHz(Infinity, 'slaney')).toThrow('melToHz: mel must be a finite number ≥ 0, got Infinity');
    expect(() => melToHz(bad('1000'))).toThrow('melToHz: mel must be a finite number ≥ 0, got "1000"');
    expect(melToHz(hzToMel(0))).toBe(0);
  });
});

describe('decoders take an ArrayBuffer or any Uint8Array view, as nn’s decodeSafetensors does', () => {
  /** `bytes` copied into the middle of a bigger buffer: a view with a non-zero byteOffset. */
  const inMiddle = (bytes: Uint8Array): Uint8Array => {
    const big = new Uint8Array(bytes.length + 16).fill(0xee);
    big.set(bytes, 7);
    return big.subarray(7, 7 + bytes.length);
  };
  const arrayBuffer = (bytes: Uint8Array): ArrayBuffer => inMiddle(bytes).slice().buffer;

  it('decodeWav, parseWavLayout, parseIdx, decodeText, decodeImage, imageInfo', async () => {
    const wav = encodeWav(Float32Array.of(0, 0.5, -0.5, 0.25), 8000);
    const expected = Array.from(decodeWav(wav, 'a.wav').samples);
    expect(Array.from(decodeWav(arrayBuffer(wav), 'a.wav').samples)).toEqual(expected);
    expect(Array.from(decodeWav(inMiddle(wav), 'a.wav').samples)).toEqual(expected);
    expect(parseWavLayout(arrayBuffer(wav), 'a.wav').dataLength).toBe(8);
    const idx = encodeIdx('int16', [2, 2], [1, -2, 300, 4]);
    for (const input of [arrayBuffer(idx), inMiddle(idx), arrayBuffer(gzipSync(idx))]) {
      expect(Array.from(parseIdx(input, 'x.idx').data)).toEqual([1, -2, 300, 4]);
    }
    expect(decodeText(arrayBuffer(Buffer.from('caf\xe9', 'latin1')))).toEqual({ text: 'café', encoding: 'latin1' });
    const png = await encodePng(new Uint8Array([0, 255, 255, 0]), 2, 2);
    expect((await decodeImage(arrayBuffer(png), 'x.png', { dtype: 'uint8' })).data).toEqual(Uint8Array.of(0, 255, 255, 0));
    expect((await imageInfo(arrayBuffer(png))).width).toBe(2);
  });

  it('other types are still refused, naming the function and what it got', () => {
    expect(() => decodeText(bad('café'))).toThrow('decodeText: bytes must be a Buffer, Uint8Array or ArrayBuffer, got a string ("café")');
    expect(() => parseWavLayout(bad([82, 73, 70, 70]), 'a.wav')).toThrow('parseWavLayout: bytes must be a Buffer, Uint8Array or ArrayBuffer, got an array');
  });
});

describe('parseIdx: the result does not alias the caller’s bytes', () => {
  it('writing to uint8 data leaves the input untouched (Buffer.slice was a view, not the copy meant)', () => {
    const bytes = encodeIdx('uint8', [3], [1, 2, 3]);
    const { data } = parseIdx(bytes, 'x.idx');
    (data as Uint8Array)[0] = 99;
    expect(Array.from(bytes.subarray(bytes.length - 3))).toEqual([1, 2, 3]);
  });
});

describe('gzip readers: trailing data after a complete gzip stream', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gz-trailing-'));
  const put = (name: string, bytes: Uint8Array): string => {
    const path = join(dir, name);
    writeFileSync(path, bytes);
    return path;
  };
  const idx = encodeIdx('uint8', [2, 3], [1, 2, 3, 4, 5, 6]);
  const garbage = Buffer.from('<html>not found</html>');

  it('parseIdx and readIdx name the byte where the gzip data ends (zlib said only "incorrect header check")', async () => {
    const gz = gzipSync(idx);
    const bytes = Buffer.concat([gz, garbage]);
    const message = `x.idx.gz: trailing data after the gzip stream at byte ${gz.length} (${garbage.length} of the file's ${bytes.length} bytes`;
    expect(() => parseIdx(bytes, 'x.idx.gz')).toThrow(message);
    const path = put('x.idx.gz', bytes);
    await expect(readIdx(path)).rejects.toThrow(`${path}: trailing data after the gzip stream at byte ${gz.length} (`);
  });

  it('finds the end after several members, a header with a file name, and a large member read in chunks', async () => {
    let seed = 1;
    const noise = Array.from({ length: 300_000 }, () => { // xorshift32: incompressible, so read in many chunks
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return seed & 255;
    });
    const large = encodeIdx('uint8', [300_000], noise);
    const named = gzipSync(large.subarray(0, 5));
    named[3] |= 0x08; // FNAME: insert a zero-terminated name after the 10-byte header
    const withName = Buffer.concat([named.subarray(0, 10), Buffer.from('x.idx\0'), named.subarray(10)]);
    const members = Buffer.concat([withName, gzipSync(large.subarray(5, 20)), gzipSync(large.subarray(20))]);
    const bytes = Buffer.concat([members, garbage]);
    expect(members.length).toBeGreaterThan(200_000);
    expect(() => parseIdx(bytes, 'm.gz')).toThrow(`m.gz: trailing data after the gzip stream at byte ${members.length} (`);
    const path = put('m.gz', bytes);
    await expect(readIdx(path)).rejects.toThrow(`trailing data after the gzip stream at byte ${members.length} (`);
  });

  it('iterateTarGz says the same for a .tar.gz', async () => {
    const gz = gzipSync(Buffer.alloc(1024)); // two zero blocks: an empty tar
    const path = put('a.tar.gz', Buffer.concat([gz, garbage]));
    await expect((async () => {
      for await (const f of iterateTarGz(path)) void f;
    })()).rejects.toThrow(`${path}: trailing data after the gzip stream at byte ${gz.length} (`);
  });

  it('zero padding after the stream is still accepted, and a corrupt first member is not called trailing data', async () => {
    expect(Array.from(parseIdx(Buffer.concat([gzipSync(idx), Buffer.alloc(16)]), 'p.gz').data)).toEqual([1, 2, 3, 4, 5, 6]);
    const corrupt = gzipSync(idx);
    corrupt[12] ^= 0xff;
    expect(() => parseIdx(corrupt, 'c.gz')).toThrow(/c\.gz: corrupt gzip data/);
  });
});

describe('decodeWav: a data chunk that is not a whole number of frames', () => {
  it('drops the incomplete last frame (an odd byte count at 16 bits), as soundfile and scipy do (documented)', () => {
    const wav = encodeWav(Float32Array.of(0.5, -0.5, 0.25), 8000);
    const odd = Buffer.from(wav.subarray(0, wav.length - 1));
    odd.writeUInt32LE(odd.length - 8, 4);
    odd.writeUInt32LE(5, 40);
    expect(Array.from(decodeWav(odd, 'odd.wav').samples)).toEqual(Array.from(decodeWav(wav, 'a.wav').samples.subarray(0, 2)));
  });
});
