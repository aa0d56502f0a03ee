import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { download, downloadDataset, downloadFiles } from '../src/download/index.js';
import { decodeImage, decodeWav, parseIdx, readAgNews, readImage, readImageFolder, readManifest, readNewsgroups, readTextFolder, readWav } from '../src/io/index.js';
import { buildWav, makeTmpDir, pcmBytes } from './fixtures/io/helpers.js';

let dir: string;
let cleanup: () => Promise<void>;
let wav: string;
beforeAll(async () => {
  ({ dir, cleanup } = await makeTmpDir('io-args'));
  wav = join(dir, 'a.wav');
  await writeFile(wav, buildWav({ formatTag: 1, channels: 1, sampleRate: 16000, bitsPerSample: 16, data: pcmBytes([1000, -1000], 16) }));
  await mkdir(join(dir, 'cls', 'a'), { recursive: true });
  await writeFile(join(dir, 'cls', 'a', 'x.txt'), 'hello');
});
afterAll(() => cleanup());

const bad = (v: unknown): never => v as never;

describe('readers: misspelt option keys are named before the file is read', () => {
  it('readWav, readImage, readImageFolder, readTextFolder, readManifest', async () => {
    await expect(readWav(wav, bad({ target_rate: 8000 }))).rejects.toThrow(/readWav: unknown option 'target_rate' \(did you mean 'targetRate'\?\)/);
    await expect(readImage(join(dir, 'none.png'), bad({ grayscale: true }))).rejects.toThrow(/readImage: unknown option 'grayscale'; known options: mode, dtype/);
    await expect(readImageFolder(join(dir, 'cls'), bad({ extension: ['.txt'] }))).rejects.toThrow(/readImageFolder: unknown option 'extension' \(did you mean 'extensions'\?\)/);
    await expect(readTextFolder(join(dir, 'cls'), bad({ extension: ['.txt'] }))).rejects.toThrow(/readTextFolder: unknown option 'extension' \(did you mean 'extensions'\?\)/);
    await expect(readManifest(join(dir, 'm.jsonl'), bad({ check_audio: false }))).rejects.toThrow(/readManifest: unknown option 'check_audio' \(did you mean 'checkAudio'\?\)/);
  });

  it('readWav: a NaN target rate is named as readWav’s argument', async () => {
    await expect(readWav(wav, { targetRate: NaN })).rejects.toThrow('readWav: targetRate must be a finite number > 0, got NaN');
  });
});

describe('decoders: bytes that are not a Buffer, Uint8Array or ArrayBuffer are named, not blamed on the file', () => {
  it('a path string, another typed array', async () => {
    expect(() => decodeWav(bad(wav), 'x.wav')).toThrow(`decodeWav: bytes must be a Buffer, Uint8Array or ArrayBuffer, got a string ("${wav}") (to read a file, use readWav(path))`);
    expect(() => parseIdx(bad(new Int16Array(8)), 'x.idx')).toThrow('parseIdx: bytes must be a Buffer, Uint8Array or ArrayBuffer, got an Int16Array');
    await expect(decodeImage(bad('photo.png'), 'x')).rejects.toThrow('decodeImage: bytes must be a Buffer, Uint8Array or ArrayBuffer, got a string ("photo.png") (to read a file, use readImage(path))');
  });
});

describe('download: options that skipped verification or retried forever', () => {
  const dest = () => join(dir, 'dl', 'x.bin');
  // Port 9 (discard) refuses connections: without the checks, retries NaN looped on ECONNREFUSED forever.
  const url = 'http://127.0.0.1:9/x';

  it('names a misspelt checksum key and refuses digests that can never match', async () => {
    await expect(download(bad({ url, dest: dest(), sha_256: 'ab' }))).rejects.toThrow(/download: unknown option 'sha_256' \(did you mean 'sha256'\?\)/);
    await expect(download({ url, dest: dest(), sha256: 'xyz' })).rejects.toThrow(`download: sha256 must be 64 hex digits, got "xyz"`);
    await expect(download({ url, dest: dest(), md5: 'a'.repeat(31) })).rejects.toThrow('download: md5 must be 32 hex digits');
  });

  it('refuses NaN or negative retries, a NaN timeout and a fractional size', async () => {
    await expect(download({ url, dest: dest(), retries: NaN })).rejects.toThrow('download: retries must be a non-negative integer, got NaN');
    await expect(download({ url, dest: dest(), retries: -1 })).rejects.toThrow('download: retries must be a non-negative integer, got -1');
    await expect(download({ url, dest: dest(), timeoutMs: NaN })).rejects.toThrow('download: timeoutMs must be a finite number > 0, got NaN');
    await expect(download({ url, dest: dest(), size: 1.5 })).rejects.toThrow('download: size must be a non-negative integer, got 1.5');
  });

  it('downloadFiles / downloadDataset: unknown option keys and dataset names', async () => {
    await expect(downloadFiles({}, dir, bad({ retry: 5 }))).rejects.toThrow(/downloadFiles: unknown option 'retry'/);
    await expect(downloadDataset(bad('mnistt'), dir)).rejects.toThrow(/downloadDataset: unknown dataset 'mnistt' \(did you mean 'mnist'\?\); known datasets: mnist,/);
  });
});

describe('dataset readers: misspelt keys and unknown splits', () => {
  it('readAgNews and readNewsgroups', async () => {
    await expect(readAgNews(join(dir, 'none.csv'), bad({ line_break: ' ' }))).rejects.toThrow(/readAgNews: unknown option 'line_break' \(did you mean 'lineBreak'\?\)/);
    await expect(readNewsgroups(dir, bad({ splitt: 'train' }))).rejects.toThrow(/readNewsgroups: unknown option 'splitt' \(did you mean 'split'\?\)/);
    await expect(readNewsgroups(dir, bad({ split: 'val' }))).rejects.toThrow(`readNewsgroups: split must be one of 'train', 'test', got "val"`);
  });
});
